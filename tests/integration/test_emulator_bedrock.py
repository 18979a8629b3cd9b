"""The emulator is a real Bedrock endpoint for boto3: list, page, filter, describe, stop, errors."""

from __future__ import annotations

import datetime as dt
import json

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

NO_RETRY = {"total_max_attempts": 1}


def _client(emulator, region="us-east-1", validate=True):
    return boto3.client(
        "bedrock",
        endpoint_url=emulator.endpoint_url,
        region_name=region,
        aws_access_key_id="batchtop-demo",  # the home account (123456789012)
        aws_secret_access_key="secret",
        config=Config(parameter_validation=validate, retries=NO_RETRY),
    )


@pytest.fixture
def bedrock(emulator):
    return _client(emulator)


def _all(client, **params):
    pages = client.get_paginator("list_model_invocation_jobs").paginate(**params)
    return [job for page in pages for job in page["invocationJobSummaries"]]


def _error(excinfo) -> tuple[str, int]:
    error = excinfo.value.response
    return error["Error"]["Code"], error["ResponseMetadata"]["HTTPStatusCode"]


def test_paginator_lists_every_job_once_newest_first(bedrock, world, emulator):
    jobs = _all(bedrock, PaginationConfig={"PageSize": 37})
    truth = [job["jobArn"] for job in world.jobs("bedrock")]
    assert [job["jobArn"] for job in jobs] == truth
    assert len(truth) == 300
    assert emulator.calls["ListModelInvocationJobs"] == 9  # ceil(300 / 37): no empty trailing page
    times = [job["submitTime"] for job in jobs]
    assert times == sorted(times, reverse=True)


def test_ascending_order_is_the_reverse(bedrock, world):
    jobs = _all(bedrock, sortBy="CreationTime", sortOrder="Ascending", PaginationConfig={"PageSize": 100})
    assert [job["jobArn"] for job in jobs] == [job["jobArn"] for job in reversed(world.jobs("bedrock"))]


@pytest.mark.parametrize("status", ["Completed", "InProgress", "Failed", "Scheduled", "Stopping"])
def test_status_filter_matches_ground_truth(bedrock, world, status):
    jobs = _all(bedrock, statusEquals=status, PaginationConfig={"PageSize": 50})
    truth = [job["jobArn"] for job in world.jobs("bedrock") if job["status"] == status]
    assert [job["jobArn"] for job in jobs] == truth
    assert all(job["status"] == status for job in jobs)


def test_name_filter_is_a_case_insensitive_substring(bedrock, world):
    truth = [job["jobArn"] for job in world.jobs("bedrock") if "claims-triage" in job["jobName"]]
    assert truth
    assert [job["jobArn"] for job in _all(bedrock, nameContains="Claims-Triage")] == truth


def test_submit_time_window(bedrock, world):
    truth = world.jobs("bedrock")
    after = dt.datetime.fromisoformat(truth[200]["submitTime"])
    before = dt.datetime.fromisoformat(truth[100]["submitTime"])
    jobs = _all(bedrock, submitTimeAfter=after, submitTimeBefore=before)
    assert [job["jobArn"] for job in jobs] == [job["jobArn"] for job in truth[101:200]]


def test_summary_and_get_carry_every_field(bedrock, world):
    truth = world.jobs("bedrock")
    finished = next(job for job in truth if job["status"] == "Completed")
    for field in ("modelInvocationType", "totalRecordCount", "processedRecordCount",
                  "successRecordCount", "errorRecordCount", "endTime", "jobExpirationTime"):
        assert field in finished
    assert finished["processedRecordCount"] == finished["totalRecordCount"]
    got = bedrock.get_model_invocation_job(jobIdentifier=finished["jobArn"])
    for field in ("jobArn", "jobName", "modelId", "roleArn", "status", "submitTime", "lastModifiedTime",
                  "endTime", "inputDataConfig", "outputDataConfig", "timeoutDurationInHours", "jobExpirationTime"):
        assert field in got, field
    assert got["inputDataConfig"]["s3InputDataConfig"]["s3Uri"].startswith("s3://")
    assert got["endTime"] == dt.datetime.fromisoformat(finished["endTime"])
    failed = next(job for job in truth if job["status"] == "Failed")
    assert bedrock.get_model_invocation_job(jobIdentifier=failed["jobArn"])["message"]


def test_describe_by_arn_and_by_id_agree(bedrock, world, emulator):
    arn = world.jobs("bedrock")[42]["jobArn"]
    by_arn = bedrock.get_model_invocation_job(jobIdentifier=arn)
    by_id = bedrock.get_model_invocation_job(jobIdentifier=arn.rsplit("/", 1)[1])
    by_arn.pop("ResponseMetadata")
    by_id.pop("ResponseMetadata")
    assert by_arn == by_id
    assert by_arn["jobArn"] == arn
    assert [r.params["jobIdentifier"] for r in emulator.requests[-2:]] == [arn, arn.rsplit("/", 1)[1]]


def test_stop_an_active_job_goes_stopping_then_stopped(bedrock, world):
    job = next(job for job in world.jobs("bedrock") if job["status"] == "InProgress")
    bedrock.stop_model_invocation_job(jobIdentifier=job["jobArn"])
    stopping = bedrock.get_model_invocation_job(jobIdentifier=job["jobArn"])
    assert stopping["status"] == "Stopping"
    assert "endTime" not in stopping
    bedrock.stop_model_invocation_job(jobIdentifier=job["jobArn"])  # stopping again is harmless
    world.advance(10)
    stopped = bedrock.get_model_invocation_job(jobIdentifier=job["jobArn"])
    assert stopped["status"] == "Stopped"
    assert stopped["endTime"] > stopping["lastModifiedTime"]
    processed = world.jobs("bedrock")
    world.advance(3600)
    counts_later = next(j for j in world.jobs("bedrock") if j["jobArn"] == job["jobArn"])
    counts_then = next(j for j in processed if j["jobArn"] == job["jobArn"])
    assert counts_later["processedRecordCount"] == counts_then["processedRecordCount"]


@pytest.mark.parametrize("status", ["Completed", "Failed", "Stopped", "Expired", "PartiallyCompleted"])
def test_stop_a_finished_job_is_a_validation_error(bedrock, world, status):
    job = next(job for job in world.jobs("bedrock") if job["status"] == status)
    with pytest.raises(ClientError) as excinfo:
        bedrock.stop_model_invocation_job(jobIdentifier=job["jobArn"])
    assert _error(excinfo) == ("ValidationException", 400)
    assert status in str(excinfo.value)


def test_unknown_and_malformed_job_identifiers(bedrock, emulator):
    with pytest.raises(ClientError) as excinfo:
        bedrock.get_model_invocation_job(jobIdentifier="000000000000")
    assert _error(excinfo) == ("ResourceNotFoundException", 404)
    with pytest.raises(ClientError) as excinfo:
        bedrock.stop_model_invocation_job(jobIdentifier="000000000000")
    assert _error(excinfo) == ("ResourceNotFoundException", 404)
    with pytest.raises(ClientError) as excinfo:
        bedrock.get_model_invocation_job(jobIdentifier="not a job")
    assert _error(excinfo) == ("ValidationException", 400)


def test_an_arn_from_another_region_is_not_found_here(bedrock, world):
    arn = world.jobs("bedrock")[0]["jobArn"].replace("us-east-1", "eu-west-1")
    with pytest.raises(ClientError) as excinfo:
        bedrock.get_model_invocation_job(jobIdentifier=arn)
    assert _error(excinfo) == ("ResourceNotFoundException", 404)


@pytest.mark.parametrize(
    "params, field",
    [
        ({"maxResults": 0}, "maxResults"),
        ({"maxResults": 1001}, "maxResults"),
        ({"sortOrder": "Up"}, "sortOrder"),
        ({"sortBy": "Name"}, "sortBy"),
        ({"statusEquals": "Running"}, "statusEquals"),
        ({"nameContains": "has space"}, "nameContains"),
        ({"nameContains": "x" * 64}, "nameContains"),
    ],
)
def test_bad_parameters_get_validation_exception(emulator, params, field):
    client = _client(emulator, validate=False)
    with pytest.raises(ClientError) as excinfo:
        client.list_model_invocation_jobs(**params)
    assert _error(excinfo) == ("ValidationException", 400)
    assert f"at '{field}'" in excinfo.value.response["Error"]["Message"]


def test_bad_timestamps_and_max_results_in_a_raw_query(signed_request):
    for query in ("submitTimeAfter=yesterday", "submitTimeBefore=2025-13-01T00:00:00Z", "maxResults=ten"):
        status, headers, body = signed_request("GET", f"/model-invocation-jobs?{query}", "bedrock")
        assert (status, headers["x-amzn-ErrorType"]) == (400, "ValidationException")
        assert "validation error" in json.loads(body)["message"]


def test_tokens_are_long_opaque_and_within_the_limit(bedrock):
    token = bedrock.list_model_invocation_jobs(maxResults=5)["nextToken"]
    assert 200 < len(token) <= 2048
    assert "InProgress" not in token and "Descending" not in token


def _rejects(client, **params):
    with pytest.raises(ClientError) as excinfo:
        client.list_model_invocation_jobs(**params)
    assert _error(excinfo) == ("ValidationException", 400)


def test_forged_tampered_and_foreign_tokens_are_rejected(emulator, bedrock):
    token = bedrock.list_model_invocation_jobs(maxResults=5)["nextToken"]
    flipped = token[:40] + ("A" if token[40] != "A" else "B") + token[41:]
    _rejects(bedrock, nextToken=flipped)
    _rejects(bedrock, nextToken="eyJvZmZzZXQiOjEwMH0=")  # {"offset":100}
    _rejects(bedrock, nextToken="x" * 2000)
    filtered = bedrock.list_model_invocation_jobs(maxResults=2, statusEquals="Completed")["nextToken"]
    _rejects(bedrock, nextToken=filtered)  # from another query
    _rejects(bedrock, nextToken=token, sortOrder="Ascending")
    _rejects(_client(emulator, region="eu-west-1"), nextToken=token)  # from another region
    assert bedrock.list_model_invocation_jobs(maxResults=7, nextToken=token)["invocationJobSummaries"]


def test_jobs_submitted_while_paging_cause_no_duplicate_or_gap(bedrock, world):
    truth = [job["jobArn"] for job in world.jobs("bedrock")]
    seen, token, submitted = [], None, []
    while True:
        page = bedrock.list_model_invocation_jobs(maxResults=40, **({"nextToken": token} if token else {}))
        seen += [job["jobArn"] for job in page["invocationJobSummaries"]]
        submitted += [world.submit("bedrock") for _ in range(3)]
        world.advance(1)
        token = page.get("nextToken")
        if not token:
            break
    assert seen == truth

    ascending, token = [], None
    while True:
        params = {"maxResults": 50, "sortOrder": "Ascending", **({"nextToken": token} if token else {})}
        page = bedrock.list_model_invocation_jobs(**params)
        ascending += [job["jobArn"] for job in page["invocationJobSummaries"]]
        world.submit("bedrock")
        world.advance(1)
        token = page.get("nextToken")
        if not token:
            break
    assert len(ascending) == len(set(ascending))
    assert ascending[: len(truth)] == truth[::-1]
    assert set(submitted) <= set(ascending[len(truth):])


def test_a_submitted_job_lives_through_its_lifecycle(bedrock, world):
    arn = world.submit("bedrock", jobName="lifecycle-probe", modelId="amazon.nova-lite-v1:0")
    statuses, processed = [], []
    for _ in range(600):
        job = bedrock.get_model_invocation_job(jobIdentifier=arn)
        if job["status"] not in statuses:
            statuses.append(job["status"])
        if job["status"] == "InProgress":
            raw = next(j for j in world.jobs("bedrock") if j["jobArn"] == arn)
            processed.append(raw["processedRecordCount"])
        if job["status"] in ("Completed", "PartiallyCompleted", "Failed", "Expired"):
            break
        world.advance(240)
    assert job["jobName"] == "lifecycle-probe"
    assert job["modelId"] == "amazon.nova-lite-v1:0"
    order = ["Submitted", "Validating", "Scheduled", "InProgress", job["status"]]
    assert statuses == [status for status in order if status in statuses]
    assert statuses[0] == "Submitted" and statuses[-1] == job["status"]
    assert processed == sorted(processed)


def test_set_status_forces_a_status_for_tests(bedrock, world):
    arn = world.jobs("bedrock")[0]["jobArn"]
    world.set_status(arn, "Failed", message="forced")
    job = bedrock.get_model_invocation_job(jobIdentifier=arn)
    assert (job["status"], job["message"]) == ("Failed", "forced")
    assert "endTime" in job
