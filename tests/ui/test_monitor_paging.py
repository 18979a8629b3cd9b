"""Infinite scroll over 10,000 jobs: End until everything is loaded, every job exactly once."""

from __future__ import annotations

import pytest

from tui.emulator import World
from tui.models import JobKind
from ui_rows import wait_for

JOBS = 10_000


@pytest.fixture
def world(fixed_now) -> World:
    return World(jobs_per_kind=JOBS, seed=3, speed=0, now=fixed_now)


async def test_end_pages_through_ten_thousand_jobs_once_each(make_app, world, emulator) -> None:
    app = make_app(kinds=["bedrock"])
    async with app.run_test(size=(120, 40)) as pilot:
        table = app.table
        await wait_for(pilot, lambda: table.row_count > 0)
        assert table.row_count < JOBS
        while not table.view.all_loaded:  # each End loads one more page, however long it takes
            loaded = table.row_count
            await pilot.press("end")
            await wait_for(pilot, lambda: table.row_count > loaded or table.view.all_loaded, timeout=30)
        await wait_for(pilot, lambda: table.view.all_loaded and not app.live.paging, timeout=30)
        shown = [table.view[index].arn for index in range(table.row_count)]
        expected = [job["jobArn"] for job in world.jobs(JobKind.BEDROCK)]
        assert shown == expected
        await pilot.press("end")
        assert table.cursor == JOBS - 1
        assert table.scroll_offset.y == JOBS - table.data_height
        assert "10,000 jobs · all loaded" in table.render_line(table.size.height - 1).text
        assert emulator.calls["ListModelInvocationJobs"] <= 1 + JOBS // 1000 + 2
