"""One time format, one zone, one duration format: what the table, detail, ls and export print."""

from __future__ import annotations

import datetime as dt

import pytest

from tui.timefmt import format_age, format_clock, format_duration, format_time, iso_time, zone_name

NOON = dt.datetime(2025, 6, 1, 12, 0, 5, tzinfo=dt.timezone.utc)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(-5, "0s"), (0, "0s"), (45, "45s"), (60, "1m"), (12 * 60 + 59, "12m"), (3 * 3600 + 22 * 60, "3h22m"),
     (3600, "1h00m"), (2 * 86400 + 4 * 3600 + 59, "2d04h"), (400 * 86400, "400d00h")],
)
def test_durations_read_one_way(seconds: float, text: str) -> None:
    assert format_duration(seconds) == text


def test_times_in_utc_and_local(monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    monkeypatch.setenv("TZ", "Asia/Kolkata")
    time.tzset()
    try:
        assert format_time(NOON, "utc") == "2025-06-01 12:00"
        assert format_time(NOON, "utc", seconds=True) == "2025-06-01 12:00:05"
        assert format_time(NOON, "local") == "2025-06-01 17:30"
        assert format_time(NOON.replace(tzinfo=None), "utc") == "2025-06-01 12:00"  # naive: taken as UTC
        assert format_time(None) == "—"
        assert zone_name("utc") == "UTC"
        assert zone_name("local", NOON) == "IST"
        assert (format_clock(NOON, "utc"), format_clock(NOON, "local")) == ("12:00:05", "17:30:05")
        # scripts get one spelling: milliseconds always, the numeric offset (never `Z`)
        assert iso_time(NOON, "utc") == "2025-06-01T12:00:05.000+00:00"
        assert iso_time(NOON, "local") == "2025-06-01T17:30:05.000+05:30"
        assert iso_time(NOON.replace(microsecond=120_000, tzinfo=None), "utc") == "2025-06-01T12:00:05.120+00:00"
        assert iso_time(None) is None
    finally:
        monkeypatch.undo()
        time.tzset()


def test_ages_and_times_to_come() -> None:
    assert format_age(NOON - dt.timedelta(hours=3, minutes=22), NOON) == "3h22m ago"
    assert format_age(NOON + dt.timedelta(minutes=12), NOON) == "in 12m"
    assert format_age(None, NOON) == "—"
