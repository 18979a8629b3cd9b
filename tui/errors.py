"""Turn any failure of an AWS call into one clear sentence that says what to do.

People leave batchtop open for days: credentials expire, networks drop, regions deny.
`classify` maps every exception a source can raise to a `Problem` whose message names the
fix (for SSO, the exact `aws sso login --profile X`), so no screen ever shows a traceback.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from dataclasses import dataclass
from urllib.parse import urlsplit

import botocore.exceptions as bx
import botocore.session
from botocore.parsers import ResponseParserError
from pydantic import ValidationError

from .models import Problem, ProblemKind
from .sanitize import clean

KINDS = tuple(kind.value for kind in ProblemKind)

_DETAIL_LENGTH = 160
_MB = 1024 * 1024


_TOKEN_REJECTED = Problem(ProblemKind.INVALID_TOKEN, "The service rejected the page token: listing restarted from the first page.")


class InvalidPageToken(Exception):
    """The service rejected a next-page token (expired or invalid): restart the listing."""


class MalformedResponse(Exception):
    """A response body that is not the JSON document the API promises."""


class NoAnswer(Exception):
    """A call the endpoint accepted and did not answer within `seconds` (it was cancelled)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"no answer for {seconds:g} s")
        self.seconds = seconds


class ResponseTooLarge(Exception):
    """A response body over the size batchtop reads (refused unread, or cut off at the limit)."""

    def __init__(self, size: int, limit: int, *, announced: bool) -> None:
        super().__init__(f"{'announced' if announced else 'more than'} {size:,} bytes, over the {limit:,}-byte limit")
        self.size = size
        self.limit = limit
        self.announced = announced


_SSO_ERRORS = (bx.TokenRetrievalError, bx.UnauthorizedSSOTokenError, bx.SSOTokenLoadError, bx.SSOError)
_EXPIRED_CODES = frozenset({"ExpiredTokenException", "ExpiredToken", "RequestExpired"})
_INVALID_CREDENTIAL_CODES = frozenset(
    {"InvalidClientTokenId", "UnrecognizedClientException", "InvalidSignatureException", "SignatureDoesNotMatch"}
)
_DENIED_CODES = frozenset({"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "UnauthorizedException"})
_THROTTLE_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "LimitExceededException",
        "TooManyRequests",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "ServiceQuotaExceededException",
        "SlowDown",
    }
)
_NOT_FOUND_CODES = frozenset({"ResourceNotFoundException", "ResourceNotFound", "NotFoundException"})
_TOKEN_CODES = frozenset({"InvalidNextTokenException", "InvalidNextToken", "InvalidPaginationToken"})
_NETWORK_ERRORS = (
    bx.EndpointConnectionError,
    bx.ConnectTimeoutError,
    bx.ReadTimeoutError,
    bx.ConnectionClosedError,
    bx.HTTPClientError,
    asyncio.TimeoutError,
    OSError,
)
_MALFORMED_ERRORS = (MalformedResponse, ResponseParserError, json.JSONDecodeError, ValidationError, UnicodeDecodeError)

_SERVICE_NAMES = {
    "ListModelInvocationJobs": "bedrock",
    "GetModelInvocationJob": "bedrock",
    "StopModelInvocationJob": "bedrock",
    "ListBatchInferenceJobs": "personalize",
    "ListBatchSegmentJobs": "personalize",
    "DescribeBatchInferenceJob": "personalize",
    "DescribeBatchSegmentJob": "personalize",
    "DescribeSolutionVersion": "personalize",
    "ListTransformJobs": "sagemaker",
    "DescribeTransformJob": "sagemaker",
    "StopTransformJob": "sagemaker",
}


def classify(exc: BaseException, profile: str | None = None) -> Problem:
    """Say what went wrong and how to fix it, for any exception a source call raised."""
    who = f"profile {profile}" if profile else "the default AWS profile"
    login = f"aws sso login --profile {profile}" if profile else "aws sso login"
    if isinstance(exc, InvalidPageToken):
        return _TOKEN_REJECTED
    if isinstance(exc, NoAnswer):
        return Problem(
            ProblemKind.NETWORK,
            f"No answer from the AWS endpoint for {exc.seconds:g} s: the call was given up; "
            "batchtop keeps retrying (check the network, proxy or VPN if this persists).",
        )
    if isinstance(exc, bx.ReadTimeoutError):
        return Problem(
            ProblemKind.NETWORK,
            f"No answer from {_endpoint(exc)} in time (read timeout): batchtop keeps retrying; "
            "check the network, proxy or VPN if this persists.",
        )
    if isinstance(exc, ResponseTooLarge):
        limit = f"{exc.limit / _MB:,.0f} MB"
        if exc.announced:
            told = f"announced a response of {exc.size / _MB:,.0f} MB, over the {limit} batchtop reads: refused unread"
        else:
            told = f"sent a response of more than {limit}, the most batchtop reads: reading stopped there"
        return Problem(ProblemKind.MALFORMED, f"The service {told}; check the endpoint or proxy if this persists.")
    if isinstance(exc, _SSO_ERRORS):
        return Problem(ProblemKind.SSO_EXPIRED, f"AWS SSO session expired for {who}: run `{login}`.")
    if isinstance(exc, bx.ProfileNotFound):
        known = known_profiles()
        listed = "" if known is None else f" (profiles here: {_detail(', '.join(known)) or 'none'})"
        return Problem(
            ProblemKind.NO_CREDENTIALS,
            f"AWS profile {_detail(getattr(exc, 'kwargs', {}).get('profile', profile))} is not configured{listed}: "
            "check --profile or add it with `aws configure`.",
        )
    if isinstance(exc, bx.NoCredentialsError):
        return Problem(
            ProblemKind.NO_CREDENTIALS,
            f"No AWS credentials found for {who}: run `aws configure` or `{login}`, or set AWS_PROFILE.",
        )
    if isinstance(exc, bx.PartialCredentialsError):
        missing = _detail(getattr(exc, "kwargs", {}).get("cred_var", "a value"))
        return Problem(
            ProblemKind.NO_CREDENTIALS,
            f"Incomplete AWS credentials for {who} (missing {missing}): complete them with `aws configure`.",
        )
    if isinstance(exc, bx.CredentialRetrievalError):
        return Problem(
            ProblemKind.NO_CREDENTIALS,
            f"Could not get AWS credentials for {who} ({_detail(exc)}): "
            "check its credential_process, role or SSO settings in ~/.aws/config.",
        )
    if isinstance(exc, bx.ClientError):
        return _classify_client_error(exc, who, login)
    if isinstance(exc, _MALFORMED_ERRORS):
        return Problem(
            ProblemKind.MALFORMED,
            f"The service sent a response batchtop cannot read ({_detail(exc)}): "
            "it will retry; check the endpoint if this persists.",
        )
    if isinstance(exc, _NETWORK_ERRORS) or _is_aiohttp_client_error(exc):
        return Problem(ProblemKind.NETWORK, f"Cannot reach {_endpoint(exc)}: check the network, proxy or VPN; retrying.")
    return Problem(ProblemKind.SERVICE, f"Unexpected error ({type(exc).__name__}: {_detail(exc)}): batchtop will retry.")


def silence_sdk_logging() -> None:
    """Keep botocore's and aiobotocore's own log records (a credential refresh that failed logs
    a whole traceback) off stderr: every failure reaches the user once, through `classify`."""
    for name in ("botocore", "aiobotocore", "aioboto3", "boto3"):
        logger = logging.getLogger(name)
        logger.addHandler(logging.NullHandler())
        logger.propagate = False


def known_profiles() -> list[str] | None:
    """The profiles the AWS config and credentials files define, sorted; None if unreadable."""
    try:
        return sorted(botocore.session.Session().available_profiles)
    except bx.BotoCoreError:
        return None


def _is_aiohttp_client_error(exc: BaseException) -> bool:
    """aiohttp's own connection errors, without importing aiohttp (~0.1 s) to ask: if it is
    not imported yet, nothing can have raised one."""
    aiohttp = sys.modules.get("aiohttp")
    return aiohttp is not None and isinstance(exc, aiohttp.ClientError)


def _classify_client_error(exc: bx.ClientError, who: str, login: str) -> Problem:
    error = exc.response.get("Error", {}) or {}
    code = str(error.get("Code", "") or "")
    detail = _detail(error.get("Message") or code or exc)
    metadata = exc.response.get("ResponseMetadata", {}) or {}
    status = metadata.get("HTTPStatusCode") or 0
    operation = getattr(exc, "operation_name", "") or ""
    action = f"{_SERVICE_NAMES.get(operation, 'the service')}:{operation}" if operation else "this API"
    if code in _EXPIRED_CODES:
        return Problem(
            ProblemKind.EXPIRED_TOKEN,
            f"The AWS credentials of {who} have expired: run `{login}` or refresh them in ~/.aws/credentials.",
        )
    if code in _INVALID_CREDENTIAL_CODES:
        return Problem(
            ProblemKind.EXPIRED_TOKEN,
            f"AWS rejected the credentials of {who} ({code}): run `{login}` or fix them in ~/.aws/credentials.",
        )
    if code in _DENIED_CODES or status == 403:
        return Problem(
            ProblemKind.ACCESS_DENIED,
            f"Access denied: {who} may not call {action} here: grant that IAM permission, "
            "or choose another --profile or --region.",
        )
    if code in _THROTTLE_CODES or status == 429:
        return Problem(
            ProblemKind.THROTTLED,
            "AWS is throttling requests: batchtop slows down and retries by itself.",
            _retry_after(metadata),
        )
    if code in _TOKEN_CODES:
        return _TOKEN_REJECTED
    if code in _NOT_FOUND_CODES or status == 404:
        return Problem(ProblemKind.NOT_FOUND, f"Not found ({detail}): check the ARN, region and profile.")
    if status >= 500:
        return Problem(
            ProblemKind.SERVICE,
            f"AWS had a server error ({code or status}: {detail}): batchtop retries; "
            "see the AWS Health Dashboard if it persists.",
        )
    return Problem(ProblemKind.SERVICE, f"The service rejected the request ({code or status}: {detail}): check the flags and filters.")


def _retry_after(metadata: dict) -> float | None:
    headers = metadata.get("HTTPHeaders", {}) or {}
    value = headers.get("retry-after") or headers.get("Retry-After")
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        return None
    return seconds if 0 <= seconds <= 3600 else None


def _endpoint(exc: BaseException) -> str:
    """The endpoint the failed call was going to, as precisely as the exception knows it:
    host and port (`127.0.0.1:1`), not the request's URL, whose path and query string would
    push the advice after it off a status line."""
    kwargs = getattr(exc, "kwargs", None)
    if isinstance(kwargs, dict) and kwargs.get("endpoint_url"):
        return _detail(_host_and_port(str(kwargs["endpoint_url"])))
    host = getattr(exc, "host", None)
    if host:
        return _detail(f"{host}:{getattr(exc, 'port', '')}".rstrip(":"))
    if isinstance(exc, asyncio.TimeoutError):
        return "the AWS endpoint (timed out)"
    return f"the AWS endpoint ({_detail(exc) or type(exc).__name__})"


def _host_and_port(url: str) -> str:
    """`host:port` of `url` (no scheme, user, path or query), or `url` when it has no host."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # a malformed port or address: say what there is
        return url
    if not parts.hostname:
        return url
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    return f"{host}:{port}" if port else host


def _detail(value: object) -> str:
    return clean(value, _DETAIL_LENGTH)
