"""One way to write a time and a duration, everywhere a person reads one (table, detail, `ls`):
`2025-06-01 12:03` in one zone, chosen once (`timezone = "local" | "utc"`) and named once (the
monitor's header, `ls`'s CREATED column), and durations as `45s`, `12m`, `3h22m`, `2d04h`.
One way for scripts (`ls` JSON/CSV, the export): ISO 8601 in the same zone with its numeric
offset, `2025-06-01T17:33:05.120+05:30`.

Pure functions, no Textual: the headless commands use them too.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal, get_args

Zone = Literal["local", "utc"]
ZONES: tuple[str, ...] = get_args(Zone)


def zone_info(zone: Zone) -> dt.tzinfo | None:
    """The tzinfo to convert to: UTC, or None for the machine's local zone (`astimezone()`)."""
    return dt.timezone.utc if zone == "utc" else None


def zone_name(zone: Zone, at: dt.datetime | None = None) -> str:
    """What to call the zone once on screen: `UTC`, or the local zone's abbreviation (`CET`),
    or its offset (`UTC+05:30`) where the system has no abbreviation."""
    if zone == "utc":
        return "UTC"
    local = (at or dt.datetime.now(dt.timezone.utc)).astimezone()
    name = local.tzname() or ""
    if name and name[0].isalpha():
        return name
    offset = local.strftime("%z")
    return f"UTC{offset[:3]}:{offset[3:]}" if offset else "local time"


def in_zone(at: dt.datetime, zone: Zone) -> dt.datetime:
    """`at` in `zone`; a naive time is taken as UTC (the services send UTC)."""
    return (at if at.tzinfo else at.replace(tzinfo=dt.timezone.utc)).astimezone(zone_info(zone))


def format_time(at: dt.datetime | None, zone: Zone = "local", *, seconds: bool = False) -> str:
    """`2025-06-01 12:03` (`12:03:05` with `seconds`) in `zone`; `—` when unknown."""
    if at is None:
        return "—"
    return in_zone(at, zone).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def format_clock(at: dt.datetime, zone: Zone = "local") -> str:
    """`12:03:05` in `zone`: the time of day of something that just happened."""
    return in_zone(at, zone).strftime("%H:%M:%S")


def iso_time(at: dt.datetime | None, zone: Zone = "local") -> str | None:
    """`2025-06-01T17:33:05.120+05:30` in `zone`, always with milliseconds (what the services
    keep) and a numeric offset (`+00:00` for UTC, never `Z`); None when unknown."""
    return None if at is None else in_zone(at, zone).isoformat(timespec="milliseconds")


def format_duration(seconds: float) -> str:
    """`45s`, `12m`, `3h22m`, `2d04h` (negative spans count as zero)."""
    seconds = max(0, int(seconds))
    if seconds < 60:
        return f"{seconds}s"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes}m"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours}h{minutes:02d}m"
    days, hours = divmod(hours, 24)
    return f"{days}d{hours:02d}h"


def format_age(at: dt.datetime | None, now: dt.datetime) -> str:
    """`3h22m ago`, or `in 12m` for a time still to come; `—` when unknown."""
    if at is None:
        return "—"
    seconds = (now - at).total_seconds()
    return f"in {format_duration(-seconds)}" if seconds < 0 else f"{format_duration(seconds)} ago"
