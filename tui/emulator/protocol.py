"""What the two wire protocols share: the error type, validation messages, and the hooks
the server calls for faults (each service spells throttling, denial and 5xx its own way)."""

from __future__ import annotations

import json
import random
import uuid
from typing import Any

from aiohttp import web

from ..models import JobKind
from .world import World


class ApiError(Exception):
    """An error response in the service's own code, message and HTTP status."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


def constraint_errors(problems: list[tuple[str, object, str]], code: str) -> ApiError | None:
    """AWS's "N validation errors detected" message for (field, value, constraint) triples."""
    if not problems:
        return None
    count = f"{len(problems)} validation error{'s' if len(problems) > 1 else ''} detected: "
    details = "; ".join(f"Value '{value}' at '{field}' failed to satisfy constraint: {rule}" for field, value, rule in problems)
    return ApiError(code, count + details)


def int_problem(field: str, raw: object, low: int, high: int) -> tuple[str, object, str] | None:
    """Why `raw` is not an integer in [low, high], or None."""
    if isinstance(raw, bool):
        return (field, raw, "Member must be an integer")
    try:
        value = int(raw) if isinstance(raw, (int, str)) else None
    except ValueError:
        value = None
    if value is None:
        return (field, raw, "Member must be an integer")
    if value < low:
        return (field, raw, f"Member must have value greater than or equal to {low}")
    if value > high:
        return (field, raw, f"Member must have value less than or equal to {high}")
    return None


class Protocol:
    """One service's wire protocol. Subclasses parse requests and shape responses."""

    service = ""  # the SigV4 signing name
    malformable = frozenset[str]()  # operations whose responses the `malformed` fault may break

    def operation(self, request: web.Request) -> str | None:
        raise NotImplementedError

    async def params(self, request: web.Request, operation: str) -> dict[str, Any]:
        raise NotImplementedError

    def execute(self, world: World, region: str, operation: str, params: dict[str, Any]) -> dict:
        raise NotImplementedError

    def ok(self, body: bytes) -> web.Response:
        raise NotImplementedError

    def error(self, err: ApiError) -> web.Response:
        raise NotImplementedError

    def unsigned(self) -> ApiError:
        raise NotImplementedError

    def throttled(self) -> ApiError:
        raise NotImplementedError

    def server_error(self) -> ApiError:
        raise NotImplementedError

    def expired_token(self) -> ApiError:
        raise NotImplementedError

    def denied(self, operation: str, region: str) -> ApiError:
        return ApiError(
            "AccessDeniedException",
            f"User: arn:aws:iam::123456789012:user/emulator is not authorized to perform: "
            f"{self.service}:{operation} on resource: arn:aws:{self.service}:{region}:123456789012:* "
            f"because no identity-based policy allows the {self.service}:{operation} action",
            403,
        )

    def listing(self, operation: str) -> tuple[JobKind, str, str] | None:
        """For a list operation: (job kind, field of the item list, ARN field of an item);
        None for other operations (list-level faults leave them alone)."""
        return None

    def break_fields(self, payload: dict, rng: random.Random) -> None:
        """Damage one job of a list or describe payload (malformed fault)."""
        raise NotImplementedError

    def malformed(self, payload: dict, rng: random.Random) -> bytes:
        """A broken body: truncated JSON, or a job with missing or mistyped fields."""
        if rng.random() < 0.4:
            text = json.dumps(payload)
            return text[: max(1, len(text) // 2)].encode()
        self.break_fields(payload, rng)
        return json.dumps(payload).encode()


class Json11Protocol(Protocol):
    """The JSON 1.1 services (Personalize, SageMaker): `POST /` with `X-Amz-Target:
    <prefix><Operation>`, errors as `{"__type", "message"}`, and 400 for access denied."""

    target_prefix = ""
    content_type = "application/x-amz-json-1.1"
    throttle_code = "ThrottlingException"
    expired_token_status = 400

    def operation(self, request: web.Request) -> str | None:
        target = request.headers.get("X-Amz-Target", "")
        if request.method != "POST" or request.rel_url.raw_path != "/" or not target.startswith(self.target_prefix):
            return None
        return target[len(self.target_prefix):]

    def ok(self, body: bytes) -> web.Response:
        return web.Response(body=body, headers={"Content-Type": self.content_type, "x-amzn-RequestId": request_id()})

    def error(self, err: ApiError) -> web.Response:
        return web.Response(
            status=err.status,
            body=json.dumps({"__type": err.code, "message": err.message}).encode(),
            headers={"Content-Type": self.content_type, "x-amzn-RequestId": request_id()},
        )

    def unsigned(self) -> ApiError:
        return ApiError("MissingAuthenticationTokenException", "Missing Authentication Token", 403)

    def throttled(self) -> ApiError:
        return ApiError(self.throttle_code, "Rate exceeded", 400)

    def server_error(self) -> ApiError:
        return ApiError("InternalFailure", "The request processing has failed because of an unknown error.", 500)

    def expired_token(self) -> ApiError:
        return ApiError(
            "ExpiredTokenException", "The security token included in the request is expired", self.expired_token_status
        )

    def denied(self, operation: str, region: str) -> ApiError:
        err = super().denied(operation, region)
        err.status = 400
        return err


def request_id() -> str:
    return str(uuid.uuid4())
