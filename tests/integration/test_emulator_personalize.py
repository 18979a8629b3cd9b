"""The emulator is a real Personalize endpoint for boto3: both batch job kinds, pages, errors."""

from __future__ import annotations

import json
import re

import boto3
import botocore.session
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from model_shapes import shape_problems

from tui.emulator import EmulatorThread, World

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


# ------------------------------------------------------------ DescribeSolutionVersion

_MODEL = botocore.session.get_session().get_service_model("personalize")
DATASET_GROUP = re.compile(r"arn:aws:personalize:us-east-1:123456789012:dataset-group/[a-zA-Z0-9][a-zA-Z0-9_-]{0,62}")


def _solution_versions(client) -> list[str]:
    return sorted({job["solutionVersionArn"] for kind in KINDS for job in _list(client, kind)})


def test_every_solution_version_of_a_job_belongs_to_a_dataset_group_for_the_whole_run(personalize, signed_request):
    versions = _solution_versions(personalize)
    assert len(versions) == 14  # both kinds' solutions, two versions each
    shape = _MODEL.operation_model("DescribeSolutionVersion").output_shape
    groups = {}
    for version in versions:
        status, _, raw = signed_request(
            "POST", "/", "personalize", body=json.dumps({"solutionVersionArn": version}).encode(),
            headers={"X-Amz-Target": "AmazonPersonalize.DescribeSolutionVersion",
                     "Content-Type": "application/x-amz-json-1.1"},
        )
        assert status == 200
        body = json.loads(raw)
        assert shape_problems(shape, body, "DescribeSolutionVersion") == []
        described = body["solutionVersion"]
        assert described["solutionVersionArn"] == version
        assert version.startswith(described["solutionArn"] + "/")
        assert DATASET_GROUP.fullmatch(described["datasetGroupArn"])
        groups[version] = described["datasetGroupArn"]
    assert len(set(groups.values())) > 1  # a region holds several dataset groups
    for version in versions:  # asked again: the same group
        assert personalize.describe_solution_version(solutionVersionArn=version)["solutionVersion"]["datasetGroupArn"] == groups[version]


def test_solution_version_errors_are_the_services(emulator, personalize):
    version = _solution_versions(personalize)[0]
    unchecked = _client(emulator, validate=False)
    for bad in ("not-an-arn", "x" * 300, 42):
        with pytest.raises(ClientError) as excinfo:
            unchecked.describe_solution_version(solutionVersionArn=bad)
        assert _error(excinfo) == ("InvalidInputException", 400)
        assert "solutionVersionArn" in excinfo.value.response["Error"]["Message"]
    with pytest.raises(ClientError) as excinfo:
        unchecked.describe_solution_version()
    assert "Member must not be null" in excinfo.value.response["Error"]["Message"]
    for unknown in (version + "0", version.replace("us-east-1", "eu-west-1"),
                    version.replace("123456789012", "210987654321")):
        with pytest.raises(ClientError) as excinfo:
            personalize.describe_solution_version(solutionVersionArn=unknown)
        assert _error(excinfo) == ("ResourceNotFoundException", 400)
    in_eu = _client(emulator, region="eu-west-1")  # each region has versions (and groups) of its own
    eu_version = _solution_versions(in_eu)[0]
    assert ":eu-west-1:" in in_eu.describe_solution_version(solutionVersionArn=eu_version)["solutionVersion"]["datasetGroupArn"]


def test_another_account_sees_its_own_dataset_groups(emulator):
    other = boto3.client(
        "personalize", endpoint_url=emulator.endpoint_url, region_name="us-east-1",
        aws_access_key_id="another-account", aws_secret_access_key="secret",
        config=Config(retries={"total_max_attempts": 1}),
    )
    version = _solution_versions(other)[0]
    account = version.split(":")[4]
    assert account != "123456789012"
    group = other.describe_solution_version(solutionVersionArn=version)["solutionVersion"]["datasetGroupArn"]
    assert group.split(":")[4] == account


def test_a_hostile_world_names_hostile_dataset_groups(fixed_now):
    hostile = World(jobs_per_kind=40, seed=3, speed=0, now=fixed_now, hostile=True)
    with EmulatorThread(hostile) as server:
        client = _client(server)
        groups = {client.describe_solution_version(solutionVersionArn=version)["solutionVersion"]["datasetGroupArn"]
                  for version in _solution_versions(client)}
    assert any(DATASET_GROUP.fullmatch(group) for group in groups)  # one group keeps a real name
    assert any(not DATASET_GROUP.fullmatch(group) for group in groups)
