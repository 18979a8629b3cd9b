"""RefreshEngine over HTTP: real aioboto3 clients and sources against the built-in emulator.

The world runs at speed 0 (frozen time) so active jobs stay active and every call the
engine makes shows up in `server.calls`.
"""

from __future__ import annotations

import datetime as dt
import tracemalloc
from contextlib import asynccontextmanager

import pytest

from tui.aws import AwsPool
from tui.clock import fixed_clock
from tui.emulator import EmulatorServer, Faults, World
from tui.emulator.tokens import PageTokens
from tui.models import JobKind, Phase, phase_of
from tui.refresh import TOKEN_REJECTED, RefreshEngine

NOW = dt.datetime(2025, 6, 1, 12, tzinfo=dt.timezone.utc)
ARN_FIELDS = {
    JobKind.BEDROCK: "jobArn",
    JobKind.PERSONALIZE: "batchInferenceJobArn",
    JobKind.SEGMENT: "batchSegmentJobArn",
    JobKind.SAGEMAKER: "TransformJobArn",
}
LIST_CALLS = {
    JobKind.BEDROCK: "ListModelInvocationJobs",
    JobKind.PERSONALIZE: "ListBatchInferenceJobs",
    JobKind.SEGMENT: "ListBatchSegmentJobs",
    JobKind.SAGEMAKER: "ListTransformJobs",
}
DESCRIBE_CALLS = {
    JobKind.BEDROCK: "GetModelInvocationJob",
    JobKind.PERSONALIZE: "DescribeBatchInferenceJob",
    JobKind.SEGMENT: "DescribeBatchSegmentJob",
    JobKind.SAGEMAKER: "DescribeTransformJob",
}


@pytest.fixture(autouse=True)
def no_local_aws_config(monkeypatch, tmp_path):
    """Nothing from the machine's own AWS setup may leak into these tests."""
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_BEDROCK", "AWS_ENDPOINT_URL_PERSONALIZE",
                 "AWS_ENDPOINT_URL_SAGEMAKER"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "empty").write_text("")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "empty"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "empty"))


@asynccontextmanager
async def emulated(
    world: World, kinds, regions=("us-east-1",), faults: Faults | None = None, engine_options=None, **page_sizes
):
    async with EmulatorServer(world, faults=faults) as server:
        async with AwsPool.demo(server.endpoint_url, max_attempts=1) as pool:
            sources = pool.build_sources(None, list(regions), kinds, **page_sizes)
            await pool.open_clients()  # as the app does before its first refresh
            yield server, RefreshEngine(sources, clock=fixed_clock(NOW), **(engine_options or {}))


def truth(world: World, kind: JobKind, region: str = "us-east-1") -> list[str]:
    return [job[ARN_FIELDS[kind]] for job in world.jobs(kind, region)]


def activate_old_jobs(world: World, kind: JobKind, every: int, skip: int) -> None:
    """Put every `every`-th job after the first `skip` into a running state (speed 0 keeps it there)."""
    status = "InProgress" if kind in (JobKind.BEDROCK, JobKind.SAGEMAKER) else "CREATE IN_PROGRESS"
    for arn in truth(world, kind)[skip::every]:
        world.set_status(arn, status)


def active_outside(world: World, kind: JobKind, first_page: int) -> int:
    return sum(not phase_of(job.get("status") or job["TransformJobStatus"]).terminal for job in world.jobs(kind)[first_page:])


async def refresh(engine: RefreshEngine):
    return engine.apply_refresh(await engine.fetch_refresh())


async def load_all(engine: RefreshEngine, key) -> None:
    while (batch := await engine.fetch_next_page(key)) is not None:
        engine.apply_page(batch)


def arns(rows) -> list[str]:
    return [rows[i].arn for i in range(len(rows))]


# ---------------------------------------------------------------- cost per tick


async def test_a_tick_costs_one_list_plus_active_jobs_outside_page_one_at_100_jobs():
    world = World(jobs_per_kind=100, seed=3, speed=0, now=NOW)
    for kind in JobKind:
        activate_old_jobs(world, kind, every=7, skip=15)
    async with emulated(world, ["all"], first_page_size=25, page_size=25) as (server, engine):
        await refresh(engine)
        for state in engine.states:
            await load_all(engine, state.key)
            assert arns(state.feed) == truth(world, state.key.kind)
        for _ in range(2):
            server.calls.clear()
            await refresh(engine)
            expected = {}
            for kind in JobKind:
                expected[LIST_CALLS[kind]] = 1
                if active_outside(world, kind, 25):
                    expected[DESCRIBE_CALLS[kind]] = active_outside(world, kind, 25)
            assert dict(server.calls) == expected
            assert all(count > 3 for name, count in expected.items() if name in DESCRIBE_CALLS.values())
        assert all(state.problem is None and state.last_ok == NOW for state in engine.states)


async def test_a_tick_costs_one_list_plus_active_jobs_outside_page_one_at_10000_jobs():
    world = World(jobs_per_kind=10_000, seed=5, speed=0, now=NOW)
    activate_old_jobs(world, JobKind.BEDROCK, every=500, skip=250)
    async with emulated(world, ["bedrock"]) as (server, engine):
        await refresh(engine)
        key = engine.states[0].key
        await load_all(engine, key)
        assert engine.view(key).status_line() == "10,000 jobs · all loaded"
        active = active_outside(world, JobKind.BEDROCK, 100)
        assert active >= 20
        server.calls.clear()
        await refresh(engine)
        assert dict(server.calls) == {"ListModelInvocationJobs": 1, "GetModelInvocationJob": active}

        # jobs that finish are reported once, then never fetched again
        finishing = [arn for arn in truth(world, JobKind.BEDROCK)[250::500]][:5]
        for arn in finishing:
            world.set_status(arn, "Completed")
        delta = await refresh(engine)
        assert sorted(job.arn for job in delta.finished) == sorted(finishing)
        server.calls.clear()
        delta = await refresh(engine)
        assert not delta.finished and not delta.changed
        assert dict(server.calls) == {"ListModelInvocationJobs": 1, "GetModelInvocationJob": active - 5}


# ---------------------------------------------------------------- paging


@pytest.mark.parametrize("kind", [JobKind.BEDROCK, JobKind.PERSONALIZE])
async def test_jobs_submitted_during_paging_are_neither_duplicated_nor_lost(kind):
    world = World(jobs_per_kind=300, seed=7, speed=0, now=NOW)
    async with emulated(world, [kind.value], first_page_size=20, page_size=40) as (server, engine):
        await refresh(engine)
        key = engine.states[0].key
        while (batch := await engine.fetch_next_page(key)) is not None:
            world.submit(kind)
            world.submit(kind)
            engine.apply_page(batch)
        await refresh(engine)
        feed = engine.states[0].feed
        assert arns(feed) == truth(world, kind)
        assert len(feed) > 300


async def test_a_rejected_page_token_restarts_the_listing():
    world = World(jobs_per_kind=120, seed=9, speed=0, now=NOW)
    async with emulated(world, ["bedrock", "personalize"], first_page_size=10, page_size=30) as (server, engine):
        await refresh(engine)
        for state in engine.states:
            engine.apply_page(await engine.fetch_next_page(state.key))
        paged = [state.loaded for state in engine.states]
        world.tokens = PageTokens(b"a new secret: every token issued so far is now invalid")
        for state, before in zip(engine.states, paged):
            delta = engine.apply_page(await engine.fetch_next_page(state.key))
            assert state.notice == TOKEN_REJECTED and delta.notices == [(state.key, TOKEN_REJECTED)]
            assert state.problem is None and state.loaded < before  # back to the first page
            assert arns(state.feed) == truth(world, state.key.kind)[: state.loaded]
            await load_all(engine, state.key)
            assert arns(state.feed) == truth(world, state.key.kind)


async def test_the_all_view_pages_across_regions_without_inserting_above():
    world = World(jobs_per_kind=150, seed=11, speed=0, now=NOW)
    regions = ("us-east-1", "eu-west-1")
    async with emulated(world, ["bedrock"], regions, first_page_size=10, page_size=20) as (server, engine):
        await refresh(engine)
        view = engine.view(None)
        shown = arns(view)
        while (batch := await engine.fetch_next_page(None)) is not None:
            engine.apply_page(batch)
            assert arns(view)[: len(shown)] == shown
            shown = arns(view)
        everything = [job for region in regions for job in world.jobs(JobKind.BEDROCK, region)]
        everything.sort(key=lambda job: job["submitTime"], reverse=True)
        assert sorted(shown) == sorted(job["jobArn"] for job in everything)
        created = [view[i].created for i in range(len(view))]
        assert created == sorted(created, reverse=True)


# ---------------------------------------------------------------- odd statuses and failures


async def test_unknown_statuses_survive_and_stay_watched():
    world = World(jobs_per_kind=40, seed=13, speed=0, now=NOW)
    odd = {
        JobKind.BEDROCK: (truth(world, JobKind.BEDROCK)[30], "Hibernating"),
        JobKind.PERSONALIZE: (truth(world, JobKind.PERSONALIZE)[30], "CREATE ON HOLD"),
    }
    for arn, status in odd.values():
        world.set_status(arn, status)
    async with emulated(world, ["bedrock", "personalize"], first_page_size=5, page_size=5) as (server, engine):
        await refresh(engine)
        for state in engine.states:
            await load_all(engine, state.key)
            arn, status = odd[state.key.kind]
            job = state.feed.get(arn)
            assert job.status == status and job.phase is Phase.UNKNOWN
            assert arn in state.feed.active_arns
        server.calls.clear()
        await refresh(engine)
        assert server.calls["GetModelInvocationJob"] == active_outside(world, JobKind.BEDROCK, 5)
        assert server.calls["DescribeBatchInferenceJob"] == active_outside(world, JobKind.PERSONALIZE, 5)
        assert all(state.feed.get(odd[state.key.kind][0]).status == odd[state.key.kind][1] for state in engine.states)


async def test_a_denied_source_reports_its_problem_and_the_others_keep_working():
    world = World(jobs_per_kind=30, seed=15, speed=0, now=NOW)
    faults = Faults(denied={("bedrock", "us-east-1")})
    async with emulated(world, ["bedrock", "personalize"], faults=faults) as (server, engine):
        await refresh(engine)
        bedrock, personalize = engine.states
        assert bedrock.problem.kind == "access_denied" and bedrock.loaded == 0
        assert personalize.problem is None and personalize.loaded == 30
        assert arns(engine.view(None)) == truth(world, JobKind.PERSONALIZE)
        faults.denied.clear()
        await refresh(engine)
        assert bedrock.problem is None and bedrock.loaded == 30


async def test_throttling_stretches_the_refresh_interval():
    world = World(jobs_per_kind=30, seed=17, speed=0, now=NOW)
    faults = Faults(throttle_every=1)
    async with emulated(world, ["bedrock"], faults=faults) as (server, engine):
        await refresh(engine)
        assert engine.states[0].problem.kind == "throttled"
        assert engine.next_delay(10) > 10
        faults.throttle_every = 0
        server.calls.clear()
        await refresh(engine)  # a tick before its retry time leaves the source alone
        assert not server.calls and engine.states[0].problem.kind == "throttled"
        engine.retry_now()  # `r`
        await refresh(engine)
        assert engine.states[0].problem is None and engine.next_delay(10) == 10


# ---------------------------------------------------------------- rows that stay true


def unfinished(world: World, kind: JobKind) -> list[str]:
    return [job[ARN_FIELDS[kind]] for job in world.jobs(kind)
            if not phase_of(job.get("status") or job["TransformJobStatus"]).terminal]


@pytest.mark.parametrize("kind", [JobKind.BEDROCK, JobKind.SEGMENT, JobKind.SAGEMAKER])
async def test_jobs_deleted_mid_run_leave_the_table_and_the_source_stays_healthy(kind):
    world = World(jobs_per_kind=60, seed=19, speed=0, now=NOW)
    activate_old_jobs(world, kind, every=4, skip=2)
    async with emulated(world, [kind.value], first_page_size=10, page_size=10) as (server, engine):
        await refresh(engine)
        state = engine.states[0]
        await load_all(engine, state.key)
        running = unfinished(world, kind)
        doomed = [running[1], running[-1]]  # one on page one, one far below it
        for arn in doomed:
            world.delete(arn)
        delta = await refresh(engine)
        assert delta.removed == set(doomed)
        assert state.problem is None and state.last_ok == NOW
        assert state.notice == "2 jobs no longer exist: their rows were removed"
        assert arns(state.feed) == truth(world, kind)
        assert arns(engine.view(None)) == truth(world, kind)


async def test_the_delete_fault_removes_running_jobs_and_rows_follow_the_world():
    world = World(jobs_per_kind=80, seed=21, speed=0, now=NOW)
    activate_old_jobs(world, JobKind.BEDROCK, every=3, skip=1)
    async with emulated(world, ["bedrock"], faults=Faults(), first_page_size=10, page_size=20) as (server, engine):
        await refresh(engine)
        state = engine.states[0]
        await load_all(engine, state.key)
        before = len(unfinished(world, JobKind.BEDROCK))
        server.faults.delete_every = 1  # each list call deletes one unfinished job first
        for _ in range(4):
            await refresh(engine)
            assert state.problem is None
        server.faults.delete_every = 0
        await refresh(engine)
        assert len(unfinished(world, JobKind.BEDROCK)) == before - 4
        assert arns(state.feed) == truth(world, JobKind.BEDROCK)


@pytest.mark.parametrize("kind", [JobKind.BEDROCK, JobKind.PERSONALIZE, JobKind.SAGEMAKER])
async def test_items_listed_without_their_arn_never_duplicate_a_job(kind):
    world = World(jobs_per_kind=100, seed=23, speed=0, now=NOW)
    faults = Faults()
    async with emulated(world, [kind.value], faults=faults, first_page_size=100) as (server, engine):
        await refresh(engine)
        state = engine.states[0]
        assert arns(state.feed) == truth(world, kind)
        faults.missing_arn = 0.3
        for _ in range(5):
            await refresh(engine)
            assert arns(state.feed) == truth(world, kind)  # 100 rows for 100 jobs, every tick
            assert state.problem is None
        faults.missing_arn = 0.0
        await refresh(engine)
        assert arns(state.feed) == truth(world, kind)


@pytest.mark.parametrize("kind", [JobKind.BEDROCK, JobKind.PERSONALIZE, JobKind.SAGEMAKER])
async def test_stand_ins_give_way_once_the_arns_come_back(kind):
    world = World(jobs_per_kind=30, seed=25, speed=0, now=NOW)
    faults = Faults(missing_arn=0.5)
    async with emulated(world, [kind.value], faults=faults, first_page_size=100) as (server, engine):
        await refresh(engine)
        state = engine.states[0]
        stand_ins = [job for job in state.feed if job.stand_in]
        assert stand_ins and len(state.feed) == 30
        assert not {job.arn for job in stand_ins} & state.feed.active_arns  # never described
        faults.missing_arn = 0.0
        delta = await refresh(engine)
        assert arns(state.feed) == truth(world, kind)
        assert delta.removed == {job.arn for job in stand_ins}
        assert engine.view(None)[0].arn == truth(world, kind)[0]


@pytest.mark.parametrize("kind", [JobKind.BEDROCK, JobKind.SEGMENT])
async def test_one_deeply_nested_item_is_a_noted_row_not_a_failed_source(kind):
    world = World(jobs_per_kind=20, seed=27, speed=0, now=NOW)
    faults = Faults(deep_nesting=3000)
    async with emulated(world, [kind.value], faults=faults) as (server, engine):
        await refresh(engine)
        state = engine.states[0]
        assert state.problem is None
        assert arns(state.feed) == truth(world, kind)
        noted = [job for job in state.feed if job.notes]
        assert len(noted) == 1 and noted[0].notes[0].startswith("jobName is not a string")


# ---------------------------------------------------------------- faults that must not hurt


async def test_a_hanging_endpoint_is_a_problem_after_the_call_timeout_and_recovers():
    world = World(jobs_per_kind=20, seed=29, speed=0, now=NOW)
    faults = Faults()
    timer = [0.0]  # the loop's monotonic clock, moved by the test instead of waited for
    options = {"call_timeout": 3.0, "monotonic": lambda: timer[0]}
    async with emulated(world, ["bedrock", "personalize"], faults=faults, engine_options=options) as (server, engine):
        for _ in range(10):  # on a busy machine a first call (clients, service models) can take over 3 s
            engine.retry_now()
            await refresh(engine)
            if all(state.loaded == 20 for state in engine.states):
                break
        assert all(state.problem is None for state in engine.states)
        faults.hang = 1.0  # accepts every call and never answers
        await refresh(engine)
        for state in engine.states:
            assert state.problem.kind == "network"
            assert state.problem.message.startswith("No answer from the AWS endpoint for 3 s")
            assert state.loaded == 20  # the last data stays
        assert engine.next_delay(10) > 10
        faults.hang = 0.0
        while any(state.problem for state in engine.states):  # ticks, no key pressed
            timer[0] += engine.next_delay(10)
            await refresh(engine)
        assert timer[0] <= 60
        assert arns(engine.states[0].feed) == truth(world, JobKind.BEDROCK)


def test_the_default_call_timeout_says_no_answer_within_15_s():
    assert RefreshEngine([])._call_timeout <= 15


@pytest.mark.parametrize("with_length", [True, False])
async def test_an_oversized_body_is_refused_without_reading_it_into_memory(with_length):
    world = World(jobs_per_kind=20, seed=31, speed=0, now=NOW)
    faults = Faults(oversize_length=with_length)
    async with emulated(world, ["bedrock"], faults=faults) as (server, engine):
        await refresh(engine)  # the client and its service model are loaded: not counted below
        faults.oversize_mb = 100 if with_length else 60
        tracemalloc.start()
        try:
            await refresh(engine)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        state = engine.states[0]
        assert state.problem.kind == "malformed" and state.loaded == 20  # the last data stays
        if with_length:
            assert state.problem.message.startswith("The service announced a response of 100 MB, over the 20 MB")
            assert peak < 5 * 2**20
        else:
            assert state.problem.message.startswith("The service sent a response of more than 20 MB")
            assert peak < 30 * 2**20
        faults.oversize_mb = 0
        await refresh(engine)
        assert state.problem is None and arns(state.feed) == truth(world, JobKind.BEDROCK)
