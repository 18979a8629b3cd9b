"""Ask where to export the rows in view, and as CSV or JSON; write them before closing, so a
path that cannot be written keeps the dialog open with what was typed and says why."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static
from textual.worker import Worker, WorkerState

from ..export import ExportError
from ..keys import Where, bindings
from ..sanitize import clean
from ..stylesheets import SHORT_DIALOG, stylesheet

FORMATS = ("csv", "json")

Writer = Callable[[Path, str], int]
"""Writes the rows to (path, format) and returns how many; raises ExportError to say why not."""


def format_for(path: Path | str, fallback: str = "csv") -> str:
    """The export format a path's extension asks for (`.json` → json, `.csv` → csv)."""
    suffix = Path(path).suffix.lower().lstrip(".")
    return suffix if suffix in FORMATS else fallback


class ExportScreen(ModalScreen[tuple[Path, str] | None]):
    """Enter exports to the path shown, in the format shown; ctrl+t switches csv/json; Esc or ctrl+c cancels.

    With a `write`r, Enter writes the file (in a thread: 100,000 rows take a moment) and the
    dialog closes only once it is written; a failure is shown under the path, which stays as
    typed. Without one, Enter just answers (path, format).
    """

    CSS_PATH = stylesheet("dialogs.tcss")
    VERTICAL_BREAKPOINTS = SHORT_DIALOG
    AUTO_FOCUS = "#export-path"
    BINDINGS = bindings(Where.DIALOG) + bindings(Where.EXPORT)

    def __init__(self, default_path: Path, write: Writer | None = None) -> None:
        super().__init__()
        self._default_path = default_path
        self._format = format_for(default_path)
        self._write = write
        self._writing = False

    def compose(self) -> ComposeResult:
        path_input = Input(value=str(self._default_path), id="export-path", placeholder="file to write")
        path_input.cursor_blink = False
        with Vertical(id="export", classes="dialog"):
            yield Static(Text("Export the rows in view (filters applied)"), classes="dialog-title")
            yield path_input
            yield Static(self._format_line(), id="export-format")
            yield Static(Text("", style="bold red"), id="export-error")
            yield Static(Text("Enter export · ctrl+t csv/json · Esc cancel", style="dim"), classes="dialog-hint")

    def _format_line(self) -> Text:
        line = Text("Format  ")
        for name in FORMATS:
            chosen = name == self._format
            line.append(f"{'●' if chosen else '○'} {name.upper()}", style="bold" if chosen else "dim")
            line.append("  ")
        return line

    def _show_format(self) -> None:
        self.query_one("#export-format", Static).update(self._format_line())

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._format = format_for(event.value, self._format)
        self._show_format()
        self.query_one("#export-error", Static).update(Text(""))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        value = event.value.strip()
        if not value:
            self._show_error("Type a file path first.")
            return
        if self._writing:
            return
        answer = (Path(value).expanduser(), self._format)
        if self._write is None:
            self.dismiss(answer)
            return
        self._writing = True
        self.query_one("#export-error", Static).update(Text("writing…", style="dim"))
        self.run_worker(lambda: self._write_file(*answer), thread=True, group="export", exit_on_error=False)

    def _write_file(self, path: Path, fmt: str) -> tuple[Path, str, int]:
        assert self._write is not None
        return path, fmt, self._write(path, fmt)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "export" or event.state not in (WorkerState.SUCCESS, WorkerState.ERROR):
            return
        self._writing = False
        if event.state is WorkerState.ERROR:
            error = event.worker.error
            self._show_error(str(error) if isinstance(error, ExportError) else f"export failed: {error}")
            self.query_one("#export-path", Input).focus()
            return
        path, fmt, count = event.worker.result
        self.app.notify(f"Exported {count:,} rows to {path}", markup=False)
        self.dismiss((path, fmt))

    def _show_error(self, message: str) -> None:
        self.query_one("#export-error", Static).update(Text(clean(message, 500), style="bold red"))

    def action_toggle_format(self) -> None:
        """Switch csv/json; a path ending in the old extension follows the new one."""
        self._format = FORMATS[(FORMATS.index(self._format) + 1) % len(FORMATS)]
        path_input = self.query_one("#export-path", Input)
        path = Path(path_input.value.strip())
        if path.suffix.lower().lstrip(".") in FORMATS:
            path_input.value = str(path.with_suffix(f".{self._format}"))
            path_input.cursor_position = len(path_input.value)
        self._show_format()

    def action_cancel(self) -> None:
        self.dismiss(None)
