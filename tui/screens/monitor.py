"""The monitor: source pane, live job table, header and footer — the screen people leave open.

It renders what the App's live service (`tui.live`) fetches and applies; the refresh loop
keeps running while another screen covers this one. Each apply is wrapped in the table's
`keeping_position` (the cursor stays on its job) and followed by a render in the same
synchronous step, so no frame shows half-merged rows. While covered it renders nothing and
holds the cursor's job; when shown again it draws the current state at once.
"""

from __future__ import annotations

import dataclasses
from contextlib import AbstractContextManager, ExitStack, nullcontext
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input

from ..clipboard import copy_to_clipboard
from ..config import config_path
from ..console_url import console_url
from ..dialogs import ConfirmStopScreen, ExportScreen, StatusFilterScreen, stop_refusal
from ..feed import SORT_COLUMNS
from ..keys import Where, bindings
from ..models import STATUS_PHASES, Filters, Job, JobKind, Phase, SourceKey
from ..live import LiveService, Update
from ..output import job_json
from ..refresh import RefreshEngine, SourceState
from ..sanitize import clean
from ..stylesheets import stylesheet
from ..widgets.header import HeaderState, MonitorHeader
from ..widgets.job_table import JobTable
from ..widgets.source_list import SourceList, SourcePane, SourceRow
from .commands import MonitorCommands
from .detail import DetailScreen
from .help import HelpScreen

DESCENDING_FIRST = frozenset({"created", "progress", "duration"})
HEADER_TICK = 10.0
_BEDROCK_STATUSES = [status for status in STATUS_PHASES if status[:1].isupper() and not status.isupper()]
_PERSONALIZE_STATUSES = [status for status in STATUS_PHASES if status.isupper()]


class MonitorScreen(Screen[None]):
    """Every job of every source, live. Keys follow k9s / htop / vim (see the help screen)."""

    CSS_PATH = stylesheet("monitor.tcss")
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-medium"), (120, "-wide")]
    COMMANDS = {MonitorCommands}
    AUTO_FOCUS = "JobTable"

    BINDINGS = bindings(Where.MONITOR)

    def __init__(self, live: LiveService, *, config_file: Path | None = None) -> None:
        super().__init__()
        self.live = live
        self.engine = live.engine
        self.settings = live.settings
        self.clock = live.clock
        self.key: SourceKey | None = None
        """The source the table shows; None for all of them."""
        self._config_file = config_file
        self._header_timer: Timer | None = None
        self._covered = False
        self._hold = ExitStack()
        self._unsubscribe = lambda: None

    # ------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        yield MonitorHeader(zone=self.settings.timezone, id="header")
        with Horizontal(id="body"):
            with SourcePane(id="sources-pane"):
                yield SourceList(id="sources")
            with Vertical(id="main"):
                name_filter = Input(placeholder="name contains… (Enter apply · Esc clear)", id="name-filter")
                name_filter.cursor_blink = False
                yield name_filter
                yield JobTable(clock=self.clock, columns=self.settings.columns, zone=self.settings.timezone, id="jobs")
        yield Footer(compact=True)

    @property
    def table(self) -> JobTable:
        return self.query_one(JobTable)

    def on_mount(self) -> None:
        self._unsubscribe = self.live.subscribe(self._live_changed, self._around)
        self.query_one(SourcePane).choose(self.live.panes.get("sources"))
        keys = [state.key for state in self.engine.states]
        self._show_source(keys.index(self.live.shown) + 1 if self.live.shown in keys else 0)
        self._header_timer = self.set_interval(HEADER_TICK, self._tick_header)

    def on_unmount(self) -> None:
        self._unsubscribe()

    def on_screen_suspend(self) -> None:
        """Covered (help, detail, a dialog): the data keeps moving, this screen stops drawing.
        The table holds its cursor's job until it is shown again."""
        self._covered = True
        self._hold.enter_context(self.table.keeping_position())
        if self._header_timer is not None:
            self._header_timer.pause()

    def on_screen_resume(self) -> None:
        """Shown again: the current state, in the frame that shows this screen."""
        self._covered = False
        self._release_hold()
        if self._header_timer is not None:
            self._header_timer.resume()
        self.table.set_marked(self.live.marked)
        self._update_panes()
        self._tick_header()
        if self.table.near_end:
            self.live.load_more(self.key)

    def _release_hold(self) -> None:
        """Put the cursor back on the job it was on when the screen was covered."""
        self._hold.close()

    # ------------------------------------------------------------ live updates

    def _around(self) -> AbstractContextManager[None]:
        """Around each apply: the cursor stays on its job (while covered, the hold does that)."""
        return nullcontext() if self._covered else self.table.keeping_position()

    def _live_changed(self, update: Update) -> None:
        """Render what the live service just applied (nothing while covered)."""
        if self._covered:
            return
        if update.kind == "loading":
            self.table.sync_lines()
            return
        if update.kind == "refresh" and not update.first:  # the first load is all new: nothing to point out
            self.table.flash(update.delta.new | update.delta.changed)
        if update.delta.finished:
            self.table.set_marked(self.live.marked)
        self._update_panes()
        if update.kind == "refresh" or (update.ok and update.key == self.key):
            if self.table.near_end:
                self.live.load_more(self.key)

    def on_job_table_near_end(self, _message: JobTable.NearEnd) -> None:
        if self.table.near_end:  # still: rows may have landed since it was posted
            self.live.load_more(self.key)

    # ------------------------------------------------------------ what is shown

    def _show_source(self, index: int) -> None:
        self._release_hold()  # another view: back to its top, whatever was held
        states = self.engine.states
        self.key = None if index == 0 else states[index - 1].key
        self.live.shown = self.key
        self.live.remember_state()
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
                len(self.engine.view(None)),  # what the All table counts: rows in date order so far
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
        failing = all(state.problem is not None for state in states if self.key in (None, state.key))
        if (empty_text, failing) != (self.table.empty_text, self.table.failing):
            self.table.empty_text, self.table.failing = empty_text, failing
            self.table.sync_lines()
        self._update_header()

    def _empty_text(self) -> str:
        """Why the table is empty: the first problem, no match for the filters, or nothing yet."""
        shown = [state for state in self.engine.states if self.key is None or state.key == self.key]
        problems = [state.problem for state in shown if state.problem is not None]
        if problems:
            return f"⚠ {clean(problems[0].message, 300)}"
        if not self.live.started:
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
                live=not self.live.paused,
                interval=self.live.interval,
                last_refresh=max(last_ok) if last_ok else None,
                problem_kinds=tuple(dict.fromkeys(state.problem.kind for state in failing)),  # type: ignore[union-attr]
                failing=len(failing),
                sources=len(states),
                failing_since=min(since) if since else None,
                retry_at=self.live.retry_at if failing else None,
                transient=bool(failing) and all(state.problem.transient for state in failing),  # type: ignore[union-attr]
                cached=any(state.cached for state in shown),
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
        self.live.refresh_now()

    def action_pause(self) -> None:
        self.live.toggle_pause()

    def action_interval(self, step: int) -> None:
        self.live.step_interval(step)

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
        statuses = (_BEDROCK_STATUSES if kinds & {JobKind.BEDROCK, JobKind.SAGEMAKER} else []) + (
            _PERSONALIZE_STATUSES if kinds & {JobKind.PERSONALIZE, JobKind.SEGMENT} else []
        )

        def picked(status: str | None) -> None:
            if status is not None and status != self.engine.filters.status:
                self.apply_filters(dataclasses.replace(self.engine.filters, status=status))

        self.app.push_screen(StatusFilterScreen(self.engine.filters.status, statuses), picked)

    def apply_filters(self, filters: Filters) -> None:
        """New filters list again from the first page."""
        self.engine.set_filters(filters)
        self.live.relist()
        self._show_source(self._index_of_key())

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
        self._release_hold()
        filters = self.engine.filters
        with self.table.keeping_position():
            self.engine.set_sort(column, descending)
            self.table.view = self.engine.view(self.key)
            self.table.sort_marker = self.engine.sort
        if self.engine.filters is not filters:
            self.live.relist()
            self._show_source(self._index_of_key())
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
        job = message.job
        self.app.push_screen(
            DetailScreen(
                job,
                self.engine,
                self.clock,
                allow_stop=self.settings.allow_stop,
                zone=self.settings.timezone,
                history=self.live.history(job.arn),
            )
        )

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen())

    def action_toggle_sources(self) -> None:
        pane = self.query_one(SourcePane)
        if not pane.toggle():
            self.table.focus()
        self.live.panes["sources"] = pane.chosen
        self.live.remember_state()

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
        marked = self.live.marked
        if job.arn in marked:
            marked.discard(job.arn)
            self.notify(f"No longer watching {clean(job.name, 80)}", markup=False)
        elif job.phase.terminal:
            self.notify(f"{clean(job.name, 80)} has already finished ({job.phase.value}).", markup=False)
        else:
            marked.add(job.arn)
            self.notify(f"You will be told when {clean(job.name, 80)} finishes.", markup=False)
        self.table.set_marked(marked)
        self.live.remember_state()

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
        if not job.kind.can_stop:
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
        self.live.refresh_now()  # show the job as the service now sees it, stopping or not


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
