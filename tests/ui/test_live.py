"""The live loop runs whatever screen is on top: behind help, the detail screen and every
dialog, list calls go on; on Esc the monitor shows the new state in the frame that shows it."""

from __future__ import annotations

import asyncio
import gc
import time

import pytest

from tui.dialogs import ConfirmStopScreen, ExportScreen, StatusFilterScreen
from tui.gc_freeze import BACKSTOP_YOUNG, QUIET_AFTER, WORTH_COLLECTING
from tui.models import Phase
from tui.screens.detail import DetailScreen
from tui.screens.help import HelpScreen
from tui.screens.monitor import MonitorScreen
from tui.widgets.source_list import SourceList
from ui_rows import wait_for

TICK = 0.1
TICKS = 3

OVERLAYS = {
    "help": ("question_mark", HelpScreen),
    "detail": ("enter", DetailScreen),
    "status filter": ("f", StatusFilterScreen),
    "export": ("ctrl+s", ExportScreen),
    "stop confirmation": ("x", ConfirmStopScreen),
}


def list_calls(emulator) -> int:  # noqa: ANN001
    return emulator.calls["ListModelInvocationJobs"]


def running_on_screen(app) -> int:  # noqa: ANN001
    """The index of a running job in the rows on screen."""
    table = app.table
    return next(i for i in range(table.data_height) if table.view[i].phase is Phase.RUNNING)


def done_count(app) -> int:  # noqa: ANN001
    """The "All sources" entry's count of succeeded jobs, as the pane holds it."""
    return app.screen.query_one(SourceList).rows[0].counts.get(Phase.SUCCEEDED, 0)


@pytest.mark.parametrize("overlay", list(OVERLAYS))
async def test_refresh_goes_on_behind_an_overlay_and_shows_at_once_on_return(make_app, world, emulator, overlay) -> None:
    key, screen_type = OVERLAYS[overlay]
    app = make_app(kinds=["bedrock"], allow_stop=True)
    async with app.run_test(size=(120, 40)) as pilot:
        table = app.table
        await wait_for(pilot, lambda: table.row_count > 0 and app.live.idle)
        table.cursor = running_on_screen(app)
        job = table.current_job
        done = done_count(app)
        app.live.set_interval_seconds(TICK)
        await pilot.press(key)
        await wait_for(pilot, lambda: isinstance(app.screen, screen_type))

        world.set_status(job.arn, "Completed")
        calls, refreshes = list_calls(emulator), app.live.refreshes
        # list calls go on behind the overlay: rounds applied (one more than TICKS: a refresh in
        # flight at the count listed before it was taken) and calls made, waited for together
        # (on a loaded machine a round can end while the source's call is still out: no call)
        await wait_for(
            pilot, lambda: app.live.refreshes >= refreshes + TICKS + 1 and list_calls(emulator) >= calls + TICKS
        )
        assert isinstance(app.screen, screen_type)

        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, MonitorScreen))
        await pilot.pause()
        assert table.current_job.arn == job.arn and table.current_job.phase is Phase.SUCCEEDED
        assert "✔ succeeded" in table.render_line(1 + table.cursor - table.scroll_offset.y).text
        assert done_count(app) == done + 1


async def test_a_marked_job_finishing_behind_the_detail_screen_is_announced_by_name(make_app, world) -> None:
    app = make_app(kinds=["bedrock"])
    async with app.run_test(size=(120, 40)) as pilot:
        table = app.table
        await wait_for(pilot, lambda: table.row_count > 0 and app.live.idle)
        table.cursor = running_on_screen(app)
        marked = table.current_job
        await pilot.press("m")
        await pilot.press("j", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, DetailScreen))
        app.live.set_interval_seconds(TICK)
        world.set_status(marked.arn, "Completed")
        await wait_for(pilot, lambda: f"{marked.name}\nfinished · ✔ succeeded" in app.notices)
        assert isinstance(app.screen, DetailScreen)


async def test_unmarked_jobs_get_one_toast_per_refresh_for_failures_by_default(make_app, world) -> None:
    app = make_app(kinds=["bedrock"])
    async with app.run_test(size=(120, 40)) as pilot:
        table = app.table
        await wait_for(pilot, lambda: table.row_count > 0 and app.live.idle)
        running = [table.view[i] for i in range(table.row_count) if table.view[i].phase is Phase.RUNNING][:3]
        for job, status in zip(running, ["Completed", "Failed", "Failed"]):
            world.set_status(job.arn, status)
        await pilot.press("r")
        await wait_for(pilot, lambda: all(table.view[table.view.index_of(job.arn)].phase.terminal for job in running))
        assert [notice for notice in app.notices if "failed" in notice] == ["2 ✖ failed"]  # titled "2 jobs finished"


async def test_load_to_end_pages_until_the_view_is_exhausted(make_app, world) -> None:
    app = make_app(kinds=["bedrock"], page_size=50)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.table.row_count > 0 and app.live.idle)
        loaded: list[int] = []
        app.live.load_to_end(None, lambda: loaded.append(app.table.row_count))
        await wait_for(pilot, lambda: app.table.view.all_loaded and app.live.idle)
        assert app.table.row_count == len(world.jobs("bedrock")) == loaded[-1]
        assert loaded == sorted(loaded) and len(loaded) >= 2


async def test_cancel_paging_stops_load_to_end_after_the_page_in_flight(make_app, world) -> None:
    app = make_app(kinds=["bedrock"], page_size=50)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.table.row_count > 0 and app.live.idle)
        loaded: list[int] = []

        def progress() -> None:
            loaded.append(app.table.row_count)
            if len(loaded) == 2:
                app.live.cancel_paging()

        app.live.load_to_end(None, progress)
        await wait_for(pilot, lambda: len(loaded) == 2 and app.live.idle)
        assert not app.table.view.all_loaded and app.table.row_count == loaded[-1]


async def test_garbage_a_key_made_is_collected_once_the_app_is_quiet_not_inside_the_frame(
    make_app, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The young collections run in the gaps between keys (see gc_freeze.QuietCollector)."""
    quiet_collections: list[float] = []
    collect = gc.collect

    def recorded(generation: int = 2) -> int:
        if generation < 2:  # the young ones (a full one is the row freezer's: see gc_freeze)
            quiet_collections.append(time.monotonic())
        return collect(generation)

    before = gc.get_threshold()
    app = make_app(kinds=["bedrock"])
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.table.row_count > 0 and app.live.idle)
        assert gc.get_threshold()[0] == BACKSTOP_YOUNG
        monkeypatch.setattr(gc, "collect", recorded)
        for _ in range(5):  # a freeze of rows that just landed may take the garbage first: again
            garbage = [[] for _ in range(2 * WORTH_COLLECTING)]
            garbage.append(garbage)  # a cycle: only a collection takes it back
            del garbage
            pressed = time.monotonic()
            await pilot.press("down")
            deadline = pressed + 2.0
            while not quiet_collections and time.monotonic() < deadline:
                await asyncio.sleep(0.02)  # not pilot.pause: it sends the app messages
            if quiet_collections:
                break
        assert quiet_collections and quiet_collections[0] >= pressed + QUIET_AFTER
    assert gc.get_threshold() == before
