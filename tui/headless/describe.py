"""`batchtop describe ARN`: everything the service says about one job, as JSON or a table."""

from __future__ import annotations

import argparse
import sys

from ..aws import AwsPool
from ..config import Settings
from ..errors import classify
from ..output import describe_table, inert_json
from .common import EXIT_OK, NotVisible, describe_with_first, failure_exit, say, sources_for_arn


async def run(args: argparse.Namespace, settings: Settings) -> int:
    """0 with the fields on stdout; else one sentence and the exit status of its kind."""
    async with AwsPool() as pool:
        sources = sources_for_arn(pool, args.arn, settings)
        try:
            _source, detail = await describe_with_first(sources, args.arn.strip())
        except NotVisible as failure:
            say(failure.problem.message)
            return failure_exit(failure.problem, failure.cause)
        except Exception as exc:
            problem = classify(exc, sources[0].key.profile)
            say(problem.message)
            return failure_exit(problem, exc)
    for note in detail.job.notes:
        say(f"note: {note}")
    if args.format == "json":
        sys.stdout.write(inert_json(detail.fields, indent=2) + "\n")
    else:
        sys.stdout.write(describe_table(detail.fields))
    sys.stdout.flush()
    return EXIT_OK
