"""Fault injection, flipped at runtime, answered in each service's own error shape."""

from __future__ import annotations

import json
import time

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

PERSONALIZE_LIST = {"X-Amz-Target": "AmazonPersonalize.ListBatchInferenceJobs",
                    "Content-Type": "application/x-amz-json-1.1"}


def _client(emulator, service, region="us-east-1", attempts=1):
    return boto3.client(
        service,
        endpoint_url=emulator.endpoint_url,
        region_name=region,
        aws_access_key_id="batchtop-demo",  # the home account (123456789012)
        aws_secret_access_key="secret",
        config=Config(retries={"total_max_attempts": attempts, "mode": "standard"}),
    )


def _code(call) -> tuple[str, int]:
    with pytest.raises(ClientError) as excinfo:
        call()
    response = excinfo.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


def test_throttle_every_nth_call(emulator, faults):
    bedrock = _client(emulator, "bedrock")
    personalize = _client(emulator, "personalize")
    faults.throttle_every = 3
    bedrock.list_model_invocation_jobs(maxResults=1)
    bedrock.list_model_invocation_jobs(maxResults=1)
    assert _code(lambda: bedrock.list_model_invocation_jobs(maxResults=1)) == ("ThrottlingException", 429)
    personalize.list_batch_segment_jobs()
    personalize.list_batch_segment_jobs()
    assert _code(personalize.list_batch_segment_jobs) == ("LimitExceededException", 400)
    retrying = _client(emulator, "bedrock", attempts=3)
    for _ in range(3):  # calls 7, 8, 9: the 9th is throttled and its retry (10th) succeeds
        retrying.list_model_invocation_jobs(maxResults=1)
    assert emulator.calls["ListModelInvocationJobs"] == 3 + 4


def test_server_errors_at_the_configured_rate(emulator, faults):
    faults.error_rate = 1.0
    assert _code(lambda: _client(emulator, "bedrock").list_model_invocation_jobs()) == ("InternalServerException", 500)
    assert _code(_client(emulator, "personalize").list_batch_inference_jobs)[1] == 500
    faults.error_rate = 0.0
    assert _client(emulator, "bedrock").list_model_invocation_jobs(maxResults=1)["invocationJobSummaries"]


def test_expired_token_on_every_call(emulator, faults, world):
    faults.expired_token = True
    arn = world.jobs("bedrock")[0]["jobArn"]
    bedrock = _client(emulator, "bedrock")
    assert _code(lambda: bedrock.get_model_invocation_job(jobIdentifier=arn)) == ("ExpiredTokenException", 403)
    assert _code(lambda: bedrock.stop_model_invocation_job(jobIdentifier=arn))[0] == "ExpiredTokenException"
    assert _code(_client(emulator, "personalize").list_batch_segment_jobs)[0] == "ExpiredTokenException"


def test_access_denied_per_service_and_region(emulator, faults):
    faults.denied = {("bedrock", "eu-west-1"), ("personalize", "us-east-1")}
    assert _code(lambda: _client(emulator, "bedrock", "eu-west-1").list_model_invocation_jobs()) == (
        "AccessDeniedException", 403)
    assert _client(emulator, "bedrock").list_model_invocation_jobs(maxResults=1)["invocationJobSummaries"]
    assert _code(_client(emulator, "personalize").list_batch_inference_jobs)[0] == "AccessDeniedException"
    assert _client(emulator, "personalize", "eu-west-1").list_batch_inference_jobs(maxResults=1)["batchInferenceJobs"]


def test_latency_is_added_to_each_call(emulator, faults):
    faults.latency = 0.25
    client = _client(emulator, "bedrock")
    started = time.monotonic()
    client.list_model_invocation_jobs(maxResults=1)
    assert time.monotonic() - started >= 0.25


def _broken(body: bytes, result_key: str) -> bool:
    try:
        payload = json.loads(body)
    except ValueError:
        return True
    items = payload[result_key] if result_key in payload else list(payload.values())
    required = ("status", "jobName")
    return any(not all(isinstance(item.get(key), str) for key in required) for item in items)


def test_malformed_fraction_breaks_list_and_describe_bodies(emulator, faults, signed_request, world):
    faults.malformed = 1.0
    for _ in range(10):
        status, _, body = signed_request("GET", "/model-invocation-jobs?maxResults=5", "bedrock")
        assert status == 200 and _broken(body, "invocationJobSummaries")
        status, _, body = signed_request("POST", "/", "personalize", body=b"{}", headers=PERSONALIZE_LIST)
        assert status == 200 and _broken(body, "batchInferenceJobs")
    active = next(job for job in world.jobs("bedrock") if job["status"] == "InProgress")
    status, _, body = signed_request("POST", f"/model-invocation-job/{active['jobArn'][-12:]}/stop", "bedrock")
    assert (status, json.loads(body)) == (200, {})  # stop is not a list or describe: left alone
    faults.malformed = 0.0
    status, _, body = signed_request("GET", "/model-invocation-jobs?maxResults=5", "bedrock")
    assert not _broken(body, "invocationJobSummaries")


def test_calls_and_requests_are_recorded(emulator):
    bedrock = _client(emulator, "bedrock", region="ap-northeast-1")
    bedrock.list_model_invocation_jobs(maxResults=3, statusEquals="Completed")
    personalize = _client(emulator, "personalize")
    personalize.list_batch_segment_jobs(maxResults=4)
    assert emulator.calls == {"ListModelInvocationJobs": 1, "ListBatchSegmentJobs": 1}
    first, second = emulator.requests
    assert (first.operation, first.region) == ("ListModelInvocationJobs", "ap-northeast-1")
    assert first.params == {"maxResults": "3", "statusEquals": "Completed"}
    assert (second.operation, second.params, second.region) == ("ListBatchSegmentJobs", {"maxResults": 4}, "us-east-1")
