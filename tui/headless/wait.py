"""`batchtop wait ARN`: poll one job until it is terminal; the exit status says how it ended.

Transient failures (throttling, network, server errors, unreadable responses) are retried
until `--timeout`; failures that retrying cannot fix end the wait at once with their own
status (see `common.py`): the job does not exist or the request is invalid (3), credentials
are missing or expired (4), access is denied twice in a row (4).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import math
import sys

from ..aws import AwsPool
from ..config import Settings
from ..errors import classify
from ..models import Phase, ProblemKind
from ..output import progress_text
from ..sanitize import clean
from ..timefmt import format_clock
from .common import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_TIMEOUT,
    NotVisible,
    UsageError,
    describe_with_first,
    permanent_exit,
    say,
    sources_for_arn,
)

INTERVAL_RANGE = (0.1, 3600.0)
TIMEOUT_MAX = 30 * 24 * 3600.0  # 30 days


def poll_interval(args: argparse.Namespace, settings: Settings) -> float:
    """`--interval` (0.1 to 3600 s), else the configured refresh interval."""
    if args.interval is None:
        return settings.interval
    low, high = INTERVAL_RANGE
    if not (math.isfinite(args.interval) and low <= args.interval <= high):
        raise UsageError(f"--interval must be between {low:g} and {high:g} seconds, not {args.interval:g}")
    return args.interval


def check_timeout(timeout: float | None) -> None:
    if timeout is not None and not (math.isfinite(timeout) and 0 < timeout <= TIMEOUT_MAX):
        raise UsageError(f"--timeout must be more than 0 and at most {TIMEOUT_MAX:.0f} seconds (30 days), not {timeout:g}")


async def run(args: argparse.Namespace, settings: Settings) -> int:
    """0 succeeded; 1 failed, stopped, expired or partial; 3, 4 as above; 124 timed out."""
    interval = poll_interval(args, settings)
    check_timeout(args.timeout)
    arn = args.arn.strip()
    last_line: str | None = None  # the last progress line printed: print only changes
    last_problem: ProblemKind | None = None
    try:
        async with AwsPool() as pool, asyncio.timeout(args.timeout):
            sources = sources_for_arn(pool, arn, settings)  # one per profile, until one sees the job
            while True:
                try:
                    source, detail = await describe_with_first(sources, arn)
                    sources = [source]
                    job = detail.job
                except Exception as exc:
                    problem, cause = (exc.problem, exc.cause) if isinstance(exc, NotVisible) else (
                        classify(exc, sources[0].key.profile), exc)
                    code = permanent_exit(problem, cause)
                    retry_once = problem.kind is ProblemKind.ACCESS_DENIED and last_problem is not problem.kind
                    if code is not None and not retry_once:
                        say(problem.message)
                        return code
                    if problem.kind is not last_problem:
                        say(f"{problem.message} (still waiting)")
                    last_problem = problem.kind
                else:
                    last_problem = None
                    line = f"{job.status} {progress_text(job)}".strip()
                    if line != last_line:
                        stamp = format_clock(dt.datetime.now(dt.timezone.utc), settings.timezone)
                        print(f"{stamp} {clean(job.name, 60)}: {clean(line, 80)}", file=sys.stderr, flush=True)
                        last_line = line
                    if job.phase.terminal:
                        print(clean(job.status), flush=True)
                        return EXIT_OK if job.phase is Phase.SUCCEEDED else EXIT_FAILED
                await asyncio.sleep(interval)
    except TimeoutError:
        still = "unknown" if last_line is None else clean(last_line, 80)
        say(f"timed out after {args.timeout:g} s; the job is still {still}.")
        return EXIT_TIMEOUT
