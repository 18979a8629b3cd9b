"""Other real clients against the emulator: the AWS CLI (its own auto-pagination), aioboto3,
and plain unsigned HTTP, which must get 403 in each protocol's own error shape."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import aioboto3
import aiohttp

from tui.emulator import EmulatorServer

AWS = str(Path(sys.executable).with_name("aws"))


def aws(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([AWS, *args, "--output", "json"], env=env, capture_output=True, text=True, timeout=60)


def aws_json(env: dict[str, str], *args: str):
    result = aws(env, *args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout) if result.stdout.strip() else None


def test_aws_cli_pages_bedrock_to_the_end_each_job_once_in_order(aws_env, world, emulator):
    listed = aws_json(aws_env, "bedrock", "list-model-invocation-jobs", "--page-size", "40")
    assert [job["jobArn"] for job in listed["invocationJobSummaries"]] == [job["jobArn"] for job in world.jobs("bedrock")]
    assert emulator.calls["ListModelInvocationJobs"] == 8
    assert "totalRecordCount" in listed["invocationJobSummaries"][-1]  # the CLI's newer botocore keeps them
    failed = aws_json(aws_env, "bedrock", "list-model-invocation-jobs", "--status-equals", "Failed",
                      "--sort-order", "Ascending", "--page-size", "5")
    truth = [job["jobArn"] for job in reversed(world.jobs("bedrock")) if job["status"] == "Failed"]
    assert [job["jobArn"] for job in failed["invocationJobSummaries"]] == truth
    named = aws_json(aws_env, "bedrock", "list-model-invocation-jobs", "--name-contains", "doc-embeddings")
    assert {job["jobName"] for job in named["invocationJobSummaries"]} == {
        job["jobName"] for job in world.jobs("bedrock") if "doc-embeddings" in job["jobName"]
    }


def test_aws_cli_describes_and_stops_a_bedrock_job(aws_env, world):
    active = next(job for job in world.jobs("bedrock") if job["status"] == "InProgress")
    job_id = active["jobArn"].rsplit("/", 1)[1]
    assert aws_json(aws_env, "bedrock", "get-model-invocation-job", "--job-identifier", job_id)["jobArn"] == active["jobArn"]
    aws_json(aws_env, "bedrock", "stop-model-invocation-job", "--job-identifier", active["jobArn"])
    got = aws_json(aws_env, "bedrock", "get-model-invocation-job", "--job-identifier", active["jobArn"])
    assert got["status"] == "Stopping"
    world.advance(30)
    assert aws_json(aws_env, "bedrock", "get-model-invocation-job", "--job-identifier", job_id)["status"] == "Stopped"
    again = aws(aws_env, "bedrock", "stop-model-invocation-job", "--job-identifier", job_id)
    assert again.returncode != 0
    assert "ValidationException" in again.stderr


def test_aws_cli_lists_both_personalize_kinds_to_the_end(aws_env, world):
    inference = aws_json(aws_env, "personalize", "list-batch-inference-jobs", "--page-size", "45")
    assert [job["batchInferenceJobArn"] for job in inference["batchInferenceJobs"]] == [
        job["batchInferenceJobArn"] for job in world.jobs("personalize")
    ]
    segments = aws_json(aws_env, "personalize", "list-batch-segment-jobs", "--page-size", "100")
    arns = [job["batchSegmentJobArn"] for job in segments["batchSegmentJobs"]]
    assert arns == [job["batchSegmentJobArn"] for job in world.jobs("segment")]
    described = aws_json(aws_env, "personalize", "describe-batch-segment-job", "--batch-segment-job-arn", arns[3])
    assert described["batchSegmentJob"]["batchSegmentJobArn"] == arns[3]


def test_aws_cli_unsigned_request_is_refused(aws_env):
    result = aws(aws_env, "bedrock", "list-model-invocation-jobs", "--no-sign-request")
    assert result.returncode != 0 and "AccessDeniedException" in result.stderr
    result = aws(aws_env, "personalize", "list-batch-inference-jobs", "--no-sign-request")
    assert result.returncode != 0 and "MissingAuthenticationTokenException" in result.stderr


async def test_aioboto3_lists_describes_and_stops_and_the_raw_body_carries_counts(aws_env, world):
    raw_summaries: list[dict] = []

    def keep_raw_body(response_dict, **_):
        raw_summaries.extend(json.loads(response_dict["body"])["invocationJobSummaries"])

    session = aioboto3.Session()
    async with session.client("bedrock") as bedrock:  # endpoint and credentials from aws_env
        bedrock.meta.events.register("before-parse.bedrock.ListModelInvocationJobs", keep_raw_body)
        arns = []
        async for page in bedrock.get_paginator("list_model_invocation_jobs").paginate(PaginationConfig={"PageSize": 64}):
            arns += [job["jobArn"] for job in page["invocationJobSummaries"]]
        assert arns == [job["jobArn"] for job in world.jobs("bedrock")]
        assert [job["jobArn"] for job in raw_summaries] == arns
        running = [job for job in raw_summaries if job["status"] == "InProgress"]
        assert running and all(0 <= job["processedRecordCount"] <= job["totalRecordCount"] for job in running)
        assert all(job["modelInvocationType"] in ("InvokeModel", "Converse") for job in raw_summaries)
        assert all("totalRecordCount" in job for job in raw_summaries if job["status"] == "Completed")

        await bedrock.stop_model_invocation_job(jobIdentifier=running[0]["jobArn"])
        got = await bedrock.get_model_invocation_job(jobIdentifier=running[0]["jobArn"].rsplit("/", 1)[1])
        assert got["status"] == "Stopping"

    async with session.client("personalize") as personalize:
        for method, key, kind in (("list_batch_inference_jobs", "batchInferenceJobs", "personalize"),
                                  ("list_batch_segment_jobs", "batchSegmentJobs", "segment")):
            names = []
            async for page in personalize.get_paginator(method).paginate(PaginationConfig={"PageSize": 50}):
                names += [job["jobName"] for job in page[key]]
            assert names == [job["jobName"] for job in world.jobs(kind)]
        arn = world.jobs("personalize")[0]["batchInferenceJobArn"]
        described = await personalize.describe_batch_inference_job(batchInferenceJobArn=arn)
        assert described["batchInferenceJob"]["batchInferenceJobArn"] == arn


def _urlopen(request: urllib.request.Request) -> tuple[int, dict, bytes]:
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_unsigned_urllib_requests_get_403_in_each_protocols_shape(emulator):
    status, headers, body = _urlopen(urllib.request.Request(emulator.endpoint_url + "/model-invocation-jobs"))
    assert (status, headers["x-amzn-ErrorType"]) == (403, "AccessDeniedException")
    assert json.loads(body)["message"]
    request = urllib.request.Request(
        emulator.endpoint_url + "/",
        data=b"{}",
        method="POST",
        headers={"X-Amz-Target": "AmazonPersonalize.ListBatchSegmentJobs", "Content-Type": "application/x-amz-json-1.1"},
    )
    status, _, body = _urlopen(request)
    assert (status, json.loads(body)["__type"]) == (403, "MissingAuthenticationTokenException")
    assert emulator.calls == {}  # refused before any operation ran


async def test_unsigned_aiohttp_request_gets_403(emulator):
    async with aiohttp.ClientSession() as http:
        async with http.get(emulator.endpoint_url + "/model-invocation-job/abcdef123456") as response:
            assert response.status == 403
            assert response.headers["x-amzn-ErrorType"] == "AccessDeniedException"
        headers = {"Authorization": "Bearer nope", "X-Amz-Target": "AmazonPersonalize.ListBatchInferenceJobs"}
        async with http.post(emulator.endpoint_url + "/", data=b"{}", headers=headers) as response:
            assert response.status == 403


def test_region_comes_from_the_credential_scope(emulator, signed_request, world):
    status, _, body = signed_request("GET", "/model-invocation-jobs?maxResults=3", "bedrock", region="eu-west-1")
    jobs = json.loads(body)["invocationJobSummaries"]
    assert status == 200 and all(":eu-west-1:" in job["jobArn"] for job in jobs)
    assert [job["jobArn"] for job in jobs] == [job["jobArn"] for job in world.jobs("bedrock", "eu-west-1")[:3]]
    assert emulator.requests[-1].region == "eu-west-1"
    status, headers, _ = signed_request("GET", "/model-invocation-jobs", "personalize")  # wrong signing service
    assert (status, headers["x-amzn-ErrorType"]) == (403, "InvalidSignatureException")


def test_unknown_paths_get_a_service_shaped_404(signed_request):
    status, headers, _ = signed_request("GET", "/custom-models", "bedrock")
    assert (status, headers["x-amzn-ErrorType"]) == (404, "UnknownOperationException")


async def test_emulator_server_runs_in_the_callers_event_loop(world):
    async with EmulatorServer(world, port=0) as server:
        session = aioboto3.Session(aws_access_key_id="batchtop-demo", aws_secret_access_key="s", region_name="us-east-1")
        async with session.client("bedrock", endpoint_url=server.endpoint_url) as bedrock:
            page = await bedrock.list_model_invocation_jobs(maxResults=3, statusEquals="InProgress")
        assert [job["jobArn"] for job in page["invocationJobSummaries"]] == [
            job["jobArn"] for job in world.jobs("bedrock") if job["status"] == "InProgress"
        ][:3]
        assert server.calls == {"ListModelInvocationJobs": 1}
        assert server.requests[0].params == {"maxResults": "3", "statusEquals": "InProgress"}
