"""A restart: the cached rows are on screen before a slow endpoint answers, marked as cached
until the first refresh confirms them; paging goes on through the cache into the service's
listing; the marked jobs, the shown source and the filters come back, and a marked job that
finished meanwhile is announced."""

from __future__ import annotations

import dataclasses

import pytest

from tui import local as local_module

from tui.local import LocalStore
from tui.models import Filters, Phase
from tui.widgets.source_list import SourcePane
from ui_rows import header, wait_for

SIZE = (120, 40)


def names(app) -> list[str]:  # noqa: ANN001
    view = app.table.view
    return [view[index].name for index in range(len(view))]


async def test_a_restart_shows_cached_rows_before_a_slow_endpoint_answers(make_app, world, faults) -> None:
    first = LocalStore()
    app = make_app(kinds=["bedrock", "personalize"], local=first)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.live.idle and app.table.row_count > 0)
        await pilot.press("2")  # the Bedrock source
        table = app.table
        index = next(i for i in range(table.row_count) if table.view[i].phase is Phase.RUNNING)
        marked = table.view[index]
        table.cursor = index
        await pilot.press("m")
        before = names(app)
        assert "cached" not in header(app)  # nothing was cached yet
    first.close()

    world.set_status(marked.arn, "Completed")  # it finishes while batchtop is down
    faults.latency = 5.0
    second = LocalStore()
    again = make_app(kinds=["bedrock", "personalize"], local=second)
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert again.live.refreshing and again.live.refreshes == 0  # the first answer is 5 s away
        assert names(again) == before  # the same source, the same rows, from the cache
        assert "Bedrock" in header(again) and "cached · refreshing…" in header(again)
        assert again.live.marked == {marked.arn}

        await wait_for(pilot, lambda: again.live.refreshes > 0, timeout=60)
        assert "cached" not in header(again)
        assert any(marked.name in notice and "✔ succeeded" in notice for notice in again.notices)
        assert again.live.marked == set()  # announced once, then forgotten
    second.close()
    assert LocalStore().saved.marked == ()


@pytest.mark.parametrize(("seed_rows", "cache_page_rows"), [(1000, 1000), (50, 60)])
async def test_paging_goes_on_through_the_cache_into_the_service_listing(
    make_app, emulator, monkeypatch, seed_rows: int, cache_page_rows: int
) -> None:
    monkeypatch.setattr(local_module, "SEED_ROWS", seed_rows)
    monkeypatch.setattr(local_module, "CACHE_PAGE_ROWS", cache_page_rows)
    first = LocalStore()
    app = make_app(kinds=["bedrock"], local=first, page_size=100)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.live.idle and app.table.row_count == 100)
        app.live.load_more(None)
        await wait_for(pilot, lambda: app.live.idle and app.table.row_count == 200)
        before = names(app)
    first.close()

    list_calls = emulator.calls["ListModelInvocationJobs"]
    second = LocalStore()
    again = make_app(kinds=["bedrock"], local=second, page_size=100)
    async with again.run_test(size=SIZE) as pilot:
        assert names(again) == before[:seed_rows]
        await wait_for(pilot, lambda: again.live.idle)
        while again.table.row_count < 300:
            assert again.live.load_more(None)
            await wait_for(pilot, lambda: again.live.idle)
        assert names(again)[:200] == before
        assert again.table.view.all_loaded
        # one list call for the refresh, one for the page after the cached rows: never pages 1-2 again
        assert emulator.calls["ListModelInvocationJobs"] - list_calls == 2
    second.close()


async def test_filters_sort_interval_and_panes_come_back_and_fresh_starts_without_them(make_app) -> None:
    first = LocalStore()
    app = make_app(kinds=["bedrock"], local=first)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.live.idle)
        app.live.set_filters(dataclasses.replace(app.live.engine.filters, status="running"))
        app.live.set_sort("name", False)
        await wait_for(pilot, lambda: app.live.idle)
        pane = app.screen.query_one(SourcePane)
        shown = not pane.display  # one source: hidden unless asked for
        await pilot.press("h", "plus")
        assert pane.display is shown
        interval = app.live.interval
    first.close()

    second = LocalStore()
    assert second.saved.filters.filters() == Filters(status="running")
    again = make_app(kinds=["bedrock"], local=second)
    assert again.live.engine.filters == Filters(status="running") and again.live.engine.sort == ("name", False)
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert again.screen.query_one(SourcePane).display is shown
        assert again.live.interval == interval != 10.0
    second.close()

    fresh = LocalStore(fresh=True)
    clean = make_app(kinds=["bedrock"], local=fresh)
    assert clean.live.engine.filters == Filters() and clean.live.engine.states[0].loaded == 0
    fresh.close()
