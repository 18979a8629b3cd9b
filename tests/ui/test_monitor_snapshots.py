"""Snapshots of the monitor and the detail on a frozen, seeded emulator with a fixed clock
(times in UTC), at 80×24, 120×40 and 200×50."""

from __future__ import annotations

import pytest

from tui.screens.detail import DetailScreen
from ui_rows import wait_for

SIZES = [(80, 24), (120, 40), (200, 50)]
IDS = [f"{width}x{height}" for width, height in SIZES]


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_monitor(snap_compare, make_app, size) -> None:
    app = make_app()

    async def first_refresh_done(pilot) -> None:  # noqa: ANN001
        await wait_for(pilot, lambda: app.table.row_count > 0)
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=first_refresh_done)


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_detail(snap_compare, make_app, size) -> None:
    """The first Bedrock job's detail, described (the rate needs a second describe: measuring)."""
    app = make_app(kinds=["bedrock"])

    async def described(pilot) -> None:  # noqa: ANN001
        await wait_for(pilot, lambda: app.table.row_count > 0)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, DetailScreen) and app.screen.detail is not None)
        await pilot.pause(0.06)

    assert snap_compare(app, terminal_size=size, run_before=described)


def test_monitor_one_source_with_error_state(snap_compare, make_app, faults) -> None:
    faults.denied = {("personalize", "us-east-1")}
    app = make_app()

    async def refreshed(pilot) -> None:  # noqa: ANN001
        await wait_for(pilot, lambda: app.table.row_count > 0)
        await pilot.press("2")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(120, 40), run_before=refreshed)
