"""The live service: keeps every source's rows fresh, whatever screen is on top.

One per App, not per screen: a monitor that goes stale behind the help screen, the detail
screen or a dialog is broken. It owns the refresh engine's loop and paging:
- one one-shot tick timer, re-armed after each round of refreshes (never two refreshes of one
  source at once), stretched by the engine while throttled or offline or while every source
  is quiet; `refresh_now`, pause and the interval. A round is over when its last call has
  landed, or one interval after it began while calls are still out (a hanging endpoint):
  then the next round starts, skipping the sources still waiting for an answer;
- paging: `load_more(key)` one page at a time, `load_to_end(key)` until the view is exhausted,
  `cancel_paging()`;
- the start-up prefetch (applied before the first frame when it has already landed);
- announcing finished jobs and source notices (toasts, bell, OSC 9) on any screen;
- keeping rows, progress and state in the local cache after each apply (`tui.local`).

Workers only fetch. Each source's result is applied as it lands, coalesced: what landed
within APPLY_EVERY is applied together on the App's message queue, in one synchronous step: every subscriber's `around` context wraps the engine's apply (a visible
table keeps its cursor on its job), then every subscriber hears the `LiveUpdate`. A covered
screen's `around` does nothing and its `on_update` skips rendering; it re-syncs from the
engine when it is shown again (`ScreenLink` does that bookkeeping for a screen). Named
`LiveUpdate`, not `Update`: a screen method `_on_update` would be Textual's handler of its own
`events.Update`.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from .clock import Clock, system_clock
from .config import Settings
from .gc_freeze import FREEZE_DELAY, RowFreezer
from .models import Filters, Problem, SourceKey
from .notify import announce_finished
from .refresh import Delta, PageBatch, RefreshEngine
from .local import LocalStore, saved_state
from .sanitize import clean

if TYPE_CHECKING:
    from textual.app import App
    from textual.timer import Timer

    from .cache import Sample

APPLY_EVERY = 0.1
"""Seconds between two applies of landed results at least (about a frame apart)…"""
FIRST_PAGES_EVERY = 1.0
"""…while first pages are on their way (at start-up hundreds land within seconds, and each
apply redraws the source pane)."""
FIRST_PAGE_PATIENCE = 2.0
"""Seconds "All" waits for every source's first page at most (then shows what has landed)."""
INTERVALS = (2.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0)
"""The steps of `+` and `-` (seconds between refreshes)."""
END_RETRY_MAX = 30.0
"""Longest wait before End tries a failed page again (1, 2, 4 … s until then): End is the
user's explicit request, and one throttled page among a thousand must not end it."""

UpdateKind = Literal["refresh", "page", "loading", "controls"]


@dataclass(frozen=True, slots=True)
class LiveUpdate:
    """What changed: refresh results or a page were applied, a page fetch began ("loading"), or
    pause / interval changed ("controls"). `first`: a source's listing (re)started here,
    so its rows are all new. `ok`: a page landed without a problem."""

    kind: UpdateKind
    delta: Delta = field(default_factory=Delta)
    key: SourceKey | None = None
    first: bool = False
    ok: bool = True


@dataclass(eq=False, slots=True)
class _Subscriber:
    on_update: Callable[[LiveUpdate], None]
    around: Callable[[], AbstractContextManager[None]] | None


class LiveService:
    """The refresh loop and paging of one App. Screens subscribe and render."""

    def __init__(
        self, app: App, engine: RefreshEngine, settings: Settings, clock: Clock = system_clock, *, local: LocalStore | None = None
    ) -> None:
        self.app = app
        self.engine = engine
        self.settings = settings
        self.clock = clock
        self.local = local
        """The cache and saved state (None: nothing is kept between runs)."""
        saved = local.saved if local is not None else None
        self.interval = (saved and saved.interval) or settings.interval
        self.paused = False
        self.marked: set[str] = set(saved.marked) if saved else set()
        """ARNs marked with `m`: announced by name when they finish, whatever screen is up."""
        self.shown = local.shown_source([state.key for state in engine.states]) if local is not None else None
        """The source the monitor shows (None: all of them), kept across restarts."""
        self.panes: dict[str, bool | None] = dict(saved.panes) if saved else {}
        """Panes the user showed or hid by hand (None: as the terminal's size says), kept too."""
        self.refreshes = 0
        """Rounds of refreshes over so far, their results applied (tests wait for it to move)."""
        self.retry_at: float | None = None
        """`time.monotonic()` of the next try while a source is failing (None when all is well)."""
        self._started = False
        self._round: asyncio.Future[None] | None = None
        self._every_source = False
        self._apply_at: asyncio.TimerHandle | None = None
        self._applied_at = 0.0
        self._patience: asyncio.TimerHandle | None = None
        self._paging = False
        self._to_end: tuple[SourceKey | None, Callable[[], None] | None] | None = None
        self._end_retry: Timer | None = None
        self._end_failures = 0
        self.end_problem: Problem | None = None
        """While End waits to try a failed page again: what the page met (None otherwise)."""
        self._last_page: tuple[SourceKey | None, Callable[[], None] | None] | None = None
        """`load_to_end` was stopped with a page in flight: its `progress` is told when it lands."""
        self._timer: Timer | None = None
        self._subscribers: list[_Subscriber] = []
        self._freezer = RowFreezer()

    # ------------------------------------------------------------ public state

    @property
    def started(self) -> bool:
        """True once a refresh has been applied since the listing (re)started."""
        return self._started

    @property
    def refreshing(self) -> bool:
        """A round of refreshes is going on, or a source's call is still out."""
        return self._round is not None or self.engine.refreshing > 0

    @property
    def paging(self) -> bool:
        return self._paging

    @property
    def loading_to_end(self) -> bool:
        """True while `load_to_end` keeps loading pages."""
        return self._to_end is not None

    @property
    def idle(self) -> bool:
        """Started, and neither a refresh nor a page in flight: what is shown is what was fetched."""
        return self._started and not self.refreshing and not self._paging

    def subscribe(
        self, on_update: Callable[[LiveUpdate], None], around: Callable[[], AbstractContextManager[None]] | None = None
    ) -> Callable[[], None]:
        """Hear every `LiveUpdate`; `around()` wraps each apply. Returns the unsubscribe call."""
        subscriber = _Subscriber(on_update, around)
        self._subscribers.append(subscriber)
        return lambda: self._subscribers.remove(subscriber)

    # ------------------------------------------------------------ lifecycle

    def start(self) -> None:
        """Apply what the start-up prefetch has fetched so far (the first frame shows those
        rows) and follow the rest of it; without one, refresh now."""
        engine = self.engine
        engine.on_landed = self._landed
        engine.release_prefetch()
        round_, engine.prefetched = engine.prefetched, None
        if round_ is None:
            self.refresh_now()
        else:
            self._follow(round_)
            self._apply_landed()
        self._wait_for_first_pages()

    def stop(self) -> None:
        """The app is closing: no more ticks; the state is kept; the heap goes back to the collector."""
        self._stop_timer()
        for handle in (self._patience, self._apply_at):
            if handle is not None:
                handle.cancel()
        self.engine.on_landed = None
        self.engine.cancel_refreshes()
        self.remember_state()
        self._freezer.thaw()

    # ------------------------------------------------------------ refresh loop

    def refresh_now(self) -> None:
        """Refresh every source at once, backing off or quiet included (`r`); one whose call
        is still out, as soon as it lands (never two calls of one source at once)."""
        self.engine.retry_now()
        self._every_source = True
        self._tick()

    def _tick(self) -> None:
        """Start a round: sources backing off or quiet wait for their time."""
        self._stop_timer()
        every_source, self._every_source = self._every_source, False
        self._follow(self.engine.start_refresh(every_source=every_source))

    def _follow(self, round_: asyncio.Future[None]) -> None:
        """`round_` is the current round until its calls have landed or one interval has passed."""
        self._round = round_
        if not round_.done() and not self.paused:
            self._timer = self.app.set_timer(self.interval, self._overdue, name="live refresh")

    def _overdue(self) -> None:
        """An interval has passed and calls of the round are still out: the round is over
        (they land by themselves), and the next one starts without them."""
        self._timer = None
        if self._round is not None:
            self._round = None
            self.refreshes += 1
            self._tick()

    def _landed(self) -> None:
        """A source's result landed (or a round's last one did): apply it on the App's queue,
        together with whatever lands meanwhile: at most once per APPLY_EVERY, once per
        FIRST_PAGES_EVERY while first pages are on their way, at once when a round is over."""
        loop = asyncio.get_running_loop()
        if self._round is not None and self._round.done():
            wait = 0.0
        elif self._apply_at is not None and self._apply_at.when() <= self._applied_at + APPLY_EVERY:
            return  # the apply due soonest is on its way (`first_pages_coming` looks at every source)
        else:
            wait = FIRST_PAGES_EVERY if self.engine.first_pages_coming else APPLY_EVERY
        at = max(loop.time(), self._applied_at + wait)
        if self._apply_at is not None:
            if self._apply_at.when() <= at:
                return
            self._apply_at.cancel()
        self._apply_at = loop.call_at(at, self.app.call_later, self._apply_landed)

    def _apply_landed(self) -> None:
        """Merge what landed in one step, announce what finished, end the round once its last
        call has landed (arming the next tick), tell screens."""
        if self._apply_at is not None:
            self._apply_at.cancel()
            self._apply_at = None
        self._applied_at = asyncio.get_running_loop().time()
        batch = self.engine.take_landed()
        delta = Delta()
        if batch.results:
            with self._around():
                delta = self.engine.apply_refresh(batch)
        first = delta.listed or not self._started
        round_over = self._round is not None and self._round.done()
        if not batch.results and not round_over:
            return
        self._started = True
        if round_over:
            self._round = None
            self.refreshes += 1
            self._arm()
        else:
            self._note_retry()
        self._rows_landed(len(delta.new))
        self._announce(delta)
        self._remember(delta)
        if round_over or not delta.shows_nothing_new:  # unchanged pages: nothing to draw
            self._publish(LiveUpdate("refresh", delta, first=first))
        self._wait_for_first_pages()

    def _wait_for_first_pages(self) -> None:
        """While first pages are on their way, "All" waits for them, FIRST_PAGE_PATIENCE at
        most from when it began to wait: then it shows what it has, and each late first page
        lands in place. Neither a hanging endpoint nor hundreds of sources queued behind the
        calls-in-flight cap (first pages landing one after another for many seconds) keep
        the rows that have landed off the screen."""
        if self._patience is None and self.engine.waiting_first_pages:
            self._patience = asyncio.get_running_loop().call_later(
                FIRST_PAGE_PATIENCE, self.app.call_later, self._stop_waiting
            )

    def _stop_waiting(self) -> None:
        self._patience = None
        if self.engine.waiting_first_pages:
            with self._around():
                self.engine.stop_waiting()
            self._publish(LiveUpdate("refresh"))

    def _arm(self) -> None:
        """The one-shot timer for the next refresh (stretched while throttled or offline)."""
        self._stop_timer()
        delay = self.engine.next_delay(self.interval)
        self._note_retry()
        if not self.paused:
            self._timer = self.app.set_timer(delay, self._tick, name="live refresh")

    def _note_retry(self) -> None:
        """When the failing sources are tried next (the header's "retrying in")."""
        retry_in = self.engine.retry_in(self.interval)  # per source: the soonest failing one
        self.retry_at = None if retry_in is None else time.monotonic() + retry_in

    def _stop_timer(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def _fetch_failed(self, what: str, error: Exception) -> None:
        """A page fetch that raised: say so, and keep the loop going."""
        self.app.notify(f"{what} failed: {clean(error, 200)}", severity="error", markup=False)
        self._paging = False
        self._stop_to_end()
        self._publish(LiveUpdate("controls"))

    # ------------------------------------------------------------ controls

    def toggle_pause(self) -> None:
        """`p`: stop the loop (no call is made while paused); resuming refreshes at once."""
        self.paused = not self.paused
        if self.paused:
            self._stop_timer()
        else:
            self.refresh_now()
        self._publish(LiveUpdate("controls"))

    def step_interval(self, step: int) -> None:
        """`+` waits longer between refreshes, `-` less: along INTERVALS, 2 s to 10 min."""
        longer = [value for value in INTERVALS if value > self.interval]
        shorter = [value for value in INTERVALS if value < self.interval]
        seconds = self.interval
        if step > 0 and longer:
            seconds = longer[0]
        elif step < 0 and shorter:
            seconds = shorter[-1]
        self.set_interval_seconds(seconds)

    def set_interval_seconds(self, seconds: float) -> None:
        """Refresh every `seconds` from now on: the timer is re-armed with the new interval."""
        self.interval = seconds
        if self._round is not None:
            self._stop_timer()
            self._follow(self._round)
        elif self._started:
            self._arm()
        self._publish(LiveUpdate("controls"))

    def set_filters(self, filters: Filters) -> None:
        """Show only jobs matching `filters`: every source lists again from its first page."""
        self.engine.set_filters(filters)
        self._started = False
        self._stop_to_end()
        self.refresh_now()

    def set_sort(self, column: str, descending: bool) -> None:
        """Sort the loaded rows by `column` (on the client: nothing is fetched again)."""
        self.engine.set_sort(column, descending)
        self.remember_state()

    # ------------------------------------------------------------ paging

    def load_more(self, key: SourceKey | None) -> bool:
        """Fetch the next page of `key` (None: of the source holding "All" back), one at a time.
        False when nothing was started (a page in flight, not listed yet, or all loaded)."""
        if self._paging or not self._started or self.engine.view(key).all_loaded:
            return False
        self._paging = True
        self.app.run_worker(self._fetch_page(key), name="page", group="page", exit_on_error=False)
        return True

    def load_to_end(self, key: SourceKey | None, progress: Callable[[], None] | None = None) -> None:
        """Keep loading pages of `key` until its view is exhausted (`progress` after each page),
        until a page meets a problem that does not pass by itself (throttling, an outage or a
        5xx are waited out and the page asked for again), or until `cancel_paging`."""
        self._to_end = (key, progress)
        if self._end_retry is not None:  # End again while waiting: try the page now
            self._end_retry.stop()
            self._end_retry = None
        if not self._paging:
            self.load_more(key)

    def cancel_paging(self) -> None:
        """Stop `load_to_end` after the page in flight, which still lands and, like every
        page before it, is followed (`progress`): the cursor ends on the last loaded row."""
        last = self._to_end if self._paging else None
        self._stop_to_end()
        self._last_page = last

    def _stop_to_end(self) -> None:
        """`load_to_end` is over: no more pages, no retry waiting."""
        self._last_page = None
        self._to_end = None
        self.end_problem = None
        self._end_failures = 0
        if self._end_retry is not None:
            self._end_retry.stop()
            self._end_retry = None

    async def _fetch_page(self, key: SourceKey | None) -> None:
        fetch = asyncio.ensure_future(self.engine.fetch_next_page(key))
        await asyncio.sleep(0)  # the engine marks the source loading as the fetch starts
        self.app.call_later(self._publish, LiveUpdate("loading", key=key))
        try:
            batch = await fetch
        except Exception as exc:  # noqa: BLE001 - a bug, not an AWS error
            self.app.call_later(self._fetch_failed, "page", exc)
        else:
            self.app.call_later(self._apply_page, key, batch)

    def _apply_page(self, key: SourceKey | None, batch: PageBatch | None) -> None:
        with self._around():
            delta = self.engine.apply_page(batch)
        self._paging = False
        self._rows_landed(len(delta.new))
        self._announce(delta)
        self._remember(delta)
        ok = batch is not None and batch.problem is None
        if self._to_end is not None and self._to_end[0] == key:
            self._end_page_landed(key, None if ok or batch is None else batch.problem)
        self._publish(LiveUpdate("page", delta, key=key, ok=ok))
        self._continue_to_end(key, ok)

    def _end_page_landed(self, key: SourceKey | None, problem: Problem | None) -> None:
        """A page of End landed: a problem that passes by itself (throttled, offline, 5xx) is
        waited out and the page asked for again; any other ends End, saying why."""
        if problem is None:
            self._end_failures, self.end_problem = 0, None
        elif problem.transient:
            self._end_failures += 1
            delay = min(END_RETRY_MAX, max(2.0 ** (self._end_failures - 1), problem.retry_after or 0))
            self.end_problem = problem
            self._end_retry = self.app.set_timer(delay, lambda: self._retry_end_page(key))
        else:
            self._stop_to_end()
            self.app.notify(f"End stopped: {problem.message} Press End to go on.", severity="warning", markup=False)

    def _retry_end_page(self, key: SourceKey | None) -> None:
        self._end_retry = None
        if self._to_end is None or self._to_end[0] != key:
            return
        if not (self._paging or self.load_more(key)):
            self._stop_to_end()
            self._publish(LiveUpdate("controls"))

    def _continue_to_end(self, key: SourceKey | None, ok: bool) -> None:
        last, self._last_page = self._last_page, None
        if last is not None and last[0] == key and last[1] is not None:
            last[1]()
        if self._to_end is None or self._to_end[0] != key:
            return
        progress = self._to_end[1]
        if progress is not None:
            progress()  # may cancel
        if self._to_end is None or self._end_retry is not None:
            return  # cancelled, or waiting to ask for the failed page again
        if not ok or not (self._paging or self.load_more(key)):
            self._stop_to_end()  # (a page in flight, asked for by a screen, goes on with it)

    # ------------------------------------------------------------ shared

    def _listening(self) -> list[_Subscriber]:
        """The subscribers to tell. None once the app is shutting down: its screens are being
        taken apart (their widgets gone) while results that landed may still be applied."""
        return list(self._subscribers) if self.app.is_running else []

    @contextlib.contextmanager
    def _around(self) -> Iterator[None]:
        with ExitStack() as stack:
            for subscriber in self._listening():
                if subscriber.around is not None:
                    stack.enter_context(subscriber.around())
            yield

    def _publish(self, update: LiveUpdate) -> None:
        if update.kind == "controls":
            self.remember_state()
        for subscriber in self._listening():
            subscriber.on_update(update)

    def _remember(self, delta: Delta) -> None:
        """Write what the apply changed to the cache, off the event loop."""
        if self.local is not None:
            self.local.remember(self.engine, delta)
        self.remember_state()

    def remember_state(self) -> None:
        """Keep the marked jobs, the shown source, filters, sort and interval for the next start."""
        if self.local is not None:
            interval = None if self.interval == self.settings.interval else self.interval  # the config's may change
            self.local.keep_state(saved_state(self.engine, self.marked, self.shown, interval, self.panes))

    def history(self, arn: str) -> list[Sample]:
        """A job's progress samples from the cache (empty when nothing is kept)."""
        return self.local.history(arn) if self.local is not None else []

    def _announce(self, delta: Delta) -> None:
        """Finished jobs and source notices (e.g. a restarted listing), whatever screen is up."""
        if delta.finished:
            announce_finished(
                self.app, delta.finished, self.marked, toasts=self.settings.toasts, signal=self.settings.notify
            )
            self.marked -= {job.arn for job in delta.finished}
        for _key, notice in delta.notices:
            self.app.notify(notice, severity="warning", markup=False)

    def _rows_landed(self, count: int) -> None:
        """Once enough rows have landed, freeze the heap once the frame that shows them is out
        (short GC pauses at 100k rows; see gc_freeze)."""
        if self._freezer.due(count):
            self.app.set_timer(FREEZE_DELAY, self._freezer.freeze)


class ScreenLink:
    """A screen's subscription: it renders each update only while it is shown.

    While covered (another screen on top) the link skips rendering and holds `keep()` (e.g.
    the table's `keeping_position`) across every apply, so on `show()` the cursor is back on
    its job and the screen draws the current state at once. While shown, `keep()` wraps each
    apply instead. A link starts covered: the screen is not shown until it is resumed.
    """

    def __init__(
        self, live: LiveService, render: Callable[[LiveUpdate], None], keep: Callable[[], AbstractContextManager[None]]
    ) -> None:
        self.covered = True
        self._render, self._keep = render, keep
        self._hold = ExitStack()
        self._unsubscribe = live.subscribe(self._changed, self._around)

    def close(self) -> None:
        """The screen is gone: hear nothing more."""
        self._unsubscribe()

    def cover(self) -> None:
        self.covered = True
        self._hold.enter_context(self._keep())

    def show(self) -> None:
        self.covered = False
        self.release()

    def release(self) -> None:
        """Let go of the held position (the screen shows another view: back to its top)."""
        self._hold.close()

    def _around(self) -> AbstractContextManager[None]:
        return contextlib.nullcontext() if self.covered else self._keep()

    def _changed(self, update: LiveUpdate) -> None:
        if not self.covered:
            self._render(update)
