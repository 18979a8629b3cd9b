"""`?`: every key of every screen, grouped, as `tui/keys.py` lists them.

Two columns from 100 cells up, one below; the body scrolls (arrows, j/k, PgUp/PgDn), so
every group and the closing hint can be read at 80×24 and smaller.
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from ..keys import Where, bindings, help_sections
from ..stylesheets import stylesheet
from ..widgets.key_scroll import KeyScroll

_CHROME = 4  # border, title and hint lines around the body

KeySections = list[tuple[str, list[tuple[str, str]]]]


def _section_table(rows: list[tuple[str, str]], key_width: int) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True, min_width=key_width)
    table.add_column(overflow="fold")
    for keys, meaning in rows:
        table.add_row(Text(keys), Text(meaning))
    return table


def _split_columns(sections: KeySections) -> tuple[KeySections, KeySections]:
    """Split the groups, in order, into two columns of about the same height."""
    heights = [len(rows) + 2 for _title, rows in sections]
    cut = min(range(len(sections) + 1), key=lambda i: max(sum(heights[:i]), sum(heights[i:])))
    return sections[:cut], sections[cut:]


class HelpScreen(ModalScreen[None]):
    """Keys grouped by screen; Esc, ? or q closes; the body scrolls."""

    CSS_PATH = stylesheet("dialogs.tcss")
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    AUTO_FOCUS = "#help-body"
    BINDINGS = bindings(Where.HELP)

    def __init__(self, sections: KeySections | None = None) -> None:
        super().__init__()
        self._sections = help_sections() if sections is None else sections

    def compose(self) -> ComposeResult:
        key_width = max((len(keys) for _title, rows in self._sections for keys, _ in rows), default=0)
        with Vertical(id="help"):
            yield Static(Text("batchtop keys"), id="help-title")
            with KeyScroll(id="help-body"), Horizontal(id="help-columns"):
                for column in _split_columns(self._sections):
                    with Vertical(classes="help-column"):
                        for title, rows in column:
                            group = Static(_section_table(rows, key_width), classes="help-group")
                            group.border_title = title
                            yield group
            yield Static(Text("↑↓ j k PgUp PgDn scroll · Esc, ? or q closes", style="dim"), id="help-hint")

    def on_resize(self) -> None:
        """The body takes what the title, the hint and the border leave, and scrolls the rest."""
        self.query_one("#help-body").styles.max_height = max(1, self.size.height - _CHROME)

    def action_close(self) -> None:
        self.dismiss(None)
