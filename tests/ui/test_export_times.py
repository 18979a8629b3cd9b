"""The monitor's export (ctrl+s) writes its times in the zone the monitor shows, the one spelling
`ls` writes (against the emulator over HTTP, the real app and dialog)."""

from __future__ import annotations

import csv

import pytest

from tui.dialogs.export import ExportScreen
from tui.timefmt import format_time, iso_time
from ui_rows import header, wait_for



@pytest.mark.parametrize(
    ("zone", "name", "offset", "stamp"),
    [("local", "IST", "+05:30", "20250601-173000"), ("utc", "UTC", "+00:00", "20250601-120000")],  # fixed_now: 12:00 UTC
)
async def test_the_export_writes_times_in_the_zone_the_monitor_shows(make_app, in_kolkata, monkeypatch, tmp_path, zone, name, offset, stamp):
    monkeypatch.chdir(tmp_path)  # the dialog offers a file in the current directory
    app = make_app(kinds=["bedrock"], timezone=zone)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.table.row_count > 0)
        assert header(app).endswith(name)
        first = app.table.view[0]
        await pilot.press("ctrl+s")
        await pilot.press("enter")
        await wait_for(pilot, lambda: any(tmp_path.glob("batchtop-export-*.csv")) and not isinstance(app.screen, ExportScreen))
    (path,) = tmp_path.glob("batchtop-export-*.csv")
    assert path.name == f"batchtop-export-{stamp}.csv"  # its name says when, in the same zone
    with path.open(encoding="utf-8", newline="") as file:
        row = next(csv.DictReader(file))
    assert row["arn"] == first.arn
    assert row["created"] == iso_time(first.created, zone) and row["created"].endswith(offset)
    assert row["created"].replace("T", " ").startswith(format_time(first.created, zone))  # the table's time
