"""The job cache: lossless round trips, incremental writes, the bound, the progress history,
and every way the file can be unusable (reported once, rebuilt or left alone, never a crash)."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest

from factories import make_job
from tui.cache import APPLICATION_ID, THIN_EVERY, CachedListing, JobCache, cache_path, job_to_text
from tui.models import Filters, Job, JobKind, Phase, RecordCounts

T0 = dt.datetime(2025, 6, 1, 12, 0, tzinfo=dt.timezone.utc)
SOURCE = "default/us-east-1/bedrock"


class MovableClock:
    """A clock the test moves by hand."""

    def __init__(self, at: dt.datetime = T0) -> None:
        self.at = at

    def __call__(self) -> dt.datetime:
        return self.at

    def advance(self, seconds: float) -> None:
        self.at += dt.timedelta(seconds=seconds)


def job(index: int, phase: Phase = Phase.SUCCEEDED, **changes: object) -> Job:
    fields: dict[str, object] = {
        "arn": f"arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/j{index:06d}",
        "name": f"job-{index}",
        "kind": JobKind.BEDROCK,
        "source": SOURCE,
        "status": {Phase.SUCCEEDED: "Completed", Phase.RUNNING: "InProgress"}.get(phase, "Failed"),
        "phase": phase,
        "created": T0 - dt.timedelta(minutes=index),
    }
    return make_job(index, **{"model": "", "records": None, **fields, **changes})


def running(index: int, processed: int, succeeded: int | None = None, failed: int | None = None) -> Job:
    return job(index, Phase.RUNNING, records=RecordCounts(1000, processed, succeeded, failed))


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "cache" / "jobs.sqlite3"


@pytest.fixture
def reports() -> list[str]:
    return []


@pytest.fixture
def open_cache(path: Path, reports: list[str]):
    opened: list[JobCache] = []

    def make(**options: object) -> JobCache:
        cache = JobCache(options.pop("at", path), on_problem=reports.append, **options)  # type: ignore[arg-type]
        opened.append(cache)
        return cache

    yield make
    for cache in opened:
        cache.close()


# ---------------------------------------------------------------- round trip


def test_every_field_survives_a_round_trip_in_display_order(open_cache) -> None:
    eastern = dt.timezone(dt.timedelta(hours=-5))
    full = job(
        2,
        Phase.PARTIAL,
        status="PartiallyCompleted",
        name="half\udc80pair \x1b[31m 日本語",
        updated=dt.datetime(2025, 6, 1, 7, 1, 2, 345678, tzinfo=eastern),
        ended=dt.datetime(2025, 6, 1, 12, 1, tzinfo=dt.timezone.utc),
        model="anthropic.claude",
        message="some records failed",
        invocation_type="Converse",
        records=RecordCounts(100, 100, 90, 10),
        notes=("endTime could not be read",),
    )
    undated = job(3, Phase.UNKNOWN, status="Weird", created=None, listed_at=None, notes=("submitTime missing",))
    listed = job(4, created=None, listed_at=T0 - dt.timedelta(minutes=1, seconds=30))
    personalize = job(1, kind=JobKind.PERSONALIZE, status="ACTIVE", records=RecordCounts(), invocation_type=None)
    cache = open_cache()

    assert cache.save(SOURCE, [undated, full, personalize, listed]) == 4

    reopened = open_cache()
    assert reopened.load(SOURCE).jobs == [personalize, listed, full, undated]
    assert reopened.load("other/us-east-1/bedrock").jobs == []
    assert reopened.sources() == [SOURCE]


def test_rows_read_back_share_what_repeats_from_row_to_row(open_cache) -> None:
    """Tens of thousands of cached rows are held at once: the source, status and model of
    each are one object across rows, and an end time equal to the last update one object."""
    finished = [job(number, Phase.SUCCEEDED, status="Completed", model="anthropic.claude", updated=T0, ended=T0)
                for number in (1, 2)]
    cache = open_cache()
    cache.save(SOURCE, finished)

    first, second = open_cache().load(SOURCE).jobs
    assert first.source is second.source and first.status is second.status and first.model is second.model
    assert first.ended is first.updated


def test_every_field_of_a_job_is_kept() -> None:
    """A field added to Job must be added to the cache's text too (or this fails)."""
    assert set(json.loads(job_to_text(job(1)))) == {field.name for field in dataclasses.fields(Job)}


def test_only_changed_rows_are_written(open_cache) -> None:
    cache = open_cache()
    jobs = [job(i) for i in range(50)]
    assert cache.save(SOURCE, jobs) == 50
    assert cache.save(SOURCE, [job(i) for i in range(50)]) == 0  # equal, not the same objects
    assert cache.save(SOURCE, [*jobs[:49], job(49, message="changed"), job(50)]) == 2

    reopened = open_cache()
    assert reopened.load(SOURCE).jobs[0] == jobs[0]
    assert reopened.save(SOURCE, jobs[:10]) == 0  # what was read back counts as written


def test_the_page_token_comes_back_only_for_the_filters_it_was_made_with(open_cache) -> None:
    cache = open_cache()
    named = Filters(name="nightly")
    cache.save(SOURCE, [job(1)], filters=named, next_token="token\x00opaque" * 100, all_loaded=False)

    assert cache.load(SOURCE, named) == CachedListing([job(1)], "token\x00opaque" * 100, False)
    assert cache.load(SOURCE) == CachedListing([job(1)], None, False)
    cache.save(SOURCE, [], filters=named, next_token=None, all_loaded=True)
    assert cache.load(SOURCE, Filters(name="nightly")).all_loaded


def test_limit_reads_the_newest_rows_first_and_the_cursor_reads_on(open_cache) -> None:
    cache = open_cache()
    same_time = [job(100 + i, created=T0 - dt.timedelta(days=1)) for i in range(3)]
    undated = job(200, created=None)
    cache.save(SOURCE, [job(i) for i in range(5)] + same_time + [undated])

    chunks, cursor = [], None
    while True:
        listing = cache.load(SOURCE, limit=2, after=cursor)
        chunks.append([j.name for j in listing.jobs])
        if listing.cursor is None:
            break
        cursor = listing.cursor
    assert chunks == [["job-0", "job-1"], ["job-2", "job-3"], ["job-4", "job-100"], ["job-101", "job-102"], ["job-200"]]
    assert cache.load(SOURCE, limit=9).cursor is not None  # a full chunk cannot know it was the last
    assert cache.load(SOURCE, limit=10).cursor is None


def test_forget_drops_a_job_and_its_history(open_cache) -> None:
    cache = open_cache()
    cache.save(SOURCE, [running(1, 5), job(2)])
    cache.forget([running(1, 5).arn])
    assert cache.load(SOURCE).jobs == [job(2)]
    assert cache.history(running(1, 5).arn) == []
    assert cache.save(SOURCE, [running(1, 6)]) == 1


# ---------------------------------------------------------------- bound


def test_past_the_bound_the_oldest_terminal_jobs_go_and_active_ones_stay(open_cache) -> None:
    cache = open_cache(max_jobs=10)
    old_active = [running(100, 5), running(101, 6)]
    cache.save(SOURCE, [job(i) for i in range(12)] + old_active, next_token="t", all_loaded=False)

    assert cache.count() == 10
    kept = cache.load(SOURCE)
    assert [j.name for j in kept.jobs] == [f"job-{i}" for i in range(8)] + ["job-100", "job-101"]
    assert (kept.next_token, kept.all_loaded) == (None, False)  # the token points past the hole

    assert cache.save(SOURCE, [job(11)]) == 1  # an evicted job seen again is written again
    assert cache.count() == 10


# ---------------------------------------------------------------- progress history


def test_running_jobs_leave_samples_and_a_run_of_equal_ones_keeps_its_ends(open_cache) -> None:
    clock = MovableClock()
    cache = open_cache(clock=clock)
    for processed in (0, 10, 20, 20, 20, 20, 30):
        cache.save(SOURCE, [running(1, processed, processed, 0), job(2)])
        clock.advance(10)

    history = cache.history(running(1, 0).arn)
    assert [(sample.processed, (sample.at - T0).total_seconds()) for sample in history] == [
        (0, 0),
        (10, 10),
        (20, 20),
        (20, 50),
        (30, 60),
    ]
    assert history[0].succeeded == 0 and history[0].failed == 0
    assert cache.history(job(2).arn) == []

    assert open_cache().history(running(1, 0).arn) == history  # it survives a restart


def test_history_thins_as_it_ages(open_cache) -> None:
    clock = MovableClock()
    cache = open_cache(clock=clock)
    for step in range(3 * 60):  # three hours, one sample every minute... of 10-second ticks
        for tick in range(6):
            cache.save(SOURCE, [running(1, step * 6 + tick)])
            clock.advance(10)

    times = [sample.at for sample in cache.history(running(1, 0).arn)]
    recent = [at for at in times if clock() - at <= dt.timedelta(hours=1)]
    thinned = [at for at in times if clock() - at > dt.timedelta(hours=1, seconds=THIN_EVERY)]
    assert len(recent) >= 355  # the last hour: every sample
    assert 105 <= len(thinned) <= 111  # 110 minutes before it, thinned (every THIN_EVERY): one a minute
    assert len({at.replace(second=0) for at in thinned}) == len(thinned)
    assert times == sorted(times)


def test_history_older_than_a_day_keeps_one_sample_per_ten_minutes(open_cache) -> None:
    clock = MovableClock()
    cache = open_cache(clock=clock)
    for minute in range(120):
        cache.save(SOURCE, [running(1, minute)])
        clock.advance(60)
    clock.advance(86400)
    cache.save(SOURCE, [running(2, 1)])  # any save thins, at most every ten minutes

    assert 11 <= len(cache.history(running(1, 0).arn)) <= 13


# ---------------------------------------------------------------- unusable files


def test_a_truncated_file_is_reported_once_and_rebuilt(open_cache, path: Path, reports: list[str]) -> None:
    cache = open_cache()
    cache.save(SOURCE, [job(i, message="x" * 200) for i in range(3000)])
    cache.close()
    with open(path, "r+b") as file:
        file.truncate(path.stat().st_size // 2)

    rebuilt = open_cache()
    assert rebuilt.enabled
    listing = rebuilt.load(SOURCE)
    listing = rebuilt.load(SOURCE)
    assert listing.jobs == []
    assert len(reports) == 1 and "damaged" in reports[0] and "rebuilt" in reports[0]
    assert rebuilt.save(SOURCE, [job(1)]) == 1
    assert open_cache().load(SOURCE).jobs == [job(1)]


def test_a_file_that_is_not_a_database_is_reported_once_and_rebuilt(open_cache, path: Path, reports: list[str]) -> None:
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\x00garbage\xff" * 1000)

    cache = open_cache()
    assert cache.enabled and cache.load(SOURCE).jobs == []
    assert cache.save(SOURCE, [job(1)]) == 1
    assert reports == [f"the job cache {path} was damaged (file is not a database): rebuilt, empty"]


def test_a_cache_from_a_newer_batchtop_is_reported_once_and_rebuilt(open_cache, path: Path, reports: list[str]) -> None:
    open_cache().save(SOURCE, [job(1)])
    with contextlib.closing(sqlite3.connect(path)) as db:
        db.execute("PRAGMA user_version = 99")
        db.commit()

    cache = open_cache()
    assert cache.enabled and cache.load(SOURCE).jobs == []
    assert reports == [f"the job cache {path} was written by a newer batchtop (schema 99): rebuilt, empty"]
    cache.save(SOURCE, [job(2)])
    assert open_cache().load(SOURCE).jobs == [job(2)]
    assert len(reports) == 1


def test_a_foreign_database_is_left_alone_and_batchtop_runs_without_a_cache(open_cache, path: Path, reports: list[str]) -> None:
    path.parent.mkdir(parents=True)
    with contextlib.closing(sqlite3.connect(path)) as db:
        db.execute("CREATE TABLE precious (x)")
        db.execute("INSERT INTO precious VALUES (42)")
        db.commit()
    before = path.read_bytes()

    cache = open_cache()
    assert not cache.enabled
    assert cache.save(SOURCE, [job(1)]) == 0 and cache.load(SOURCE).jobs == [] and cache.history("x") == []
    assert path.read_bytes() == before
    assert len(reports) == 1 and "is not a batchtop cache" in reports[0] and "running without a cache" in reports[0]

    other_app = path.with_name("other.sqlite3")
    with contextlib.closing(sqlite3.connect(other_app)) as db:
        db.execute("PRAGMA application_id = 7")
    assert not open_cache(at=other_app).enabled


def test_a_folder_that_cannot_be_made_is_reported_once(open_cache, tmp_path: Path, reports: list[str]) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")

    cache = open_cache(at=blocker / "cache" / "jobs.sqlite3")
    assert not cache.enabled
    cache.save(SOURCE, [job(1)])
    cache.clear()
    assert len(reports) == 1 and reports[0].startswith("cannot use the job cache") and "Not a directory" in reports[0]


@contextlib.contextmanager
def unprivileged():
    """Permission bits bind root only through another user: act as `nobody` meanwhile."""
    if os.geteuid() != 0:
        yield
        return
    os.seteuid(65534)
    try:
        yield
    finally:
        os.seteuid(0)


@pytest.fixture
def shared_dir():
    """A folder `nobody` can reach (pytest's tmp_path is private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="batchtop-cache-test-"))
    folder.chmod(0o755)
    yield folder
    for inner in sorted(folder.rglob("*"), reverse=True):
        inner.chmod(0o755)
    subprocess.run(["rm", "-rf", str(folder)], check=True)


def test_a_read_only_folder_is_reported_once_and_batchtop_runs_without_a_cache(open_cache, shared_dir: Path, reports) -> None:
    folder = shared_dir / "cache"
    folder.mkdir()
    folder.chmod(0o555)

    with unprivileged():
        cache = open_cache(at=folder / "jobs.sqlite3")
        assert not cache.enabled
        assert cache.save(SOURCE, [job(1)]) == 0
    assert len(reports) == 1 and "running without a cache" in reports[0]
    assert list(folder.iterdir()) == []


def test_a_read_only_file_is_reported_once_and_left_alone(open_cache, shared_dir: Path, reports) -> None:
    path = shared_dir / "jobs.sqlite3"
    open_cache(at=path).save(SOURCE, [job(1)])
    path.chmod(0o444)
    shared_dir.chmod(0o555)
    before = path.read_bytes()

    with unprivileged():
        cache = open_cache(at=path)
        cache.save(SOURCE, [job(2)])
        cache.save(SOURCE, [job(3)])
    assert len(reports) == 1 and "running without a cache" in reports[0]
    assert path.read_bytes() == before


def test_a_busy_cache_skips_a_write_and_retries_it_with_the_next_save(open_cache, path: Path, reports: list[str]) -> None:
    cache = open_cache(busy_timeout=0.05)
    with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as other:
        other.execute("BEGIN EXCLUSIVE")
        assert cache.save(SOURCE, [job(1)]) == 0
        assert cache.save(SOURCE, [job(1)]) == 0
        other.execute("COMMIT")
    assert cache.save(SOURCE, [job(2)]) == 1 + 0  # job 2 only...
    assert cache.save(SOURCE, [job(1)]) == 1  # ...job 1 was never written, so it still is
    assert len(reports) == 1 and "busy in another batchtop" in reports[0]
    assert cache.enabled


# ---------------------------------------------------------------- two processes


WRITER = textwrap.dedent(
    """
    import datetime as dt, sys
    from pathlib import Path
    from tui.cache import JobCache
    from tui.models import Job, JobKind, Phase, RecordCounts

    path, name, count = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    t0 = dt.datetime(2025, 6, 1, tzinfo=dt.timezone.utc)
    problems = []
    cache = JobCache(path, on_problem=problems.append)
    for index in range(count):
        jobs = [
            Job(arn=f"arn:{name}:{index}:{n}", name=name, kind=JobKind.BEDROCK, source=name, status="InProgress",
                phase=Phase.RUNNING, created=t0 + dt.timedelta(seconds=index * 10 + n),
                records=RecordCounts(100, index, index, 0))
            for n in range(10)
        ]
        for attempt in range(100):  # a busy write is skipped: the next save retries it
            if cache.save(name, jobs, next_token=f"{name}-{index}", all_loaded=False):
                break
        else:
            sys.exit(f"never written: {problems}")
    cache.close()
    """
)


def test_two_processes_writing_at_once_corrupt_nothing(path: Path) -> None:
    path.parent.mkdir(parents=True)
    environment = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(path), name, "60"], env=environment, stdout=subprocess.PIPE, text=True)
        for name in ("first", "second")
    ]
    outputs = [writer.communicate(timeout=300)[0] for writer in writers]
    assert [writer.returncode for writer in writers] == [0, 0], outputs

    with contextlib.closing(sqlite3.connect(path)) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert db.execute("PRAGMA application_id").fetchone() == (APPLICATION_ID,)
    cache = JobCache(path)
    for name in ("first", "second"):
        listing = cache.load(name)
        assert len(listing.jobs) == 600
        assert listing.next_token == f"{name}-59"
    cache.close()


# ---------------------------------------------------------------- the writer thread


def test_submitted_writes_land_in_order_and_close_waits_for_them(open_cache, path: Path) -> None:
    cache = open_cache()
    futures = [cache.submit(cache.save, SOURCE, [job(1, message=str(n))]) for n in range(20)]
    cache.close()
    assert all(future.result() == 1 for future in futures)
    assert open_cache().load(SOURCE).jobs == [job(1, message="19")]


def test_clear_forgets_everything(open_cache) -> None:
    cache = open_cache()
    cache.save(SOURCE, [running(1, 5)], next_token="t", all_loaded=False)
    cache.clear()
    assert cache.load(SOURCE) == CachedListing([])
    assert cache.history(running(1, 5).arn) == []
    assert cache.save(SOURCE, [running(1, 5)]) == 1  # written again: nothing is assumed on disk


def test_tests_never_use_the_real_cache(local_dirs: dict[str, str]) -> None:
    assert cache_path() == Path(local_dirs["BATCHTOP_CACHE_DIR"]) / "jobs.sqlite3"


# ---------------------------------------------------------------- batchtop cache path|clear


def test_cache_path_and_clear_commands(local_dirs: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    from tui.__main__ import main

    assert main(["cache", "path"]) == 0
    assert capsys.readouterr().out == f"{cache_path()}\n"
    seeded = JobCache()
    seeded.save(SOURCE, [job(1)])
    seeded.close()

    assert main(["cache", "clear"]) == 0
    assert capsys.readouterr().out == f"cleared {cache_path()}\n"
    check = JobCache()
    assert check.load(SOURCE).jobs == []
    check.close()


def test_cache_clear_leaves_a_foreign_file_and_says_why(local_dirs: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    from tui.__main__ import main

    cache_path().parent.mkdir(parents=True)
    with contextlib.closing(sqlite3.connect(cache_path())) as db:
        db.execute("CREATE TABLE precious (x)")

    assert main(["cache", "clear"]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1 and "is not a batchtop cache" in captured.err


def test_the_bound_is_the_configs_cache_jobs(tmp_path: Path) -> None:
    from tui.config import load_settings
    from tui.local import LocalStore

    config = tmp_path / "config.toml"
    config.write_text("cache_jobs = 5000\n")
    settings, problems = load_settings(config)
    assert settings.cache_jobs == 5000 and problems == []
    local = LocalStore(max_jobs=settings.cache_jobs)
    assert local.cache.max_jobs == 5000
    local.close()

    config.write_text("cache_jobs = 10\n")
    settings, problems = load_settings(config)
    assert settings.cache_jobs == 200_000
    assert problems == ["config.toml: cache_jobs = 10: must be between 1,000 and 5,000,000 jobs — using the default 200000"]
