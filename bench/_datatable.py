"""The baseline: Textual's own DataTable holding the same rows and columns as batchtop's table.

Used the ordinary way (`add_columns` with auto widths, `add_rows`, `update_cell`), with
row cursor, and Home/End bound to the first/last row as in batchtop (DataTable's own End
goes to the last column). Rows are formatted strings, made one job at a time so that
the process holds only what the DataTable holds.

`DataTableSubject(freeze=True)` ("DataTable+freeze") gives DataTable's process the same
garbage-collector treatment as batchtop's table (tui/gc_freeze.py: freeze the heap once
enough rows have landed), so the comparison does not credit batchtop with a GC setting
that any app could use.
"""

from __future__ import annotations

from typing import Iterable

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable

from tui.gc_freeze import FREEZE_DELAY, RowFreezer
from tui.models import Job

from _jobs import make_jobs


def cells(job: Job, columns: Iterable[str], formatters: dict) -> tuple[str, ...]:
    return tuple(formatters[column](job) for column in columns)


class RowTable(DataTable):
    BINDINGS = [
        Binding("home", "scroll_top", "Top", show=False),
        Binding("end", "scroll_bottom", "Bottom", show=False),
    ]


class DataTableApp(App):
    CSS = "RowTable { height: 1fr; }"

    def __init__(self, columns: list[str]) -> None:
        super().__init__()
        self.columns = columns
        self.table = RowTable(cursor_type="row", zebra_stripes=False)

    def compose(self) -> ComposeResult:
        yield self.table

    def on_mount(self) -> None:
        self.table.add_columns(*self.columns)
        self.table.focus()


class DataTableSubject:
    """What table.py drives: load, append, change rows, read the cursor."""

    def __init__(self, columns: list[str], formatters: dict, *, freeze: bool = False) -> None:
        self.name = "DataTable+freeze" if freeze else "DataTable"
        self.columns = columns
        self.formatters = formatters
        self.app = DataTableApp(columns)
        self.active: frozenset[int] = frozenset()
        self.freezer = RowFreezer() if freeze else None

    async def ready(self, pilot) -> None:  # type: ignore[no-untyped-def]
        """Nothing to wire: the table is mounted and focused on mount."""

    def load(self, count: int) -> None:
        """All rows at once: one re-measure of the table when the app goes idle."""
        self._add(make_jobs(count, active=self.active))

    async def prepare_append(self, start: int, count: int) -> None:
        self._page = range(start, start + count)

    def append(self) -> None:
        self._add(make_jobs(len(self._page), start=self._page.start, active=self.active))

    def _add(self, jobs: Iterable[Job]) -> None:
        """`add_row` keyed by ARN, so a refresh can find the row again (what an app needs)."""
        table = self.app.table
        added = 0
        for job in jobs:
            table.add_row(*cells(job, self.columns, self.formatters), key=job.arn)
            added += 1
        if self.freezer is not None and self.freezer.due(added):
            table.set_timer(FREEZE_DELAY, self.freezer.freeze)

    async def prepare_refresh(self, updates: list[Job]) -> None:
        self._updates = updates

    def apply_refresh(self) -> None:
        """`update_cell` for every cell of the changed rows, as a keyed refresh would."""
        table = self.app.table
        column_keys = list(table.columns)
        for job in self._updates:
            for column_key, value in zip(column_keys, cells(job, self.columns, self.formatters)):
                table.update_cell(job.arn, column_key, value)

    @property
    def cursor_row(self) -> int:
        return self.app.table.cursor_row

    @property
    def row_count(self) -> int:
        return self.app.table.row_count

    @property
    def first_visible_row(self) -> int:
        return int(self.app.table.scroll_y)
