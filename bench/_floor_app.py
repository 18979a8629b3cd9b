"""The floor for key latency: the barest Line-API table Textual can run, as its own program.

    python bench/_floor_app.py ROWS

`bench/table.py` runs it in the same kind of pseudo-terminal as the whole app, right after
it, and times the same keys the same way, so "batchtop p95 / floor p95" says how much the
app adds over what any Line-API table pays in Textual (driver, compositor, 60 Hz frame timer,
terminal writes) at that row count. The rows are the bench jobs (bench/_jobs.py) as the
app's columns spell them (tui/widgets/columns.py), each made into one plain string up front:
nothing is sorted, merged, measured, styled per cell or refreshed. A cursor row, a
scrollbar and the keys down/up/PgDn/PgUp/Home/End; `q` quits. It prints "ready" in its last
row once it has its rows on screen. It shows as many rows as batchtop's table does in the
same 120×40 terminal (`ROWS_ON_SCREEN`), so a run of down presses scrolls both tables on the
same press: with the floor 4 rows taller, 6 of 40 presses from the top scrolled the app (a
whole-table repaint) and 2 the floor, and the p95 set a scroll against a two-line repaint.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rich.segment import Segment  # noqa: E402
from rich.style import Style  # noqa: E402
from textual.app import App, ComposeResult  # noqa: E402
from textual.binding import Binding  # noqa: E402
from textual.geometry import Region, Size  # noqa: E402
from textual.scroll_view import ScrollView  # noqa: E402
from textual.strip import Strip  # noqa: E402
from textual.widgets import Static  # noqa: E402

from _jobs import EPOCH, make_jobs  # noqa: E402

WIDTH = 118
ROWS_ON_SCREEN = 35
"""batchtop's job rows at 120×40: 40 lines less its header and footer, and less the table's
column header, job line and status line."""
CURSOR = Style(reverse=True)


def row_texts(count: int) -> list[str]:
    """Every row as the app's columns would spell it, padded to the table's width."""
    from tui.models import JobKind
    from tui.widgets.columns import cell_text, layout

    columns = layout(WIDTH, kinds=frozenset({JobKind.BEDROCK}), several_places=False)
    now = EPOCH + dt.timedelta(hours=1)
    return [
        " ".join(cell_text(job, column.key, column.width, now).ljust(column.width) for column in columns)[:WIDTH].ljust(WIDTH)
        for job in make_jobs(count)
    ]


class BareTable(ScrollView, can_focus=True):
    """One plain string per row; a key repaints the two lines the cursor left and reached."""

    BINDINGS = [
        Binding("down", "move(1)"), Binding("up", "move(-1)"),
        Binding("pagedown", "page(1)"), Binding("pageup", "page(-1)"),
        Binding("home", "move(-1_000_000_000)"), Binding("end", "move(1_000_000_000)"),
    ]

    def __init__(self, rows: list[str]) -> None:
        super().__init__()
        self.rows = rows
        self.cursor = 0
        self.virtual_size = Size(WIDTH, len(rows))

    def render_line(self, y: int) -> Strip:
        index = round(self.scroll_offset.y) + y
        if index >= len(self.rows):
            return Strip.blank(self.size.width)
        return Strip([Segment(self.rows[index], CURSOR if index == self.cursor else None)])

    def action_move(self, step: int) -> None:
        old, self.cursor = self.cursor, max(0, min(len(self.rows) - 1, self.cursor + step))
        self.scroll_to_region(Region(0, self.cursor, 1, 1), animate=False, immediate=True)
        top = round(self.scroll_offset.y)
        for index in (old, self.cursor):
            self.refresh_line(index - top)

    def action_page(self, direction: int) -> None:
        self.action_move(direction * self.size.height)


class FloorApp(App):
    CSS = f"BareTable {{ height: {ROWS_ON_SCREEN}; }} #ready {{ dock: bottom; height: 1; }}"
    BINDINGS = [Binding("q", "quit")]

    def __init__(self, rows: list[str]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        yield BareTable(self.rows)
        yield Static(f"{len(self.rows):,} rows · ready", id="ready")

    def on_mount(self) -> None:
        self.query_one(BareTable).focus()


if __name__ == "__main__":
    FloorApp(row_texts(int(sys.argv[1]))).run()
