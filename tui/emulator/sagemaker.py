"""Amazon SageMaker batch transform jobs over JSON 1.1.

`POST /` with `X-Amz-Target: SageMaker.<Operation>`; timestamps are epoch seconds both ways;
errors are `{"__type": code, "message": ...}`. Jobs are addressed by name, not ARN.
"""

from __future__ import annotations

import json
import random
import re
from typing import Any

from aiohttp import web

from ..models import JobKind
from .jobs import TRANSFORM_NAME
from .protocol import ApiError, Json11Protocol, constraint_errors, int_problem
from .tokens import InvalidToken
from .world import NotStoppable, World

TARGET_PREFIX = "SageMaker."
LIST, DESCRIBE, STOP = "ListTransformJobs", "DescribeTransformJob", "StopTransformJob"
STATUSES = ("InProgress", "Completed", "Failed", "Stopping", "Stopped")
SORT_BY = ("Name", "CreationTime", "Status")
SORT_ORDER = ("Ascending", "Descending")
DEFAULT_MAX_RESULTS = 10  # the service's default page size
MAX_TOKEN = 8192
NAME_CONTAINS = re.compile(r"[a-zA-Z0-9\-]+")
_TIME_FILTERS = ("CreationTimeAfter", "CreationTimeBefore", "LastModifiedTimeAfter", "LastModifiedTimeBefore")


def _enum(values: tuple[str, ...]) -> str:
    return "Member must satisfy enum value set: [" + ", ".join(values) + "]"


def _not_found(name: object) -> ApiError:
    return ApiError("ResourceNotFound", f"Could not find requested job with name {name}")


class SageMaker(Json11Protocol):
    service = "sagemaker"
    target_prefix = TARGET_PREFIX
    malformable = frozenset({LIST, DESCRIBE})

    async def params(self, request: web.Request, operation: str) -> dict[str, Any]:
        try:
            body = json.loads(await request.read() or b"{}")
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise ApiError("SerializationException", "Start of structure or map found where not expected.")
        return body

    def execute(self, world: World, region: str, operation: str, params: dict[str, Any]) -> dict:
        if operation == LIST:
            return self._list(world, region, params)
        if operation not in (DESCRIBE, STOP):
            raise ApiError("UnknownOperationException", f"Operation {operation} is not supported by this endpoint.")
        name = params.get("TransformJobName")
        if not isinstance(name, str) or not TRANSFORM_NAME.fullmatch(name):
            rule = "Member must not be null" if name is None else (
                f"Member must satisfy regular expression pattern: {TRANSFORM_NAME.pattern}")
            raise constraint_errors([("transformJobName", name, rule)], "ValidationException")
        key = name.lower()  # names are unique regardless of case
        try:
            if operation == DESCRIBE:
                return world.describe(region, JobKind.SAGEMAKER, key)
            world.stop(region, key, JobKind.SAGEMAKER)
            return {}
        except KeyError:
            raise _not_found(name) from None
        except NotStoppable as exc:
            raise ApiError(
                "ValidationException",
                f"The transform job {name} cannot be stopped because it is in {exc.status} status.",
            ) from None

    def _list(self, world: World, region: str, params: dict[str, Any]) -> dict:
        problems: list = []
        max_results = params.get("MaxResults", DEFAULT_MAX_RESULTS)
        if isinstance(max_results, str):  # JSON 1.1 wants a number, not a numeric string
            problems.append(("maxResults", max_results, "Member must be an integer"))
        elif problem := int_problem("maxResults", max_results, 1, 100):
            problems.append(problem)
        times: dict[str, float | None] = {}
        for field in _TIME_FILTERS:
            value = params.get(field)
            if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))):
                raise ApiError("SerializationException", f"{field}: expected a timestamp in epoch seconds.")
            times[field] = None if value is None else float(value)
        name = params.get("NameContains")
        if name is not None and (not isinstance(name, str) or len(name) > 63 or not NAME_CONTAINS.fullmatch(name)):
            rule = "Member must have length less than or equal to 63" if isinstance(name, str) and len(name) > 63 \
                else f"Member must satisfy regular expression pattern: {NAME_CONTAINS.pattern}"
            problems.append(("nameContains", name, rule))
        status = params.get("StatusEquals")
        if status is not None and status not in STATUSES:
            problems.append(("statusEquals", status, _enum(STATUSES)))
        sort_by = params.get("SortBy", "CreationTime")
        if sort_by not in SORT_BY:
            problems.append(("sortBy", sort_by, _enum(SORT_BY)))
        sort_order = params.get("SortOrder", "Descending")
        if sort_order not in SORT_ORDER:
            problems.append(("sortOrder", sort_order, _enum(SORT_ORDER)))
        token = params.get("NextToken")
        if token is not None and (not isinstance(token, str) or len(token) > MAX_TOKEN):
            problems.append(("nextToken", str(token)[:100], f"Member must have length less than or equal to {MAX_TOKEN}"))
        error = constraint_errors(problems, "ValidationException")
        if error:
            raise error
        scope = "|".join(map(str, (LIST, region, status, name, sort_by, sort_order, *times.values())))
        cursor = None
        if token:  # an empty token starts at the beginning
            try:
                cursor = world.tokens.read(scope, token)
            except InvalidToken:
                raise ApiError("ValidationException", "The next token provided is invalid.") from None
        summaries, next_cursor = world.list_jobs(
            region,
            JobKind.SAGEMAKER,
            limit=int(max_results),
            cursor=cursor,
            newest_first=sort_order == "Descending",
            status=status,
            name_contains=name,
            submitted_after=times["CreationTimeAfter"],
            submitted_before=times["CreationTimeBefore"],
            modified_after=times["LastModifiedTimeAfter"],
            modified_before=times["LastModifiedTimeBefore"],
            sort_by=sort_by,
        )
        body: dict = {"TransformJobSummaries": summaries}
        if next_cursor is not None:
            body["NextToken"] = world.tokens.issue(scope, next_cursor)
        return body

    def listing(self, operation: str) -> tuple[JobKind, str, str] | None:
        return (JobKind.SAGEMAKER, "TransformJobSummaries", "TransformJobArn") if operation == LIST else None

    def break_fields(self, payload: dict, rng: random.Random) -> None:
        jobs = payload.get("TransformJobSummaries", [payload])
        if not jobs:
            return
        job = jobs[rng.randrange(len(jobs))]
        if rng.random() < 0.5:
            for field in ("TransformJobStatus", "CreationTime", "TransformJobName"):
                job.pop(field, None)
        else:
            job["CreationTime"] = "yesterday"
            job["TransformJobStatus"] = 404

