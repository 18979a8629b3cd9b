"""`ls`'s k-way merge: rows of several sources, newest first, fetching only the pages needed.

A row is printed once every other source has shown a row no newer than it (or has nothing
left), and a source's next page is fetched only when its rows run out and more are needed.
So the pages fetched are exactly the pages needed, and `--limit` never costs an extra page.
"""

from __future__ import annotations

import asyncio
from collections import deque
from typing import Callable

from ..errors import classify
from ..feed import created_key
from ..output import arn_account
from ..models import Filters, Job, Page, Problem, Source, SourceKey
from .common import describe_key, say

TRANSIENT_RETRIES = 6  # extra tries of a page after botocore's own, while throttled or 5xx
_BACKOFF_CAP = 8.0
_newest_first = created_key(newest_first=True)  # smaller is newer; jobs without a time last


class _Stream:
    """One source's rows in arrival order, and whether it has pages left."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.rows: deque[Job] = deque()
        self.token: str | None = None
        self.done = False


async def merge(
    sources: list[Source],
    filters: Filters,
    limit: int | None,
    emit: Callable[[SourceKey, Job], None],
    flush: Callable[[], None],
    accounts: Callable[[set[str]], None] = lambda _accounts: None,
) -> bool:
    """Emit rows of every source, newest first, fetching only the pages needed.

    Before the first row, `accounts` hears which accounts the first pages come from (a
    source lists one account's jobs). Returns True when some source failed (its rows end
    where it failed; the others go on).
    """
    streams = [_Stream(source) for source in sources]
    failures: list[bool] = []
    shown: set[str] = set()  # two profiles on one account list the same jobs: emit each once

    async def refill(stream: _Stream, want: int | None) -> None:
        while not stream.rows and not stream.done:
            try:
                page = await fetch_page(stream.source, filters, stream.token, want)
            except Exception as exc:
                say(f"{describe_key(stream.source.key)}: {classify(exc, stream.source.key.profile).message}")
                failures.append(True)
                stream.done = True
                return
            if page.next_token is not None and page.next_token == stream.token:
                say(f"{describe_key(stream.source.key)}: the service returned the same page token twice; stopped there.")
                failures.append(True)
                page = Page(page.jobs, None)
            stream.rows.extend(page.jobs)
            stream.token = page.next_token
            stream.done = page.next_token is None

    await asyncio.gather(*(refill(stream, limit) for stream in streams))
    accounts({account for stream in streams if stream.rows and (account := arn_account(stream.rows[0].arn))})
    emitted = 0
    while limit is None or emitted < limit:
        empty = [stream for stream in streams if not stream.rows and not stream.done]
        if empty:
            flush()
            want = None if limit is None else limit - emitted
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
        emitted += 1
    flush()
    return bool(failures)


async def fetch_page(source: Source, filters: Filters, token: str | None, want: int | None) -> Page:
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
