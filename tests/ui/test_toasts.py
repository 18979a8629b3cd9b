"""Finished-job toasts in the real monitor at small sizes: they stand above the cursor's status
line and the counter, and name the job on a line of its own, cut in the middle to fit, then
its phase in the table's words (report F3, F16)."""

from __future__ import annotations

import pytest

from tui.notify import toast_text_width
from tui.cells import middle_cut
from ui_rows import screen_lines, wait_for

NAME = "sneaker-fans-audience-refresh-20261130-01494"


@pytest.mark.parametrize("size", [(80, 24), (60, 15)])
async def test_a_toast_names_the_job_whole_above_the_status_lines(make_app, world, size) -> None:
    app = make_app(kinds=["segment"])
    async with app.run_test(size=size, notifications=True) as pilot:
        table = app.table
        await wait_for(pilot, lambda: table.row_count > 0 and app.live.idle)
        arn = world.submit("segment", jobName=NAME)
        await pilot.press("r")
        await wait_for(pilot, lambda: table.view.index_of(arn) is not None and app.live.idle)

        world.set_status(arn, "CREATE FAILED")
        await pilot.press("r")
        await wait_for(pilot, lambda: bool(app.screen.query("Toast")))
        await pilot.pause()
        lines = screen_lines(app)
        (toast,) = app.screen.query("Toast")
        assert toast.region.bottom <= size[1] - 3  # above the cursor's status line, the counter, the footer
        assert not any("▌" in line for line in lines[-3:])  # no toast border drawn over them
        assert lines[-2].startswith(" ") and "loaded" in lines[-2]
        shown = middle_cut(NAME, toast_text_width(size[0]))
        assert shown.endswith("-01494") and shown != NAME
        (at,) = [y for y, line in enumerate(lines) if f"▌{shown}" in line]  # the toast's first text line
        assert "▌finished · ✖ failed" in lines[at + 1]
        assert not any("CREATE FAILED" in line for line in lines[:-3])  # (the status line gives the raw status)
