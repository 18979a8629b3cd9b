"""Amazon Bedrock model invocation jobs over REST-JSON, as the real endpoint speaks it.

Errors carry the code in the `x-amzn-ErrorType` header and `{"message"}` in the body.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import re
from typing import Any
from urllib.parse import unquote

from aiohttp import web

from ..models import JobKind
from .catalog import ACCOUNT
from .jobs import BEDROCK_STATUSES, to_millis
from .protocol import ApiError, Protocol, constraint_errors, int_problem, request_id
from .tokens import InvalidToken
from .world import NotStoppable, World, parse_arn

LIST, GET, STOP = "ListModelInvocationJobs", "GetModelInvocationJob", "StopModelInvocationJob"
DEFAULT_MAX_RESULTS = 100
NAME_PATTERN = r"[a-zA-Z0-9]{1,63}(-*[a-zA-Z0-9\+\-\.]){0,63}"
IDENTIFIER_PATTERN = r"((arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:[0-9]{12}:model-invocation-job/)?[a-z0-9]{12})"
TOKEN_PATTERN = re.compile(r"\S{1,2048}")
_LIST_PATH = "/model-invocation-jobs"
_JOB_PREFIX = "/model-invocation-job/"


def _enum(values) -> str:
    return "Member must satisfy enum value set: [" + ", ".join(values) + "]"


def _timestamp(field: str, raw: str | None, problems: list) -> float | None:
    if raw is None:
        return None
    try:
        parsed = dt.datetime.fromisoformat(raw)
    except ValueError:
        problems.append((field, raw, "Member must be a timestamp in ISO 8601 format"))
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.timezone.utc)
    return to_millis(parsed.timestamp())


class Bedrock(Protocol):
    service = "bedrock"
    malformable = frozenset({LIST, GET})

    def operation(self, request: web.Request) -> str | None:
        path = request.rel_url.raw_path
        if path.rstrip("/") == _LIST_PATH:
            return LIST if request.method == "GET" else None
        if path.startswith(_JOB_PREFIX):
            if request.method == "POST" and path.endswith("/stop"):
                return STOP
            if request.method == "GET":
                return GET
        return None

    async def params(self, request: web.Request, operation: str) -> dict[str, Any]:
        if operation == LIST:
            return {key: request.query.getone(key) for key in request.query.keys()}
        identifier = request.rel_url.raw_path[len(_JOB_PREFIX):]
        if operation == STOP:
            identifier = identifier[: -len("/stop")]
        return {"jobIdentifier": unquote(identifier)}

    def execute(self, world: World, region: str, operation: str, params: dict[str, Any]) -> dict:
        if operation == LIST:
            return self._list(world, region, params)
        jid = self._job_id(region, params["jobIdentifier"])
        try:
            if operation == GET:
                return world.describe(region, JobKind.BEDROCK, jid)
            world.stop(region, jid)
            return {}
        except KeyError:
            raise ApiError("ResourceNotFoundException", f"The specified job {params['jobIdentifier']} was not found.", 404) from None
        except NotStoppable as exc:
            raise ApiError(
                "ValidationException",
                f"The job {params['jobIdentifier']} cannot be stopped because it is in {exc.status} state.",
            ) from None

    def _job_id(self, region: str, identifier: str) -> str:
        if not re.fullmatch(IDENTIFIER_PATTERN, identifier):
            raise constraint_errors(
                [("jobIdentifier", identifier, f"Member must satisfy regular expression pattern: {IDENTIFIER_PATTERN}")],
                "ValidationException",
            )
        if not identifier.startswith("arn:"):
            return identifier
        arn_region, account, _kind, jid = parse_arn(identifier) or ("", "", None, "")
        if arn_region != region or account != ACCOUNT:
            raise ApiError("ResourceNotFoundException", f"The specified job {identifier} was not found.", 404)
        return jid

    def _list(self, world: World, region: str, query: dict[str, Any]) -> dict:
        problems: list = []
        max_results = query.get("maxResults", DEFAULT_MAX_RESULTS)
        problem = int_problem("maxResults", max_results, 1, 1000)
        if problem:
            problems.append(problem)
        status = query.get("statusEquals")
        if status is not None and status not in BEDROCK_STATUSES:
            problems.append(("statusEquals", status, _enum(BEDROCK_STATUSES)))
        name = query.get("nameContains")
        if name is not None:
            if len(name) > 63:
                problems.append(("nameContains", name, "Member must have length less than or equal to 63"))
            elif not re.fullmatch(NAME_PATTERN, name):
                problems.append(("nameContains", name, f"Member must satisfy regular expression pattern: {NAME_PATTERN}"))
        after = _timestamp("submitTimeAfter", query.get("submitTimeAfter"), problems)
        before = _timestamp("submitTimeBefore", query.get("submitTimeBefore"), problems)
        sort_by = query.get("sortBy", "CreationTime")
        if sort_by != "CreationTime":
            problems.append(("sortBy", sort_by, _enum(["CreationTime"])))
        sort_order = query.get("sortOrder", "Descending")
        if sort_order not in ("Ascending", "Descending"):
            problems.append(("sortOrder", sort_order, _enum(["Ascending", "Descending"])))
        token = query.get("nextToken")
        if token is not None and not TOKEN_PATTERN.fullmatch(token):
            problems.append(("nextToken", token[:100], "Member must have length less than or equal to 2048"))
        error = constraint_errors(problems, "ValidationException")
        if error:
            raise error
        scope = "|".join(map(str, (LIST, region, status, name, after, before, sort_order)))
        cursor = None
        if token is not None:
            try:
                cursor = world.tokens.read(scope, token)
            except InvalidToken:
                raise ApiError("ValidationException", "The provided pagination token is invalid.") from None
        summaries, next_cursor = world.list_jobs(
            region,
            JobKind.BEDROCK,
            limit=int(max_results),
            cursor=cursor,
            newest_first=sort_order == "Descending",
            status=status,
            name_contains=name,
            submitted_after=after,
            submitted_before=before,
        )
        body: dict = {"invocationJobSummaries": summaries}
        if next_cursor is not None:
            body["nextToken"] = world.tokens.issue(scope, next_cursor)
        return body

    def ok(self, body: bytes) -> web.Response:
        return web.Response(body=body, headers={"Content-Type": "application/json", "x-amzn-RequestId": request_id()})

    def error(self, err: ApiError) -> web.Response:
        return web.Response(
            status=err.status,
            body=json.dumps({"message": err.message}).encode(),
            headers={
                "Content-Type": "application/json",
                "x-amzn-ErrorType": err.code,
                "x-amzn-RequestId": request_id(),
            },
        )

    def unsigned(self) -> ApiError:
        return ApiError("AccessDeniedException", "Missing Authentication Token", 403)

    def throttled(self) -> ApiError:
        return ApiError("ThrottlingException", "Too many requests, please wait before trying again.", 429)

    def server_error(self) -> ApiError:
        return ApiError("InternalServerException", "An internal server error occurred. Retry your request.", 500)

    def expired_token(self) -> ApiError:
        return ApiError("ExpiredTokenException", "The security token included in the request is expired", 403)

    def listing(self, operation: str) -> tuple[JobKind, str, str] | None:
        return (JobKind.BEDROCK, "invocationJobSummaries", "jobArn") if operation == LIST else None

    def break_fields(self, payload: dict, rng: random.Random) -> None:
        jobs = payload.get("invocationJobSummaries", [payload])
        if not jobs:
            return
        job = jobs[rng.randrange(len(jobs))]
        if rng.random() < 0.5:
            for field in ("status", "submitTime", "jobName"):
                job.pop(field, None)
        else:
            job["status"] = 404
            job["submitTime"] = "yesterday"
            job["totalRecordCount"] = "lots"
