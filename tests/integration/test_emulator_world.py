"""The emulated world: big and fast, deterministic, alive, and hostile when asked."""

from __future__ import annotations

import datetime as dt

import boto3
import pytest

from tui.emulator import EmulatorThread, World
from tui.models import JobKind, Phase, phase_of

NOW = dt.datetime(2025, 6, 1, 12, tzinfo=dt.timezone.utc)


def test_100k_jobs_per_kind_list_page_by_page_sorted_and_filtered():
    """How fast is for bench/ (startup.py, table.py): a timed assertion here fails on a busy machine."""
    world = World(jobs_per_kind=100_000, seed=7, speed=0, now=NOW)
    with EmulatorThread(world) as server:
        bedrock = boto3.client("bedrock", endpoint_url=server.endpoint_url, region_name="us-east-1",
                               aws_access_key_id="batchtop-demo", aws_secret_access_key="s")
        page = bedrock.list_model_invocation_jobs(maxResults=1000)
        for _ in range(4):
            page = bedrock.list_model_invocation_jobs(maxResults=1000, nextToken=page["nextToken"])
        oldest = bedrock.list_model_invocation_jobs(maxResults=1, sortOrder="Ascending")["invocationJobSummaries"][0]
        stopped = bedrock.list_model_invocation_jobs(maxResults=100, statusEquals="Stopped")["invocationJobSummaries"]
    assert len(page["invocationJobSummaries"]) == 1000
    assert oldest["submitTime"] < page["invocationJobSummaries"][-1]["submitTime"]
    assert len(stopped) == 100 and {job["status"] for job in stopped} == {"Stopped"}


def test_the_same_seed_makes_the_same_world():
    first, second = (World(jobs_per_kind=40, seed=3, speed=0, now=NOW) for _ in range(2))
    for kind in JobKind:
        assert first.jobs(kind) == second.jobs(kind)
        assert first.jobs(kind, "eu-central-1") == second.jobs(kind, "eu-central-1")
    other = World(jobs_per_kind=40, seed=4, speed=0, now=NOW)
    assert other.jobs("bedrock") != first.jobs("bedrock")
    assert first.jobs("bedrock", "eu-central-1") != first.jobs("bedrock")


def test_most_jobs_are_finished_and_every_status_is_known():
    world = World(jobs_per_kind=2000, seed=1, speed=0, now=NOW)
    for kind in JobKind:
        phases = [phase_of(job.get("status") or job["TransformJobStatus"]) for job in world.jobs(kind)]
        assert Phase.UNKNOWN not in phases
        assert sum(phase.terminal for phase in phases) / len(phases) > 0.95
        assert any(not phase.terminal for phase in phases)
    statuses = {job["status"] for job in world.jobs("bedrock")}
    assert statuses >= {"Completed", "PartiallyCompleted", "Failed", "Stopped", "Expired", "InProgress"}
    personalize = {job["status"] for job in world.jobs("personalize")}
    assert personalize >= {"ACTIVE", "CREATE FAILED", "IN PROGRESS"}


@pytest.mark.parametrize("live", [0, 3])
def test_live_sets_how_many_jobs_of_each_kind_and_region_are_unfinished_at_the_start(live):
    world = World(jobs_per_kind=200, seed=1, speed=0, now=NOW, live=live)
    for kind in JobKind:
        for region in ("us-east-1", "eu-west-1"):
            phases = [phase_of(job.get("status") or job["TransformJobStatus"]) for job in world.jobs(kind, region)]
            assert sum(not phase.terminal for phase in phases) == live


def test_time_moves_jobs_on_and_brings_new_ones_only_while_speed_is_positive():
    frozen = World(jobs_per_kind=30, seed=2, speed=0, now=NOW)
    frozen.advance(3600)
    assert len(frozen.jobs("bedrock")) == 30

    live = World(jobs_per_kind=30, seed=2, speed=20, now=NOW, submit_rate=3)
    before = {job["jobArn"]: job for job in live.jobs("bedrock")}
    live.advance(30)  # 10 emulated minutes: still the quiet start
    assert len(live.jobs("bedrock")) == 30
    live.advance(90)  # 40 emulated minutes in all, 25 past the quiet start: about 75 new jobs
    after = live.jobs("bedrock")
    new = [job for job in after if job["jobArn"] not in before]
    assert 40 < len(new) < 120
    assert after[: len(new)] == new  # newest first
    moved = [job for job in after if job["jobArn"] in before and job["status"] != before[job["jobArn"]]["status"]]
    assert moved


def test_records_grow_while_a_job_runs():
    world = World(jobs_per_kind=200, seed=5, speed=0, now=NOW)
    running = next(job for job in world.jobs("bedrock")
                   if job["status"] == "InProgress" and job["processedRecordCount"] < job["totalRecordCount"] / 2)
    world.advance(30)
    later = next(job for job in world.jobs("bedrock") if job["jobArn"] == running["jobArn"])
    assert later["status"] == "InProgress"
    assert later["processedRecordCount"] > running["processedRecordCount"]
    assert later["successRecordCount"] + later["errorRecordCount"] == later["processedRecordCount"]
    assert later["lastModifiedTime"] == running["lastModifiedTime"]  # progress is not a status change


def test_hostile_world_serves_hostile_strings_intact():
    world = World(jobs_per_kind=60, seed=1, speed=0, now=NOW, hostile=True)
    bedrock_jobs = world.jobs("bedrock")
    text = " ".join(job["jobName"] + job.get("message", "") for job in bedrock_jobs)
    text += " ".join(job["jobName"] + job.get("failureReason", "") for job in world.jobs("personalize"))
    for needle in ("[bold red]x[/]", "[link=", "\x1b[2J", "\x1b]52;c;", "\x1b]8;;", "\u202e", "\u2066",
                   "\u200b", "批处理", "🚀"):
        assert needle in text, repr(needle)
    assert any(len(job["jobName"]) > 2000 for job in bedrock_jobs)
    with EmulatorThread(world) as server:
        bedrock = boto3.client("bedrock", endpoint_url=server.endpoint_url, region_name="us-east-1",
                               aws_access_key_id="batchtop-demo", aws_secret_access_key="s")
        served = bedrock.list_model_invocation_jobs(maxResults=60)["invocationJobSummaries"]
        assert [job["jobName"] for job in served] == [job["jobName"] for job in bedrock_jobs]
        hostile = next(job for job in bedrock_jobs if "\x1b" in job["jobName"])
        assert bedrock.get_model_invocation_job(jobIdentifier=hostile["jobArn"])["jobName"] == hostile["jobName"]
        personalize = boto3.client("personalize", endpoint_url=server.endpoint_url, region_name="us-east-1",
                                   aws_access_key_id="batchtop-demo", aws_secret_access_key="s")
        for job in world.jobs("personalize")[:10]:
            got = personalize.describe_batch_inference_job(batchInferenceJobArn=job["batchInferenceJobArn"])
            assert got["batchInferenceJob"]["jobName"] == job["jobName"]


def test_submit_fields_and_set_status(world):
    arn = world.submit("bedrock", jobName="custom", modelId="amazon.nova-pro-v1:0", modelInvocationType="Converse")
    job = world.jobs("bedrock")[0]
    assert (job["jobArn"], job["jobName"], job["modelId"], job["status"]) == (arn, "custom", "amazon.nova-pro-v1:0", "Submitted")
    assert "totalRecordCount" not in job  # not counted before validation
    world.set_status(arn, "Completed")
    job = world.jobs("bedrock")[0]
    assert job["status"] == "Completed" and job["processedRecordCount"] == job["totalRecordCount"]
    with pytest.raises(ValueError):
        world.submit("segment", jobName="twin")
        world.submit("segment", jobName="twin")


@pytest.mark.parametrize(
    "kwargs", [{"jobs_per_kind": -1}, {"speed": -1.0}, {"live": -1}, {"now": dt.datetime(2025, 1, 1)}]
)
def test_bad_world_arguments_are_refused(kwargs):
    with pytest.raises(ValueError):
        World(**kwargs)
