"""Pick the status filter: everything, one phase, or one raw service status."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ..keys import Where, bindings
from ..models import Phase, phase_of
from ..sanitize import safe_text
from ..stylesheets import stylesheet

ALL = ""
"""The value for "no status filter" (`Filters.status` empty)."""


class StatusFilterScreen(ModalScreen[str | None]):
    """An OptionList of "all", the phases and the raw statuses; Enter picks; Esc, q or ctrl+c cancels.

    Returns "" for all, a phase value ("running") or a raw status exactly as given.
    """

    CSS_PATH = stylesheet("dialogs.tcss")
    AUTO_FOCUS = "#status-options"
    BINDINGS = bindings(Where.DIALOG)

    def __init__(self, current: str, raw_statuses: list[str]) -> None:
        super().__init__()
        self._current = current
        self._values: dict[str, str] = {"all": ALL}
        self._options: list[Option | None] = [Option(Text("all"), id="all")]
        for phase in Phase:
            option_id = f"phase:{phase.value}"
            self._values[option_id] = phase.value
            self._options.append(Option(Text(f"{phase.glyph} {phase.value}"), id=option_id))
        raw = [status for status in dict.fromkeys(raw_statuses) if status and status not in self._values.values()]
        if raw:
            self._options.append(None)
        for status in raw:
            option_id = f"raw:{status}"
            self._values[option_id] = status
            prompt = Text(f"{phase_of(status).glyph} ")
            prompt.append_text(safe_text(status, max_length=80))
            self._options.append(Option(prompt, id=option_id))

    def compose(self) -> ComposeResult:
        with Vertical(id="status-filter", classes="dialog"):
            yield Static(Text("Show jobs whose status is…"), classes="dialog-title")
            yield OptionList(*self._options, id="status-options", markup=False)
            yield Static(Text("Enter pick · Esc or q cancel", style="dim"), classes="dialog-hint")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        current_id = next((key for key, value in self._values.items() if value == self._current), "all")
        options.highlighted = options.get_option_index(current_id)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self._values[event.option_id or "all"])

    def action_cancel(self) -> None:
        self.dismiss(None)

