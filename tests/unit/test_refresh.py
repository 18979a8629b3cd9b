"""RefreshEngine logic over a tiny in-memory service (pure logic; the emulator tests cover HTTP)."""

from __future__ import annotations

import asyncio
import bisect
import dataclasses
import datetime as dt
import random
from collections import Counter

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

from tui.clock import fixed_clock
from tui.errors import InvalidPageToken
from tui.feed import FeedView, MergedView, ReversedView, SortedView
from tui.models import Job, JobDetail, JobKind, phase_of
from tui.refresh import GAP_RESTARTED, MAX_BACKOFF, MAX_GAP_PAGES, TOKEN_REJECTED, RefreshEngine
from tui.models import Filters, Page, Source, SourceKey

T0 = dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc)
NOW = T0 + dt.timedelta(days=30)


class MemorySource(Source):
    """A tiny service: jobs newest first, offset page tokens (so submissions shift pages)."""

    def __init__(self, region: str = "us-east-1", page_size: int = 5) -> None:
        self.key = SourceKey(None, region, JobKind.BEDROCK)
        self.page_size = page_size
        self.jobs: list[Job] = []  # ground truth, newest first
        self.calls: Counter[str] = Counter()
        self.failure: Exception | None = None
        self.reject_tokens = False
        self.filters_on_client = False
        self.describing = 0
        self.most_describing = 0

    def add(self, minute: int, status: str = "Completed") -> Job:
        job = Job(
            arn=f"arn:{self.key.region}:{minute}",
            name=f"job-{minute}",
            kind=JobKind.BEDROCK,
            source=self.key.id,
            status=status,
            phase=phase_of(status),
            created=T0 + dt.timedelta(minutes=minute),
        )
        position = bisect.bisect_left([-j.created.timestamp() for j in self.jobs], -job.created.timestamp())
        self.jobs.insert(position, job)
        return job

    def delete(self, minute: int) -> None:
        self.jobs = [j for j in self.jobs if j.arn != f"arn:{self.key.region}:{minute}"]

    def set_status(self, minute: int, status: str) -> None:
        arn = f"arn:{self.key.region}:{minute}"
        self.jobs = [
            dataclasses.replace(j, status=status, phase=phase_of(status))
            if j.arn == arn
            else j
            for j in self.jobs
        ]

    async def list_page(self, filters: Filters, token: str | None = None) -> Page:
        self.calls["list"] += 1
        await asyncio.sleep(0)
        if self.failure is not None:
            raise self.failure
        if token is not None and self.reject_tokens:
            raise InvalidPageToken("expired")
        rows = self.jobs if filters.newest_first else self.jobs[::-1]
        if filters.status and not self.filters_on_client:
            rows = [j for j in rows if j.phase.value == filters.status]
        offset = int(token or 0)
        end = offset + self.page_size
        jobs = rows[offset:end]
        if filters.status and self.filters_on_client:  # like Personalize: pages may come back empty
            jobs = [j for j in jobs if j.phase.value == filters.status]
        return Page(jobs, str(end) if end < len(rows) else None)

    async def describe(self, arn: str) -> JobDetail:
        self.calls["describe"] += 1
        self.describing += 1
        self.most_describing = max(self.most_describing, self.describing)
        try:
            await asyncio.sleep(0)
            if self.failure is not None:
                raise self.failure
            job = next((j for j in self.jobs if j.arn == arn), None)
            if job is None:
                raise not_found(arn)
            return JobDetail(job, {"status": job.status})
        finally:
            self.describing -= 1


def source_with(count: int, region: str = "us-east-1", page_size: int = 5, active_every: int = 3) -> MemorySource:
    source = MemorySource(region, page_size)
    for minute in range(count):
        source.add(minute, "InProgress" if minute % active_every == 0 else "Completed")
    return source


def throttling() -> ClientError:
    return ClientError({"Error": {"Code": "ThrottlingException", "Message": "slow down"}}, "ListModelInvocationJobs")


def not_found(arn: str) -> ClientError:
    return ClientError(
        {"Error": {"Code": "ResourceNotFoundException", "Message": f"{arn} not found"}, "ResponseMetadata": {"HTTPStatusCode": 404}},
        "GetModelInvocationJob",
    )


def denied() -> ClientError:
    return ClientError(
        {"Error": {"Code": "AccessDeniedException", "Message": "no"}, "ResponseMetadata": {"HTTPStatusCode": 403}},
        "ListModelInvocationJobs",
    )


async def refresh(engine: RefreshEngine):
    return engine.apply_refresh(await engine.fetch_refresh())


async def page(engine: RefreshEngine, key):
    return engine.apply_page(await engine.fetch_next_page(key))


async def load_all(engine: RefreshEngine, key) -> None:
    while (batch := await engine.fetch_next_page(key)) is not None:
        engine.apply_page(batch)


def arns(rows) -> list[str]:
    return [rows[i].arn for i in range(len(rows))]


def make_engine(*sources: MemorySource, **options) -> RefreshEngine:
    return RefreshEngine(list(sources), clock=fixed_clock(NOW), rng=random.Random(7), **options)


# ---------------------------------------------------------------- refresh


async def test_first_refresh_loads_the_first_page_of_every_source():
    east, west = source_with(12), source_with(4, "us-west-2")
    engine = make_engine(east, west)
    delta = await refresh(engine)
    assert [state.loaded for state in engine.states] == [5, 4]
    assert [state.all_loaded for state in engine.states] == [False, True]
    assert engine.states[0].last_ok == NOW and engine.states[0].problem is None
    assert east.calls == {"list": 1} and west.calls == {"list": 1}
    assert len(delta.new) == 9 and not delta.changed and not delta.finished


async def test_a_prefetched_refresh_lands_for_the_ui_to_take_and_costs_nothing_more():
    source = source_with(12)
    engine = make_engine(source)
    prefetch = engine.prefetch_refresh()
    assert engine.take_landed().results == ()  # nothing landed yet: the UI shows what it has
    await asyncio.sleep(0.01)  # it runs before anyone asks (the UI is still starting)
    assert prefetch.done() and source.calls == {"list": 1}
    assert len(engine.apply_refresh(engine.take_landed()).new) == 5
    assert engine.take_landed().results == ()  # taken once
    await refresh(engine)  # the next tick fetches again
    assert source.calls == {"list": 2}


async def test_a_prefetch_sends_only_what_may_be_in_flight_until_the_ui_releases_it():
    sources = [source_with(6, f"region-{n}") for n in range(5)]
    engine = make_engine(*sources, max_in_flight=2)
    prefetch = engine.prefetch_refresh()
    await asyncio.sleep(0.01)  # the UI is still starting: its first frame comes first
    assert [source.calls["list"] for source in sources] == [1, 1, 0, 0, 0] and not prefetch.done()
    engine.release_prefetch()
    await prefetch
    assert [source.calls["list"] for source in sources] == [1] * 5
    assert len(engine.take_landed().results) == 5


async def test_a_prefetched_refresh_from_older_filters_is_not_used():
    source = source_with(12)
    engine = make_engine(source)
    engine.prefetch_refresh()
    await asyncio.sleep(0.01)
    engine.set_filters(Filters(status="running"))
    await refresh(engine)
    assert source.calls == {"list": 2}
    assert all(job.phase.value == "running" for job in engine.states[0].feed)


async def test_rows_loaded_without_filters_come_back_when_the_filters_are_cleared():
    source = source_with(12)
    engine = make_engine(source)
    await refresh(engine)
    await load_all(engine, source.key)
    loaded = [job.arn for job in engine.states[0].feed]
    engine.set_filters(Filters(status="running"))
    await refresh(engine)
    engine.set_filters(Filters(status="running", name="job"))  # narrower still: the unfiltered rows stay kept
    assert len(engine.states[0].feed) == 0
    engine.set_filters(Filters())
    assert [job.arn for job in engine.states[0].feed] == loaded  # before any call
    engine.set_filters(Filters(status="failed"))
    engine.set_filters(Filters(newest_first=False))  # another order: kept rows would not fit
    assert len(engine.states[0].feed) == 0


async def test_each_source_lands_by_itself_and_is_never_refreshed_twice_at_once():
    slow, quick = source_with(10), source_with(10, "us-west-2")
    answer = asyncio.Event()
    list_page = slow.list_page

    async def held(filters: Filters, token: str | None = None) -> Page:
        await answer.wait()
        return await list_page(filters, token)

    slow.list_page = held
    engine = make_engine(slow, quick)
    landed = []
    engine.on_landed = lambda: landed.append(engine.refreshing)
    first = engine.start_refresh()
    while not landed:
        await asyncio.sleep(0.001)
    batch = engine.take_landed()
    assert [result.key for result in batch.results] == [quick.key] and not first.done()
    engine.apply_refresh(batch)
    assert engine.states[1].loaded == 5 and engine.states[0].loaded == 0
    assert engine.refreshing == 1

    second = engine.start_refresh()  # the slow source's call is still out: only the quick one
    await second
    assert quick.calls == {"list": 2} and slow.calls == {} and not first.done()
    answer.set()
    await first
    engine.apply_refresh(engine.take_landed())
    assert engine.states[0].loaded == 5 and slow.calls == {"list": 1} and engine.refreshing == 0


async def test_a_source_with_no_active_job_is_listed_every_sixth_interval_at_most_a_minute_apart():
    quiet, busy = source_with(10, active_every=100), source_with(10, "us-west-2")
    quiet.set_status(0, "Completed")  # minute 0 is the only job active_every makes active
    now = [0.0]
    engine = make_engine(quiet, busy, monotonic=lambda: now[0])
    interval = 5.0
    listed = []
    for tick in range(13):  # one tick per interval, for a minute
        engine.next_delay(interval)
        engine.apply_refresh(await engine.fetch_refresh())
        listed.append((quiet.calls["list"], busy.calls["list"]))
        now[0] += interval
    assert engine.quiet(engine.states[0]) and not engine.quiet(engine.states[1])
    assert [q for q, _ in listed] == [1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 3]  # every 6 × 5 s = 30 s
    assert [b for _, b in listed] == list(range(1, 14))
    assert engine.next_delay(60.0) == 60.0  # long intervals: quiet sources keep the interval

    job = quiet.add(99, "InProgress")  # a new job: it shows at the next quiet listing
    while quiet.calls["list"] == 3:
        engine.next_delay(interval)
        engine.apply_refresh(await engine.fetch_refresh())
        now[0] += interval
    assert engine.states[0].feed.index_of(job.arn) == 0 and not engine.quiet(engine.states[0])
    engine.retry_now()  # `r`: every source at once
    engine.apply_refresh(await engine.fetch_refresh())
    assert quiet.calls["list"] == 5


async def test_a_tick_costs_one_list_plus_the_active_jobs_outside_page_one():
    source = source_with(40)
    engine = make_engine(source)
    await refresh(engine)
    await load_all(engine, source.key)
    active_outside = [j for j in source.jobs[5:] if not j.phase.terminal]
    for _ in range(2):
        source.calls.clear()
        await refresh(engine)
        assert source.calls == {"list": 1, "describe": len(active_outside)}


async def test_jobs_that_finish_are_reported_once_and_never_fetched_again():
    source = source_with(40)
    engine = make_engine(source)
    await refresh(engine)
    await load_all(engine, source.key)
    source.set_status(9, "Completed")  # outside page one
    source.set_status(36, "Failed")  # on page one
    delta = await refresh(engine)
    assert sorted(j.arn for j in delta.finished) == ["arn:us-east-1:36", "arn:us-east-1:9"]
    assert delta.changed == {"arn:us-east-1:36", "arn:us-east-1:9"}
    source.calls.clear()
    delta = await refresh(engine)
    assert not delta.finished and not delta.changed
    active_outside = [j for j in source.jobs[5:] if not j.phase.terminal]
    assert source.calls["describe"] == len(active_outside)
    assert "arn:us-east-1:9" not in engine.states[0].feed.active_arns


async def test_describes_run_with_bounded_concurrency():
    source = source_with(60, active_every=1)
    engine = make_engine(source, describe_concurrency=4)
    await refresh(engine)
    await load_all(engine, source.key)
    await refresh(engine)
    assert source.most_describing == 4


async def test_new_jobs_appear_at_the_top():
    source = source_with(20)
    engine = make_engine(source)
    await refresh(engine)
    view = engine.view(source.key)
    source.add(100, "Submitted")
    delta = await refresh(engine)
    assert delta.new == {"arn:us-east-1:100"}
    assert view[0].arn == "arn:us-east-1:100" and view.index_of("arn:us-east-1:19") == 1


# ---------------------------------------------------------------- paging


async def test_jobs_submitted_during_paging_are_never_shown_twice_or_lost():
    source = source_with(60, page_size=7)
    engine = make_engine(source)
    await refresh(engine)
    minute = 1000
    while (batch := await engine.fetch_next_page(source.key)) is not None:
        for _ in range(3):  # these shift every later page down by three rows
            source.add(minute, "Submitted")
            minute += 1
        engine.apply_page(batch)
    await refresh(engine)
    feed = engine.states[0].feed
    assert arns(feed) == [j.arn for j in source.jobs]


async def test_more_new_jobs_than_a_page_holds_leave_no_gap():
    source = source_with(30, page_size=5)
    engine = make_engine(source)
    await refresh(engine)
    await page(engine, source.key)
    for minute in range(100, 117):  # 17 new jobs: more than three pages
        source.add(minute, "Submitted")
    source.calls.clear()
    delta = await refresh(engine)
    feed = engine.states[0].feed
    assert arns(feed) == [j.arn for j in source.jobs[:27]]
    assert len(delta.new) == 17 and source.calls["list"] == 4
    assert engine.states[0].notice is None


async def test_a_filtered_listing_does_not_walk_far_for_a_gap():
    source = source_with(30, page_size=5, active_every=10)
    source.filters_on_client = True
    engine = make_engine(source)
    engine.set_filters(Filters(status="running"))
    await refresh(engine)
    await load_all(engine, source.key)
    for minute in range(100, 130):  # one new running job among thirty
        source.add(minute, "InProgress" if minute == 129 else "Completed")
    source.calls.clear()
    await refresh(engine)
    assert source.calls["list"] == 2  # page one, then one empty page ends the walk
    assert engine.states[0].feed[0].arn == "arn:us-east-1:129"
    assert engine.states[0].notice is None


async def test_a_gap_too_wide_to_close_restarts_the_listing():
    source = source_with(30, page_size=2)
    engine = make_engine(source)
    await refresh(engine)
    for minute in range(100, 100 + 2 * (MAX_GAP_PAGES + 3)):
        source.add(minute, "Submitted")
    delta = await refresh(engine)
    state = engine.states[0]
    assert state.notice == GAP_RESTARTED and delta.notices == [(source.key, GAP_RESTARTED)]
    assert arns(state.feed) == [j.arn for j in source.jobs[: 2 * (MAX_GAP_PAGES + 1)]]
    await load_all(engine, source.key)
    assert arns(state.feed) == [j.arn for j in source.jobs]


async def test_a_rejected_page_token_restarts_the_listing_with_a_notice():
    source = source_with(30)
    engine = make_engine(source)
    await refresh(engine)
    await page(engine, source.key)
    source.reject_tokens = True
    delta = await page(engine, source.key)
    state = engine.states[0]
    assert state.notice == TOKEN_REJECTED and delta.notices == [(source.key, TOKEN_REJECTED)]
    assert arns(state.feed) == [j.arn for j in source.jobs[:5]] and state.feed.next_token == "5"
    source.reject_tokens = False
    await load_all(engine, source.key)
    assert arns(state.feed) == [j.arn for j in source.jobs]
    await refresh(engine)
    assert state.notice is None


async def test_one_page_fetch_at_a_time_per_source():
    source = source_with(30)
    engine = make_engine(source)
    assert await engine.fetch_next_page(source.key) is None  # the first page comes from a refresh
    await refresh(engine)
    first = asyncio.ensure_future(engine.fetch_next_page(source.key))
    await asyncio.sleep(0)
    assert engine.states[0].loading and engine.view(source.key).status_line() == "5 loaded · loading…"
    assert await engine.fetch_next_page(source.key) is None
    engine.apply_page(await first)
    assert not engine.states[0].loading and engine.states[0].loaded == 10
    await load_all(engine, source.key)
    assert await engine.fetch_next_page(source.key) is None
    assert engine.view(source.key).status_line() == "30 jobs · all loaded"


async def test_a_cancelled_page_fetch_frees_the_source():
    source = source_with(30)
    engine = make_engine(source)
    await refresh(engine)
    fetch = asyncio.ensure_future(engine.fetch_next_page(source.key))
    await asyncio.sleep(0)
    fetch.cancel()
    with pytest.raises(asyncio.CancelledError):
        await fetch
    assert not engine.states[0].loading
    assert await engine.fetch_next_page(source.key) is not None


# ---------------------------------------------------------------- the "All" view


async def test_all_view_pages_the_source_that_holds_the_frontier_back():
    dense = MemorySource("us-east-1", page_size=4)  # every minute: its pages cover little time
    sparse = MemorySource("eu-west-1", page_size=4)  # every tenth minute
    for minute in range(200):
        dense.add(minute)
        if minute % 10 == 5:
            sparse.add(minute)
    engine = make_engine(dense, sparse)
    await refresh(engine)
    view = engine.view(None)
    assert isinstance(view, MergedView)
    shown = arns(view)
    assert shown == [f"arn:us-east-1:{m}" for m in (199, 198, 197, 196)]  # sparse rows wait below
    while (batch := await engine.fetch_next_page(None)) is not None:
        engine.apply_page(batch)
        assert arns(view)[: len(shown)] == shown  # paging never inserts above what was shown
        shown = arns(view)
    truth = sorted(dense.jobs + sparse.jobs, key=lambda j: j.created, reverse=True)
    assert shown == [j.arn for j in truth]
    assert view.status_line() == "220 jobs · all loaded"


async def test_sort_by_another_column_is_client_side_over_loaded_rows():
    source = source_with(30)
    engine = make_engine(source)
    await refresh(engine)
    engine.set_sort("name", descending=False)
    view = engine.view(source.key)
    assert isinstance(view, SortedView) and view.status_line() == "sorted · 5 loaded (more not loaded)"
    await page(engine, source.key)
    names = [view[i].name for i in range(len(view))]
    assert names == sorted(names) and len(names) == 10
    assert engine.sort == ("name", False)
    with pytest.raises(ValueError):
        engine.set_sort("colour", True)


async def test_reversing_the_creation_order_keeps_every_loaded_row_and_fetches_nothing():
    """`S` (report F21: 6,335 rows -> 177 -> 341): the loaded rows the other way round, at once;
    back to newest first, the same rows; the listing never restarts."""
    east, west = source_with(30), source_with(30, "us-west-2")
    engine = make_engine(east, west)
    await refresh(engine)
    await page(engine, None)
    merged, loaded = engine.view(None), arns(engine.view(None))
    calls = east.calls["list"] + west.calls["list"]
    engine.set_sort("created", descending=False)
    view = engine.view(None)
    assert isinstance(view, ReversedView) and engine.sort == ("created", False)
    assert arns(view) == loaded[::-1] and engine.filters.newest_first  # the listing goes on newest first
    assert view.all_loaded and view.status_line() == f"{len(loaded)} shown · older jobs load in newest-first order"
    assert view.held_reason == merged.held_reason != ""  # the pane says what the All line holds back, in either order
    assert all(view.index_of(arn) == len(loaded) - 1 - position for position, arn in enumerate(loaded))
    east.add(40, "InProgress")  # submitted meanwhile: a refresh puts it at the end, the newest
    await refresh(engine)
    assert view[-1].arn == "arn:us-east-1:40" and arns(view)[:-1] == loaded[::-1]
    engine.set_sort("created", descending=True)
    assert engine.view(None) is merged and arns(merged) == ["arn:us-east-1:40", *loaded]  # kept, not rebuilt
    assert east.calls["list"] + west.calls["list"] == calls + 2  # the refresh's first pages only
    for key in (None, east.key, west.key):
        await load_all(engine, key)
    engine.set_sort("created", descending=False)
    assert engine.view(None).status_line() == "61 jobs · all loaded"
    assert [job.created for job in engine.view(None)] == sorted(job.created for job in east.jobs + west.jobs)


async def test_a_restored_oldest_first_listing_is_shown_oldest_first():
    source = source_with(30)
    engine = make_engine(source)
    engine.set_filters(Filters(newest_first=False))  # as a state saved by an older version
    await refresh(engine)
    view = engine.view(source.key)
    assert isinstance(view, FeedView) and engine.sort == ("created", False)
    assert arns(view) == [f"arn:us-east-1:{m}" for m in range(5)]


async def test_filters_reset_every_feed():
    source = source_with(30)
    engine = make_engine(source)
    await refresh(engine)
    engine.set_filters(Filters(status="running"))
    assert engine.states[0].loaded == 0 and not engine.states[0].all_loaded
    await refresh(engine)
    await load_all(engine, source.key)
    assert {j.phase.value for j in engine.states[0].feed} == {"running"}


async def test_source_for_finds_the_adapter_of_a_job():
    east, west = source_with(3), source_with(3, "us-west-2")
    engine = make_engine(east, west)
    await refresh(engine)
    assert engine.source_for(engine.view(None)[0]) in (east, west)
    assert engine.source_for(engine.states[1].feed[0]) is west


# ---------------------------------------------------------------- rows that stay true


async def test_a_deleted_job_leaves_the_feed_and_every_view_and_the_source_stays_healthy():
    source = source_with(30)
    engine = make_engine(source)
    await refresh(engine)
    await load_all(engine, source.key)
    merged, by_name = engine.view(None), None
    engine.set_sort("name", descending=False)
    by_name = engine.view(source.key)
    source.delete(9)  # active, outside page one: only a describe can tell
    delta = await refresh(engine)
    state = engine.states[0]
    assert delta.removed == {"arn:us-east-1:9"}
    assert state.problem is None and state.notice == "job job-9 no longer exists: its row was removed"
    assert delta.notices == [(source.key, state.notice)]
    source.delete(27)  # active, on page one: page one no longer lists it, so it is described
    source.delete(21)
    delta = await refresh(engine)
    assert delta.removed == {"arn:us-east-1:27", "arn:us-east-1:21"} and state.problem is None
    assert state.notice == "2 jobs no longer exist: their rows were removed"
    assert arns(state.feed) == [j.arn for j in source.jobs]
    assert sorted(arns(by_name)) == sorted(arns(merged)) == sorted(j.arn for j in source.jobs)
    assert state.feed.counts[phase_of("InProgress")] == sum(not j.phase.terminal for j in source.jobs)
    source.calls.clear()
    await refresh(engine)  # nothing left to describe that is gone
    assert source.calls["describe"] == sum(not j.phase.terminal for j in source.jobs[5:])
    assert state.notice is None


async def test_last_ok_is_the_last_successful_list_call_and_the_problem_is_the_last_fetchs():
    times = iter(NOW + dt.timedelta(seconds=s) for s in range(100))
    source = source_with(30, active_every=1)
    engine = RefreshEngine([source], clock=lambda: next(times), rng=random.Random(7))
    await refresh(engine)
    state = engine.states[0]
    listed = state.last_ok
    await page(engine, source.key)
    assert state.last_ok == listed  # a page is not a list refresh
    describe = source.describe

    async def offline_describe(arn: str) -> JobDetail:
        raise EndpointConnectionError(endpoint_url="http://127.0.0.1:9")

    source.describe = offline_describe
    await refresh(engine)
    assert state.problem.kind == "network" and state.last_ok > listed  # the list itself worked
    listed = state.last_ok
    source.describe = describe
    source.failure = denied()
    await page(engine, source.key)
    assert state.problem.kind == "access_denied" and state.last_ok == listed
    source.failure = None
    await page(engine, source.key)
    assert state.problem is None and state.last_ok == listed


# ---------------------------------------------------------------- errors and pacing


async def test_errors_are_kept_per_source_until_the_next_success():
    east, west = source_with(10), source_with(10, "us-west-2")
    engine = make_engine(east, west)
    await refresh(engine)
    west.failure = denied()
    await refresh(engine)
    east_state, west_state = engine.states
    assert east_state.problem is None
    assert west_state.problem.kind == "access_denied" and west_state.loaded == 5  # last data stays
    assert engine.next_delay(10) == 10  # denial is not slowed down: it needs the user
    west.failure = None
    await refresh(engine)
    assert west_state.problem is None and west_state.last_ok == NOW


async def test_a_failing_describe_keeps_the_others():
    source = source_with(30, active_every=1)
    engine = make_engine(source)
    await refresh(engine)
    await page(engine, source.key)
    source.set_status(20, "Completed")
    calls = 0
    describe = source.describe

    async def flaky(arn: str) -> JobDetail:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise EndpointConnectionError(endpoint_url="http://127.0.0.1:9")
        return await describe(arn)

    source.describe = flaky
    await refresh(engine)
    state = engine.states[0]
    assert state.problem.kind == "network"
    assert calls == 5  # page two's five jobs, all active


class Ticks:
    """A monotonic clock the test moves: the loop's timer, without waiting."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def tick(engine: RefreshEngine, ticks: Ticks, interval: float) -> float:
    """What the live loop does: wait out the delay the engine asks for, then refresh."""
    delay = engine.next_delay(interval)
    ticks.now += delay
    await refresh(engine)
    return delay


async def test_backoff_grows_with_jitter_while_throttled_and_resets_on_success():
    source = source_with(10)
    ticks = Ticks()
    engine = make_engine(source, monotonic=ticks)
    await refresh(engine)
    assert engine.next_delay(10) == 10
    source.failure = throttling()
    await refresh(engine)
    delays = [await tick(engine, ticks, 10) for _ in range(8)]
    assert engine.states[0].problem.kind == "throttled" and source.calls["list"] == 10  # one per tick
    assert 16 <= delays[0] <= 24 and 32 <= delays[1] <= 48
    assert all(10 < d <= MAX_BACKOFF for d in delays) and delays[-1] == MAX_BACKOFF == 60
    source.failure = None
    await tick(engine, ticks, 10)
    assert engine.states[0].problem is None and engine.next_delay(10) == 10


async def test_a_source_is_back_within_a_minute_of_the_end_of_any_outage():
    source = source_with(10)
    ticks = Ticks()
    engine = make_engine(source, monotonic=ticks)
    await refresh(engine)
    offline = EndpointConnectionError(endpoint_url="http://127.0.0.1:9")
    back = ticks.now + 300  # a five-minute outage
    while ticks.now < back or engine.states[0].problem is not None:
        ticks.now += engine.next_delay(5)
        source.failure = offline if ticks.now < back else None
        await refresh(engine)
    assert source.calls["list"] > 6 and ticks.now - back <= MAX_BACKOFF


async def test_one_backing_off_source_never_delays_the_others():
    east, west = source_with(10), source_with(10, "us-west-2")
    ticks = Ticks()
    engine = make_engine(east, west, monotonic=ticks)
    await refresh(engine)
    west.failure = throttling()
    east.calls.clear()
    west.calls.clear()
    delays = [await tick(engine, ticks, 10) for _ in range(12)]
    assert delays == [10] * 12  # the healthy source sets the pace
    assert east.calls["list"] == 12
    assert 3 <= west.calls["list"] <= 5  # 10 s doubled per failure: tried after ~10, 20, 40, 60 s
    assert engine.states[0].problem is None and engine.states[1].problem.kind == "throttled"
    assert engine.retry_in(10) >= 10


async def test_r_retries_a_backing_off_source_at_once():
    source = source_with(10)
    ticks = Ticks()
    engine = make_engine(source, monotonic=ticks)
    source.failure = throttling()
    for _ in range(4):
        await tick(engine, ticks, 10)
    assert engine.next_delay(10) > 10
    source.failure = None
    source.calls.clear()
    await refresh(engine)  # a tick before the retry time: the source waits
    assert source.calls["list"] == 0 and engine.states[0].problem.kind == "throttled"
    engine.retry_now()
    await refresh(engine)
    assert source.calls["list"] == 1 and engine.states[0].problem is None
    assert engine.next_delay(10) == 10 and engine.retry_in(10) is None


async def test_a_call_that_never_answers_becomes_a_problem_after_the_call_timeout():
    hanging, healthy = source_with(10), source_with(10, "us-west-2")
    never = asyncio.Event()

    async def no_answer(filters: Filters, token: str | None = None) -> Page:
        await never.wait()
        raise AssertionError("unreachable")

    engine = make_engine(hanging, healthy, call_timeout=0.2)
    hanging.list_page = no_answer
    await refresh(engine)
    bad, good = engine.states
    assert bad.problem.kind == "network" and bad.problem.message.startswith("No answer from the AWS endpoint for 0.2 s")
    assert good.problem is None and good.loaded == 5
    del hanging.list_page  # the endpoint answers again
    engine.retry_now()
    await refresh(engine)
    assert bad.problem is None and bad.loaded == 5


async def test_calls_in_flight_are_capped_across_sources():
    sources = [source_with(30, f"region-{n}", active_every=1) for n in range(6)]
    in_flight = most = 0
    for source in sources:
        list_page = source.list_page

        async def counted(filters: Filters, token: str | None = None, _list_page=list_page) -> Page:
            nonlocal in_flight, most
            in_flight += 1
            most = max(most, in_flight)
            try:
                await asyncio.sleep(0.01)
                return await _list_page(filters, token)
            finally:
                in_flight -= 1

        source.list_page = counted
    engine = make_engine(*sources, max_in_flight=4)
    await refresh(engine)
    assert most == 4 and all(state.loaded == 5 for state in engine.states)


async def test_offline_sources_back_off_too():
    source = source_with(10)
    engine = make_engine(source)
    source.failure = EndpointConnectionError(endpoint_url="http://127.0.0.1:9")
    await refresh(engine)
    assert engine.states[0].problem.kind == "network" and engine.next_delay(5) > 5
    assert engine.retry_in(5) == pytest.approx(engine.next_delay(5), abs=1)
    assert engine.view(source.key).status_line() == "0 loaded · more below"


async def test_an_unchanged_first_page_changes_nothing_and_a_changed_one_shows():
    source = source_with(12)
    engine = make_engine(source)
    first = await refresh(engine)
    assert not first.shows_nothing_new and first.sources == {source.key}
    again = await refresh(engine)  # the same Job objects: nothing to merge, nothing to draw
    assert again.shows_nothing_new and again.sources == {source.key}
    source.set_status(11, "Failed")
    changed = await refresh(engine)
    assert not changed.shows_nothing_new and changed.changed == {f"arn:{source.key.region}:11"}
    source.failure = throttling()
    failing = await refresh(engine)
    assert not failing.shows_nothing_new and failing.health
