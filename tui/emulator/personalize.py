"""Amazon Personalize batch inference and batch segment jobs over JSON 1.1.

`POST /` with `X-Amz-Target: AmazonPersonalize.<Operation>`; errors are
`{"__type": code, "message": ...}`. There is no stop operation: the real service has none.
DescribeSolutionVersion answers for the solution versions the jobs run on: it names the
dataset group a job belongs to, which the console's pages for the job sit under.
"""

from __future__ import annotations

import json
import random
import re
from typing import Any

from aiohttp import web

from ..models import JobKind
from .catalog import ACCOUNT
from .jobs import epoch
from .protocol import ApiError, Json11Protocol, constraint_errors, int_problem
from .tokens import InvalidToken
from .world import World, parse_arn

TARGET_PREFIX = "AmazonPersonalize."
LIST_INFERENCE, LIST_SEGMENT = "ListBatchInferenceJobs", "ListBatchSegmentJobs"
DESCRIBE_INFERENCE, DESCRIBE_SEGMENT = "DescribeBatchInferenceJob", "DescribeBatchSegmentJob"
LISTS = {LIST_INFERENCE: (JobKind.PERSONALIZE, "batchInferenceJobs"), LIST_SEGMENT: (JobKind.SEGMENT, "batchSegmentJobs")}
LIST_ARN_FIELDS = {LIST_INFERENCE: "batchInferenceJobArn", LIST_SEGMENT: "batchSegmentJobArn"}
DESCRIBES = {
    DESCRIBE_INFERENCE: (JobKind.PERSONALIZE, "batchInferenceJobArn", "batchInferenceJob"),
    DESCRIBE_SEGMENT: (JobKind.SEGMENT, "batchSegmentJobArn", "batchSegmentJob"),
}
DESCRIBE_SOLUTION_VERSION = "DescribeSolutionVersion"
DEFAULT_MAX_RESULTS = 100
ARN_PATTERN = r"arn:([a-z\d-]+):personalize:.*:.*:.+"
MAX_TOKEN = 1500


class Personalize(Json11Protocol):
    service = "personalize"
    target_prefix = TARGET_PREFIX
    throttle_code = "LimitExceededException"
    expired_token_status = 403
    malformable = frozenset(LISTS) | frozenset(DESCRIBES) | {DESCRIBE_SOLUTION_VERSION}

    async def params(self, request: web.Request, operation: str) -> dict[str, Any]:
        raw = await request.read()
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            raise ApiError("SerializationException", "Start of structure or map found where not expected.") from None
        if not isinstance(body, dict):
            raise ApiError("SerializationException", "Start of structure or map found where not expected.")
        return body

    def execute(self, world: World, region: str, operation: str, params: dict[str, Any]) -> dict:
        if operation in LISTS:
            return self._list(world, region, operation, params)
        if operation in DESCRIBES:
            return self._describe(world, region, operation, params)
        if operation == DESCRIBE_SOLUTION_VERSION:
            return self._describe_solution_version(world, region, params)
        raise ApiError("UnknownOperationException", f"Operation {operation} is not supported by this endpoint.")

    def _list(self, world: World, region: str, operation: str, params: dict[str, Any]) -> dict:
        kind, result_key = LISTS[operation]
        problems: list = []
        max_results = params.get("maxResults", DEFAULT_MAX_RESULTS)
        if isinstance(max_results, str):  # JSON 1.1 wants a number, not a numeric string
            problems.append(("maxResults", max_results, "Member must be an integer"))
        elif problem := int_problem("maxResults", max_results, 1, 100):
            problems.append(problem)
        solution = params.get("solutionVersionArn")
        if solution is not None and (not isinstance(solution, str) or len(solution) > 256
                                     or not re.fullmatch(ARN_PATTERN, solution)):
            problems.append(("solutionVersionArn", solution, f"Member must satisfy regular expression pattern: {ARN_PATTERN}"))
        token = params.get("nextToken")
        if token is not None and (not isinstance(token, str) or len(token) > MAX_TOKEN or not token.isascii()):
            problems.append(("nextToken", str(token)[:100], f"Member must have length less than or equal to {MAX_TOKEN}"))
        error = constraint_errors(problems, "InvalidInputException")
        if error:
            raise error
        scope = "|".join(map(str, (operation, region, solution)))
        cursor = None
        if token is not None:
            try:
                cursor = world.tokens.read(scope, token)
            except InvalidToken:
                raise ApiError("InvalidNextTokenException", "Invalid next token.") from None
        summaries, next_cursor = world.list_jobs(
            region, kind, limit=int(max_results), cursor=cursor, solution_version=solution
        )
        body: dict = {result_key: summaries}
        if next_cursor is not None:
            body["nextToken"] = world.tokens.issue(scope, next_cursor)
        return body

    def _describe(self, world: World, region: str, operation: str, params: dict[str, Any]) -> dict:
        kind, arn_field, result_key = DESCRIBES[operation]
        arn = _valid_arn(params, arn_field)
        parsed = parse_arn(arn)
        if parsed is None or parsed[0] != region or parsed[1] != ACCOUNT or parsed[2] is not kind:
            raise ApiError("ResourceNotFoundException", f"Could not find resource with ARN {arn}")
        try:
            return {result_key: world.describe(region, kind, parsed[3])}
        except KeyError:
            raise ApiError("ResourceNotFoundException", f"Could not find resource with ARN {arn}") from None

    def _describe_solution_version(self, world: World, region: str, params: dict[str, Any]) -> dict:
        arn = _valid_arn(params, "solutionVersionArn")
        version = world.solution_version(region, arn)
        if version is None:
            raise ApiError("ResourceNotFoundException", f"Could not find resource with ARN {arn}")
        return {"solutionVersion": {  # in the model's member order
            "solutionVersionArn": version.arn,
            "solutionArn": version.solution_arn,
            "performHPO": False,
            "performAutoML": False,
            "recipeArn": version.recipe_arn,
            "datasetGroupArn": version.dataset_group_arn,
            "trainingHours": version.training_hours,
            "trainingMode": "FULL",
            "status": "ACTIVE",
            "creationDateTime": epoch(version.created),
            "lastUpdatedDateTime": epoch(version.created + version.training_hours * 3600),
            "trainingType": "MANUAL",
        }}

    def listing(self, operation: str) -> tuple[JobKind, str, str] | None:
        if operation not in LISTS:
            return None
        kind, result_key = LISTS[operation]
        return kind, result_key, LIST_ARN_FIELDS[operation]

    def break_fields(self, payload: dict, rng: random.Random) -> None:
        jobs = next((value for value in payload.values() if isinstance(value, list)), None)
        if jobs is None:
            jobs = [value for value in payload.values() if isinstance(value, dict)]
        if not jobs:
            return
        job = jobs[rng.randrange(len(jobs))]
        if rng.random() < 0.5:
            for field in ("status", "creationDateTime", "jobName", "datasetGroupArn"):
                job.pop(field, None)
        else:
            job["creationDateTime"] = "yesterday"
            job["status"] = 404
            if "datasetGroupArn" in job:
                job["datasetGroupArn"] = 404


def _valid_arn(params: dict[str, Any], field: str) -> str:
    """The ARN parameter `field`, or the service's InvalidInputException when it is missing
    or does not fit the model's Arn shape (at most 256 characters, its pattern)."""
    arn = params.get(field)
    if not isinstance(arn, str) or len(arn) > 256 or not re.fullmatch(ARN_PATTERN, arn, re.DOTALL):
        rule = f"Member must satisfy regular expression pattern: {ARN_PATTERN}"
        if arn is None:
            rule = "Member must not be null"
        raise constraint_errors([(field, arn, rule)], "InvalidInputException")
    return arn
