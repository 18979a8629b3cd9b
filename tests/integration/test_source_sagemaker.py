"""The SageMaker source over HTTP against the emulator, with the real aioboto3 clients: the
server-side filters it sends, describe and stop by ARN or by name, and what goes wrong."""

from __future__ import annotations

import datetime as dt

import pytest
from botocore.exceptions import ClientError

from tui.aws import AwsPool
from tui.errors import classify
from tui.models import Filters, JobKind, Phase, ProblemKind, phase_of
from tui.sources.sagemaker import SageMakerSource


@pytest.fixture
async def pool(emulator):
    async with AwsPool.demo(emulator.endpoint_url, max_attempts=1) as pool:
        yield pool


def source_of(pool: AwsPool, region: str = "us-east-1", **sizes) -> SageMakerSource:
    [source] = pool.build_sources([], [region], ["sagemaker"], **sizes)
    assert isinstance(source, SageMakerSource)
    return source


def truth(world, predicate=lambda item: True) -> list[str]:
    return [item["TransformJobArn"] for item in world.jobs("sagemaker") if predicate(item)]


async def test_status_and_name_filters_are_sent_to_the_service(pool, world, emulator):
    page = await source_of(pool).list_page(Filters(status="failed", name="SCORING"))
    params = emulator.requests[-1].params
    assert (params["StatusEquals"], params["NameContains"]) == ("Failed", "SCORING")
    assert (params["SortBy"], params["SortOrder"], params["MaxResults"]) == ("CreationTime", "Descending", 100)
    expected = truth(world, lambda item: item["TransformJobStatus"] == "Failed" and "scoring" in item["TransformJobName"].lower())
    assert expected and [job.arn for job in page.jobs] == expected


async def test_a_raw_status_and_oldest_first(pool, world, emulator):
    page = await source_of(pool).list_page(Filters(status="stopped", newest_first=False))
    params = emulator.requests[-1].params
    assert (params["StatusEquals"], params["SortOrder"]) == ("Stopped", "Ascending")
    assert [job.arn for job in page.jobs] == list(reversed(truth(world, lambda item: item["TransformJobStatus"] == "Stopped")))


async def test_a_phase_or_status_no_transform_job_has_costs_no_call(pool, emulator):
    for status in ("queued", "partial", "ACTIVE", "Submitted"):
        page = await source_of(pool).list_page(Filters(status=status))
        assert page.jobs == [] and page.next_token is None
    assert sum(emulator.calls.values()) == 0


async def test_a_name_the_api_would_reject_is_matched_on_the_client(pool, world, emulator):
    page = await source_of(pool).list_page(Filters(name="Step_"))  # '_' is outside NameContains' pattern
    assert "NameContains" not in emulator.requests[-1].params
    assert page.jobs == []  # no transform job name holds an underscore
    page = await source_of(pool).list_page(Filters(name="transformstep-"))
    assert emulator.requests[-1].params["NameContains"] == "transformstep-"
    assert page.jobs and all("TransformStep-" in job.name for job in page.jobs)


async def test_a_time_window_is_widened_to_whole_seconds_then_cut_exactly(pool, world, emulator):
    items = world.jobs("sagemaker")
    after = dt.datetime.fromtimestamp(items[40]["CreationTime"], dt.timezone.utc)  # milliseconds and all
    before = dt.datetime.fromtimestamp(items[10]["CreationTime"], dt.timezone.utc)
    page = await source_of(pool).list_page(Filters(submitted_after=after, submitted_before=before))
    params = emulator.requests[-1].params
    assert params["CreationTimeAfter"] <= after.timestamp() and params["CreationTimeBefore"] >= before.timestamp()
    assert [job.arn for job in page.jobs] == [item["TransformJobArn"] for item in items[10:41]]


async def test_rows_carry_what_the_list_says(pool, world):
    page = await source_of(pool, first_page_size=100).list_page(Filters())
    by_arn = {item["TransformJobArn"]: item for item in world.jobs("sagemaker")}
    failed = next(job for job in page.jobs if job.phase is Phase.FAILED)
    assert failed.kind is JobKind.SAGEMAKER and failed.status == "Failed"
    assert failed.message == by_arn[failed.arn]["FailureReason"] and failed.ended is not None
    running = next(job for job in page.jobs if job.phase is Phase.RUNNING)
    assert running.ended is None and running.records is None and running.notes == ()
    assert failed.source == "default/us-east-1/sagemaker"


async def test_describe_by_arn_by_name_and_for_a_job_never_listed(pool, world):
    pipeline = next(item for item in world.jobs("sagemaker") if "TransformStep" in item["TransformJobName"])
    arn, name = pipeline["TransformJobArn"], pipeline["TransformJobName"]
    assert arn.endswith("/" + name.lower())  # the ARN spells the name in lower case
    listed = source_of(pool, first_page_size=100)
    await listed.list_page(Filters())
    assert listed.name_of(arn) == name  # asked by the name the list gave
    for source, key in ((listed, arn), (source_of(pool), arn), (source_of(pool), name)):
        detail = await source.describe(key)
        assert detail.job.arn == arn and detail.job.name == name
        assert detail.job.model == pipeline["ModelName"]
        assert detail.fields["TransformResources"] == pipeline["TransformResources"]
        assert isinstance(detail.fields["CreationTime"], str) and detail.fields["CreationTime"].endswith("Z")


async def test_stop_by_arn_then_stopping_then_stopped(pool, world):
    item = next(item for item in world.jobs("sagemaker") if item["TransformJobStatus"] == "InProgress")
    source = source_of(pool)
    await source.stop(item["TransformJobArn"])
    assert (await source.describe(item["TransformJobArn"])).job.phase is Phase.STOPPING
    world.advance(30)
    stopped = (await source.describe(item["TransformJobArn"])).job
    assert (stopped.status, stopped.phase) == ("Stopped", Phase.STOPPED) and stopped.ended is not None
    with pytest.raises(ClientError) as caught:
        await source.stop(item["TransformJobArn"])
    assert caught.value.response["Error"]["Code"] == "ValidationException"


async def test_a_deleted_job_is_not_found(pool, world):
    arn = world.jobs("sagemaker")[3]["TransformJobArn"]
    world.delete(arn)
    with pytest.raises(ClientError) as caught:
        await source_of(pool).describe(arn)
    assert classify(caught.value).kind is ProblemKind.NOT_FOUND


async def test_unknown_statuses_survive(pool, world):
    arn = world.jobs("sagemaker")[0]["TransformJobArn"]
    world.set_status(arn, "Paused")
    page = await source_of(pool).list_page(Filters())
    job = next(job for job in page.jobs if job.arn == arn)
    assert (job.status, job.phase) == ("Paused", Phase.UNKNOWN)
    unknown = await source_of(pool).list_page(Filters(status="unknown"))
    assert [job.arn for job in unknown.jobs] == [arn]


async def test_throttling_and_denial_are_classified(pool, faults):
    faults.throttle_every = 1
    with pytest.raises(ClientError) as caught:
        await source_of(pool).list_page(Filters())
    assert classify(caught.value).kind is ProblemKind.THROTTLED
    faults.throttle_every = 0
    faults.denied = {("sagemaker", "us-east-1")}
    with pytest.raises(ClientError) as caught:
        await source_of(pool).list_page(Filters())
    problem = classify(caught.value)
    assert problem.kind is ProblemKind.ACCESS_DENIED and "sagemaker:ListTransformJobs" in problem.message


async def test_every_phase_the_world_holds_is_known(world):
    assert {phase_of(item["TransformJobStatus"]) for item in world.jobs("sagemaker")} == {
        Phase.RUNNING, Phase.SUCCEEDED, Phase.FAILED, Phase.STOPPED}
