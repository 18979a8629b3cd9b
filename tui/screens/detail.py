"""The detail screen: everything about one job, grouped and labelled in plain words.

It shows the summary row it was given at once, then describes the job in a worker and
renders the whole response when it arrives. While the job is not terminal it describes
it again on a one-shot timer (re-armed after each describe, paused while covered, and
described at once when shown again), and
turns successive record counts into a processing rate and an ETA. A failed describe keeps
the summary on screen with the problem in place of the details.

What the sections say is worked out by `detail_view` (pure formatting, no Textual); every
string that came from AWS reaches the screen through `tui.sanitize`.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Static

from .. import viewmodel
from ..actions import JobActions
from ..cache import Sample
from ..errors import classify
from ..keys import Where, bindings
from ..models import Job, JobDetail, Problem, Source
from ..sanitize import safe_text
from ..stylesheets import stylesheet
from ..timefmt import Zone, format_clock, zone_name
from ..widgets.footer import FittingFooter
from ..widgets.key_scroll import KeyScroll
from ..widgets.progress_history import history_rows
from .help import HelpScreen
from .detail_view import VALUE_LIMIT, DetailView, RateMeter, label_width, rows_table

if TYPE_CHECKING:
    from ..live import LiveService

REDESCRIBE_SECONDS = 5.0
"""How often a job that is not terminal is described again while this screen shows it."""


_SECTION_IDS = {
    "Status": "status",
    "Records": "records",
    "Timing": "timing",
    "Identity": "identity",
    "Model": "model",
    "Data": "data",
    "Configuration": "configuration",
}


class DetailScreen(Screen[None]):
    """One job in full. Esc, Backspace or q goes back; c/y/o copy; m marks; x stops (when enabled).

    Job actions are `tui.actions`' (the monitor's too); the live refresh goes on behind.
    """

    CSS_PATH = stylesheet("detail.tcss")
    AUTO_FOCUS = "#detail-body"
    BINDINGS = bindings(Where.DETAIL)

    def __init__(self, job: Job, live: LiveService) -> None:
        super().__init__()
        self.job = job
        self.detail: JobDetail | None = None
        self.problem: Problem | None = None
        self._engine = live.engine
        self._clock = live.clock
        self._allow_stop = live.settings.allow_stop
        self._zone: Zone = live.settings.timezone
        self._actions = JobActions(live)
        self._meter = RateMeter()
        self._history = live.history(job.arn)
        """Progress samples from the cache, then this screen's own: the charts and the rate."""
        for sample in self._history:
            self._meter.add(sample.at, sample.processed)
        self._described_at: dt.datetime | None = None
        self._describing = False
        self._timer: Timer | None = None
        self._suspended = False

    def compose(self) -> ComposeResult:
        yield Static(id="detail-title")
        yield Static(Text("loading details…"), id="detail-state")
        with KeyScroll(id="detail-body"):
            for title, widget_id in _SECTION_IDS.items():
                section = Static(id=widget_id, classes="detail-section")
                section.border_title = title
                yield section
            everything = Static(id="all-fields", classes="detail-section")
            everything.border_title = "All fields"
            yield everything
        yield FittingFooter()

    def on_mount(self) -> None:
        self._show()
        self.action_describe_now()

    @property
    def describing(self) -> bool:
        """A describe is in flight."""
        return self._describing

    @property
    def covered(self) -> bool:
        """Another screen is on top: no describes are started."""
        return self._suspended

    @property
    def will_describe_again(self) -> bool:
        """A describe is scheduled (the job can still change and retrying can help)."""
        return self._timer is not None

    def on_screen_suspend(self) -> None:
        """Covered (help, a dialog): its footer goes blank, as the monitor's does."""
        self._suspended = True
        self.query_one(FittingFooter).visible = False
        if self._timer is not None:
            self._timer.pause()

    def on_screen_resume(self) -> None:
        """Shown again: a job that may have moved on while covered is described at once, so
        what this screen shows is true now, not after the rest of the paused wait."""
        self._suspended = False
        self.query_one(FittingFooter).visible = True
        if self._timer is not None:
            self.action_describe_now()

    # -- describing ---------------------------------------------------------------------

    def action_describe_now(self) -> None:
        """Describe the job now (skipped while a describe is in flight)."""
        if self._describing:
            return
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self._describing = True
        self.run_worker(self._describe(), group="describe", exit_on_error=False)

    async def _describe(self) -> None:
        source: Source | None = None
        try:
            source = self._engine.source_for(self.job)
            detail = await source.describe(self.job.arn)
        except Exception as exc:  # noqa: BLE001 - every failure becomes a visible Problem
            self.problem = classify(exc, source.key.profile if source else None)
        else:
            self._accept(detail)
        finally:
            self._describing = False
        self._schedule()
        self._show()

    def _accept(self, detail: JobDetail) -> None:
        now = self._clock()
        self.detail, self.job, self.problem, self._described_at = detail, detail.job, None, now
        counts = detail.job.records
        if counts is not None and counts.processed is not None:
            self._meter.add(now, counts.processed)
            self._history.append(Sample(now, counts.processed, counts.succeeded, counts.failed))

    def _schedule(self) -> None:
        """Re-arm the one-shot timer while the job can still change and retrying can help."""
        if self.job.phase.terminal or not self.is_attached:
            return
        if self.problem is not None and not self.problem.transient:
            return
        delay = max(REDESCRIBE_SECONDS, self.problem.retry_after or 0.0) if self.problem else REDESCRIBE_SECONDS
        self._timer = self.set_timer(delay, self.action_describe_now)
        if self._suspended:
            self._timer.pause()

    # -- rendering ----------------------------------------------------------------------

    def _show(self) -> None:
        seen_by = viewmodel.seen_by(self._engine.states, self.job.arn)
        view = DetailView(self.job, self.detail.fields if self.detail else None, self._clock(), self._meter, self._zone, seen_by,
                          self._known_dataset_group())
        self._show_title()
        shown = dict(view.sections())
        if "Records" in shown:
            shown["Records"] = shown["Records"] + history_rows(self._history, self.job, self._clock())
        width = label_width(list(shown.values()))
        for title, widget_id in _SECTION_IDS.items():
            section = self.query_one(f"#{widget_id}", Static)
            rows = shown.get(title)
            section.display = bool(rows)
            if rows:
                section.update(rows_table(rows, width))
        self.query_one("#detail-state", Static).update(self._state_line())
        everything = self.query_one("#all-fields", Static)
        everything.display = self.detail is not None
        if self.detail is not None:
            rows = view.all_fields()
            everything.update(rows_table(rows, label_width([rows], most=48)))

    def _known_dataset_group(self) -> str | None:
        """The job's dataset group when `o` already looked it up (no AWS call here)."""
        try:
            return self._engine.source_for(self.job).known_dataset_group(self.job)
        except KeyError:
            return None

    def _show_title(self) -> None:
        job = self.job
        title = Text(f"{job.phase.glyph} {job.phase.value}  ", style="bold")
        title.append_text(safe_text(job.name, max_length=200))
        title.append(f"  · {job.kind.label}", style="dim")
        widget = self.query_one("#detail-title", Static)
        widget.set_classes(f"phase-{job.phase.value}")
        widget.update(title)

    def _state_line(self) -> Text:
        if self.problem is not None:
            line = Text("Details unavailable: ", style="bold red")
            line.append_text(safe_text(self.problem.message, max_length=VALUE_LIMIT))
            if self._timer is None:
                line.append("  (r tries again)", style="dim")
            return line
        if self._described_at is None:
            return Text("loading details…", style="dim")
        described = format_clock(self._described_at, self._zone)
        line = Text(f"described {described} {zone_name(self._zone, self._described_at)}", style="dim")
        if not self.job.phase.terminal:
            line.append(f" · again every {REDESCRIBE_SECONDS:g} s while the job runs", style="dim")
        return line

    # -- actions ------------------------------------------------------------------------

    def action_back(self) -> None:
        self.dismiss(None)

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "stop":
            return self._allow_stop
        if action == "stop_refused":
            return not self._allow_stop
        return True

    def action_copy_arn(self) -> None:
        self._actions.copy_arn(self.job)

    def action_copy_json(self) -> None:
        self._actions.copy_json(self.job, self.detail)

    def action_console_url(self) -> None:
        self._actions.copy_console_url(self.job, after=self._console_url_shown)

    def _console_url_shown(self) -> None:
        if self.is_attached:
            self._show()  # the Console row now links where `o` did (a dataset group found)

    def action_mark(self) -> None:
        self._actions.toggle_mark(self.job)

    def action_stop(self) -> None:
        self._actions.stop(self.job, after=self._stop_answered)

    def action_stop_refused(self) -> None:
        self._actions.stop(self.job)  # read-only: the refusal says how to enable stop

    def _stop_answered(self) -> None:
        if self.is_attached:
            self.action_describe_now()
