"""A Personalize job's dataset group, looked up through the real aioboto3 client against the
emulator: once per solution version, one call in flight, every failure an exception to report."""

from __future__ import annotations

import asyncio
import dataclasses
import re

import pytest
from botocore.exceptions import ClientError

from tui.aws import AwsPool
from tui.console_url import console_url
from tui.emulator import EmulatorThread, World
from tui.errors import MalformedResponse, classify
from tui.models import Filters, JobKind, ProblemKind

KINDS = (JobKind.PERSONALIZE, JobKind.SEGMENT)
SAFE_FRAGMENT = re.compile(r"datasetGroups|arn:aws:personalize:us-east-1:123456789012:dataset-group\$[a-zA-Z0-9_-]+/setup")


@pytest.fixture
async def pool(emulator):
    async with AwsPool.demo(emulator.endpoint_url, max_attempts=1) as pool:
        yield pool


async def first_job(pool, kind=JobKind.PERSONALIZE):
    [source] = pool.build_sources([], ["us-east-1"], [kind])
    page = await source.list_page(Filters())
    return source, page.jobs[0]


def truth(world, version: str) -> str:
    return world.solution_version("us-east-1", version).dataset_group_arn


@pytest.mark.parametrize("kind", KINDS)
async def test_the_job_links_to_its_dataset_group_page(pool, world, kind):
    source, job = await first_job(pool, kind)
    group = await source.dataset_group(job)
    assert group == truth(world, job.model)
    route = group.replace("dataset-group/", "dataset-group$")
    assert console_url(job, group) == f"https://us-east-1.console.aws.amazon.com/personalize/home?region=us-east-1#{route}/setup"


async def test_asked_twice_or_at_once_the_service_is_called_once(pool, emulator, faults):
    source, job = await first_job(pool)
    faults.latency = 0.3  # the five asks overlap the one call
    groups = await asyncio.gather(*(source.dataset_group(job) for _ in range(5)))
    assert len(set(groups)) == 1 and emulator.calls["DescribeSolutionVersion"] == 1
    assert await source.dataset_group(job) == groups[0]
    assert source.known_dataset_group(job) == groups[0]
    assert emulator.calls["DescribeSolutionVersion"] == 1


async def test_a_caller_that_gives_up_leaves_the_answer_for_the_next(pool, emulator, faults):
    source, job = await first_job(pool)
    faults.latency = 0.5
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(source.dataset_group(job), 0.05)
    assert source.known_dataset_group(job) is None
    group = await source.dataset_group(job)  # joins the call still in flight
    assert group is not None and emulator.calls["DescribeSolutionVersion"] == 1


@pytest.mark.parametrize(
    ("fault", "kind"),
    [
        ({"denied": {("personalize", "us-east-1")}}, ProblemKind.ACCESS_DENIED),
        ({"throttle_every": 1}, ProblemKind.THROTTLED),
        ({"malformed": 1.0}, ProblemKind.MALFORMED),
    ],
)
async def test_failures_are_raised_to_report_and_not_remembered(pool, emulator, faults, world, fault, kind):
    source, job = await first_job(pool)
    for name, value in fault.items():
        setattr(faults, name, value)
    with pytest.raises((ClientError, MalformedResponse)) as excinfo:
        await source.dataset_group(job)
    assert classify(excinfo.value).kind is kind
    assert source.known_dataset_group(job) is None
    for name in fault:
        setattr(faults, name, type(getattr(faults, name))())
    assert await source.dataset_group(job) == truth(world, job.model)  # asked again, answered
    assert emulator.calls["DescribeSolutionVersion"] == 2


async def test_an_unknown_solution_version_is_not_found_and_a_job_without_one_asks_nothing(pool, emulator):
    source, job = await first_job(pool)
    with pytest.raises(ClientError) as excinfo:
        await source.dataset_group(dataclasses.replace(job, model=job.model + "0"))
    assert classify(excinfo.value).kind is ProblemKind.NOT_FOUND
    assert await source.dataset_group(dataclasses.replace(job, model="")) is None
    assert emulator.calls["DescribeSolutionVersion"] == 1


async def test_bedrock_and_sagemaker_jobs_have_no_dataset_group(pool, emulator):
    for kind in (JobKind.BEDROCK, JobKind.SAGEMAKER):
        source, job = await first_job(pool, kind)
        assert await source.dataset_group(job) is None
    assert emulator.calls["DescribeSolutionVersion"] == 0


async def test_a_hostile_group_name_never_reaches_the_url(fixed_now):
    hostile = World(jobs_per_kind=40, seed=3, speed=0, now=fixed_now, hostile=True)
    with EmulatorThread(hostile) as server:
        async with AwsPool.demo(server.endpoint_url, max_attempts=1) as pool:
            [source] = pool.build_sources([], ["us-east-1"], [JobKind.PERSONALIZE])
            jobs = (await source.list_page(Filters())).jobs
            urls = {console_url(job, await source.dataset_group(job)) for job in jobs}
    assert all(url.isascii() and SAFE_FRAGMENT.fullmatch(url.split("#", 1)[1]) for url in urls)
    assert any(url.endswith("#datasetGroups") for url in urls)  # a hostile group: the region's list
    assert any(url.endswith("dataset-group$retail-prod/setup") for url in urls)
