"""Snapshots of the monitor on a frozen, seeded emulator with a fixed clock (times in UTC)."""

from __future__ import annotations

import pytest

from ui_rows import wait_for


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])
def test_monitor(snap_compare, make_app, size) -> None:
    app = make_app()

    async def first_refresh_done(pilot) -> None:  # noqa: ANN001
        await wait_for(pilot, lambda: app.table.row_count > 0)
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=first_refresh_done)


def test_monitor_one_source_with_error_state(snap_compare, make_app, faults) -> None:
    faults.denied = {("personalize", "us-east-1")}
    app = make_app()

    async def refreshed(pilot) -> None:  # noqa: ANN001
        await wait_for(pilot, lambda: app.table.row_count > 0)
        await pilot.press("2")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(120, 40), run_before=refreshed)
