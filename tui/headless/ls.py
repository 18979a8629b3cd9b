"""`batchtop ls`: jobs of every configured source, newest first, streamed as pages arrive."""

from __future__ import annotations

import argparse
import sys

from ..aws import AwsPool
from ..config import Settings
from ..errors import classify
from ..models import Filters
from ..output import LsRows
from ..sanitize import clean
from ..sources.filtering import is_known_status, valid_statuses
from .cached import list_cached
from .common import EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError, build_sources, first_profile, permanent_exit, say
from .merge import merge


async def run(args: argparse.Namespace, settings: Settings) -> int:
    """0 when every source listed fully; 1 when one failed (the others still print); 2 usage.

    The document is complete even after a failure (a JSON array is closed).
    """
    status = (args.status or "").strip()
    if status and not is_known_status(status):
        raise UsageError(f"unknown status {clean(status, 60)!r}; valid: {', '.join(valid_statuses())}")
    limit = args.limit
    if limit is not None and limit < 0:
        raise UsageError("--limit must be 0 or more")
    rows = LsRows(args.format, sys.stdout, settings.timezone, several_profiles=len(settings.profiles) > 1)
    rows.begin()
    result = EXIT_OK
    if args.cached:
        result = list_cached(settings, Filters(name=args.name or "", status=status), limit, rows.write, rows.accounts_known)
    elif limit != 0:
        try:
            async with AwsPool() as pool:
                sources = build_sources(pool, settings)
                filters = Filters(name=args.name or "", status=status)
                if await merge(sources, filters, limit, rows.write, sys.stdout.flush, rows.accounts_known):
                    result = EXIT_FAILED
        except BrokenPipeError:  # the reader went away (`| head`): not a failure of AWS
            raise
        except Exception as exc:  # building the sources failed (e.g. AWS_PROFILE names no profile)
            problem = classify(exc, first_profile(settings))
            say(problem.message)
            result = EXIT_USAGE if permanent_exit(problem, exc) == EXIT_USAGE else EXIT_FAILED
    rows.end()
    sys.stdout.flush()
    return result
