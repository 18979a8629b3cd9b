"""End goes to the real end: one press loads every page, the cursor following the last row;
Esc or a movement key stops it; Home is instant after it."""

from __future__ import annotations

import pytest

from tui.emulator import World
from tui.models import JobKind
from ui_rows import header, wait_for

JOBS = 10_000


@pytest.fixture
def world(fixed_now) -> World:
    return World(jobs_per_kind=JOBS, seed=3, speed=0, now=fixed_now)


def status_line(table) -> str:  # noqa: ANN001
    return table.render_line(table.size.height - 1).text


async def test_one_end_reaches_the_oldest_of_ten_thousand_jobs_each_once(make_app, world, emulator) -> None:
    app = make_app(kinds=["bedrock"], page_size=1000)
    async with app.run_test(size=(120, 40)) as pilot:
        table = app.table
        await wait_for(pilot, lambda: table.row_count > 0 and app.live.idle)
        assert table.row_count < JOBS
        await pilot.press("end")
        await wait_for(pilot, lambda: table.view.all_loaded and app.live.idle, timeout=60)
        expected = [job["jobArn"] for job in world.jobs(JobKind.BEDROCK)]
        assert [table.view[index].arn for index in range(table.row_count)] == expected
        assert table.current_job.arn == expected[-1]  # the cursor followed the last row
        assert table.scroll_offset.y == JOBS - table.data_height
        assert not table.to_end and "10,000 jobs · all loaded" in status_line(table)
        assert emulator.calls["ListModelInvocationJobs"] <= JOBS // 1000 + 3
        await pilot.press("home")
        assert table.cursor == 0 and table.scroll_offset.y == 0


async def test_reverse_sort_reorders_the_loaded_rows_in_place_and_back(make_app, world, emulator) -> None:
    """`S` and `S` again (report F21: 6,335 rows -> 177 -> 341): no page is fetched again, every
    loaded row stays, the cursor stays on its job."""
    app = make_app(kinds=["bedrock"], page_size=1000)
    async with app.run_test(size=(120, 40)) as pilot:
        table = app.table
        await wait_for(pilot, lambda: table.row_count > 0 and app.live.idle)
        app.live.set_interval_seconds(600)  # no timed refresh lists meanwhile
        await pilot.press("j", "j", "S")  # part loaded: the loaded rows the other way round
        assert table.row_count == 1000 and table.current_job.arn == table.view[997].arn
        assert "1,000 loaded · older jobs load in newest-first order" in status_line(table)
        await pilot.press("S", "end")
        await wait_for(pilot, lambda: table.view.all_loaded and app.live.idle, timeout=60)
        await pilot.press("k", "k")
        expected = [job["jobArn"] for job in world.jobs(JobKind.BEDROCK)]
        arn, calls = table.current_job.arn, emulator.calls["ListModelInvocationJobs"]
        assert arn == expected[-3]
        await pilot.press("S")
        assert "sort created ↑" in header(app) and table.current_job.arn == arn and table.cursor == 2
        assert [table.view[index].arn for index in range(table.row_count)] == expected[::-1]
        assert "10,000 jobs · all loaded" in status_line(table)
        await pilot.press("S")
        assert table.current_job.arn == arn and table.cursor == JOBS - 3
        assert [table.view[index].arn for index in range(table.row_count)] == expected
        assert emulator.calls["ListModelInvocationJobs"] == calls  # nothing listed again


@pytest.mark.parametrize("key", ["escape", "up", "k", "pageup", "home"])
async def test_escape_or_a_movement_key_stops_loading_to_the_end(make_app, world, emulator, faults, key) -> None:
    app = make_app(kinds=["bedrock"], page_size=100)
    async with app.run_test(size=(100, 20)) as pilot:
        table = app.table
        await wait_for(pilot, lambda: table.row_count > 0 and app.live.idle)
        faults.latency = 0.05  # 100 pages take a while: long enough to be stopped
        await pilot.press("end")
        await wait_for(pilot, lambda: table.row_count >= 300)
        assert table.to_end and "so far · Esc stops" in status_line(table)
        assert table.cursor == table.row_count - 1  # following the last row
        await pilot.press(key)
        assert not table.to_end and not app.live.loading_to_end
        await wait_for(pilot, lambda: app.live.idle)
        stopped_at, calls = table.row_count, emulator.calls["ListModelInvocationJobs"]
        assert stopped_at < JOBS and "Esc stops" not in status_line(table)
        if key == "escape":  # the page in flight landed and was followed (report F14: a page short)
            assert table.cursor == stopped_at - 1 and f"{stopped_at:,} of {stopped_at:,}" in status_line(table)
        app.live.refresh_now()  # one more round trip: no page was asked for meanwhile
        await wait_for(pilot, lambda: emulator.calls["ListModelInvocationJobs"] > calls and app.live.idle)
        assert table.row_count == stopped_at
        assert emulator.calls["ListModelInvocationJobs"] == calls + 1


async def test_a_terminal_resized_to_40x10_mid_load_shows_what_fits(make_app, world) -> None:
    app = make_app(kinds=["bedrock"], page_size=200)
    async with app.run_test(size=(120, 40)) as pilot:
        table = app.table
        await wait_for(pilot, lambda: table.row_count > 0 and app.live.idle)
        await pilot.press("end")
        await pilot.resize_terminal(40, 10)
        await wait_for(pilot, lambda: table.row_count >= 1000)
        await pilot.press("slash", *"[b]\x1b", "escape", "question_mark")
        await pilot.pause()
        await pilot.press("escape", "k")
        await pilot.pause()
        lines = [table.render_line(y).text for y in range(table.size.height)]
        assert table.size.width <= 40 and all(len(line) == len(lines[0]) <= 40 for line in lines)
        assert lines[0].split()[0] == "NAME"
        assert app.return_code is None  # no crash: the app still runs


async def three_pages_into_end(pilot, app, faults) -> None:  # noqa: ANN001
    """End pressed on pages of 100 at 50 ms a call, and three pages landed: End is under way."""
    await wait_for(pilot, lambda: app.table.row_count > 0 and app.live.idle)
    faults.latency = 0.05
    await pilot.press("end")
    await wait_for(pilot, lambda: app.table.row_count >= 300)


async def test_end_waits_out_a_failed_page_and_asks_for_it_again(make_app, world, emulator, faults) -> None:
    """One throttled or failed page among many must not end End: it is the user's request."""
    app = make_app(kinds=["bedrock"], page_size=100, max_attempts=1)
    async with app.run_test(size=(120, 40)) as pilot:
        table = app.table
        await three_pages_into_end(pilot, app, faults)
        faults.error_rate = 1.0  # every call a 5xx: the next page fails
        await wait_for(pilot, lambda: app.live.end_problem is not None)
        assert table.to_end and app.live.loading_to_end
        assert "a page failed (service error): trying again · Esc stops" in status_line(table)
        faults.error_rate = 0.0
        await wait_for(pilot, lambda: table.view.all_loaded and app.live.idle, timeout=60)
        expected = [job["jobArn"] for job in world.jobs(JobKind.BEDROCK)]
        assert [table.view[index].arn for index in range(table.row_count)] == expected
        assert table.current_job.arn == expected[-1]
        assert app.live.end_problem is None and "all loaded" in status_line(table)


async def test_end_stops_at_a_page_that_will_not_pass_by_itself_and_says_so(make_app, world, faults) -> None:
    app = make_app(kinds=["bedrock"], page_size=100, max_attempts=1)
    async with app.run_test(size=(120, 40)) as pilot:
        table = app.table
        await three_pages_into_end(pilot, app, faults)
        faults.denied = {("bedrock", "us-east-1")}
        await wait_for(pilot, lambda: not app.live.loading_to_end and app.live.idle)
        assert not table.to_end and table.row_count < JOBS
        assert "Esc stops" not in status_line(table)
        assert any(notice.startswith("End stopped: ") and notice.endswith("Press End to go on.") for notice in app.notices)
