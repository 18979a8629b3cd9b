"""UI test helpers: a list-backed stand-in for the engine's view, waiting for the app, and
reading the monitor's header and source pane as plain text."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable

from tui.models import Job, JobKind, RecordCounts, phase_of
from tui.widgets.header import MonitorHeader
from tui.widgets.source_list import SourceList

T0 = dt.datetime(2025, 3, 1, 12, 0, tzinfo=dt.timezone.utc)
SOURCE = "default/us-east-1/bedrock"


def make_job(number: int, status: str = "InProgress", **fields: object) -> Job:
    values: dict[str, object] = dict(
        arn=f"arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/job{number:06d}",
        name=f"job-{number:06d}",
        kind=JobKind.BEDROCK,
        source=SOURCE,
        status=status,
        phase=phase_of(status),
        created=T0 - dt.timedelta(minutes=number),
        model="anthropic.claude-3-haiku-20240307-v1:0",
        records=RecordCounts(total=1000, processed=630),
    )
    values.update(fields)
    return Job(**values)  # type: ignore[arg-type]


class ListView:
    """`__len__`, `__getitem__`, `index_of`, `status_line`, `all_loaded` over a list."""

    def __init__(self, jobs: list[Job], *, all_loaded: bool = True) -> None:
        self.jobs = jobs
        self.all_loaded = all_loaded

    def __len__(self) -> int:
        return len(self.jobs)

    def __getitem__(self, index: int) -> Job:
        return self.jobs[index]

    def index_of(self, arn: str) -> int | None:
        return next((i for i, job in enumerate(self.jobs) if job.arn == arn), None)

    def status_line(self) -> str:
        return f"{len(self.jobs):,} jobs · all loaded" if self.all_loaded else f"{len(self.jobs):,} loaded · more"


async def wait_for(pilot, condition: Callable[[], bool], timeout: float = 10.0) -> None:  # noqa: ANN001
    """Let the app run until `condition()` holds (refreshes go over HTTP to the emulator)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for the app")
        await pilot.pause(0.02)


def header(app) -> str:  # noqa: ANN001
    """The monitor's header line as plain text."""
    return app.screen.query_one(MonitorHeader).text


def pane(app) -> str:  # noqa: ANN001
    """The monitor's source pane as plain text."""
    return app.screen.query_one(SourceList).render().plain
