"""batchtop's side of the table bench: the real JobTable over the real RefreshEngine view.

The engine reads an in-memory `Source` (the table is what is measured, not HTTP): it lists
the bench jobs a page of 1,000 at a time, newest first, and describes them one by one,
like the Bedrock source does. Loading, appending and refreshing go through the engine's
fetch (untimed: it is I/O in the app) and apply (timed) halves, and the table is updated
the way the monitor screen does it: apply inside `JobTable.keeping_position()`, then
flash the changed rows after a refresh (not after a page), and freeze the heap after the
frame once enough rows have landed (tui/gc_freeze.py).
"""

from __future__ import annotations

import datetime as dt

from textual.app import App, ComposeResult

from tui.clock import fixed_clock
from tui.gc_freeze import FREEZE_DELAY, RowFreezer
from tui.models import Job, JobDetail, JobKind
from tui.refresh import Delta, RefreshEngine
from tui.models import Filters, Page, Source, SourceKey
from tui.widgets.job_table import JobTable

from _jobs import EPOCH, job_at, make_jobs

PAGE = 1000
SPARE_PAGES = 5  # pages left to append after the load


class MemorySource(Source):
    """The bench jobs as a service would list them; `changes` overrides rows a refresh sees."""

    def __init__(self, total: int, active: frozenset[int]) -> None:
        self.key = SourceKey(None, "us-east-1", JobKind.BEDROCK)
        self.total = total
        self.active = active
        self.changes: dict[str, Job] = {}

    async def list_page(self, filters: Filters, token: str | None = None) -> Page:
        start = int(token) if token else 0
        count = min(PAGE, self.total - start)
        jobs = [self.changes.get(job.arn, job) for job in make_jobs(count, start=start, active=self.active)]
        end = start + count
        return Page(jobs, str(end) if end < self.total else None)

    async def describe(self, arn: str) -> JobDetail:
        job = self.changes.get(arn) or job_at(int(arn.rsplit("/", 1)[1], 16), self.active)
        return JobDetail(job, {})


class JobTableApp(App):
    CSS = "JobTable { height: 1fr; }"

    def __init__(self, table: JobTable) -> None:
        super().__init__()
        self.table = table

    def compose(self) -> ComposeResult:
        yield self.table

    def on_mount(self) -> None:
        self.table.focus()


class JobTableSubject:
    """What table.py drives: load, append, change rows, read the cursor."""

    name = "batchtop"

    def __init__(self) -> None:
        self.active: frozenset[int] = frozenset()
        self.source: MemorySource | None = None
        self.engine: RefreshEngine | None = None
        self.table = JobTable(None, clock=fixed_clock(EPOCH + dt.timedelta(hours=1)))
        self.app = JobTableApp(self.table)
        self.freezer = RowFreezer()

    async def ready(self, pilot) -> None:  # type: ignore[no-untyped-def]
        """Nothing to wire: the engine is made when the rows are loaded."""

    async def load(self, count: int) -> None:
        """The first page through a refresh, then pages until `count` rows are loaded."""
        self.source = MemorySource(count + PAGE * SPARE_PAGES, self.active)
        self.engine = RefreshEngine([self.source], clock=fixed_clock(EPOCH + dt.timedelta(hours=1)))
        view = self.engine.view(None)
        self.table.show_view(view, kinds=frozenset({JobKind.BEDROCK}), several_places=False)
        batch = await self.engine.fetch_refresh()
        with self.table.keeping_position():
            self._landed(self.engine.apply_refresh(batch))
        while len(view) < count:
            page = await self.engine.fetch_next_page(None)
            with self.table.keeping_position():
                self._landed(self.engine.apply_page(page))

    def _landed(self, delta: Delta) -> None:
        if self.freezer.due(len(delta.new)):
            self.table.set_timer(FREEZE_DELAY, self.freezer.freeze)

    async def prepare_append(self, start: int, count: int) -> None:
        assert self.engine is not None and count == PAGE
        self._page = await self.engine.fetch_next_page(None)

    def append(self) -> None:
        assert self.engine is not None
        with self.table.keeping_position():
            self._landed(self.engine.apply_page(self._page))

    async def prepare_refresh(self, updates: list[Job]) -> None:
        assert self.engine is not None and self.source is not None
        self.source.changes = {job.arn: job for job in updates}
        self._batch = await self.engine.fetch_refresh()

    def apply_refresh(self) -> None:
        assert self.engine is not None
        with self.table.keeping_position():
            delta = self.engine.apply_refresh(self._batch)
        self._landed(delta)
        self.table.flash(delta.new | delta.changed)
        assert len(delta.changed) == len(self.source.changes), (len(delta.changed), len(self.source.changes))

    @property
    def cursor_row(self) -> int:
        return self.table.cursor

    @property
    def row_count(self) -> int:
        return self.table.row_count
