"""A running job's past, drawn: records over time, records/s, and how long it has been stuck.

The samples come from the cache's progress history (every refresh of every running job,
kept across restarts) plus what the detail screen sees itself; the same samples feed the
screen's rate meter, so its rate and ETA are measured over a window of history from the
first frame instead of waiting for two describes. Pure formatting with Rich primitives
(sparkline cells), no Textual: the detail screen adds these rows to its "Records" section.
A running job whose count has not moved for STALL_AFTER says so ("no progress for 47m").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from rich.text import Text

from ..cache import Sample
from ..models import Job, Phase
from ..timefmt import format_duration

STALL_AFTER = dt.timedelta(minutes=10)
CHART_CELLS = 40
_BLOCKS = "▁▂▃▄▅▆▇█"

Row = tuple[str, Text]


def with_current(samples: Sequence[Sample], job: Job, now: dt.datetime) -> list[Sample]:
    """The history plus the job's counts as they are now (when it has counts and is not done)."""
    points = list(samples)
    records = job.records
    if job.phase is Phase.RUNNING and records is not None and records.processed is not None:
        if not points or points[-1].at < now:
            points.append(Sample(now, records.processed, records.succeeded, records.failed))
    return points


def since_restart(samples: Sequence[Sample]) -> list[Sample]:
    """The samples after the last time the count went backwards (the service restarted the job)."""
    start = 0
    for index in range(1, len(samples)):
        if samples[index].processed < samples[index - 1].processed:
            start = index
    return list(samples[start:])


def stalled_for(samples: Sequence[Sample]) -> float:
    """Seconds since the count last moved (0 when it moved at the last sample)."""
    if not samples:
        return 0.0
    last = samples[-1]
    since = last
    for sample in reversed(samples[:-1]):
        if sample.processed != last.processed:
            break
        since = sample
    return (last.at - since.at).total_seconds()


def sparkline(values: Sequence[float], style: str, floor: float | None = None) -> Text:
    """One cell per value, `floor` (default: the lowest value) ▁ and the highest █ (all ▁ when
    they are equal)."""
    if not values:
        return Text()
    low, high = min(values) if floor is None else floor, max(values)
    span = high - low
    cells = "".join(_BLOCKS[0] if span <= 0 else _BLOCKS[round((value - low) / span * (len(_BLOCKS) - 1))] for value in values)
    return Text(cells, style=style)


def resample(samples: Sequence[Sample], cells: int) -> tuple[list[float], list[float]]:
    """Records processed at the end of each of `cells` equal time buckets (read on the straight
    line between the samples around it), and records/s within each bucket."""
    start = samples[0].at
    width = (samples[-1].at - start).total_seconds() / cells
    counts: list[float] = []
    index = 0
    for cell in range(1, cells + 1):
        edge = start + dt.timedelta(seconds=width * cell)
        while index + 2 < len(samples) and samples[index + 1].at < edge:
            index += 1
        before, after = samples[index], samples[index + 1]
        span = (after.at - before.at).total_seconds()
        share = min(1.0, max(0.0, (edge - before.at).total_seconds() / span)) if span > 0 else 1.0
        counts.append(before.processed + (after.processed - before.processed) * share)
    rates = [max(0.0, (later - earlier) / width) for earlier, later in zip([float(samples[0].processed), *counts], counts)]
    return counts, rates


def history_rows(samples: Sequence[Sample], job: Job, now: dt.datetime, cells: int = CHART_CELLS) -> list[Row]:
    """The rows the detail screen adds under the record counts: the two charts over the whole
    history and a stall warning. Nothing without two samples some time apart."""
    points = since_restart(with_current(samples, job, now))
    if len(points) < 2 or points[-1].at <= points[0].at:
        return []
    counts, rates = resample(points, cells)
    span = format_duration((points[-1].at - points[0].at).total_seconds())
    rows: list[Row] = [
        ("Over time", sparkline(counts, "green").append(f"  {int(counts[-1]):,} records · last {span}", style="dim")),
        ("Records/s", sparkline(rates, "cyan", floor=0.0).append(f"  peak {max(rates):,.1f}/s", style="dim")),
    ]
    stuck = stalled_for(points)
    if job.phase is Phase.RUNNING and stuck >= STALL_AFTER.total_seconds():
        rows.append(("Stalled", Text(f"no progress for {format_duration(stuck)}", style="bold yellow")))
    return rows
