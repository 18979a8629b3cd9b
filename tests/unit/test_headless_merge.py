"""The k-way merge behind `batchtop ls`: order, exactly-once, and only the pages needed.

In-memory sources (our own Source ABC, no AWS) make every page boundary explicit; the
same behaviour over HTTP is tested in tests/integration/test_headless.py.
"""

from __future__ import annotations

import datetime as dt

import pytest

from factories import make_job
from tui.headless.merge import merge as _merge
from tui.models import Job, JobKind
from tui.models import Filters, Page, Source, SourceKey

T0 = dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc)


class ListSource(Source):
    """Serves fixed pages of jobs (each list newest first) and records every call."""

    def __init__(self, region: str, minutes: list[list[int]], kind: JobKind = JobKind.BEDROCK) -> None:
        self.key = SourceKey(None, region, kind)
        self.pages = [[self._job(minute) for minute in page] for page in minutes]
        self.calls: list[str | None] = []

    def _job(self, minute: int) -> Job:
        return make_job(minute, "Completed", arn=f"arn:{self.key.region}:{minute}", name=f"job-{minute}",
                        kind=self.key.kind, source=self.key.id, created=T0 + dt.timedelta(minutes=minute))

    async def list_page(self, filters: Filters, token: str | None = None, *, want: int | None = None) -> Page:
        self.calls.append(token)
        index = int(token) if token else 0
        next_token = str(index + 1) if index + 1 < len(self.pages) else None
        return Page(self.pages[index], next_token)

    async def describe(self, arn):  # pragma: no cover - not used by ls
        raise NotImplementedError


async def merged(sources: list[Source], limit: int | None = None) -> list[str]:
    rows: list[str] = []
    failed = await _merge(sources, Filters(), limit, lambda key, job: rows.append(job.arn), lambda: None)
    assert not failed
    return rows


async def test_rows_come_out_newest_first_across_sources():
    east = ListSource("us-east-1", [[90, 70], [50, 10]])
    west = ListSource("us-west-2", [[80, 60], [40, 20]])
    rows = await merged([east, west])
    minutes = [int(arn.rsplit(":", 1)[1]) for arn in rows]
    assert minutes == [90, 80, 70, 60, 50, 40, 20, 10]
    assert east.calls == [None, "1"] and west.calls == [None, "1"]


async def test_limit_fetches_only_the_pages_needed():
    east = ListSource("us-east-1", [[90, 70], [50, 10], [5, 1]])
    west = ListSource("us-west-2", [[80, 60], [40, 20]])
    rows = await merged([east, west], limit=3)
    assert len(rows) == 3
    # 90, 80, 70 come from first pages: the second pages are never asked for
    assert east.calls == [None] and west.calls == [None]


async def test_a_source_is_paged_only_when_its_rows_are_next():
    busy = ListSource("us-east-1", [[99, 98], [97, 96], [95, 94]])
    quiet = ListSource("us-west-2", [[10], [5]])
    rows = await merged([busy, quiet], limit=5)
    assert [int(arn.rsplit(":", 1)[1]) for arn in rows] == [99, 98, 97, 96, 95]
    assert busy.calls == [None, "1", "2"]
    assert quiet.calls == [None]


async def test_limit_reached_exactly_at_a_page_end_fetches_nothing_more():
    east = ListSource("us-east-1", [[90, 70], [50, 10]])
    rows = await merged([east], limit=2)
    assert len(rows) == 2 and east.calls == [None]


async def test_empty_pages_with_a_token_keep_paging():
    sparse = ListSource("us-east-1", [[], [], [30]])
    other = ListSource("us-west-2", [[20]])
    rows = await merged([sparse, other])
    assert [int(arn.rsplit(":", 1)[1]) for arn in rows] == [30, 20]
    assert sparse.calls == [None, "1", "2"]


async def test_the_same_job_listed_by_two_sources_is_printed_once():
    first = ListSource("us-east-1", [[50, 40]])
    second = ListSource("us-east-1", [[50, 30]])  # same region and ARNs: two profiles, one account
    rows = await merged([first, second])
    assert rows == ["arn:us-east-1:50", "arn:us-east-1:40", "arn:us-east-1:30"]


class FailingSource(ListSource):
    async def list_page(self, filters, token=None, *, want=None):
        raise PermissionError("denied")


async def test_a_failing_source_is_reported_and_the_others_still_print(capsys):
    good = ListSource("us-east-1", [[3, 2, 1]])
    bad = FailingSource("eu-west-1", [[9]])
    rows: list[str] = []
    failed = await _merge([good, bad], Filters(), None, lambda key, job: rows.append(job.arn), lambda: None)
    assert failed
    assert len(rows) == 3
    assert "eu-west-1" in capsys.readouterr().err


class LoopingSource(ListSource):
    async def list_page(self, filters, token=None, *, want=None):
        self.calls.append(token)
        return Page([], "same")


async def test_a_token_that_never_changes_cannot_loop_forever(capsys):
    looping = LoopingSource("us-east-1", [[]])
    failed = await _merge([looping], Filters(), None, lambda key, job: None, lambda: None)
    assert failed
    assert looping.calls == [None, "same"]
    assert "same page token" in capsys.readouterr().err


@pytest.mark.parametrize("limit", [1, 4, 7, 100])
async def test_every_limit_prints_min_of_limit_and_total(limit):
    sources = [ListSource("us-east-1", [[9, 7], [5]]), ListSource("us-west-2", [[8], [6, 4]])]
    rows = await merged(sources, limit=limit)
    assert len(rows) == min(limit, 6)
