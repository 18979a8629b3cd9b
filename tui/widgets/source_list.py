"""The source pane: "All", then each source grouped by profile and region, with its counts.

A few lines per source, rebuilt from the engine's source states after each change and
repainted only when the text differs. Problems show in place, in red and with a glyph,
so a failing source reads without colour too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from ..models import Phase, SourceKey
from ..sanitize import clean
from .columns import counts_text


HIDDEN_WIDTH = 30


@dataclass(frozen=True, slots=True)
class SourceRow:
    """What the pane shows for one entry (None key = "All")."""

    key: SourceKey | None
    title: str
    counts: dict[Phase, int]
    loaded: int
    all_loaded: bool
    loading: bool = False
    problem: str | None = None
    notice: str | None = None


def loaded_text(row: SourceRow) -> str:
    """How much of a source is loaded: `1,000 loaded · more`, `40 · all loaded` or `loading…`."""
    if row.all_loaded:
        return f"{row.loaded:,} · all loaded"
    if row.loading and not row.loaded:
        return "loading…"
    return f"{row.loaded:,} loaded · more"


class SourceList(Widget, can_focus=True):
    """Pick what the table shows: ↑↓ to move, Enter to pick (or 1–9 anywhere)."""

    BINDINGS = [
        Binding("up,k", "move(-1)", "Up", show=False),
        Binding("down,j", "move(1)", "Down", show=False),
        Binding("enter", "pick", "Show source", show=False),
    ]

    DEFAULT_CSS = """
    SourceList {
        height: auto;
        width: 1fr;
        padding: 0 1 0 0;
        & > .source-list--heading { color: $text-muted; text-style: bold; }
        & > .source-list--title { text-style: bold; }
        & > .source-list--shown { color: $text-accent; text-style: bold; }
        & > .source-list--highlight { background: $block-cursor-blurred-background; }
        & > .source-list--counts { color: $text-muted; }
        & > .source-list--problem { color: $text-error; }
        &:focus > .source-list--highlight { background: $block-cursor-background; color: $block-cursor-foreground; }
    }
    """
    COMPONENT_CLASSES = {
        "source-list--heading",
        "source-list--title",
        "source-list--shown",
        "source-list--highlight",
        "source-list--counts",
        "source-list--problem",
    }

    highlighted: reactive[int] = reactive(0, layout=True)
    shown: reactive[int] = reactive(0, layout=True)
    """The entry the table shows (the cursor, `highlighted`, follows it when it changes)."""

    class Picked(Message):
        """The user picked entry `index` (0 = All)."""

        def __init__(self, source_list: SourceList, index: int) -> None:
            super().__init__()
            self.source_list = source_list
            self.index = index

        @property
        def control(self) -> SourceList:
            return self.source_list

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._rows: tuple[SourceRow, ...] = ()
        self._lines: list[int] = []  # entry index of each rendered line (-1 for headings)

    @property
    def rows(self) -> tuple[SourceRow, ...]:
        return self._rows

    def set_rows(self, rows: Sequence[SourceRow]) -> None:
        """Show new states; repaints only when something the pane shows changed."""
        rows = tuple(rows)
        if isinstance(self.parent, SourcePane):
            self.parent.set_class(len(rows) <= 2, "-single")  # "All" and one source: nothing to pick
        if rows != self._rows:
            self._rows = rows
            self.highlighted = min(self.highlighted, max(0, len(rows) - 1))
            self.refresh(layout=True)

    def watch_shown(self, shown: int) -> None:
        self.highlighted = shown

    def validate_highlighted(self, value: int) -> int:
        return max(0, min(value, len(self._rows) - 1))

    def action_move(self, step: int) -> None:
        self.highlighted += step

    def action_pick(self) -> None:
        self.post_message(self.Picked(self, self.highlighted))

    def on_click(self, event: events.Click) -> None:
        if 0 <= event.y < len(self._lines) and self._lines[event.y] >= 0:
            self.highlighted = self._lines[event.y]
            self.action_pick()

    def render(self) -> Text:
        text, self._lines = self._build()
        return text

    def _build(self) -> tuple[Text, list[int]]:
        style = self.get_component_rich_style
        width = max(8, self.size.width) if self.size.width else HIDDEN_WIDTH  # hidden: as if shown
        console = self.app.console
        text = Text(end="")
        lines: list[int] = []

        def line(index: int, content: Text, prefix: str = "") -> None:
            """Add `content` after `prefix`, wrapped to the pane with a hanging indent."""
            for number, piece in enumerate(content.wrap(console, width - len(prefix), overflow="fold")):
                piece.rstrip()
                if lines:
                    text.append("\n")
                text.append(prefix if number == 0 else " " * len(prefix), content.style)
                text.append_text(piece)
                lines.append(index)

        group = None
        indent = "   "
        for index, row in enumerate(self._rows):
            if row.key is not None and (row.key.profile, row.key.region) != group:
                group = (row.key.profile, row.key.region)
                heading = clean(f"{row.key.profile or 'default'} · {row.key.region}", 60)
                line(-1, Text(heading, style("source-list--heading")))
            number = f"{index + 1} " if index < 9 else "  "
            marker = "▸" if index == self.shown else " "
            title_style = style("source-list--shown" if index == self.shown else "source-list--title")
            if index == self.highlighted:
                title_style += style("source-list--highlight")
            line(index, Text(clean(row.title, 60), title_style), f"{marker}{number}")
            for packed in _pack([loaded_text(row), *counts_text(row.counts).split(" · ")], width - len(indent)):
                line(index, Text(packed, style("source-list--counts")), indent)
            if row.problem:
                line(index, Text(f"⚠ {clean(row.problem, 300)}", style("source-list--problem")), indent)
            if row.notice:
                line(index, Text(f"ℹ {clean(row.notice, 200)}", style("source-list--counts")), indent)
        return text, lines


def _pack(items: list[str], width: int) -> list[str]:
    """Join `a · b · c` into lines of at most `width`, breaking only between items."""
    lines: list[str] = []
    for item in filter(None, items):
        if lines and len(lines[-1]) + 3 + len(item) <= width:
            lines[-1] += " · " + item
        else:
            lines.append(item)
    return lines


class SourcePane(VerticalScroll, can_focus=False):
    """Scrolls the source list when there are many sources; the list itself takes the focus.

    It hides itself when there is one source or the terminal is narrow (the screen's CSS
    says when); `toggle` overrides that either way until it is toggled again.
    """

    def toggle(self) -> bool:
        """Show the pane if it is hidden, else hide it; True when it is now shown."""
        show = not self.display
        self.choose(show)
        return show

    def choose(self, show: bool | None) -> None:
        """Shown or hidden whatever the size (None: as the screen's CSS says)."""
        self.set_class(show is True, "-user-shown")
        self.set_class(show is False, "-user-hidden")

    @property
    def chosen(self) -> bool | None:
        """What the user chose with `toggle` (None: nothing, the CSS decides)."""
        return True if self.has_class("-user-shown") else False if self.has_class("-user-hidden") else None
