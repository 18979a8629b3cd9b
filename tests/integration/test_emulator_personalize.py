"""The emulator is a real Personalize endpoint for boto3: both batch job kinds, pages, errors."""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

KINDS = {
    # kind: (paginator, result key, describe method, ARN parameter, describe result key)
    "personalize": ("list_batch_inference_jobs", "batchInferenceJobs", "describe_batch_inference_job",
                    "batchInferenceJobArn", "batchInferenceJob"),
    "segment": ("list_batch_segment_jobs", "batchSegmentJobs", "describe_batch_segment_job",
                "batchSegmentJobArn", "batchSegmentJob"),
}


def _client(emulator, validate=True, region="us-east-1"):
    return boto3.client(
        "personalize",
        endpoint_url=emulator.endpoint_url,
        region_name=region,
        aws_access_key_id="batchtop-demo",  # the home account (123456789012)
        aws_secret_access_key="secret",
        config=Config(parameter_validation=validate, retries={"total_max_attempts": 1}),
    )


@pytest.fixture
def personalize(emulator):
    return _client(emulator)


def _list(client, kind, **params):
    paginator, key, *_ = KINDS[kind]
    return [job for page in client.get_paginator(paginator).paginate(**params) for job in page[key]]


def _error(excinfo) -> tuple[str, int]:
    error = excinfo.value.response
    return error["Error"]["Code"], error["ResponseMetadata"]["HTTPStatusCode"]


@pytest.mark.parametrize("kind", KINDS)
def test_paginator_lists_every_job_once_newest_first(personalize, world, kind):
    _, _, _, arn_key, _ = KINDS[kind]
    jobs = _list(personalize, kind, PaginationConfig={"PageSize": 33})
    assert [job[arn_key] for job in jobs] == [job[arn_key] for job in world.jobs(kind)]
    assert len(jobs) == 300
    assert {job["status"] for job in jobs} >= {"ACTIVE", "CREATE FAILED", "IN PROGRESS"}
    assert all(job["creationDateTime"].tzinfo for job in jobs)


@pytest.mark.parametrize("kind", KINDS)
def test_solution_version_filter(personalize, world, kind):
    _, _, _, arn_key, _ = KINDS[kind]
    truth = world.jobs(kind)
    version = truth[0]["solutionVersionArn"]
    expected = [job[arn_key] for job in truth if job["solutionVersionArn"] == version]
    assert 0 < len(expected) < len(truth)
    jobs = _list(personalize, kind, solutionVersionArn=version, PaginationConfig={"PageSize": 7})
    assert [job[arn_key] for job in jobs] == expected


@pytest.mark.parametrize("kind", KINDS)
def test_describe_returns_every_field(personalize, world, kind):
    _, _, describe, arn_key, result_key = KINDS[kind]
    truth = world.jobs(kind)
    failed = next(job for job in truth if job["status"] == "CREATE FAILED")
    got = getattr(personalize, describe)(**{arn_key: failed[arn_key]})[result_key]
    for field in ("jobName", arn_key, "failureReason", "solutionVersionArn", "numResults", "jobInput",
                  "jobOutput", "roleArn", "status", "creationDateTime", "lastUpdatedDateTime"):
        assert field in got, field
    assert got["jobInput"]["s3DataSource"]["path"].startswith("s3://")
    assert got["creationDateTime"].timestamp() == pytest.approx(failed["creationDateTime"])
    if kind == "personalize":
        assert got["batchInferenceJobMode"] in ("BATCH_INFERENCE", "THEME_GENERATION")
        configs = [job for job in truth if "batchInferenceJobConfig" in job]
        assert any("itemExplorationConfig" in job["batchInferenceJobConfig"] for job in configs)
        assert any(job.get("themeGenerationConfig") for job in truth)


def test_timestamps_are_epoch_seconds_on_the_wire(signed_request):
    status, headers, body = signed_request(
        "POST", "/", "personalize", body=b"{}",
        headers={"X-Amz-Target": "AmazonPersonalize.ListBatchInferenceJobs",
                 "Content-Type": "application/x-amz-json-1.1"},
    )
    assert status == 200
    assert headers["Content-Type"] == "application/x-amz-json-1.1"
    jobs = json.loads(body)["batchInferenceJobs"]
    assert len(jobs) == 100  # the default page size
    assert isinstance(jobs[0]["creationDateTime"], float)


@pytest.mark.parametrize("kind", KINDS)
def test_unknown_foreign_and_wrong_kind_arns_are_not_found(personalize, world, kind):
    _, _, describe, arn_key, _ = KINDS[kind]
    other = "segment" if kind == "personalize" else "personalize"
    other_arn = world.jobs(other)[0][KINDS[other][3]]
    own_arn = world.jobs(kind)[0][arn_key]
    for arn in (own_arn + "-nope", other_arn, own_arn.replace("us-east-1", "us-west-2")):
        with pytest.raises(ClientError) as excinfo:
            getattr(personalize, describe)(**{arn_key: arn})
        assert _error(excinfo) == ("ResourceNotFoundException", 400)


def test_bad_parameters_get_invalid_input(emulator):
    client = _client(emulator, validate=False)
    for params in ({"maxResults": 0}, {"maxResults": 101}, {"solutionVersionArn": "not-an-arn"}):
        with pytest.raises(ClientError) as excinfo:
            client.list_batch_inference_jobs(**params)
        assert _error(excinfo) == ("InvalidInputException", 400)
    with pytest.raises(ClientError) as excinfo:
        client.describe_batch_segment_job(batchSegmentJobArn="segment-42")
    assert _error(excinfo) == ("InvalidInputException", 400)


def test_unparseable_body_and_unknown_operation(signed_request):
    headers = {"X-Amz-Target": "AmazonPersonalize.ListBatchInferenceJobs", "Content-Type": "application/x-amz-json-1.1"}
    status, _, body = signed_request("POST", "/", "personalize", body=b"{not json", headers=headers)
    assert (status, json.loads(body)["__type"]) == (400, "SerializationException")
    headers["X-Amz-Target"] = "AmazonPersonalize.StopBatchInferenceJob"  # the real service has no such call
    status, _, body = signed_request("POST", "/", "personalize", body=b"{}", headers=headers)
    assert (status, json.loads(body)["__type"]) == (400, "UnknownOperationException")


@pytest.mark.parametrize("kind", KINDS)
def test_forged_tampered_and_foreign_tokens_are_rejected(emulator, personalize, kind):
    method = KINDS[kind][0]
    other = KINDS["segment" if kind == "personalize" else "personalize"][0]
    token = getattr(personalize, method)(maxResults=10)["nextToken"]
    assert 200 < len(token) <= 1500
    foreign = getattr(personalize, other)(maxResults=10)["nextToken"]
    tampered = token[:-10] + ("A" if token[-10] != "A" else "B") + token[-9:]
    for bad in (tampered, foreign, "0" * 400, "eyJvZmZzZXQiOjEwMH0="):
        with pytest.raises(ClientError) as excinfo:
            getattr(personalize, method)(nextToken=bad)
        assert _error(excinfo) == ("InvalidNextTokenException", 400)
    with pytest.raises(ClientError) as excinfo:
        getattr(_client(emulator, region="ap-south-1"), method)(nextToken=token)
    assert _error(excinfo) == ("InvalidNextTokenException", 400)
    with pytest.raises(ClientError) as excinfo:
        getattr(_client(emulator, validate=False), method)(nextToken="x" * 1501)
    assert _error(excinfo) == ("InvalidInputException", 400)


@pytest.mark.parametrize("kind", KINDS)
def test_jobs_submitted_while_paging_cause_no_duplicate_or_gap(personalize, world, kind):
    method, key, _, arn_key, _ = KINDS[kind]
    truth = [job[arn_key] for job in world.jobs(kind)]
    seen, token = [], None
    while True:
        page = getattr(personalize, method)(maxResults=25, **({"nextToken": token} if token else {}))
        seen += [job[arn_key] for job in page[key]]
        world.submit(kind)
        world.advance(2)
        token = page.get("nextToken")
        if not token:
            break
    assert seen == truth
    assert len(world.jobs(kind)) == len(truth) + 12


def test_a_submitted_job_goes_pending_in_progress_then_finishes(personalize, world):
    arn = world.submit("personalize", jobName="probe-job", numResults=42)
    statuses = []
    for _ in range(200):
        job = personalize.describe_batch_inference_job(batchInferenceJobArn=arn)["batchInferenceJob"]
        if job["status"] not in statuses:
            statuses.append(job["status"])
        if job["status"] in ("ACTIVE", "CREATE FAILED"):
            break
        world.advance(120)
    assert (job["jobName"], job["numResults"]) == ("probe-job", 42)
    assert arn.endswith(":batch-inference-job/probe-job")
    assert statuses[0] in ("PENDING", "CREATE PENDING")
    assert statuses[-1] in ("ACTIVE", "CREATE FAILED")
