"""Ask before stopping a job: stopping cannot be undone and processed records are billed.

`stop_refusal` holds the rules for when `x` may even ask (the monitor and the detail
screen share them); `ConfirmStopScreen` is the question itself.
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from ..keys import Where, bindings
from ..models import Job, Phase
from ..sanitize import safe_text
from ..stylesheets import SHORT_DIALOG, stylesheet

ENABLE_STOP_HINT = "start batchtop with --allow-stop (or set allow_stop = true in the config file)"


def stop_refusal(job: Job, allow_stop: bool) -> str | None:
    """Why `x` cannot stop this job, as one sentence; None when it may ask for confirmation."""
    if not allow_stop:
        return f"batchtop is read-only: to enable x (stop), {ENABLE_STOP_HINT}."
    if not job.kind.can_stop:
        return f"{job.kind.label} jobs cannot be stopped: Amazon Personalize has no API to stop a batch job."
    if job.phase.terminal:
        return f"This job has already finished ({job.phase.value}): there is nothing to stop."
    if job.phase is Phase.STOPPING:
        return "This job is already stopping."
    return None


class ConfirmStopScreen(ModalScreen[bool]):
    """Stop (y) or Cancel (n, q, Esc, ctrl+c). Cancel has the focus, so Enter alone never stops."""

    CSS_PATH = stylesheet("dialogs.tcss")
    VERTICAL_BREAKPOINTS = SHORT_DIALOG
    AUTO_FOCUS = "#cancel"
    BINDINGS = bindings(Where.CONFIRM) + bindings(Where.DIALOG)  # ctrl+c only cancels here

    def __init__(self, job: Job, source_label: str) -> None:
        super().__init__()
        self._job = job
        self._source_label = source_label

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-stop", classes="dialog"):
            yield Static(Text("Stop this job?"), classes="dialog-title")
            yield Static(self._job_table(), id="confirm-stop-job")
            yield Static(
                Text("Records already processed are still billed. Stopping cannot be undone."),
                classes="dialog-warning",
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button("Stop (y)", id="stop", variant="error")
                yield Button("Cancel (n)", id="cancel", variant="primary")

    def _job_table(self) -> Table:
        job = self._job
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column(overflow="fold")
        table.add_row("Job", safe_text(job.name, max_length=500))
        table.add_row("ARN", safe_text(job.arn, max_length=500))
        table.add_row("Source", safe_text(self._source_label, max_length=200))
        status = Text(f"{job.phase.glyph} {job.phase.value} · ")
        status.append_text(safe_text(job.status, max_length=100))
        table.add_row("Status", status)
        return table

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "stop")

    def action_stop(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
