"""The progress history rows of the detail screen: charts over the whole history, restarts
and stalls, from samples alone (no Textual)."""

from __future__ import annotations

import datetime as dt

from factories import make_job
from tui.cache import Sample
from tui.models import Job, JobKind, Phase, RecordCounts
from tui.widgets.progress_history import history_rows, resample, since_restart, sparkline, stalled_for

T0 = dt.datetime(2025, 6, 1, 12, 0, tzinfo=dt.timezone.utc)


def at(minutes: float, processed: int) -> Sample:
    return Sample(T0 + dt.timedelta(minutes=minutes), processed)


def running(processed: int, total: int = 10_000) -> Job:
    return make_job(arn="arn:aws:bedrock:us-east-1:1:model-invocation-job/a", name="a", source="s", model="",
                    created=T0, records=RecordCounts(total, processed, processed, 0))


def rows_of(samples: list[Sample], job: Job, now_minutes: float) -> dict[str, str]:
    return {label: text.plain for label, text in history_rows(samples, job, T0 + dt.timedelta(minutes=now_minutes), cells=10)}


def test_records_over_time_and_records_per_second_are_drawn_over_the_whole_history() -> None:
    samples = [at(minute, minute * 60) for minute in range(10)]  # one record a second

    rows = rows_of(samples, running(600), 10)

    assert rows["Over time"] == "▁▂▃▃▄▅▆▆▇█  600 records · last 10m"
    assert rows["Records/s"].endswith("peak 1.0/s")
    assert "Stalled" not in rows


def test_a_job_whose_count_has_not_moved_for_ten_minutes_says_since_when() -> None:
    samples = [at(0, 0), at(5, 300), at(6, 300), at(40, 300)]

    rows = rows_of(samples, running(300), 52)

    assert rows["Stalled"] == "no progress for 47m"
    assert stalled_for([at(0, 1), at(9, 1)]) == 9 * 60


def test_a_count_that_goes_back_starts_the_history_again() -> None:
    samples = [at(0, 500), at(1, 900), at(2, 10), at(3, 70)]
    assert since_restart(samples) == samples[2:]
    assert rows_of(samples, running(130), 4)["Over time"].endswith("130 records · last 2m")


def test_one_sample_or_none_draws_nothing() -> None:
    assert rows_of([], running(5), 1) == {}  # the current count alone is one sample
    assert rows_of([at(0, 5)], running(5), 0) == {}  # ...and at the same moment, still one


def test_sparkline_and_resample_edges() -> None:
    assert sparkline([3, 3, 3], "green").plain == "▁▁▁"
    assert sparkline([0, 7], "green").plain == "▁█"
    assert sparkline([5, 5], "cyan", floor=0).plain == "██"  # a steady rate is not a zero rate
    counts, rates = resample([at(0, 0), at(10, 100)], 2)  # read on the line between the samples
    assert counts == [50.0, 100.0] and rates == [50 / 300, 50 / 300]
    counts, rates = resample([at(0, 0), at(1, 60), at(9, 60), at(10, 120)], 5)  # a stall in the middle
    assert counts == [60.0, 60.0, 60.0, 60.0, 120.0] and rates[1:4] == [0.0, 0.0, 0.0]
