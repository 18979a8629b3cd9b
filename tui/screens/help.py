"""`?`: every key of every screen, grouped, from one table (the footer may read it too)."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from ..stylesheets import stylesheet

KeySections = list[tuple[str, list[tuple[str, str]]]]

KEY_SECTIONS: KeySections = [
    (
        "Monitor · navigation",
        [
            ("↑ ↓  j k", "move the cursor"),
            ("PgUp PgDn", "page up / down"),
            ("Home  g", "first row"),
            ("End  G", "last loaded row (keeps loading)"),
            ("Enter  d", "describe the job (detail screen)"),
            ("Tab", "next pane"),
            ("1 – 9", "pick a source"),
        ],
    ),
    (
        "Monitor · filter & sort",
        [
            ("/", "filter by name (literal text)"),
            ("f", "filter by phase or raw status"),
            ("Esc", "clear the filters"),
            ("s", "next sort column"),
            ("S", "reverse the sort"),
        ],
    ),
    (
        "Monitor · live refresh",
        [
            ("r", "refresh now"),
            ("p", "pause / resume live refresh"),
            ("+  -", "longer / shorter refresh interval"),
        ],
    ),
    (
        "Monitor · actions",
        [
            ("c", "copy the ARN (OSC 52, works over SSH)"),
            ("y", "copy the job's JSON"),
            ("o", "show and copy the AWS console URL"),
            ("m", "mark: notify when the job finishes"),
            ("ctrl+s", "export the view to CSV or JSON"),
            ("x", "stop the job (Bedrock, --allow-stop)"),
        ],
    ),
    (
        "Detail",
        [
            ("Esc  Backspace", "back to the monitor, same job"),
            ("r", "describe again now"),
            ("c", "copy the ARN"),
            ("y", "copy the full describe JSON"),
            ("o", "show and copy the AWS console URL"),
            ("x", "stop the job (Bedrock, --allow-stop)"),
        ],
    ),
    (
        "Dialogs",
        [
            ("Enter", "confirm / pick"),
            ("Esc  ctrl+c", "cancel"),
            ("y  n", "stop / cancel (stop confirmation)"),
            ("ctrl+t", "switch CSV / JSON (export)"),
        ],
    ),
    (
        "Global",
        [
            ("?", "this help"),
            ("ctrl+p", "command palette"),
            ("q", "quit"),
            ("ctrl+c", "quit (never mid-confirmation)"),
        ],
    ),
]
"""The DESIGN.md keyboard map: (group title, [(keys, what they do)])."""


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
    """Keys grouped by screen, in two columns; Esc, ? or q closes."""

    CSS_PATH = stylesheet("dialogs.tcss")
    BINDINGS = [Binding("escape,question_mark,q", "close", "Close")]

    def __init__(self, sections: KeySections | None = None) -> None:
        super().__init__()
        self._sections = KEY_SECTIONS if sections is None else sections

    def compose(self) -> ComposeResult:
        key_width = max((len(keys) for _title, rows in self._sections for keys, _ in rows), default=0)
        with Vertical(id="help"):
            yield Static(Text("batchtop keys"), id="help-title")
            with VerticalScroll(id="help-body"), Horizontal(id="help-columns"):
                for column in _split_columns(self._sections):
                    with Vertical(classes="help-column"):
                        for title, rows in column:
                            group = Static(_section_table(rows, key_width), classes="help-group")
                            group.border_title = title
                            yield group
            yield Static(Text("Esc, ? or q closes", style="dim"), id="help-hint")

    def action_close(self) -> None:
        self.dismiss(None)
