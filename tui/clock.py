"""The one source of time: injectable, so snapshots and tests are deterministic."""

from __future__ import annotations

import datetime as dt
from typing import Callable

Clock = Callable[[], dt.datetime]


def system_clock() -> dt.datetime:
    """Now, timezone-aware UTC."""
    return dt.datetime.now(dt.timezone.utc)


def fixed_clock(at: dt.datetime) -> Clock:
    """A clock that always says `at` (tests, snapshots)."""
    return lambda: at
