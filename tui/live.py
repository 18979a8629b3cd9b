"""The live service: keeps every source's rows fresh, whatever screen is on top.

One per App, not per screen: a monitor that goes stale behind the help screen, the detail
screen or a dialog is broken. It owns the refresh engine's loop and paging:
- one one-shot tick timer, re-armed after each applied refresh (never two refreshes at once),
  stretched by the engine while throttled or offline; `refresh_now`, pause and the interval;
- paging: `load_more(key)` one page at a time, `load_to_end(key)` until the view is exhausted,
  `cancel_paging()`;
- the start-up prefetch (applied before the first frame when it has already landed);
- announcing finished jobs and source notices (toasts, bell, OSC 9) on any screen;
- keeping rows, progress and state in the local cache after each apply (`tui.local`).

Workers only fetch. The fetched batch is applied on the App's message queue, in one
synchronous step: every subscriber's `around` context wraps the engine's apply (a visible
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
from .models import Filters, SourceKey
from .notify import announce_finished
from .refresh import Delta, PageBatch, RefreshBatch, RefreshEngine
from .local import LocalStore, saved_state
from .sanitize import clean

if TYPE_CHECKING:
    from textual.app import App
    from textual.timer import Timer

    from .cache import Sample

INTERVALS = (2.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0)
"""The steps of `+` and `-` (seconds between refreshes)."""

UpdateKind = Literal["refresh", "page", "loading", "controls"]


@dataclass(frozen=True, slots=True)
class LiveUpdate:
    """What changed: a refresh or a page was applied, a page fetch began ("loading"), or
    pause / interval changed ("controls"). `first`: the first refresh since the listing
    (re)started, where every row is new. `ok`: a page landed without a problem."""

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
        """Refreshes applied so far (tests wait for it to move)."""
        self.retry_at: float | None = None
        """`time.monotonic()` of the next try while a source is failing (None when all is well)."""
        self._started = False
        self._refreshing = False
        self._refresh_again = False
        self._paging = False
        self._to_end: tuple[SourceKey | None, Callable[[], None] | None] | None = None
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
        return self._refreshing

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
        return self._started and not self._refreshing and not self._paging

    def subscribe(
        self, on_update: Callable[[LiveUpdate], None], around: Callable[[], AbstractContextManager[None]] | None = None
    ) -> Callable[[], None]:
        """Hear every `LiveUpdate`; `around()` wraps each apply. Returns the unsubscribe call."""
        subscriber = _Subscriber(on_update, around)
        self._subscribers.append(subscriber)
        return lambda: self._subscribers.remove(subscriber)

    # ------------------------------------------------------------ lifecycle

    def start(self) -> None:
        """Apply the start-up prefetch if it has landed (the first frame shows rows), else refresh."""
        batch = self.engine.take_prefetched()
        if batch is None:
            self.refresh_now()
        else:
            self._refreshing = True
            self._apply_refresh(batch)

    def stop(self) -> None:
        """The app is closing: no more ticks; the state is kept; the heap goes back to the collector."""
        self._stop_timer()
        self.remember_state()
        self._freezer.thaw()

    # ------------------------------------------------------------ refresh loop

    def refresh_now(self) -> None:
        """Refresh at once, sources backing off included (`r`), or right after the one in
        flight (never two at once)."""
        self.engine.retry_now()
        self._tick()

    def _tick(self) -> None:
        """The timer's refresh: sources backing off wait for their retry time."""
        if self._refreshing:
            self._refresh_again = True
            return
        self._stop_timer()
        self._refreshing = True
        self.app.run_worker(self._fetch_refresh(), name="refresh", group="refresh", exit_on_error=False)

    async def _fetch_refresh(self) -> None:
        try:
            batch = await self.engine.fetch_refresh()
        except Exception as exc:  # noqa: BLE001 - a bug, not an AWS error (those are per source)
            self.app.call_later(self._fetch_failed, "refresh", exc)
        else:
            self.app.call_later(self._apply_refresh, batch)

    def _apply_refresh(self, batch: RefreshBatch) -> None:
        """Merge a refresh in one step, announce what finished, arm the next tick, tell screens."""
        with self._around():
            delta = self.engine.apply_refresh(batch)
        first = not self._started
        self._started = True
        self.refreshes += 1
        self._rows_landed(len(delta.new))
        self._refresh_done()
        self._announce(delta)
        self._remember(delta)
        self._publish(LiveUpdate("refresh", delta, first=first))

    def _refresh_done(self) -> None:
        self._refreshing = False
        if self._refresh_again:
            self._refresh_again = False
            self.refresh_now()
        else:
            self._arm()

    def _arm(self) -> None:
        """The one-shot timer for the next refresh (stretched while throttled or offline)."""
        self._stop_timer()
        delay = self.engine.next_delay(self.interval)
        retry_in = self.engine.retry_in(self.interval)  # per source: the soonest failing one
        self.retry_at = None if retry_in is None else time.monotonic() + retry_in
        if not self.paused:
            self._timer = self.app.set_timer(delay, self._tick, name="live refresh")

    def _stop_timer(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def _fetch_failed(self, what: str, error: Exception) -> None:
        """A fetch that raised: say so, and keep the loop going."""
        self.app.notify(f"{what} failed: {clean(error, 200)}", severity="error", markup=False)
        if what == "refresh":
            self._refresh_done()
        else:
            self._paging = False
            self._to_end = None
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
        if self._started and not self._refreshing:
            self._arm()
        self._publish(LiveUpdate("controls"))

    def set_filters(self, filters: Filters) -> None:
        """Show only jobs matching `filters`: every source lists again from its first page."""
        self.engine.set_filters(filters)
        self.relist()

    def set_sort(self, column: str, descending: bool) -> bool:
        """Sort by `column`. True when the service's own order flipped: every source lists again."""
        filters = self.engine.filters
        self.engine.set_sort(column, descending)
        if self.engine.filters is filters:
            return False
        self.relist()
        return True

    def relist(self) -> None:
        """The filters or the service's order changed (the engine cleared its feeds): list again."""
        self._started = False
        self._to_end = None
        self.refresh_now()

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
        until a page fails, or until `cancel_paging`."""
        self._to_end = (key, progress)
        if not self._paging:
            self.load_more(key)

    def cancel_paging(self) -> None:
        """Stop `load_to_end` after the page in flight (which still lands)."""
        self._to_end = None

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
        self._publish(LiveUpdate("page", delta, key=key, ok=ok))
        self._continue_to_end(key, ok)

    def _continue_to_end(self, key: SourceKey | None, ok: bool) -> None:
        if self._to_end is None or self._to_end[0] != key:
            return
        progress = self._to_end[1]
        if progress is not None:
            progress()  # may cancel
        if self._to_end is not None and (not ok or not (self._paging or self.load_more(key))):
            self._to_end = None  # (a page in flight, asked for by a screen, goes on with it)

    # ------------------------------------------------------------ shared

    @contextlib.contextmanager
    def _around(self) -> Iterator[None]:
        with ExitStack() as stack:
            for subscriber in list(self._subscribers):
                if subscriber.around is not None:
                    stack.enter_context(subscriber.around())
            yield

    def _publish(self, update: LiveUpdate) -> None:
        if update.kind == "controls":
            self.remember_state()
        for subscriber in list(self._subscribers):
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
