"""The refresh engine: what each tick and each page fetches, and how results land in the feeds.

Pure asyncio, no Textual. Fetching (I/O, awaits) and applying (sync) are separate, so the
UI applies a result and moves its cursor in one synchronous step: no frame shows
half-merged rows. Fetches never raise: a failure becomes the source's `problem`.

Cost rule (DESIGN.md): per source per tick, one list call for the first page plus one
describe per loaded non-terminal job that page did not cover. Terminal jobs are never
fetched again. The only exception: when more jobs arrived since the last tick than a page
holds, the tick follows the listing down until it meets the loaded rows, so no job is lost.

Truth: a job the first page no longer lists and whose describe says "not found" was deleted:
its row is dropped with a notice, and the source is not failing. A source's `last_ok` is
the time of its last successful list call; its `problem` is what its last fetch met.

Sources on their own: a refresh starts one task per source (`start_refresh`), and each
source's result is kept as it lands (`take_landed`), so a source that hangs, fails or is
throttled holds back no other. A source whose call is still out is skipped by later
refreshes: never two refreshes of one source at once.

Faults: every call waits for one of `max_in_flight` slots (all sources together) and then
gets `call_timeout` seconds to answer ("no answer for N s"). A source that keeps failing
by itself (throttled, offline, 5xx) backs off alone: ticks skip it until its retry time,
`interval` doubled per failure with jitter, never more than MAX_BACKOFF, so it is back
within about a minute of the endpoint; `retry_now` (the `r` key) ends every wait at once.

Quiet sources: a source with no active job among its rows (every loaded job finished) is
listed every QUIET_EVERY-th interval, at most QUIET_MAX seconds apart (`quiet_period`): a job
submitted there shows within that time. Any active row, a problem or a listing not yet
started puts it back on every interval; `retry_now` lists it at the next refresh.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random
import time
from dataclasses import dataclass, field
from typing import Awaitable, Callable, Sequence, TypeVar

from .clock import Clock, system_clock
from .feed import SORT_COLUMNS, FeedChange, FeedView, JobFeed, MergedView, ReversedView, SortedView, frontier
from .models import Filters, Job, Page, Phase, Problem, ProblemKind, Source, SourceKey
from .sanitize import clean

TOKEN_REJECTED = "page token rejected: listing restarted"
GAP_RESTARTED = "too many new jobs since the last refresh: listing restarted"
MAX_GAP_PAGES = 10
MAX_BACKOFF = 60.0  # seconds: a source that failed is tried again at least this often
CALL_TIMEOUT = 12.0  # seconds an AWS call may take before its source says "no answer"
MAX_IN_FLIGHT = 16  # AWS calls at once, all sources together (config: max_calls_in_flight)
QUIET_EVERY = 6  # a source with no active job is listed every 6th interval…
QUIET_MAX = 60.0  # …but at least once a minute (never less often than the interval)

T = TypeVar("T")

View = FeedView | MergedView | SortedView | ReversedView


@dataclass(eq=False, slots=True)
class SourceState:
    """Everything the UI shows about one source: its rows, its health, whether it is paging."""

    key: SourceKey
    source: Source
    feed: JobFeed
    problem: Problem | None = None
    notice: str | None = None
    last_ok: dt.datetime | None = None
    loading: bool = False
    failures: int = 0
    """Refreshes in a row that met a problem that passes by itself (throttled, offline, 5xx)."""
    failed_at: float | None = None
    """While backing off: the monotonic time of the last failure (the wait runs from there)."""
    jitter: float = 1.0
    cached: bool = False
    """The rows came from the local cache and no list call has confirmed them yet."""
    call: asyncio.Task[None] | None = None
    """Its refresh while one is out (a later refresh skips the source until it lands)."""
    again: bool = False
    """Refresh it again once its call lands (`r` came while it was out)."""
    overdue: bool = False
    """Its first page has not come while the others' have: "All" stops waiting for it."""
    listed_at: float | None = None
    """The monotonic time its last refresh started (quiet sources wait from there)."""
    first_page: tuple[list[Job], str | None] | None = None
    """The first page last merged: the same Job objects again (the adapters hand back the very
    object for an unchanged item) need no merge."""

    @property
    def counts(self) -> dict[Phase, int]:
        return dict(self.feed.counts)

    @property
    def loaded(self) -> int:
        return len(self.feed)

    @property
    def all_loaded(self) -> bool:
        return self.feed.all_loaded


@dataclass(frozen=True, slots=True)
class SourceRefresh:
    """One source's part of a refresh. `jobs` is None when the list call failed."""

    key: SourceKey
    at: dt.datetime
    jobs: list[Job] | None = None
    next_token: str | None = None  # where the listing continues after `jobs`
    described: list[Job] = field(default_factory=list)
    gone: list[str] = field(default_factory=list)  # active jobs whose describe said not found
    problem: Problem | None = None
    restart: bool = False  # reload the listing from `jobs`: the gap above the loaded rows was too wide


@dataclass(frozen=True, slots=True)
class RefreshBatch:
    """Results that landed (one per source at most, any subset of the sources); `generation`
    drops it if the filters changed since."""

    generation: int
    results: tuple[SourceRefresh, ...]


@dataclass(frozen=True, slots=True)
class PageBatch:
    """One next-page fetch. `restarted`: the token was rejected and the listing began again."""

    generation: int
    key: SourceKey
    token: str | None
    at: dt.datetime
    page: Page | None = None
    problem: Problem | None = None
    restarted: bool = False


@dataclass(slots=True)
class Delta:
    """What an apply changed: ARNs to repaint or forget, and jobs that just became terminal."""

    new: set[str] = field(default_factory=set)
    changed: set[str] = field(default_factory=set)
    removed: set[str] = field(default_factory=set)
    finished: list[Job] = field(default_factory=list)
    notices: list[tuple[SourceKey, str]] = field(default_factory=list)
    listed: bool = False
    """A source's listing (re)started here: its rows are all new, nothing to point out."""
    sources: set[SourceKey] = field(default_factory=set)
    """The sources whose results were applied (refreshed or paged): the ones worth saving."""
    health: bool = False
    """A source's problem, notice or cached mark changed."""

    @property
    def shows_nothing_new(self) -> bool:
        """Nothing a screen shows changed (rows, problems, notices): no need to draw."""
        return not (self.new or self.changed or self.removed or self.finished or self.notices or self.listed or self.health)


class RefreshEngine:
    """The feeds of every source, kept fresh at a cost that grows with active jobs only."""

    def __init__(
        self,
        sources: Sequence[Source],
        clock: Clock = system_clock,
        describe_concurrency: int = 8,
        *,
        max_in_flight: int = MAX_IN_FLIGHT,
        call_timeout: float = CALL_TIMEOUT,
        rng: random.Random | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._clock = clock
        self._rng = rng or random.Random()
        self._monotonic = monotonic
        self._in_flight = asyncio.Semaphore(max_in_flight)
        self._call_timeout = call_timeout
        self._filters = Filters()
        self.states = [SourceState(source.key, source, JobFeed(self._filters.newest_first)) for source in sources]
        self._by_key = {state.key: state for state in self.states}
        self._by_id = {state.key.id: state for state in self.states}
        self._describe_slots = {state.key: asyncio.Semaphore(describe_concurrency) for state in self.states}
        self._generation = 0
        self._sort_column = "created"
        self._sort_descending = True
        self._views: dict[SourceKey | None, View] = {}  # in the current sort
        self._listing_views: dict[SourceKey | None, FeedView | MergedView] = {}
        """In the listing's creation order, kept across sort changes: back to it, every row is
        there at once (rebuilding "All" at 100,000 rows took 150 ms, a sorted view 500 ms)."""
        self._interval: float | None = None  # the loop's, as last given to next_delay
        self._landed: list[SourceRefresh] = []
        self.on_landed: Callable[[], None] | None = None
        """Called (on the event loop) each time a source's result lands, and when a refresh's
        last call has landed: the live service then takes what landed and applies it."""
        self.prefetched: asyncio.Future[None] | None = None
        """The refresh started before the UI (`prefetch_refresh`), until the live service adopts it."""
        self._held: asyncio.Event | None = None  # the prefetch's calls past the cap wait for it
        self._max_in_flight = max_in_flight
        self._kept: tuple[Filters, list[JobFeed]] | None = None  # see set_filters

    # ------------------------------------------------------------ filters, sort, views

    @property
    def filters(self) -> Filters:
        return self._filters

    @property
    def sort(self) -> tuple[str, bool]:
        """(column, descending) as the table shows the rows."""
        return (self._sort_column, self._sort_descending)

    def set_filters(self, filters: Filters) -> None:
        """Start every feed again for `filters`: the caller refreshes next. Fetches still in
        flight are discarded.

        The rows loaded without a name or status filter are kept aside while one is set, and
        come back when the filters return to them (Esc): every page loaded before stays loaded,
        and the caller's refresh brings them up to date (first page, describes of active jobs)
        instead of listing them all again."""
        leaving, kept = self._filters, self._kept
        self._filters = filters
        if self._sort_column == "created" and filters.newest_first != leaving.newest_first:
            self._sort_descending = filters.newest_first  # listed in another order: shown in it
        self._generation += 1
        self.cancel_refreshes()
        if kept is not None and kept[0] == filters:
            self._kept = None
            for state, feed in zip(self.states, kept[1]):
                state.feed = feed
        else:
            if not leaving.name and not leaving.status and (filters.name or filters.status):
                self._kept = (leaving, [state.feed for state in self.states])
            elif not filters.name and not filters.status:
                self._kept = None  # back to no filter in another order: the kept rows would not fit
            for state in self.states:
                state.feed = JobFeed(filters.newest_first)
        for state in self.states:
            state.loading = False
            state.notice = None
            state.cached = False
        self._views.clear()
        self._listing_views.clear()

    def set_sort(self, column: str, descending: bool) -> None:
        """Sort the loaded rows by `column`, on the client: nothing is fetched again, so no
        loaded row is lost. "created" against the listing's order (`S`) is the listing's rows
        reversed (`ReversedView`), made in no time at any number of rows; the listing goes on
        newest first, so a refresh still sees new jobs on its first page (an oldest-first
        listing never would, and Personalize cannot list oldest first at all)."""
        if column not in SORT_COLUMNS:
            raise ValueError(f"unknown sort column {column!r}: choose one of {', '.join(SORT_COLUMNS)}")
        self._sort_column, self._sort_descending = column, descending
        self._views.clear()

    def view(self, key: SourceKey | None) -> View:
        """The rows of one source, or of all of them (None). Live: applies update it in place."""
        view = self._views.get(key)
        if view is None:
            view = self._views[key] = self._make_view(key)
        return view

    def _make_view(self, key: SourceKey | None) -> View:
        if self._sort_column != "created":
            members = self.states if key is None else [self._by_key[key]]
            return SortedView(members, self._sort_column, self._sort_descending, self._filters.newest_first)
        listing = self._listing_view(key)
        return listing if self._sort_descending == self._filters.newest_first else ReversedView(listing)

    def _listing_view(self, key: SourceKey | None) -> FeedView | MergedView:
        view = self._listing_views.get(key)
        if view is None:
            members = self.states if key is None else [self._by_key[key]]
            view = FeedView(members[0]) if len(members) == 1 else MergedView(members, self._filters.newest_first)
            self._listing_views[key] = view
        return view

    def source_for(self, job: Job) -> Source:
        """The source a job came from, for describe and stop."""
        return self._by_id[job.source].source

    def seed(self, key: SourceKey, jobs: list[Job], next_token: str | None) -> None:
        """Show rows kept from an earlier run before the first refresh (see tui/local.py).

        The listing counts as started, continuing at `next_token` (None: the rows were all of
        it); the source is `cached` until a list call confirms it. The first refresh then
        merges by ARN and describes the active rows; terminal rows are never fetched again.
        """
        state = self._by_key[key]
        change = state.feed.start(jobs, next_token)
        state.cached = bool(jobs)
        self._finish({state: change}, set(), Delta())

    # ------------------------------------------------------------ refresh

    def prefetch_refresh(self) -> asyncio.Future[None]:
        """Start a refresh now (while the UI starts up). Its results wait in `take_landed`
        (the UI applies what landed before its first frame) and the live service follows the
        rest (`prefetched`). Only as many calls as may be in flight leave before the UI calls
        `release_prefetch`: hundreds of sources' calls would hold its first frame back. The
        caller cancels the future if it may never be used."""
        self._held = asyncio.Event()
        self.prefetched = self.start_refresh()
        return self.prefetched

    def release_prefetch(self) -> None:
        """The UI is up: the prefetch's other calls may leave."""
        if self._held is not None:
            self._held.set()
            self._held = None

    def start_refresh(self, *, every_source: bool = False) -> asyncio.Future[None]:
        """Start the refresh of every source that is due: not refreshing already, not backing
        off, and not quiet. Each result is kept for `take_landed` as it lands. Returns the
        round: done once all its calls have landed.

        `every_source` (`r`): quiet and backing-off sources too, and a source whose call is
        still out is refreshed again as soon as that call lands (its answer may predate `r`)."""
        now = self._monotonic()
        due = []
        for state in self.states:
            if state.call is not None:
                state.again = state.again or every_source
            elif self._due(state, now, every_source):
                due.append(self._start(state, now, self._held if len(due) >= self._max_in_flight else None))
        round_ = asyncio.gather(*due, return_exceptions=True)
        round_.add_done_callback(lambda _: self._tell())
        return round_

    def _start(self, state: SourceState, now: float, hold: asyncio.Event | None = None) -> asyncio.Task[None]:
        state.listed_at = now
        state.call = asyncio.ensure_future(self._refresh_and_keep(state, self._filters, self._generation, hold))
        return state.call

    async def _refresh_and_keep(
        self, state: SourceState, filters: Filters, generation: int, hold: asyncio.Event | None
    ) -> None:
        task = asyncio.current_task()
        try:
            if hold is not None:
                await hold.wait()
            result = await self._refresh_source(state, filters)
        except Exception as exc:  # noqa: BLE001 - a bug, shown as the source's problem
            result = SourceRefresh(state.key, self._clock(), problem=_classify(exc, state.key.profile))
        finally:
            if state.call is task:
                state.call = None
        if generation != self._generation:
            return
        self._landed.append(result)
        if state.again:
            state.again = False
            self._start(state, self._monotonic())
        self._tell()

    def _tell(self) -> None:
        if self.on_landed is not None:
            self.on_landed()

    def cancel_refreshes(self) -> None:
        """Calls still out are of no use (the filters changed, the app is closing), and
        neither is what landed."""
        for state in self.states:
            if state.call is not None:
                state.call.cancel()
                state.call = None
            state.again = False
            state.overdue = False
        self._landed.clear()

    @property
    def first_pages_coming(self) -> bool:
        """Some source's first page is still on its way (overdue or not)."""
        return any(state.call is not None and not state.feed.started for state in self.states)

    @property
    def waiting_first_pages(self) -> bool:
        """Some source's first page is still on its way (and "All" still waits for it)."""
        return any(state.call is not None and not state.feed.started and not state.overdue for state in self.states)

    def stop_waiting(self) -> None:
        """First pages still on their way are overdue: "All" shows the rows it has (see
        `feed.frontier`), and each lands in place when it comes."""
        for state in self.states:
            if state.call is not None and not state.feed.started:
                state.overdue = True
        self._finish({}, set(), Delta())

    @property
    def refreshing(self) -> int:
        """Sources whose refresh call is out."""
        return sum(state.call is not None for state in self.states)

    def take_landed(self) -> RefreshBatch:
        """Every result that landed since the last take, to apply in one step."""
        landed, self._landed = self._landed, []
        return RefreshBatch(self._generation, tuple(landed))

    async def fetch_refresh(self) -> RefreshBatch:
        """Refresh every source that is due and wait for all of them (headless callers, tests)."""
        if self.prefetched is not None:
            prefetched, self.prefetched = self.prefetched, None
            self.release_prefetch()
            await prefetched
        await self.start_refresh()
        return self.take_landed()

    async def _call(self, call: Callable[[], Awaitable[T]]) -> T:
        """One AWS call: it waits for a slot (not counted as its time), then has `call_timeout`."""
        async with self._in_flight:
            try:
                async with asyncio.timeout(self._call_timeout):
                    return await call()
            except TimeoutError:
                from .errors import NoAnswer

                raise NoAnswer(self._call_timeout) from None

    async def _refresh_source(self, state: SourceState, filters: Filters) -> SourceRefresh:
        try:
            page = await self._call(lambda: state.source.list_page(filters, None))
        except Exception as exc:
            return SourceRefresh(state.key, self._clock(), problem=_classify(exc, state.key.profile))
        jobs, token = list(page.jobs), page.next_token
        problem: Problem | None = None
        restart = False
        if _gap_above(state.feed, jobs, token):
            token, restart, problem = await self._close_gap(state, filters, jobs, token)
        described: list[Job] = []
        gone: list[str] = []
        if not restart:
            covered = {job.arn for job in jobs}
            stale = [arn for arn in state.feed.active_arns if arn not in covered]
            described, gone, describe_problem = await self._describe(state, stale)
            problem = problem or describe_problem
        return SourceRefresh(state.key, self._clock(), jobs, token, described, gone, problem, restart)

    async def _close_gap(
        self, state: SourceState, filters: Filters, jobs: list[Job], token: str
    ) -> tuple[str | None, bool, Problem | None]:
        """Follow the listing (extending `jobs`) until it reaches the loaded rows.

        Returns the token after the last page read, whether to restart the listing from
        `jobs` instead (too many pages, or a page failed), and the failure if one did.
        """
        feed = state.feed
        newest_loaded = feed.key(feed[0])
        for _ in range(MAX_GAP_PAGES):
            try:
                page = await self._call(lambda: state.source.list_page(filters, token))
            except Exception as exc:
                return token, True, _classify(exc, state.key.profile)
            jobs.extend(page.jobs)
            token = page.next_token
            if token is None or not page.jobs or any(feed.index_of(job.arn) is not None for job in page.jobs):
                return token, False, None  # an empty page (filtered on the client) says nothing more
            if feed.key(page.jobs[-1]) >= newest_loaded:
                return token, False, None
        return token, True, None

    async def _describe(self, state: SourceState, arns: list[str]) -> tuple[list[Job], list[str], Problem | None]:
        """Describe each job, a bounded number at a time; keep what succeeded.

        Returns the jobs described, the ARNs the service no longer knows (deleted: not a
        failure of the source), and the first other failure.
        """
        if not arns:
            return [], [], None
        slots = self._describe_slots[state.key]

        async def describe(arn: str) -> Job:
            async with slots:
                return (await self._call(lambda: state.source.describe(arn))).job

        outcomes = await asyncio.gather(*(describe(arn) for arn in arns), return_exceptions=True)
        jobs: list[Job] = []
        gone: list[str] = []
        problem: Problem | None = None
        for arn, outcome in zip(arns, outcomes):
            if isinstance(outcome, Job):
                jobs.append(outcome)
            elif isinstance(outcome, Exception):
                failure = _classify(outcome, state.key.profile)
                if failure.kind is ProblemKind.NOT_FOUND:
                    gone.append(arn)
                else:
                    problem = problem or failure
            else:
                raise outcome
        return jobs, gone, problem

    def apply_refresh(self, batch: RefreshBatch) -> Delta:
        """Merge a refresh into the feeds and views (sync). Batches from older filters are dropped."""
        delta = Delta()
        if batch.generation != self._generation:
            return delta
        changes: dict[SourceState, FeedChange] = {}
        reloaded: set[SourceState] = set()
        for result in batch.results:
            state = self._by_key[result.key]
            feed = state.feed
            change = FeedChange()
            health = (state.problem, state.cached, state.notice)
            if result.jobs is not None:
                if result.restart or not feed.started:
                    if len(feed) or not holds_view(state):
                        reloaded.add(state)  # merged anew: "All" went on without it
                    change = feed.start(result.jobs, result.next_token)
                    delta.listed = True
                else:
                    if not _same_page(state.first_page, result.jobs, result.next_token):
                        change = feed.merge(result.jobs)
                        change.extend(feed.sweep_stand_ins(result.jobs, result.next_token))
                    state.notice = None
                state.first_page = (result.jobs, result.next_token)
                if result.restart:
                    self._notify(state, GAP_RESTARTED, delta)
                change.extend(feed.update(result.described))
                removed = feed.remove(result.gone)
                if removed.removed:
                    self._notify(state, gone_notice(removed.removed), delta)
                change.extend(removed)
                state.last_ok = result.at
                state.cached = False
            state.problem = result.problem
            self._count_failure(state)
            changes[state] = change
            delta.health = delta.health or (state.problem, state.cached, state.notice) != health
        self._finish(changes, reloaded, delta)
        return delta

    # ------------------------------------------------------------ paging

    async def fetch_next_page(self, key: SourceKey | None) -> PageBatch | None:
        """The next page of one source, or for "All" (None) of the source holding the view back.

        None when there is nothing to load, the listing has not started (its first page
        comes from a refresh), or that source is already fetching a page.
        """
        state = frontier(self.states)[1] if key is None else self._by_key[key]
        if state is None or state.loading or not state.feed.started or state.feed.all_loaded:
            return None
        state.loading = True
        generation, filters, token = self._generation, self._filters, state.feed.next_token
        try:
            return await self._fetch_page(state, filters, token, generation)
        except BaseException:
            if generation == self._generation:
                state.loading = False
            raise

    async def _fetch_page(self, state: SourceState, filters: Filters, token: str | None, generation: int) -> PageBatch:
        profile = state.key.profile
        try:
            page = await self._call(lambda: state.source.list_page(filters, token))
            return PageBatch(generation, state.key, token, self._clock(), page=page)
        except Exception as exc:
            problem = _classify(exc, profile)
            if problem.kind is not ProblemKind.INVALID_TOKEN:
                return PageBatch(generation, state.key, token, self._clock(), problem=problem)
        try:
            page = await self._call(lambda: state.source.list_page(filters, None))
            return PageBatch(generation, state.key, token, self._clock(), page=page, restarted=True)
        except Exception as exc:
            return PageBatch(generation, state.key, token, self._clock(), problem=_classify(exc, profile), restarted=True)

    def apply_page(self, batch: PageBatch | None) -> Delta:
        """Append a page (sync). A page from a token the feed has moved past only updates rows."""
        delta = Delta()
        if batch is None or batch.generation != self._generation:
            return delta
        state = self._by_key[batch.key]
        feed = state.feed
        state.loading = False
        change = FeedChange()
        reloaded: set[SourceState] = set()
        if batch.restarted:
            if len(feed):
                reloaded.add(state)
            if batch.page is None:
                feed.reset()  # the first page failed too: the next refresh starts the listing
            else:
                change = feed.start(batch.page.jobs, batch.page.next_token)
            self._notify(state, TOKEN_REJECTED, delta)
        elif batch.page is not None:
            if feed.started and batch.token == feed.next_token:
                change = feed.merge_page(batch.page.jobs, batch.page.next_token)
            else:
                change = feed.update(batch.page.jobs)
        state.problem = batch.problem
        self._finish({state: change}, reloaded, delta)
        return delta

    # ------------------------------------------------------------ pacing

    def next_delay(self, interval: float) -> float:
        """Seconds until the next tick: `interval`, unless every source is backing off or
        quiet, then until the first of them is due. The loop calls this after every refresh
        and whenever its interval changes: backoffs and quiet periods are measured in it."""
        self._interval = interval
        now = self._monotonic()
        waits = (max(self._wait(state, now), self._quiet_wait(state, now)) for state in self.states)
        return max(interval, min(waits, default=0.0))

    def _due(self, state: SourceState, now: float, every_source: bool) -> bool:
        return self._wait(state, now) <= 0 and (every_source or self._quiet_wait(state, now) <= 0)

    def _quiet_wait(self, state: SourceState, now: float) -> float:
        """Seconds until a quiet source is listed again (<= 0: now). Half an interval early,
        so ticks that run a little late do not make it wait one interval more."""
        interval = self._interval
        if interval is None or state.listed_at is None or not self.quiet(state):
            return 0.0
        return state.listed_at + quiet_period(interval) - interval / 2 - now

    @staticmethod
    def quiet(state: SourceState) -> bool:
        """Listed without trouble, and no job among its rows is active: it may be listed less often."""
        return state.feed.started and not state.cached and state.problem is None and not state.feed.active_arns

    def _wait(self, state: SourceState, now: float) -> float:
        """Seconds until a backing-off source may be called again (<= 0: it may)."""
        if state.failed_at is None or self._interval is None:
            return 0.0
        interval = self._interval
        delay = interval * 2 ** min(state.failures, 16)
        if state.problem is not None and state.problem.retry_after:
            delay = max(delay, state.problem.retry_after)
        delay = min(max(delay * state.jitter, interval), max(MAX_BACKOFF, interval))
        return state.failed_at + delay - now

    def retry_in(self, interval: float) -> float | None:
        """Seconds until the failing sources are tried again (the soonest of them), None when
        no source is failing: what the header may promise, from now."""
        tick, now = self.next_delay(interval), self._monotonic()
        waits = [max(tick, self._wait(state, now)) for state in self.states if state.problem is not None]
        return min(waits, default=None)

    def retry_now(self) -> None:
        """The next refresh tries every source, backing off or quiet (`r`)."""
        for state in self.states:
            state.failed_at = None
            state.listed_at = None

    # ------------------------------------------------------------ shared

    def _count_failure(self, state: SourceState) -> None:
        """A refresh that met a problem passing by itself starts (or lengthens) a backoff;
        any other outcome ends it."""
        if state.problem is not None and state.problem.transient:
            state.failures += 1
            state.failed_at = self._monotonic()
            state.jitter = self._rng.uniform(0.8, 1.2)
        else:
            state.failures = 0
            state.failed_at = None

    def _notify(self, state: SourceState, notice: str, delta: Delta) -> None:
        state.notice = notice
        delta.notices.append((state.key, notice))

    def _finish(self, changes: dict[SourceState, FeedChange], reloaded: set[SourceState], delta: Delta) -> None:
        """Bring every live view up to date and say what changed."""
        views = {id(view): view for view in (*self._listing_views.values(), *self._views.values())}  # each once
        for view in views.values():
            view.apply(changes, reloaded)
        delta.sources.update(state.key for state in changes)
        for change in changes.values():
            delta.new.update(job.arn for job in change.inserted)
            delta.removed.update(job.arn for job in change.removed)
            for old, new in change.replaced:
                delta.changed.add(new.arn)
                if new.phase.terminal and not old.phase.terminal:
                    delta.finished.append(new)


def holds_view(state: SourceState) -> bool:
    """Does "All" wait for this source's rows (see `feed.frontier`)? Not while its first
    page is overdue or it failed before loading any: when its rows come, the merged view is
    built anew (placing thousands of rows one by one into it cost seconds at 400 sources)."""
    return not (state.overdue or (state.problem is not None and not len(state.feed)))


def quiet_period(interval: float) -> float:
    """Seconds between two listings of a quiet source: QUIET_EVERY intervals, at most
    QUIET_MAX, never less than the interval itself."""
    return max(interval, min(QUIET_EVERY * interval, QUIET_MAX))


def gone_notice(jobs: Sequence[Job]) -> str:
    """One line for rows dropped because their jobs no longer exist."""
    if len(jobs) == 1:
        return f"job {clean(jobs[0].name, 60) or '(no name)'} no longer exists: its row was removed"
    return f"{len(jobs)} jobs no longer exist: their rows were removed"


def _classify(exc: BaseException, profile: str | None) -> Problem:
    """`errors.classify`, imported at the first failure: importing the engine loads no botocore."""
    from .errors import classify

    return classify(exc, profile)


def _same_page(last: tuple[list[Job], str | None] | None, jobs: list[Job], token: str | None) -> bool:
    """Is this first page the very one merged last time (the same Job objects, the same token)?"""
    if last is None or last[1] != token or len(last[0]) != len(jobs):
        return False
    return all(old is new for old, new in zip(last[0], jobs))


def _gap_above(feed: JobFeed, jobs: list[Job], token: str | None) -> bool:
    """Could jobs newer than the loaded rows lie beyond this first page? (a burst, or a long pause)"""
    if token is None or not jobs or not feed.started or not feed.newest_first or not len(feed):
        return False
    if any(feed.index_of(job.arn) is not None for job in jobs):
        return False
    return feed.key(jobs[-1]) < feed.key(feed[0])
