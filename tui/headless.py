"""`batchtop ls | describe | wait`: the data layer for scripts, without the TUI.

`ls` streams rows as pages arrive, newest first. Across several sources (kinds, regions,
profiles) it is a k-way merge by creation time: a row is printed once every other source
has shown a row no newer than it (or has nothing left), and a source's next page is
fetched only when its rows run out and more are needed. So the pages fetched are exactly
the pages needed, and `--limit` never costs an extra page.

Failures print one classified sentence on stderr and exit 1, never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import datetime as dt
import json
import sys
from collections import deque
from typing import Any, Callable, TextIO

from rich.cells import set_cell_size

from .aws import AwsPool
from .console_url import parse_arn
from .errors import classify
from .feed import created_key
from .models import Filters, Job, JobKind, Page, Phase, Problem, Source, SourceKey
from .records import csv_columns, flat_record, job_record
from .sanitize import clean
from .sources import make_source
from .sources.filtering import is_known_status, valid_statuses
from .sources import bedrock

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_TIMEOUT = 124
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141

TRANSIENT_RETRIES = 6  # extra tries of a page after botocore's own, while throttled or 5xx
_BACKOFF_CAP = 8.0
_newest_first = created_key(newest_first=True)  # smaller is newer; jobs without a time last


def run(args: argparse.Namespace) -> int:
    """Run `ls`, `describe` or `wait` from parsed CLI flags; return the exit status."""
    command = {"ls": _ls, "describe": _describe, "wait": _wait}[args.command]
    _tolerate_lone_surrogates(sys.stdout)
    try:
        return asyncio.run(command(args))
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_BROKEN_PIPE


def _tolerate_lone_surrogates(stream: TextIO) -> None:
    """A service may send a lone surrogate (`"\\udc80"` in its JSON): print it as that escape,
    which inside our JSON output is the same exact value, instead of dying mid-listing."""
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is not None:
        reconfigure(errors="backslashreplace")


def _say(message: str) -> None:
    print(f"batchtop: {clean(message)}", file=sys.stderr, flush=True)


def _silence_stdout() -> None:
    """After the reader went away (`| head`), make the interpreter's final flush a no-op."""
    try:
        sys.stdout = open("/dev/null", "w")  # noqa: SIM115 - lives until exit
    except OSError:
        pass


# ---------------------------------------------------------------- ls


class _Stream:
    """One source's rows in arrival order, and whether it has pages left."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.rows: deque[Job] = deque()
        self.token: str | None = None
        self.done = False


async def _ls(args: argparse.Namespace) -> int:
    status = (args.status or "").strip()
    if status and not is_known_status(status):
        print(
            f"batchtop ls: error: unknown status {clean(status, 60)!r}; valid: {', '.join(valid_statuses())}",
            file=sys.stderr,
        )
        return EXIT_USAGE
    limit = args.limit
    if limit is not None and limit < 0:
        print("batchtop ls: error: --limit must be 0 or more", file=sys.stderr)
        return EXIT_USAGE
    writer = _WRITERS[args.format](sys.stdout, several_profiles=len(args.profile or []) > 1)
    writer.begin()
    failed = False
    if limit != 0:
        try:
            async with AwsPool() as pool:
                sources = pool.build_sources(
                    args.profile,
                    args.region,
                    [args.source or "all"],
                    first_page_size=bedrock.MAX_PAGE_SIZE,
                    page_size=bedrock.MAX_PAGE_SIZE,
                )
                filters = Filters(name=args.name or "", status=status)
                failed = await _merge(sources, filters, limit, writer.row, sys.stdout.flush)
        except (KeyboardInterrupt, BrokenPipeError):
            raise
        except Exception as exc:
            _say(classify(exc, _first(args.profile)).message)
            failed = True
    writer.end()
    sys.stdout.flush()
    return EXIT_FAILED if failed else EXIT_OK


async def _merge(
    sources: list[Source],
    filters: Filters,
    limit: int | None,
    emit: Callable[[SourceKey, Job], None],
    flush: Callable[[], None],
) -> bool:
    """Print rows of every source, newest first, fetching only the pages needed.

    Returns True when some source failed (its rows end where it failed; the others go on).
    """
    streams = [_Stream(source) for source in sources]
    failures: list[bool] = []
    shown: set[str] = set()  # two profiles on one account list the same jobs: print each once

    async def refill(stream: _Stream, want: int | None) -> None:
        while not stream.rows and not stream.done:
            try:
                page = await _fetch(stream.source, filters, stream.token, want)
            except Exception as exc:
                _say(f"{_describe_key(stream.source.key)}: {classify(exc, stream.source.key.profile).message}")
                failures.append(True)
                stream.done = True
                return
            if page.next_token is not None and page.next_token == stream.token:
                _say(f"{_describe_key(stream.source.key)}: the service returned the same page token twice; stopped there.")
                failures.append(True)
                page = Page(page.jobs, None)
            stream.rows.extend(page.jobs)
            stream.token = page.next_token
            stream.done = page.next_token is None

    await asyncio.gather(*(refill(stream, limit) for stream in streams))
    printed = 0
    while limit is None or printed < limit:
        empty = [stream for stream in streams if not stream.rows and not stream.done]
        if empty:
            flush()
            want = None if limit is None else limit - printed
            await asyncio.gather(*(refill(stream, want) for stream in empty))
        ready = [stream for stream in streams if stream.rows]
        if not ready:
            break
        newest = min(ready, key=lambda stream: _newest_first(stream.rows[0]))
        job = newest.rows.popleft()
        if job.arn in shown:
            continue
        shown.add(job.arn)
        emit(newest.source.key, job)
        printed += 1
    flush()
    return bool(failures)


async def _fetch(source: Source, filters: Filters, token: str | None, want: int | None) -> Page:
    """One page; throttling and server errors that outlast botocore's retries get a few more."""
    for attempt in range(TRANSIENT_RETRIES + 1):
        try:
            return await source.list_page(filters, token, want=want)
        except Exception as exc:
            problem = classify(exc, source.key.profile)
            if problem.kind not in ("throttled", "service") or attempt == TRANSIENT_RETRIES:
                raise
            await asyncio.sleep(_backoff(problem, attempt))
    raise AssertionError("unreachable")


def _backoff(problem: Problem, attempt: int) -> float:
    if problem.retry_after is not None:
        return min(problem.retry_after, 60.0)
    return min(_BACKOFF_CAP, 0.5 * 2**attempt)


def _describe_key(key: SourceKey) -> str:
    profile = f" (profile {key.profile})" if key.profile else ""
    return f"{key.label}{profile}"


def _first(values: list[str] | None) -> str | None:
    return values[0] if values else None


# ---------------------------------------------------------------- output formats


def _record(key: SourceKey, job: Job) -> dict[str, Any]:
    """A job as scripts see it: its profile and region, times in ISO 8601 UTC (`…Z`)."""
    return job_record(job, {"profile": key.profile, "region": key.region}, _utc_iso)


def _utc_iso(moment: dt.datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(dt.timezone.utc).isoformat().replace("+00:00", "Z")


class _Writer:
    def __init__(self, out: TextIO, *, several_profiles: bool = False) -> None:
        self.out = out
        self.several_profiles = several_profiles

    def begin(self) -> None:
        pass

    def row(self, key: SourceKey, job: Job) -> None:
        raise NotImplementedError

    def end(self) -> None:
        pass


class _JsonLines(_Writer):
    def row(self, key: SourceKey, job: Job) -> None:
        self.out.write(json.dumps(_record(key, job), ensure_ascii=False) + "\n")


class _JsonArray(_Writer):
    """One JSON array, written as rows arrive: valid once `end` has run."""

    def begin(self) -> None:
        self.out.write("[")
        self._first = True

    def row(self, key: SourceKey, job: Job) -> None:
        self.out.write(("\n  " if self._first else ",\n  ") + json.dumps(_record(key, job), ensure_ascii=False))
        self._first = False

    def end(self) -> None:
        self.out.write("]\n" if self._first else "\n]\n")


_CSV_COLUMNS = csv_columns(["profile", "region"])


class _Csv(_Writer):
    def begin(self) -> None:
        self._csv = csv.writer(self.out, lineterminator="\n")
        self._csv.writerow(_CSV_COLUMNS)

    def row(self, key: SourceKey, job: Job) -> None:
        record = flat_record(_record(key, job))
        self._csv.writerow(["" if record[column] is None else record[column] for column in _CSV_COLUMNS])


class _Table(_Writer):
    """Fixed-width columns, every value sanitised: safe to print on any terminal."""

    _COLUMNS = (("CREATED (UTC)", 16), ("KIND", 11), ("REGION", 14), ("STATUS", 18), ("PROGRESS", 18), ("NAME", 40))

    def begin(self) -> None:
        columns = list(self._COLUMNS)
        if self.several_profiles:
            columns.insert(2, ("PROFILE", 14))
        self._columns = columns
        self.out.write(self._line([title for title, _ in columns], "ARN"))

    def row(self, key: SourceKey, job: Job) -> None:
        created = job.created.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M") if job.created else "?"
        status = job.status or "?"
        if job.notes:
            status = f"{status} (!)"
        values = [created, job.kind.value, key.region, status, _progress(job), job.name]
        if self.several_profiles:
            values.insert(2, key.profile or "default")
        self.out.write(self._line(values, job.arn))

    def _line(self, values: list[str], last: str) -> str:
        cells = [set_cell_size(clean(value, width), width) for value, (_, width) in zip(values, self._columns)]
        return "  ".join([*cells, clean(last, 300)]).rstrip() + "\n"


def _progress(job: Job) -> str:
    records = job.records
    if records is None or records.total is None:
        return ""
    fraction = records.fraction
    percent = f"{fraction * 100:3.0f}% " if fraction is not None else ""
    return f"{percent}{records.processed or 0:,}/{records.total:,}"


_WRITERS: dict[str, type[_Writer]] = {"table": _Table, "json": _JsonArray, "jsonl": _JsonLines, "csv": _Csv}


# ---------------------------------------------------------------- describe and wait

_RESOURCE_KINDS = {
    ("bedrock", "model-invocation-job"): JobKind.BEDROCK,
    ("personalize", "batch-inference-job"): JobKind.PERSONALIZE,
    ("personalize", "batch-segment-job"): JobKind.SEGMENT,
}


def key_for_arn(arn: str, profile: str | None) -> SourceKey | None:
    """The (profile, region, kind) that holds the job named by `arn`; None if not a job ARN."""
    parts = parse_arn(arn.strip())
    if parts is None:
        return None
    kind = _RESOURCE_KINDS.get((parts.service, parts.resource.split("/", 1)[0]))
    if kind is None or "/" not in parts.resource:
        return None
    return SourceKey(profile, parts.region, kind)


def _arn_error(arn: str) -> int:
    print(
        f"batchtop: error: not a batch job ARN: {clean(arn, 120)!r} "
        "(expected arn:aws:bedrock:REGION:ACCOUNT:model-invocation-job/ID or "
        "arn:aws:personalize:REGION:ACCOUNT:batch-inference-job/NAME or …:batch-segment-job/NAME)",
        file=sys.stderr,
    )
    return EXIT_USAGE


async def _describe(args: argparse.Namespace) -> int:
    key = key_for_arn(args.arn, _first(args.profile))
    if key is None:
        return _arn_error(args.arn)
    try:
        async with AwsPool() as pool:
            detail = await make_source(pool, key).describe(args.arn.strip())
    except Exception as exc:
        _say(classify(exc, key.profile).message)
        return EXIT_FAILED
    for note in detail.job.notes:
        _say(f"note: {note}")
    if args.format == "json":
        sys.stdout.write(json.dumps(detail.fields, indent=2, ensure_ascii=False, default=str) + "\n")
    else:
        rows = list(_flatten(detail.fields))
        width = min(40, max((len(name) for name, _ in rows), default=0))
        for name, value in rows:
            sys.stdout.write(f"{set_cell_size(clean(name, width), width)}  {clean(value, 500)}\n")
    sys.stdout.flush()
    return EXIT_OK


def _flatten(fields: dict[str, object], prefix: str = ""):
    """Nested objects as dotted names, so the table stays two columns."""
    for name, value in fields.items():
        if isinstance(value, dict) and value:
            yield from _flatten(value, f"{prefix}{name}.")
        elif isinstance(value, (dict, list)):
            yield f"{prefix}{name}", json.dumps(value, ensure_ascii=False, default=str)
        else:
            yield f"{prefix}{name}", "" if value is None else str(value)


async def _wait(args: argparse.Namespace) -> int:
    """Poll until the job is terminal: 0 succeeded, 1 failed/stopped/expired/partial, 124 timeout."""
    key = key_for_arn(args.arn, _first(args.profile))
    if key is None:
        return _arn_error(args.arn)
    interval = max(0.05, args.interval)
    last_line: str | None = None  # the last progress line printed: print only changes
    try:
        async with AwsPool() as pool, asyncio.timeout(args.timeout):
            source = make_source(pool, key)
            while True:
                try:
                    job = (await source.describe(args.arn.strip())).job
                except Exception as exc:
                    problem = classify(exc, key.profile)
                    if not problem.transient:
                        _say(problem.message)
                        return EXIT_FAILED
                    _say(f"{problem.message} (still waiting)")
                else:
                    line = f"{job.status} {_progress(job)}".strip()
                    if line != last_line:
                        stamp = dt.datetime.now(dt.timezone.utc).strftime("%H:%M:%S")
                        print(f"{stamp} {clean(job.name, 60)}: {clean(line, 80)}", file=sys.stderr, flush=True)
                        last_line = line
                    if job.phase.terminal:
                        print(clean(job.status), flush=True)
                        return EXIT_OK if job.phase is Phase.SUCCEEDED else EXIT_FAILED
                await asyncio.sleep(interval)
    except TimeoutError:
        still = "unknown" if last_line is None else clean(last_line, 80)
        _say(f"timed out after {args.timeout:g} s; the job is still {still}.")
        return EXIT_TIMEOUT
    except Exception as exc:
        _say(classify(exc, key.profile).message)
        return EXIT_FAILED

