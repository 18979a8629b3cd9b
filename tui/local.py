"""What batchtop keeps on this machine between runs, wired into a running app.

- Start-up: the saved state (filters, sort, interval, marked jobs, the shown source) is put
  back, and each source's newest cached rows are on screen before the first network answer
  (the engine marks them `cached` until a list call confirms them).
- Paging resumes where the cache ends: a source's listing begins with the cached rows, served
  a page at a time from the cache (`CacheBackedSource`), and the last cached page hands over
  the service's own page token, saved with them. Terminal rows are never fetched again.
- While it runs: after every applied refresh or page, the rows that changed and a progress
  sample of every running job are written, the saved state too when it changed, all on the
  cache's writer thread (the event loop never waits for the disk).
"""

from __future__ import annotations

import asyncio
import sys
import threading
from collections.abc import Callable, Sequence

from .cache import DEFAULT_MAX_JOBS, Cursor, JobCache, Sample
from .clock import Clock, system_clock
from .models import Filters, Job, JobDetail, Page, Source, SourceKey
from .refresh import Delta, RefreshEngine
from .sources.filtering import job_matches
from .state import SavedFilters, SavedState, StateStore

SEED_ROWS = 300
"""Rows per source read from the cache before the first frame (a few screens, ~5 ms); the rest
come as pages from the cache when the cursor nears them."""
CACHE_PAGE_ROWS = 1000
CACHE_TOKEN = "\x00batchtop-cache\x00"
"""How a page token that points into the cache starts (a service's token never holds NUL)."""


class CacheBackedSource(Source):
    """A source whose listing begins with the cached rows: a token starting with CACHE_TOKEN is
    read from the cache; every other call goes to the service."""

    def __init__(self, inner: Source, cache: JobCache) -> None:
        self.key = inner.key
        self.inner = inner
        self._cache = cache

    async def list_page(self, filters: Filters, token: str | None = None) -> Page:
        if token is None or not token.startswith(CACHE_TOKEN):
            return await self.inner.list_page(filters, token)
        listing = await asyncio.wrap_future(self._cache.submit(self._cache.load, self.key.id, filters, CACHE_PAGE_ROWS, _cursor_of(token)))
        jobs = [job for job in listing.jobs if job_matches(job, filters)]
        if listing.cursor is not None:
            return Page(jobs, _token_of(listing.cursor))
        return Page(jobs, None if listing.all_loaded else listing.next_token)

    async def describe(self, arn: str) -> JobDetail:
        return await self.inner.describe(arn)

    def adopt(self, jobs: list[Job]) -> None:
        self.inner.adopt(jobs)

    async def stop(self, arn: str) -> None:
        await self.inner.stop(arn)


def _token_of(cursor: Cursor) -> str:
    return f"{CACHE_TOKEN}{cursor[0]!r}\x00{cursor[1]}"


def _cursor_of(token: str) -> Cursor:
    order_key, _, arn = token.removeprefix(CACHE_TOKEN).partition("\x00")
    return float(order_key), arn


class LocalStore:
    """The job cache and the saved state of one run, in their platformdirs folders.

    `fresh`: read neither (both are still written, so the next start has this run's). Each
    problem with them is said once: on stderr until `listener` is set (the app sets it to a
    toast), then to the listener, from whichever thread met it.
    """

    def __init__(self, *, fresh: bool = False, max_jobs: int = DEFAULT_MAX_JOBS, clock: Clock = system_clock) -> None:
        self.listener: Callable[[str], None] | None = None
        self.cache = JobCache(max_jobs=max_jobs, clock=clock, on_problem=self._report)
        self.state = StateStore(on_problem=self._report)
        self.fresh = fresh
        self.saved = SavedState() if fresh else self.state.load()
        """What the last run left (the defaults with --fresh)."""
        self._last_saved = self.saved
        self._newest: dict[str, tuple[list[Job], dict[str, object]]] = {}
        """Per source, the rows of the save queued and not run yet."""
        self._lock = threading.Lock()

    def _report(self, sentence: str) -> None:
        if self.listener is None:
            print(f"batchtop: {sentence}", file=sys.stderr)
        else:
            self.listener(sentence)

    @property
    def problems(self) -> list[str]:
        return self.cache.problems + self.state.problems

    # ------------------------------------------------------------ start-up

    def wrap(self, sources: Sequence[Source]) -> list[Source]:
        """The sources, each able to page through the cache first."""
        return [CacheBackedSource(source, self.cache) for source in sources]

    def restore(self, engine: RefreshEngine) -> int:
        """Put the saved filters and sort back, then seed each source with its newest cached
        rows. Returns how many rows are on screen before the network answers."""
        saved = self.saved
        if saved.filters != SavedFilters():
            engine.set_filters(saved.filters.filters())
        if (saved.sort_column, saved.sort_descending) != engine.sort:
            engine.set_sort(saved.sort_column, saved.sort_descending)
        if self.fresh or not self.cache.enabled:
            return 0
        seeded = 0
        filters = engine.filters
        for state in engine.states:
            listing = self.cache.load(state.key.id, filters, SEED_ROWS)
            if not listing.jobs or not (listing.next_token or listing.all_loaded):
                continue  # where the listing goes on is unknown: list it afresh
            if listing.cursor is not None:
                token: str | None = _token_of(listing.cursor)
            else:
                token = None if listing.all_loaded else listing.next_token
            jobs = [job for job in listing.jobs if job_matches(job, filters)]
            engine.seed(state.key, jobs, token)
            state.source.adopt(jobs)
            seeded += len(jobs)
        return seeded

    def shown_source(self, keys: Sequence[SourceKey]) -> SourceKey | None:
        """The source shown when batchtop stopped, if it is still configured (else all)."""
        return next((key for key in keys if key.id == self.saved.source), None)

    # ------------------------------------------------------------ while running

    def remember(self, engine: RefreshEngine, delta: Delta) -> None:
        """Queue the writes for what an apply changed: rows, progress samples, where each
        listing goes on (not while it still pages through the cache), jobs that went; only
        for the sources the apply refreshed or paged (sources land one by one).

        A source whose last save has not run yet is not queued twice: that save takes the
        newest rows (pages landing fast, with End, never pile up copies of the feed)."""
        cache = self.cache
        if not cache.enabled:
            return
        if delta.removed:
            cache.submit(cache.forget, list(delta.removed))
        filters = engine.filters
        for state in engine.states:
            feed = state.feed
            if state.key not in delta.sources or not feed.started or state.cached:
                continue
            token = feed.next_token
            listing = {} if token is not None and token.startswith(CACHE_TOKEN) else {
                "filters": filters, "next_token": token, "all_loaded": feed.all_loaded
            }
            with self._lock:
                queued = state.key.id in self._newest
                self._newest[state.key.id] = (list(feed), listing)
            if not queued:
                cache.submit(self._save_newest, state.key.id)

    def _save_newest(self, source: str) -> None:
        """On the writer thread: save the newest rows queued for `source`."""
        with self._lock:
            jobs, listing = self._newest.pop(source)
        self.cache.save(source, jobs, **listing)

    def keep_state(self, saved: SavedState) -> None:
        """Save the state when it changed (on the writer thread, after the writes before it)."""
        if saved == self._last_saved:
            return
        self._last_saved = saved
        self.cache.submit(self.state.save, saved)

    def history(self, arn: str) -> list[Sample]:
        """The progress samples of one job (empty with --fresh or without a cache)."""
        return self.cache.history(arn)

    def close(self) -> None:
        """Finish the queued writes."""
        self.cache.close()


def saved_state(
    engine: RefreshEngine,
    marked: set[str],
    shown: SourceKey | None,
    interval: float | None,
    panes: dict[str, bool | None],
) -> SavedState:
    """The state worth keeping, read from a running app."""
    column, descending = engine.sort
    return SavedState(
        marked=tuple(sorted(marked)),
        source=None if shown is None else shown.id,
        sort_column=column,
        sort_descending=descending,
        filters=SavedFilters.of(engine.filters),
        interval=interval,
        panes={name: shown for name, shown in panes.items() if shown is not None},
    )
