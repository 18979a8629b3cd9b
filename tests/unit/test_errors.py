"""classify(): every failure a source can raise becomes one sentence with the fix."""

from __future__ import annotations

import asyncio
import json

import aiohttp
import botocore.exceptions as bx
import pytest
from aiohttp.client_reqrep import ConnectionKey
from botocore.parsers import ResponseParserError
from pydantic import TypeAdapter, ValidationError

from tui.errors import KINDS, InvalidPageToken, MalformedResponse, NoAnswer, ResponseTooLarge, classify
from tui.models import Problem


def client_error(code: str, status: int, operation: str = "ListModelInvocationJobs", headers: dict | None = None):
    response = {
        "Error": {"Code": code, "Message": f"{code} happened"},
        "ResponseMetadata": {"HTTPStatusCode": status, "HTTPHeaders": headers or {}},
    }
    return bx.ClientError(response, operation)


def validation_error() -> ValidationError:
    try:
        TypeAdapter(int).validate_python("not a number")
    except ValidationError as exc:
        return exc
    raise AssertionError("pydantic accepted a string as int")


def json_error() -> json.JSONDecodeError:
    try:
        json.loads("{broken")
    except json.JSONDecodeError as exc:
        return exc
    raise AssertionError("json accepted broken input")


def connector_error() -> aiohttp.ClientConnectorError:
    key = ConnectionKey("bedrock.eu-west-1.amazonaws.com", 443, True, True, None, None, None)
    return aiohttp.ClientConnectorError(key, OSError(111, "Connection refused"))


@pytest.mark.parametrize(
    "exc",
    [
        bx.TokenRetrievalError(provider="sso", error_msg="token expired"),
        bx.UnauthorizedSSOTokenError(),
        bx.SSOTokenLoadError(error_msg="no cached token"),
    ],
    ids=["token-retrieval", "unauthorized-sso", "sso-token-load"],
)
def test_expired_sso_names_the_exact_login_command(exc):
    problem = classify(exc, "prod")
    assert problem.kind == "sso_expired"
    assert problem.message == "AWS SSO session expired for profile prod: run `aws sso login --profile prod`."


def test_expired_sso_on_the_default_profile_says_plain_login():
    problem = classify(bx.UnauthorizedSSOTokenError(), None)
    assert "`aws sso login`" in problem.message
    assert "--profile" not in problem.message


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (bx.NoCredentialsError(), "No AWS credentials found for profile dev"),
        (bx.PartialCredentialsError(provider="env", cred_var="AWS_SECRET_ACCESS_KEY"), "missing AWS_SECRET_ACCESS_KEY"),
        (bx.CredentialRetrievalError(provider="custom-process", error_msg="exit 1"), "credential_process"),
        (bx.ProfileNotFound(profile="dev"), "AWS profile dev is not configured"),
    ],
    ids=["none", "partial", "retrieval", "profile-not-found"],
)
def test_missing_credentials(exc, expected):
    problem = classify(exc, "dev")
    assert problem.kind == "no_credentials"
    assert expected in problem.message


@pytest.mark.parametrize("code", ["ExpiredTokenException", "ExpiredToken", "RequestExpired"])
def test_expired_token(code):
    problem = classify(client_error(code, 400), "dev")
    assert problem.kind == "expired_token"
    assert "have expired" in problem.message and "aws sso login --profile dev" in problem.message


def test_rejected_credentials_are_a_credential_problem():
    problem = classify(client_error("UnrecognizedClientException", 400), "dev")
    assert problem.kind == "expired_token"
    assert "UnrecognizedClientException" in problem.message


@pytest.mark.parametrize(
    ("code", "status"),
    [("AccessDenied", 403), ("AccessDeniedException", 403), ("UnauthorizedOperation", 400), ("Whatever", 403)],
)
def test_access_denied_names_the_permission(code, status):
    problem = classify(client_error(code, status, "ListBatchSegmentJobs"), "dev")
    assert problem.kind == "access_denied"
    assert "personalize:ListBatchSegmentJobs" in problem.message
    assert "--region" in problem.message


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("Throttling", 400),
        ("ThrottlingException", 429),
        ("LimitExceededException", 400),
        ("TooManyRequests", 429),
        ("SomethingNew", 429),
    ],
)
def test_throttling(code, status):
    problem = classify(client_error(code, status), "dev")
    assert problem.kind == "throttled"
    assert problem.transient
    assert problem.retry_after is None


def test_throttling_keeps_the_retry_after_the_service_asked_for():
    problem = classify(client_error("ThrottlingException", 429, headers={"retry-after": "7"}), None)
    assert problem.retry_after == 7.0


@pytest.mark.parametrize("code", ["InternalServerException", "ServiceUnavailableException", ""])
def test_server_errors(code):
    problem = classify(client_error(code, 503), "dev")
    assert problem.kind == "service"
    assert problem.transient
    assert "server error" in problem.message


def test_not_found():
    problem = classify(client_error("ResourceNotFoundException", 404, "GetModelInvocationJob"), None)
    assert problem.kind == "not_found"
    assert "check the ARN" in problem.message


def test_other_client_errors_quote_the_service_and_sanitize_it():
    exc = bx.ClientError(
        {"Error": {"Code": "ValidationException", "Message": "bad \x1b[31mvalue"}, "ResponseMetadata": {"HTTPStatusCode": 400}},
        "ListModelInvocationJobs",
    )
    problem = classify(exc, None)
    assert problem.kind == "service"
    assert "ValidationException: bad value" in problem.message
    assert "\x1b" not in problem.message


@pytest.mark.parametrize(
    ("exc", "endpoint"),
    [
        (bx.EndpointConnectionError(endpoint_url="http://127.0.0.1:9"), "127.0.0.1:9"),
        (bx.ConnectTimeoutError(endpoint_url="https://bedrock.us-east-1.amazonaws.com"), "bedrock.us-east-1"),
        (connector_error(), "bedrock.eu-west-1.amazonaws.com:443"),
        (asyncio.TimeoutError(), "timed out"),
        (ConnectionResetError(104, "Connection reset by peer"), "Connection reset"),
    ],
    ids=["endpoint", "connect-timeout", "aiohttp-connector", "asyncio-timeout", "oserror"],
)
def test_network_errors_name_the_endpoint(exc, endpoint):
    problem = classify(exc, "dev")
    assert problem.kind == "network"
    assert problem.message.startswith("Cannot reach ")
    assert endpoint in problem.message


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("http://127.0.0.1:1/model-invocation-jobs?sortBy=CreationTime&sortOrder=Descending&maxResults=100", "127.0.0.1:1"),
        ("https://user:secret@bedrock.us-east-1.amazonaws.com/model-invocation-jobs?nameContains=x", "bedrock.us-east-1.amazonaws.com"),
        ("http://[::1]:4566/", "[::1]:4566"),
        ("http://host\x1b[31m:99999/x", "http://host:99999/x"),
    ],
    ids=["request-url", "user-and-query", "ipv6", "bad-port"],
)
def test_cannot_reach_names_host_and_port_only_so_the_advice_fits(url, said):
    """F24: the request URL with its query string pushed the advice off the status line."""
    message = classify(bx.EndpointConnectionError(endpoint_url=url), None).message
    assert message == f"Cannot reach {said}: check the network, proxy or VPN; retrying."
    assert len("⚠ " + message) <= 78 or said.startswith("bedrock.")  # the table's line at 80 columns


@pytest.mark.parametrize(
    "exc",
    [
        ResponseParserError("Unable to parse response"),
        json_error(),
        validation_error(),
        MalformedResponse("response body is not JSON"),
    ],
    ids=["parser", "json", "pydantic", "body"],
)
def test_malformed_responses(exc):
    problem = classify(exc, "dev")
    assert problem.kind == "malformed"
    assert "cannot read" in problem.message


def test_a_call_nobody_answered_says_for_how_long():
    problem = classify(NoAnswer(12.0), "dev")
    assert problem.kind == "network" and problem.transient
    assert problem.message.startswith("No answer from the AWS endpoint for 12 s: ")
    read = classify(bx.ReadTimeoutError(endpoint_url="https://personalize.eu-west-1.amazonaws.com"), "dev")
    assert read.kind == "network"
    assert read.message.startswith("No answer from personalize.eu-west-1.amazonaws.com in time (read timeout)")


def test_an_oversized_body_is_its_own_sentence():
    refused = classify(ResponseTooLarge(200 * 2**20, 20 * 2**20, announced=True), None)
    assert refused.kind == "malformed"
    assert refused.message == (
        "The service announced a response of 200 MB, over the 20 MB batchtop reads: refused unread; "
        "check the endpoint or proxy if this persists."
    )
    cut = classify(ResponseTooLarge(20 * 2**20 + 1, 20 * 2**20, announced=False), None)
    assert cut.message.startswith("The service sent a response of more than 20 MB, the most batchtop reads: reading stopped there")


def test_invalid_page_token_says_the_listing_restarted():
    assert classify(InvalidPageToken("expired"), None).kind == "invalid_token"
    assert classify(client_error("InvalidNextTokenException", 400), None).kind == "invalid_token"


def test_anything_else_is_still_one_sentence():
    problem = classify(RuntimeError("boom\nsecond line"), None)
    assert problem.kind == "service"
    assert "\n" not in problem.message and "boom" in problem.message


def test_every_message_is_one_line_ending_with_the_fix():
    samples = [
        bx.UnauthorizedSSOTokenError(),
        bx.NoCredentialsError(),
        client_error("ExpiredToken", 400),
        client_error("AccessDenied", 403),
        client_error("Throttling", 400),
        client_error("InternalServerException", 500),
        client_error("ResourceNotFoundException", 404),
        bx.EndpointConnectionError(endpoint_url="http://x"),
        MalformedResponse("x"),
        InvalidPageToken("x"),
        NoAnswer(12.0),
        bx.ReadTimeoutError(endpoint_url="http://x"),
        ResponseTooLarge(1, 0, announced=True),
        ResponseTooLarge(1, 0, announced=False),
    ]
    kinds = set()
    for exc in samples:
        problem = classify(exc, "p")
        assert isinstance(problem, Problem)
        assert "\n" not in problem.message and problem.message.endswith(".")
        kinds.add(problem.kind)
    assert kinds == set(KINDS)
