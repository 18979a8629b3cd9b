"""The monitor: source pane, live job table, header and footer — the screen people leave open.

It renders what the App's live service (`tui.live`) fetches and applies; the refresh loop
keeps running while another screen covers this one. Each apply is wrapped in the table's
`keeping_position` (the cursor stays on its job) and followed by a render in the same
synchronous step, so no frame shows half-merged rows. While covered it renders nothing and
holds the cursor's job; when shown again it draws the current state at once.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from textual import events, on
from textual.app import ComposeResult
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input

from .. import viewmodel
from ..actions import JobActions
from ..dialogs import StatusFilterScreen
from ..keys import Where, bindings
from ..live import LiveService, ScreenLink, LiveUpdate
from ..models import Filters, Job, Problem, ProblemKind, SourceKey
from ..stylesheets import stylesheet
from ..widgets.footer import FittingFooter
from ..widgets.header import MonitorHeader
from ..widgets.job_table import JobTable, RowView
from ..widgets.narrow import NarrowedView, narrows
from ..widgets.source_list import SourceList, SourcePane
from .commands import MonitorCommands
from .detail import DetailScreen
from .help import HelpScreen

HEADER_TICK = 10.0


class MonitorScreen(Screen[None]):
    """Every job of every source, live. Keys follow k9s / htop / vim (see the help screen)."""

    CSS_PATH = stylesheet("monitor.tcss")
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-medium"), (120, "-wide")]
    COMMANDS = {MonitorCommands}
    AUTO_FOCUS = "JobTable"

    BINDINGS = bindings(Where.MONITOR)

    def __init__(self, live: LiveService) -> None:
        super().__init__()
        self.live = live
        self.engine = live.engine
        self.actions = JobActions(live)
        self.key: SourceKey | None = None
        """The source the table shows; None for all of them."""
        self._shown = 0
        self._narrowed: NarrowedView | None = None
        """`/` as you type: the loaded rows whose name matches (None: no narrowing)."""
        self._before_filters: str | None = None
        """The cursor's job when `/` or `f` opened on the unfiltered rows: Esc after a service
        or status filter comes back to it when the filter's own rows are not among those."""
        self._link = ScreenLink(live, self._live_changed, self._keeping_position)

    def compose(self) -> ComposeResult:
        """Every part is a child of the screen, split off its edges (styles/monitor.tcss): a
        key that repaints table lines composites no container around the table."""
        yield MonitorHeader(zone=self.live.settings.timezone, id="header")
        yield FittingFooter(compact=True)
        with SourcePane(id="sources-pane"):
            yield SourceList(id="sources")
        name_filter = Input(placeholder="name contains… (! negates · Enter asks the service too · Esc restores)", id="name-filter")
        name_filter.cursor_blink = False
        yield name_filter
        yield JobTable(clock=self.live.clock, columns=self.live.settings.columns, zone=self.live.settings.timezone, id="jobs")

    @property
    def table(self) -> JobTable:
        return self.query_one(JobTable)

    def on_mount(self) -> None:
        self.query_one(SourcePane).choose(self.live.panes.get("sources"))
        keys = [state.key for state in self.engine.states]
        self._show_source(keys.index(self.live.shown) + 1 if self.live.shown in keys else 0)
        self._header_timer: Timer = self.set_interval(HEADER_TICK, self._tick_header)

    def on_unmount(self) -> None:
        self._link.close()

    # ------------------------------------------------------------ live updates

    def on_screen_suspend(self) -> None:
        """Covered (help, detail, a dialog): the data keeps moving, this screen stops drawing.
        Its footer goes blank: under an overlay its keys (`q Quit`) would not do what it says."""
        self._link.cover()
        self._header_timer.pause()
        self.query_one(FittingFooter).visible = False

    def on_screen_resume(self) -> None:
        """Shown again: the current state, in the frame that shows this screen."""
        self._link.show()
        self._header_timer.resume()
        self.query_one(FittingFooter).visible = True
        self.table.set_marked(self.live.marked)
        self._update_panes()
        self._tick_header()
        if self.table.near_end:
            self.live.load_more(self.key)

    def _live_changed(self, update: LiveUpdate) -> None:
        """Render what the live service just applied (only while shown: see ScreenLink)."""
        if update.kind == "loading":
            self.table.sync_lines()
            return
        if update.kind == "page" and not update.ok and not self.live.loading_to_end:
            self.table.end_stopped()  # End stopped at a page that failed (one that may pass is retried)
        self.table.set_end_note(_end_note(self.live.end_problem))
        if update.kind == "refresh" and not update.first:  # the first load is all new: nothing to point out
            self.table.flash(update.delta.new | update.delta.changed)
        if update.delta.finished:
            self.table.set_marked(self.live.marked)
        self._update_panes()
        paged_here = update.kind == "page" and update.ok and update.key == self.key
        if (update.kind == "refresh" or paged_here) and self.table.near_end:
            self.live.load_more(self.key)

    def on_job_table_end_wanted(self, _message: JobTable.EndWanted) -> None:
        self.live.load_to_end(self.key, self._end_page)

    def _end_page(self) -> None:
        """After each page of End: the cursor on the last row (the last page ends it)."""
        if not self._link.covered:
            self.table.follow_end()

    def on_job_table_end_stopped(self, _message: JobTable.EndStopped) -> None:
        self.live.cancel_paging()

    def on_job_table_near_end(self, _message: JobTable.NearEnd) -> None:
        if self.table.near_end:  # still: rows may have landed since it was posted
            self.live.load_more(self.key)

    # ------------------------------------------------------------ what is shown

    def _show_source(self, index: int) -> None:
        self._link.release()  # another view: back to its top, whatever was held
        states = self.engine.states
        self._shown = index
        self.key = None if index == 0 else states[index - 1].key
        self.live.shown = self.key
        self.live.remember_state()
        members = viewmodel.shown_states(states, self.key)
        self.table.show_view(
            self._view_for(self.key),
            kinds=frozenset(state.key.kind for state in members),
            several_places=viewmodel.several_places(members),
        )
        self.table.sort_marker = self.engine.sort
        self.query_one(SourceList).shown = index
        self._update_panes()

    def _update_panes(self) -> None:
        """The source pane, the header and the empty table's sentence, from the engine's state."""
        live, engine = self.live, self.engine
        every = engine.view(None)
        self.query_one(SourceList).set_rows(
            viewmodel.source_rows(engine.states, all_rows=len(every), all_counts=every.counts, all_held=every.held_reason)
        )
        self.table.show_accounts(len(viewmodel.accounts(viewmodel.shown_states(engine.states, self.key))) > 1)
        empty_text = viewmodel.empty_text(engine.states, self.key, started=live.started, filters=engine.filters)
        failing = viewmodel.all_failing(engine.states, self.key)
        if (empty_text, failing) != (self.table.empty_text, self.table.failing):
            self.table.empty_text, self.table.failing = empty_text, failing
            self.table.sync_lines()
        header = viewmodel.header_state(
            engine.states, self.key, sort=engine.sort, filters=engine.filters,
            paused=live.paused, interval=live.interval, retry_at=live.retry_at,
        )  # fmt: skip
        if self._narrowed is not None:
            typed = f'loaded names ~ "{self._narrowed.pattern}"'
            header = dataclasses.replace(header, filters=" · ".join(filter(None, (typed, header.filters))))
        self.query_one(MonitorHeader).show(header, live.clock())

    @contextmanager
    def _keeping_position(self) -> Iterator[None]:
        """Around each apply: the cursor stays on its job, and narrowed rows are matched again
        before the table looks for its jobs."""
        with self.table.keeping_position():
            yield
            if self._narrowed is not None:
                self._narrowed.refilter()

    def _view_for(self, key: SourceKey | None) -> RowView:
        """The engine's rows of `key`, narrowed by `/` while a pattern is typed."""
        view = self.engine.view(key)
        if self._narrowed is not None:
            self._narrowed = NarrowedView(view, self._narrowed.pattern)
            return self._narrowed
        return view

    def _tick_header(self) -> None:
        self.query_one(MonitorHeader).tick(self.live.clock())

    def on_source_list_picked(self, message: SourceList.Picked) -> None:
        self._show_source(message.index)
        self.table.focus()

    def action_pick(self, index: int) -> None:
        if index <= len(self.engine.states):
            self._show_source(index)

    # ------------------------------------------------------------ live controls

    def action_refresh(self) -> None:
        self.live.refresh_now()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """p is `pause` while live and `resume` while paused: the footer names what it does.
        `/` (a priority key) types a slash while the name box has the focus."""
        if action == "filter_name":
            return self.focused is not self.query_one("#name-filter", Input)
        if action == "pause":
            return not self.live.paused
        if action == "resume":
            return self.live.paused
        return True

    def action_pause(self) -> None:
        self.live.toggle_pause()
        self.refresh_bindings()

    action_resume = action_pause

    def action_interval(self, step: int) -> None:
        self.live.step_interval(step)

    # ------------------------------------------------------------ filters and sort

    def action_filter_name(self) -> None:
        """`/` (a priority key: run before the keys behind it are passed on) focuses the box
        at once, not a message later, so every key of a burst (`/doc` typed fast or sent by
        tmux) goes into it and none reaches the table (`d` would open the detail)."""
        self._remember_position()
        name_filter = self.query_one("#name-filter", Input)
        name_filter.value = self._narrowed.pattern if self._narrowed is not None else self.engine.filters.name
        name_filter.add_class("-shown")
        self.set_focus(name_filter)

    def on_paste(self, event: events.Paste) -> None:
        """A paste that starts with `/` (a filter kept in notes) opens the filter with the rest
        of its first line typed in; the box takes a paste while it has the focus."""
        if event.text.startswith("/"):
            event.stop()
            self.action_filter_name()
            self.query_one("#name-filter", Input).insert_text_at_cursor(event.text[1:].partition("\n")[0])

    @on(Input.Changed, "#name-filter")
    def _name_typed(self, event: Input.Changed) -> None:
        """Narrow the loaded rows as the pattern is typed; nothing is fetched."""
        if event.input.has_class("-shown"):
            self._narrow(event.value)

    def _narrow(self, pattern: str) -> None:
        base = self.engine.view(self.key)
        self._narrowed = NarrowedView(base, pattern) if narrows(pattern) else None
        with self.table.keeping_position():
            self.table.view = self._narrowed if self._narrowed is not None else base
        self._update_panes()

    @on(Input.Submitted, "#name-filter")
    def _name_submitted(self, event: Input.Submitted) -> None:
        """Enter: where the service can filter by name (a pattern without `!`), list again
        with it, which also finds matches not loaded yet; a `!` pattern stays on the loaded rows."""
        self._hide_name_filter()
        pattern = event.value.strip()
        if pattern.startswith("!"):
            return
        self._narrowed = None
        self.apply_filters(dataclasses.replace(self.engine.filters, name=pattern))

    def _hide_name_filter(self) -> bool:
        name_filter = self.query_one("#name-filter", Input)
        if not name_filter.has_class("-shown"):
            return False
        name_filter.remove_class("-shown")
        self.table.focus()
        return True

    def action_clear_filters(self) -> None:
        """Esc: stop loading to the end, else close the name box (clearing its filter), else
        clear every filter."""
        if self.table.stop_end():
            return
        if self._hide_name_filter() or self._narrowed is not None:
            if self._narrowed is not None:
                self._narrow("")  # the rows loaded before, as they were: nothing is fetched
            return
        filters = self.engine.filters
        if filters.name or filters.status:
            job = self.table.current_job
            self.apply_filters(dataclasses.replace(filters, name="", status=""))
            # the rows loaded before come back at once: the cursor goes back to its job, or
            # (one the filter found but not among them) to the job it was on before the filter
            for arn in (job.arn if job is not None else None, self._before_filters):
                if self.table.go_to(arn):
                    break

    def _remember_position(self) -> None:
        """A filter is about to be set on the unfiltered rows: remember the cursor's job."""
        filters = self.engine.filters
        if not (filters.name or filters.status) and self._narrowed is None:
            job = self.table.current_job
            self._before_filters = job.arn if job is not None else None

    def action_filter_status(self) -> None:
        self._remember_position()
        statuses = viewmodel.status_choices({state.key.kind for state in self.engine.states})

        def picked(status: str | None) -> None:
            if status is not None and status != self.engine.filters.status:
                self.apply_filters(dataclasses.replace(self.engine.filters, status=status))

        self.app.push_screen(StatusFilterScreen(self.engine.filters.status, statuses), picked)

    def apply_filters(self, filters: Filters) -> None:
        """New filters list again from the first page."""
        self.live.set_filters(filters)
        self._show_source(self._shown)

    def action_sort(self) -> None:
        self.sort_by(*viewmodel.next_sort(self.engine.sort))

    def action_reverse_sort(self) -> None:
        column, descending = self.engine.sort
        self.sort_by(column, not descending)

    def sort_by(self, column: str, descending: bool) -> None:
        """Sort by `column`; the cursor stays on its job (no row is fetched again)."""
        self._link.release()
        with self.table.keeping_position():
            self.live.set_sort(column, descending)
            self.table.view = self._view_for(self.key)
            self.table.sort_marker = self.engine.sort
        self._update_panes()

    # ------------------------------------------------------------ job actions

    def _on_job(self, act: Callable[[Job], None]) -> None:
        """A job action (`tui.actions`) on the job under the cursor, or say there is none."""
        job = self.table.current_job
        if job is None:
            self.notify("No job under the cursor.", severity="warning")
        else:
            act(job)

    def on_job_table_selected(self, message: JobTable.Selected) -> None:
        self.app.push_screen(DetailScreen(message.job, self.live))

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen())

    def action_next_pane(self) -> None:
        """Tab: focus the next pane; a hidden sources pane is shown first (it holds the only
        other focusable part)."""
        if not self.query_one(SourcePane).display:
            self.action_toggle_sources()
            self.query_one(SourceList).focus()
            return
        self.focus_next()

    def action_toggle_sources(self) -> None:
        pane = self.query_one(SourcePane)
        if not pane.toggle():
            self.table.focus()
        self.live.panes["sources"] = pane.chosen
        self.live.remember_state()

    def action_copy_arn(self) -> None:
        self._on_job(self.actions.copy_arn)

    def action_copy_json(self) -> None:
        self._on_job(self.actions.copy_json)

    def action_console_url(self) -> None:
        self._on_job(self.actions.copy_console_url)

    def action_mark(self) -> None:
        self._on_job(self.actions.toggle_mark)
        self.table.set_marked(self.live.marked)

    def action_stop(self) -> None:
        self._on_job(self.actions.stop)

    def action_export(self) -> None:
        view = self.table.view
        self.actions.export([view[index] for index in range(len(view))] if view is not None else [])


def _end_note(problem: Problem | None) -> str | None:
    """What the status line adds while End waits to ask for a failed page again."""
    if problem is None:
        return None
    what = {ProblemKind.THROTTLED: "throttled", ProblemKind.NETWORK: "no answer"}.get(problem.kind, "service error")
    return f"a page failed ({what}): trying again"
