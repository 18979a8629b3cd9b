"""The emulator is a real SageMaker endpoint for batch transform jobs: every response validates
against botocore's service model field by field; boto3, aioboto3 and the AWS CLI list every job
once; filters, sorts, tokens, describe, stop and the errors behave like the service's."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path

import aioboto3
import boto3
import botocore.session
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from model_shapes import shape_problems

from tui.emulator import EmulatorThread, World

AWS = str(Path(sys.executable).with_name("aws"))
TARGET = "SageMaker."
STATUSES = {"InProgress", "Completed", "Failed", "Stopping", "Stopped"}
_MODEL = botocore.session.get_session().get_service_model("sagemaker")


def _client(emulator, *, validate: bool = True, region: str = "us-east-1", attempts: int = 1):
    return boto3.client(
        "sagemaker",
        endpoint_url=emulator.endpoint_url,
        region_name=region,
        aws_access_key_id="batchtop-demo",  # the home account (123456789012)
        aws_secret_access_key="secret",
        config=Config(parameter_validation=validate, retries={"total_max_attempts": attempts, "mode": "standard"}),
    )


@pytest.fixture
def sagemaker(emulator):
    return _client(emulator)


def _list(client, **params) -> list[dict]:
    pages = client.get_paginator("list_transform_jobs").paginate(**params)
    return [job for page in pages for job in page["TransformJobSummaries"]]


def _error(excinfo) -> tuple[str, int]:
    error = excinfo.value.response
    return error["Error"]["Code"], error["ResponseMetadata"]["HTTPStatusCode"]


def _raw(signed_request, operation: str, body: dict) -> tuple[int, dict]:
    headers = {"X-Amz-Target": TARGET + operation, "Content-Type": "application/x-amz-json-1.1"}
    status, _, raw = signed_request("POST", "/", "sagemaker", body=json.dumps(body).encode(), headers=headers)
    return status, json.loads(raw)


def test_paginator_lists_every_job_once_newest_first(sagemaker, world, emulator):
    jobs = _list(sagemaker, PaginationConfig={"PageSize": 33})
    truth = world.jobs("sagemaker")
    assert [job["TransformJobArn"] for job in jobs] == [job["TransformJobArn"] for job in truth]
    assert len({job["TransformJobArn"] for job in jobs}) == 300
    assert {job["TransformJobStatus"] for job in jobs} >= {"InProgress", "Completed", "Failed", "Stopped"}
    assert all(job["CreationTime"].tzinfo for job in jobs)
    assert emulator.calls["ListTransformJobs"] == 10


def test_every_response_validates_against_the_service_model_field_by_field(signed_request, sagemaker, world):
    list_shape = _MODEL.operation_model("ListTransformJobs").output_shape
    describe_shape = _MODEL.operation_model("DescribeTransformJob").output_shape
    token, summaries = None, []
    while True:
        status, body = _raw(signed_request, "ListTransformJobs", {"MaxResults": 100, **({"NextToken": token} if token else {})})
        assert status == 200
        assert shape_problems(list_shape, body, "ListTransformJobs") == []
        summaries += body["TransformJobSummaries"]
        token = body.get("NextToken")
        if not token:
            break
    assert len(summaries) == 300
    assert {field for job in summaries for field in job} == set(list_shape.members["TransformJobSummaries"].member.members)
    seen: set[str] = set()
    for job in summaries[:120]:
        status, body = _raw(signed_request, "DescribeTransformJob", {"TransformJobName": job["TransformJobName"]})
        assert status == 200
        assert shape_problems(describe_shape, body, "DescribeTransformJob") == []
        seen |= set(body)
        parsed = sagemaker.describe_transform_job(TransformJobName=job["TransformJobName"])
        assert set(parsed) - {"ResponseMetadata"} == set(body)  # botocore's parser keeps every field
    assert set(describe_shape.members) - seen == {"LabelingJobArn"}


def test_a_list_item_agrees_with_the_describe(sagemaker, world):
    summary = next(job for job in _list(sagemaker) if job["TransformJobStatus"] == "Failed")
    described = sagemaker.describe_transform_job(TransformJobName=summary["TransformJobName"])
    for field in ("TransformJobArn", "TransformJobStatus", "FailureReason", "CreationTime", "TransformEndTime"):
        assert described[field] == summary[field], field
    assert described["TransformResources"]["InstanceType"].startswith("ml.")
    assert described["TransformInput"]["DataSource"]["S3DataSource"]["S3Uri"].startswith("s3://")


def test_status_name_and_time_filters(sagemaker, world):
    truth = world.jobs("sagemaker")
    failed = _list(sagemaker, StatusEquals="Failed", PaginationConfig={"PageSize": 7})
    assert [job["TransformJobArn"] for job in failed] == [
        job["TransformJobArn"] for job in truth if job["TransformJobStatus"] == "Failed"]
    named = _list(sagemaker, NameContains="CHURN-scoring")  # case-insensitive, like the service
    expected = [job["TransformJobArn"] for job in truth if "churn-scoring" in job["TransformJobName"].lower()]
    assert 0 < len(named) == len(expected) and [job["TransformJobArn"] for job in named] == expected
    middle = dt.datetime.fromtimestamp(int(truth[150]["CreationTime"]), dt.timezone.utc)  # boto3 sends whole seconds
    after = _list(sagemaker, CreationTimeAfter=middle)
    before = _list(sagemaker, CreationTimeBefore=middle)
    assert len(after) + len(before) == 300 and len(after) == 151
    recent = _list(sagemaker, LastModifiedTimeAfter=middle, PaginationConfig={"PageSize": 9})
    assert [job["TransformJobArn"] for job in recent] == [
        job["TransformJobArn"] for job in _list(sagemaker) if job["LastModifiedTime"] > middle]
    old = _list(sagemaker, LastModifiedTimeBefore=middle)
    assert len(old) + len(recent) <= 300 and len(old) > 100


@pytest.mark.parametrize("sort_by, field", [("Name", "TransformJobName"), ("Status", "TransformJobStatus")])
@pytest.mark.parametrize("order", ["Ascending", "Descending"])
def test_sorts_page_through_every_job_once(sagemaker, world, sort_by, field, order):
    jobs = _list(sagemaker, SortBy=sort_by, SortOrder=order, PaginationConfig={"PageSize": 17})
    arns = [job["TransformJobArn"] for job in jobs]
    assert len(arns) == len(set(arns)) == 300
    keys = [job[field] for job in jobs]
    assert keys == sorted(keys, reverse=order == "Descending")
    oldest_first = _list(sagemaker, SortBy="CreationTime", SortOrder="Ascending", PaginationConfig={"PageSize": 50})
    assert [job["TransformJobArn"] for job in oldest_first] == [job["TransformJobArn"] for job in reversed(world.jobs("sagemaker"))]


def test_describe_and_stop_by_name_in_progress_stopping_stopped(sagemaker, world):
    running = next(job for job in world.jobs("sagemaker") if job["TransformJobStatus"] == "InProgress")
    name = running["TransformJobName"]
    assert sagemaker.stop_transform_job(TransformJobName=name)["ResponseMetadata"]["HTTPStatusCode"] == 200
    described = sagemaker.describe_transform_job(TransformJobName=name)
    assert described["TransformJobStatus"] == "Stopping" and "TransformEndTime" not in described
    sagemaker.stop_transform_job(TransformJobName=name)  # stopping again changes nothing
    world.advance(30)
    described = sagemaker.describe_transform_job(TransformJobName=name)
    assert described["TransformJobStatus"] == "Stopped" and described["TransformEndTime"]
    with pytest.raises(ClientError) as excinfo:
        sagemaker.stop_transform_job(TransformJobName=name)
    assert _error(excinfo) == ("ValidationException", 400)


def test_unknown_and_invalid_names(sagemaker, emulator):
    for call in (sagemaker.describe_transform_job, sagemaker.stop_transform_job):
        with pytest.raises(ClientError) as excinfo:
            call(TransformJobName="no-such-job")
        assert _error(excinfo) == ("ResourceNotFound", 400)
        assert "no-such-job" in excinfo.value.response["Error"]["Message"]
    loose = _client(emulator, validate=False)
    for name in ("under_score", "-leading-dash", "x" * 64, ""):
        with pytest.raises(ClientError) as excinfo:
            loose.describe_transform_job(TransformJobName=name)
        assert _error(excinfo) == ("ValidationException", 400)
    with pytest.raises(ClientError) as excinfo:
        _client(emulator, region="eu-west-1").describe_transform_job(
            TransformJobName=next(job for job in _list(sagemaker, PaginationConfig={"MaxItems": 1}))["TransformJobName"])
    assert _error(excinfo) == ("ResourceNotFound", 400)  # jobs live in their own region


def test_bad_parameters_get_validation_exception(emulator):
    client = _client(emulator, validate=False)
    for params in ({"MaxResults": 0}, {"MaxResults": 101}, {"StatusEquals": "Running"}, {"SortBy": "Size"},
                   {"SortOrder": "Up"}, {"NameContains": "has space"}, {"NameContains": "x" * 64},
                   {"NextToken": "x" * 8193}):
        with pytest.raises(ClientError) as excinfo:
            client.list_transform_jobs(**params)
        assert _error(excinfo) == ("ValidationException", 400), params


def test_forged_tampered_and_foreign_tokens_are_rejected(emulator, sagemaker):
    token = sagemaker.list_transform_jobs(MaxResults=10)["NextToken"]
    assert 200 < len(token) <= 8192
    foreign = sagemaker.list_transform_jobs(MaxResults=10, StatusEquals="Completed")["NextToken"]
    tampered = token[:-10] + ("A" if token[-10] != "A" else "B") + token[-9:]
    for bad in (tampered, foreign, "0" * 400, "eyJvZmZzZXQiOjEwMH0="):
        with pytest.raises(ClientError) as excinfo:
            sagemaker.list_transform_jobs(NextToken=bad)
        assert _error(excinfo) == ("ValidationException", 400)
    with pytest.raises(ClientError) as excinfo:
        _client(emulator, region="ap-south-1").list_transform_jobs(NextToken=token, MaxResults=10)
    assert _error(excinfo) == ("ValidationException", 400)


def test_jobs_submitted_while_paging_cause_no_duplicate_or_gap(sagemaker, world):
    truth = [job["TransformJobArn"] for job in world.jobs("sagemaker")]
    seen, token = [], None
    while True:
        page = sagemaker.list_transform_jobs(MaxResults=25, **({"NextToken": token} if token else {}))
        seen += [job["TransformJobArn"] for job in page["TransformJobSummaries"]]
        world.submit("sagemaker")
        world.advance(2)
        token = page.get("NextToken")
        if not token:
            break
    assert seen == truth
    assert len(world.jobs("sagemaker")) == len(truth) + 12


def test_a_submitted_job_runs_then_finishes(sagemaker, world):
    arn = world.submit("sagemaker", jobName="Probe-Job-1")
    assert arn.endswith(":transform-job/probe-job-1")  # SageMaker ARNs carry the name in lower case
    statuses = []
    for _ in range(200):
        job = sagemaker.describe_transform_job(TransformJobName="Probe-Job-1")
        statuses.append(job["TransformJobStatus"])
        if job["TransformJobStatus"] in ("Completed", "Failed"):
            break
        world.advance(300)
    assert statuses[0] == "InProgress" and statuses[-1] in ("Completed", "Failed")
    assert job["TransformJobName"] == "Probe-Job-1" and job["TransformStartTime"] <= job["TransformEndTime"]


def test_faults_in_the_services_own_shape(emulator, faults, sagemaker):
    faults.throttle_every = 2
    with pytest.raises(ClientError) as excinfo:
        for _ in range(2):
            sagemaker.list_transform_jobs(MaxResults=1)
    assert _error(excinfo) == ("ThrottlingException", 400)
    retried = _client(emulator, attempts=3)  # botocore retries throttling by its code
    assert len(retried.list_transform_jobs(MaxResults=2)["TransformJobSummaries"]) == 2
    faults.throttle_every = 0
    faults.denied = {("sagemaker", "us-east-1")}
    with pytest.raises(ClientError) as excinfo:
        sagemaker.list_transform_jobs()
    assert _error(excinfo) == ("AccessDeniedException", 400)
    assert "sagemaker:ListTransformJobs" in excinfo.value.response["Error"]["Message"]


def test_unsigned_unparseable_and_unknown_requests(signed_request):
    headers = {"X-Amz-Target": TARGET + "ListTransformJobs", "Content-Type": "application/x-amz-json-1.1"}
    status, _, body = signed_request("POST", "/", "sagemaker", body=b"{}", headers=headers, sign=False)
    assert (status, json.loads(body)["__type"]) == (403, "MissingAuthenticationTokenException")
    status, _, body = signed_request("POST", "/", "sagemaker", body=b"{not json", headers=headers)
    assert (status, json.loads(body)["__type"]) == (400, "SerializationException")
    status, _, body = signed_request("POST", "/", "sagemaker", body=b'{"CreationTimeAfter": "yesterday"}', headers=headers)
    assert (status, json.loads(body)["__type"]) == (400, "SerializationException")
    headers["X-Amz-Target"] = TARGET + "CreateTransformJob"
    status, _, body = signed_request("POST", "/", "sagemaker", body=b"{}", headers=headers)
    assert (status, json.loads(body)["__type"]) == (400, "UnknownOperationException")


def test_the_default_page_is_ten_jobs_with_epoch_timestamps(signed_request):
    status, body = _raw(signed_request, "ListTransformJobs", {})
    assert status == 200 and len(body["TransformJobSummaries"]) == 10
    assert isinstance(body["TransformJobSummaries"][0]["CreationTime"], float)


def test_hostile_names_still_list_and_describe_by_their_arn_name():
    world = World(jobs_per_kind=40, seed=5, speed=0, now=dt.datetime(2025, 6, 1, tzinfo=dt.timezone.utc), hostile=True)
    with EmulatorThread(world) as server:
        client = _client(server)
        jobs = _list(client, PaginationConfig={"PageSize": 13})
        assert len(jobs) == 40
        hostile = [job for job in jobs if not re.fullmatch(r"[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}", job["TransformJobName"])]
        assert len(hostile) >= 8
        name_in_arn = hostile[0]["TransformJobArn"].rsplit("/", 1)[1]
        described = client.describe_transform_job(TransformJobName=name_in_arn)
        assert described["TransformJobName"] == hostile[0]["TransformJobName"]


def test_aws_cli_lists_describes_and_stops_transform_jobs(aws_env, world, emulator):
    def aws_json(*args: str):
        result = subprocess.run([AWS, "sagemaker", *args, "--output", "json"], env=aws_env,
                                capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout) if result.stdout.strip() else None

    listed = aws_json("list-transform-jobs")  # the CLI pages to the end by itself
    arns = [job["TransformJobArn"] for job in listed["TransformJobSummaries"]]
    assert arns == [job["TransformJobArn"] for job in world.jobs("sagemaker")]
    assert emulator.calls["ListTransformJobs"] == 30  # ten per page: the service's default
    running = aws_json("list-transform-jobs", "--status-equals", "InProgress", "--sort-by", "Name", "--sort-order", "Ascending")
    names = [job["TransformJobName"] for job in running["TransformJobSummaries"]]
    assert names == sorted(job["TransformJobName"] for job in world.jobs("sagemaker") if job["TransformJobStatus"] == "InProgress")
    described = aws_json("describe-transform-job", "--transform-job-name", names[0])
    assert described["TransformJobStatus"] == "InProgress" and described["ModelName"]
    aws_json("stop-transform-job", "--transform-job-name", names[0])
    assert aws_json("describe-transform-job", "--transform-job-name", names[0])["TransformJobStatus"] == "Stopping"
    world.advance(30)
    assert aws_json("describe-transform-job", "--transform-job-name", names[0])["TransformJobStatus"] == "Stopped"
    missing = subprocess.run([AWS, "sagemaker", "describe-transform-job", "--transform-job-name", "gone"],
                             env=aws_env, capture_output=True, text=True, timeout=60)
    assert missing.returncode != 0 and "ResourceNotFound" in missing.stderr


async def test_aioboto3_pages_every_transform_job_once(aws_env, world):
    session = aioboto3.Session()
    async with session.client("sagemaker") as sagemaker:  # endpoint and credentials from aws_env
        arns = []
        async for page in sagemaker.get_paginator("list_transform_jobs").paginate(PaginationConfig={"PageSize": 64}):
            arns += [job["TransformJobArn"] for job in page["TransformJobSummaries"]]
        assert arns == [job["TransformJobArn"] for job in world.jobs("sagemaker")]
        described = await sagemaker.describe_transform_job(TransformJobName=world.jobs("sagemaker")[0]["TransformJobName"])
        assert described["TransformJobArn"] == arns[0]
