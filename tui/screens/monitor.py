"""The monitor: source pane, live job table, header and footer — the screen people leave open.

This screen owns the refresh loop: one one-shot timer, re-armed when the previous refresh
has been applied (never two at once), stopped while the screen is covered or paused.
Workers only fetch and post the batch; the handlers apply it to the engine and update the
table, pane and header in the same synchronous step, so no frame shows half-merged rows.
"""

from __future__ import annotations

import asyncio
import dataclasses
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input
from textual.worker import Worker, WorkerState

from ..clipboard import copy_to_clipboard
from ..clock import Clock, system_clock
from ..config import Settings, config_path
from ..console_url import console_url
from ..dialogs import ConfirmStopScreen, ExportScreen, StatusFilterScreen, stop_refusal
from ..feed import SORT_COLUMNS
from ..gc_freeze import FREEZE_DELAY, RowFreezer
from ..models import STATUS_PHASES, Filters, Job, JobKind, Phase, SourceKey
from ..notify import announce_finished
from ..refresh import PageBatch, RefreshBatch, RefreshEngine, SourceState
from ..sanitize import clean
from ..stylesheets import stylesheet
from ..widgets.header import HeaderState, MonitorHeader
from ..widgets.job_table import JobTable
from ..widgets.source_list import SourceList, SourcePane, SourceRow
from .commands import MonitorCommands
from .detail import DetailScreen
from .detail_view import job_json
from .help import HelpScreen

DESCENDING_FIRST = frozenset({"created", "progress", "duration"})
INTERVALS = (2.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0)
HEADER_TICK = 10.0
_BEDROCK_STATUSES = [status for status in STATUS_PHASES if status[:1].isupper() and not status.isupper()]
_PERSONALIZE_STATUSES = [status for status in STATUS_PHASES if status.isupper()]


class MonitorScreen(Screen[None]):
    """Every job of every source, live. Keys follow k9s / htop / vim (see the help screen)."""

    CSS_PATH = stylesheet("monitor.tcss")
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (76, "-medium"), (120, "-wide")]
    COMMANDS = {MonitorCommands}
    AUTO_FOCUS = "JobTable"

    BINDINGS = [
        Binding("question_mark", "help", "Help"),
        Binding("q", "app.quit", "Quit"),
        Binding("slash", "filter_name", "Filter"),
        Binding("f", "filter_status", "Status"),
        Binding("s", "sort", "Sort"),
        Binding("S", "reverse_sort", "Reverse", show=False),
        Binding("r", "refresh", "Refresh"),
        Binding("p", "pause", "Pause"),
        Binding("plus", "interval(1)", "Slower", show=False),
        Binding("minus", "interval(-1)", "Faster", show=False),
        Binding("tab", "app.focus_next", "Pane", show=False),
        Binding("escape", "clear_filters", "Clear filter", show=False),
        Binding("c", "copy_arn", "Copy ARN", show=False),
        Binding("y", "copy_json", "Copy JSON", show=False),
        Binding("o", "console_url", "Console URL", show=False),
        Binding("m", "mark", "Mark", show=False),
        Binding("ctrl+s", "export", "Export", show=False),
        Binding("x", "stop", "Stop", show=False),
        *(Binding(str(number), f"pick({number - 1})", f"Source {number}", show=False) for number in range(1, 10)),
    ]

    class Refreshed(Message):
        def __init__(self, batch: RefreshBatch) -> None:
            super().__init__()
            self.batch = batch

    class PageLoaded(Message):
        def __init__(self, key: SourceKey | None, batch: PageBatch | None) -> None:
            super().__init__()
            self.key = key
            self.batch = batch

    def __init__(
        self,
        engine: RefreshEngine,
        settings: Settings,
        clock: Clock = system_clock,
        *,
        config_file: Path | None = None,
    ) -> None:
        super().__init__()
        self.engine = engine
        self.settings = settings
        self.clock = clock
        self.interval = settings.interval
        self.paused = False
        self.key: SourceKey | None = None
        """The source the table shows; None for all of them."""
        self.marked: set[str] = set()
        """ARNs marked with `m`: announced when they finish, even off screen."""
        self._config_file = config_file
        self._timer: Timer | None = None
        self._header_timer: Timer | None = None
        self._refreshing = False
        self._refresh_again = False
        self._paging = False
        self._started = False
        self._suspended = False
        self._retry_in: float | None = None
        self._freezer = RowFreezer()

    # ------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        yield MonitorHeader(id="header")
        with Horizontal(id="body"):
            with SourcePane(id="sources-pane"):
                yield SourceList(id="sources")
            with Vertical(id="main"):
                name_filter = Input(placeholder="name contains… (Enter apply · Esc clear)", id="name-filter")
                name_filter.cursor_blink = False
                yield name_filter
                yield JobTable(clock=self.clock, columns=self.settings.columns, id="jobs")
        yield Footer(compact=True)

    @property
    def table(self) -> JobTable:
        return self.query_one(JobTable)

    def on_mount(self) -> None:
        self._show_source(0)
        self._header_timer = self.set_interval(HEADER_TICK, self._tick_header)
        batch = self.engine.take_prefetched()
        if batch is None:
            self.refresh_now()
        else:  # it landed while Textual started up: the first frame shows the rows
            self._apply_refresh(batch)

    def on_unmount(self) -> None:
        self._freezer.thaw()

    def on_screen_suspend(self) -> None:
        """Covered (detail, dialog): stop the timers; the refresh in flight still lands."""
        self._suspended = True
        self._stop_timer()
        if self._header_timer is not None:
            self._header_timer.pause()

    def on_screen_resume(self) -> None:
        self._suspended = False
        if self._header_timer is not None:
            self._header_timer.resume()
        self._tick_header()
        if self._started and not self._refreshing:
            self._arm()

    # ------------------------------------------------------------ refresh loop

    def refresh_now(self) -> None:
        """Refresh at once, or right after the one in flight (never two at once)."""
        if self._refreshing:
            self._refresh_again = True
            return
        self._stop_timer()
        self._refreshing = True
        self._fetch_refresh()

    @work(group="refresh", exit_on_error=False)
    async def _fetch_refresh(self) -> None:
        self.post_message(self.Refreshed(await self.engine.fetch_refresh()))

    def on_monitor_screen_refreshed(self, message: Refreshed) -> None:
        self._apply_refresh(message.batch)

    def _apply_refresh(self, batch: RefreshBatch) -> None:
        """Merge a refresh into the table in one step, then arm the next tick."""
        seen = self.table.visible_arns()
        with self.table.keeping_position():
            delta = self.engine.apply_refresh(batch)
        self._rows_landed(len(delta.new))
        if self._started:  # the first load is all new: nothing to point out
            self.table.flash(delta.new | delta.changed)
        self._started = True
        self._refresh_done()
        finished = [job for job in delta.finished if job.arn in seen or job.arn in self.marked]
        self.marked -= {job.arn for job in finished}
        if finished:
            self.table.set_marked(self.marked)
            announce_finished(self.app, self.settings.notify, finished)
        for _key, notice in delta.notices:
            self.notify(notice, severity="warning", markup=False)
        if self.table.near_end:
            self._load_more()

    def _refresh_done(self) -> None:
        self._refreshing = False
        if self._refresh_again:
            self._refresh_again = False
            self.refresh_now()
        else:
            self._arm()
        self._update_panes()

    def _arm(self) -> None:
        """The one-shot timer for the next refresh (stretched while throttled or offline)."""
        self._stop_timer()
        delay = self.engine.next_delay(self.interval)
        self._retry_in = delay if any(state.problem for state in self.engine.states) else None
        if not self.paused and not self._suspended:
            self._timer = self.set_timer(delay, self.refresh_now)

    def _stop_timer(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        """A worker that raised (a bug, not an AWS error: those are recorded per source)."""
        if event.state is not WorkerState.ERROR:
            return
        self.notify(f"{event.worker.name} failed: {clean(event.worker.error, 200)}", severity="error", markup=False)
        if event.worker.group == "refresh":
            self._refresh_done()
        elif event.worker.group == "page":
            self._paging = False

    # ------------------------------------------------------------ paging

    def on_job_table_near_end(self, _message: JobTable.NearEnd) -> None:
        if self.table.near_end:  # still: rows may have landed since it was posted
            self._load_more()

    def _load_more(self) -> None:
        view = self.table.view
        if self._paging or not self._started or view is None or view.all_loaded:
            return
        self._paging = True
        self._fetch_page(self.key)

    @work(group="page", exit_on_error=False)
    async def _fetch_page(self, key: SourceKey | None) -> None:
        fetch = asyncio.ensure_future(self.engine.fetch_next_page(key))
        await asyncio.sleep(0)  # the engine marks the source loading as the fetch starts
        self.table.sync_lines()
        self.post_message(self.PageLoaded(key, await fetch))

    def on_monitor_screen_page_loaded(self, message: PageLoaded) -> None:
        self._paging = False
        if message.batch is None:
            self.table.sync_lines()
            return
        with self.table.keeping_position():
            delta = self.engine.apply_page(message.batch)
        self._rows_landed(len(delta.new))
        for _key, notice in delta.notices:  # e.g. a rejected page token restarted the listing
            self.notify(notice, severity="warning", markup=False)
        self._update_panes()
        if message.batch.problem is None and message.key == self.key and self.table.near_end:
            self._load_more()

    def _rows_landed(self, count: int) -> None:
        """Once enough rows have landed, freeze the heap once the frame that shows them is out
        (short GC pauses at 100k rows; see gc_freeze)."""
        if self._freezer.due(count):
            self.set_timer(FREEZE_DELAY, self._freezer.freeze)

    # ------------------------------------------------------------ what is shown

    def _show_source(self, index: int) -> None:
        states = self.engine.states
        self.key = None if index == 0 else states[index - 1].key
        members = states if self.key is None else [states[index - 1]]
        self.table.show_view(
            self.engine.view(self.key),
            kinds=frozenset(state.key.kind for state in members),
            several_places=len({(state.key.profile, state.key.region) for state in members}) > 1,
        )
        self.table.sort_marker = self.engine.sort
        self.query_one(SourceList).shown = index
        self._update_panes()

    def _update_panes(self) -> None:
        states = self.engine.states
        rows = [
            SourceRow(
                None,
                "All sources",
                _total_counts(states),
                sum(state.loaded for state in states),
                all(state.all_loaded for state in states),
                any(state.loading for state in states),
                f"{sum(1 for s in states if s.problem)} of {len(states)} sources failing"
                if any(state.problem for state in states)
                else None,
            )
        ]
        for state in states:
            rows.append(
                SourceRow(
                    state.key,
                    state.key.kind.label,
                    state.counts,
                    state.loaded,
                    state.all_loaded,
                    state.loading,
                    state.problem.message if state.problem else None,
                    state.notice,
                )
            )
        self.query_one(SourceList).set_rows(rows)
        empty_text = self._empty_text()
        if empty_text != self.table.empty_text:
            self.table.empty_text = empty_text
            self.table.sync_lines()
        self._update_header()

    def _empty_text(self) -> str:
        """Why the table is empty: the first problem, no match for the filters, or nothing yet."""
        shown = [state for state in self.engine.states if self.key is None or state.key == self.key]
        problems = [state.problem for state in shown if state.problem is not None]
        if problems:
            return f"⚠ {clean(problems[0].message, 300)}"
        if not self._started:
            return "loading…"
        if self.engine.filters.active:
            return "no jobs match the filters (Esc clears them)"
        return ""

    def _update_header(self) -> None:
        states = self.engine.states
        failing = [state for state in states if state.problem is not None]
        shown = [state for state in states if self.key is None or state.key == self.key]
        last_ok = [state.last_ok for state in shown if state.last_ok is not None]
        since = [state.last_ok for state in failing if state.last_ok is not None]
        column, descending = self.engine.sort
        self.query_one(MonitorHeader).show(
            HeaderState(
                showing="All sources" if self.key is None else source_title(self.key),
                filters=_filters_text(self.engine),
                sort="" if (column, descending) == ("created", True) else f"sort {column} {'↓' if descending else '↑'}",
                live=not self.paused,
                interval=self.interval,
                last_refresh=max(last_ok) if last_ok else None,
                problem_kinds=tuple(dict.fromkeys(state.problem.kind for state in failing)),  # type: ignore[union-attr]
                failing=len(failing),
                sources=len(states),
                failing_since=min(since) if since else None,
                retry_in=self._retry_in if failing else None,
                transient=bool(failing) and all(state.problem.transient for state in failing),  # type: ignore[union-attr]
            ),
            self.clock(),
        )

    def _tick_header(self) -> None:
        self.query_one(MonitorHeader).tick(self.clock())

    def on_source_list_picked(self, message: SourceList.Picked) -> None:
        self._show_source(message.index)
        self.table.focus()

    def action_pick(self, index: int) -> None:
        if index <= len(self.engine.states):
            self._show_source(index)

    # ------------------------------------------------------------ live controls

    def action_refresh(self) -> None:
        self.refresh_now()

    def action_pause(self) -> None:
        self.paused = not self.paused
        if self.paused:
            self._stop_timer()
        else:
            self.refresh_now()
        self._update_header()

    def action_interval(self, step: int) -> None:
        """`+` waits longer between refreshes, `-` less: 2 s to 10 min."""
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
        if not self._refreshing:
            self._arm()
        self._update_header()

    # ------------------------------------------------------------ filters and sort

    def action_filter_name(self) -> None:
        name_filter = self.query_one("#name-filter", Input)
        name_filter.value = self.engine.filters.name
        name_filter.add_class("-shown")
        name_filter.focus()

    @on(Input.Submitted, "#name-filter")
    def _name_submitted(self, event: Input.Submitted) -> None:
        self._hide_name_filter()
        self.apply_filters(dataclasses.replace(self.engine.filters, name=event.value.strip()))

    def _hide_name_filter(self) -> bool:
        name_filter = self.query_one("#name-filter", Input)
        if not name_filter.has_class("-shown"):
            return False
        name_filter.remove_class("-shown")
        self.table.focus()
        return True

    def action_clear_filters(self) -> None:
        """Esc: close the name box (clearing its filter), else clear every filter."""
        if self._hide_name_filter():
            if self.engine.filters.name:
                self.apply_filters(dataclasses.replace(self.engine.filters, name=""))
            return
        if self.engine.filters.name or self.engine.filters.status:
            self.apply_filters(dataclasses.replace(self.engine.filters, name="", status=""))

    def action_filter_status(self) -> None:
        kinds = {state.key.kind for state in self.engine.states}
        statuses = (_BEDROCK_STATUSES if JobKind.BEDROCK in kinds else []) + (
            _PERSONALIZE_STATUSES if kinds - {JobKind.BEDROCK} else []
        )

        def picked(status: str | None) -> None:
            if status is not None and status != self.engine.filters.status:
                self.apply_filters(dataclasses.replace(self.engine.filters, status=status))

        self.app.push_screen(StatusFilterScreen(self.engine.filters.status, statuses), picked)

    def apply_filters(self, filters: Filters) -> None:
        """New filters list again from the first page."""
        self.engine.set_filters(filters)
        self._started = False
        self._show_source(self._index_of_key())
        self.refresh_now()

    def action_sort(self) -> None:
        """Next sort column, in its natural direction (newest, A→Z, most progress, longest)."""
        column, _descending = self.engine.sort
        following = SORT_COLUMNS[(SORT_COLUMNS.index(column) + 1) % len(SORT_COLUMNS)]
        self.sort_by(following, following in DESCENDING_FIRST)

    def action_reverse_sort(self) -> None:
        column, descending = self.engine.sort
        self.sort_by(column, not descending)

    def sort_by(self, column: str, descending: bool) -> None:
        """Sort by `column`; the cursor stays on its job (a flipped creation order lists again)."""
        filters = self.engine.filters
        with self.table.keeping_position():
            self.engine.set_sort(column, descending)
            self.table.view = self.engine.view(self.key)
            self.table.sort_marker = self.engine.sort
        if self.engine.filters is not filters:
            self._started = False
            self._show_source(self._index_of_key())
            self.refresh_now()
        self._update_header()

    def _index_of_key(self) -> int:
        if self.key is None:
            return 0
        return 1 + [state.key for state in self.engine.states].index(self.key)

    # ------------------------------------------------------------ job actions

    def _job(self) -> Job | None:
        job = self.table.current_job
        if job is None:
            self.notify("No job under the cursor.", severity="warning")
        return job

    def on_job_table_selected(self, message: JobTable.Selected) -> None:
        self.app.push_screen(DetailScreen(message.job, self.engine, self.clock, allow_stop=self.settings.allow_stop))

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen())

    def action_copy_arn(self) -> None:
        if job := self._job():
            copy_to_clipboard(self.app, job.arn)
            self.notify(f"Copied the ARN of {clean(job.name, 80)}", markup=False)

    def action_copy_json(self) -> None:
        if job := self._job():
            copy_to_clipboard(self.app, job_json(job, None))
            self.notify(f"Copied the JSON of {clean(job.name, 80)}", markup=False)

    def action_console_url(self) -> None:
        if job := self._job():
            url = console_url(job)
            copy_to_clipboard(self.app, url)
            self.notify(f"{url}\n(copied)", title="Console URL", markup=False, timeout=10)

    def action_mark(self) -> None:
        job = self._job()
        if job is None:
            return
        if job.arn in self.marked:
            self.marked.discard(job.arn)
            self.notify(f"No longer watching {clean(job.name, 80)}", markup=False)
        elif job.phase.terminal:
            self.notify(f"{clean(job.name, 80)} has already finished ({job.phase.value}).", markup=False)
        else:
            self.marked.add(job.arn)
            self.notify(f"You will be told when {clean(job.name, 80)} finishes.", markup=False)
        self.table.set_marked(self.marked)

    def action_export(self) -> None:
        from ..export import default_export_path

        def chosen(answer: tuple[Path, str] | None) -> None:
            if answer is not None:
                view = self.table.view
                jobs = [view[index] for index in range(len(view))] if view is not None else []
                self._export(jobs, *answer)

        self.app.push_screen(ExportScreen(default_export_path(self.clock().astimezone(), "csv")), chosen)

    @work(thread=True, group="export", exit_on_error=False)
    def _export(self, jobs: list[Job], path: Path, fmt: str) -> None:
        from ..export import ExportError, export_rows

        try:
            count = export_rows(jobs, path, fmt)  # type: ignore[arg-type]
        except ExportError as error:
            self.app.call_from_thread(self.notify, str(error), severity="error", markup=False)
        else:
            self.app.call_from_thread(self.notify, f"Exported {count:,} rows to {path}", markup=False)

    def action_stop(self) -> None:
        job = self._job()
        if job is None:
            return
        if not self.settings.allow_stop:
            path = self._config_file or config_path(None)
            self.notify(
                f"read-only: start with --allow-stop or set allow_stop = true in {path} to enable stop",
                severity="warning",
                markup=False,
            )
            return
        if job.kind is not JobKind.BEDROCK:
            self.notify("Personalize has no API to stop a batch job", severity="warning", markup=False)
            return
        refusal = stop_refusal(job, True)
        if refusal is not None:
            self.notify(refusal, severity="warning", markup=False)
            return

        def confirmed(answer: bool | None) -> None:
            if answer:
                self._stop(job)

        label = source_title(self.engine.source_for(job).key)
        self.app.push_screen(ConfirmStopScreen(job, label), confirmed)

    @work(group="stop", exit_on_error=False)
    async def _stop(self, job: Job) -> None:
        from ..errors import classify

        source = self.engine.source_for(job)
        try:
            await source.stop(job.arn)
        except Exception as exc:  # noqa: BLE001 - shown to the user, never raised
            problem = classify(exc, source.key.profile)
            self.notify(f"Could not stop {clean(job.name, 80)}: {problem.message}", severity="error", markup=False)
        else:
            self.notify(f"Stop requested for {clean(job.name, 80)}", markup=False)
        self.refresh_now()  # show the job as the service now sees it, stopping or not


def _total_counts(states: list[SourceState]) -> dict[Phase, int]:
    total: dict[Phase, int] = {}
    for state in states:
        for phase, count in state.counts.items():
            total[phase] = total.get(phase, 0) + count
    return total


def source_title(key: SourceKey) -> str:
    """`Bedrock invocation · us-east-1 (prod)`: a source as the header, dialogs and palette name it."""
    profile = f" ({key.profile})" if key.profile else ""
    return f"{key.label}{profile}"


def _filters_text(engine: RefreshEngine) -> str:
    filters = engine.filters
    parts = []
    if filters.name:
        parts.append(f'name ~ "{filters.name}"')
    if filters.status:
        parts.append(f"status = {filters.status}")
    return " · ".join(parts)
