"""Amazon Personalize batch inference and batch segment jobs: one implementation, two kinds.

The list APIs have no status, name, time filter or sort (only solutionVersionArn), so
filters apply on the client: a page may come back empty and still carry a next token.
Each page is ordered by creation time on the client. `status` is a free string: unknown
values map to Phase.UNKNOWN and keep their raw text. There is no API to stop these jobs.
A job's dataset group (the console's pages for it sit under it) is named by its solution
version only: DescribeSolutionVersion, asked once per solution version.
"""

from __future__ import annotations

import asyncio
import sys
from dataclasses import dataclass

import botocore.exceptions as bx

from ..errors import InvalidPageToken, MalformedResponse
from ..models import Filters, Job, JobDetail, JobKind, Page, Source, SourceKey, StopNotSupported, phase_of
from .filtering import resolve_status
from .wire import FirstPageMemo, ItemReader, body_of, capture_documents, document_of, iso_time, read_page

SERVICE = "personalize"
MAX_PAGE_SIZE = 100
STATUSES = ("PENDING", "CREATE PENDING", "IN PROGRESS", "CREATE IN_PROGRESS", "ACTIVE", "CREATE FAILED")
_TIME_FIELDS = ("creationDateTime", "lastUpdatedDateTime")
_TOKEN_ERRORS = frozenset({"InvalidNextTokenException"})


@dataclass(frozen=True, slots=True)
class _Api:
    """The names one job kind uses on the wire."""

    list_method: str
    describe_method: str
    list_field: str
    item_field: str
    arn_field: str


_APIS = {
    JobKind.PERSONALIZE: _Api(
        "list_batch_inference_jobs", "describe_batch_inference_job", "batchInferenceJobs", "batchInferenceJob", "batchInferenceJobArn"
    ),
    JobKind.SEGMENT: _Api(
        "list_batch_segment_jobs", "describe_batch_segment_job", "batchSegmentJobs", "batchSegmentJob", "batchSegmentJobArn"
    ),
}
_DOCUMENT_OPERATIONS = (
    "ListBatchInferenceJobs",
    "ListBatchSegmentJobs",
    "DescribeBatchInferenceJob",
    "DescribeBatchSegmentJob",
    "DescribeSolutionVersion",
)
OPERATIONS = _DOCUMENT_OPERATIONS
"""Every operation this adapter calls (Personalize has no stop): its clients know no other
(tui/lean_loader.py)."""


def prepare_client(client: object) -> None:
    """Make the client hand over raw documents, so one odd item cannot fail a page."""
    capture_documents(client, SERVICE, _DOCUMENT_OPERATIONS)


class PersonalizeSource(Source):
    """Batch inference (JobKind.PERSONALIZE) or batch segment (JobKind.SEGMENT) jobs of one
    (profile, region). `solution_version_arn` is the one filter the API applies itself."""

    def __init__(
        self,
        key: SourceKey,
        client: object,
        *,
        page_size: int = MAX_PAGE_SIZE,
        solution_version_arn: str | None = None,
    ) -> None:
        self.key = key
        self._client = client
        self._source_id = key.id  # one string shared by every row, not one per row
        self._api = _APIS[key.kind]
        self._first_page = FirstPageMemo(self._api.arn_field)
        self.page_size = _clamp(page_size)
        self.solution_version_arn = solution_version_arn
        self._dataset_groups: dict[str, str] = {}
        """Solution version ARN → the dataset group ARN the service named: a solution version
        never moves to another group, so each is asked once."""
        self._asking: dict[str, asyncio.Future[str]] = {}
        """The DescribeSolutionVersion call in flight for a solution version: at most one each."""

    async def list_page(self, filters: Filters, token: str | None = None, *, want: int | None = None) -> Page:
        status = resolve_status(filters.status)
        if status is not None and status.excludes_service(STATUSES):
            return Page([], None)  # e.g. `stopped` or `InProgress`: no Personalize job has it
        size = self.page_size
        if want is not None:
            size = MAX_PAGE_SIZE if filters.active else _clamp(want)
        params: dict[str, object] = {"maxResults": size}
        if self.solution_version_arn:
            params["solutionVersionArn"] = self.solution_version_arn
        if token is not None:
            params["nextToken"] = token
        try:
            response = await self._client.call(self._api.list_method, **params)
        except bx.ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in _TOKEN_ERRORS:
                raise InvalidPageToken(str(exc)) from exc
            raise
        return read_page(
            self._first_page, body_of(response), self._api.list_field, self.job_from, filters,
            first=token is None, sort_key=_created_key,
        )  # fmt: skip

    def adopt(self, jobs: list[Job]) -> None:
        self._first_page.adopt(jobs)

    async def describe(self, arn: str) -> JobDetail:
        response = await self._client.call(self._api.describe_method, **{self._api.arn_field: arn})
        job = document_of(response).get(self._api.item_field)
        if not isinstance(job, dict):
            raise MalformedResponse(f"{self._api.item_field} is missing from the response")
        fields = {name: iso_time(value) if name in _TIME_FIELDS else value for name, value in job.items()}
        return JobDetail(job=self.job_from(job, self._api.item_field), fields=fields)

    async def dataset_group(self, job: Job) -> str | None:
        """The dataset group ARN the service names for the job's solution version (None when
        the job names none). Callers waiting together share one call; one that gives up (a
        timeout) leaves the call running, so its answer is known next time. Errors are
        raised (ClientError, MalformedResponse...) and not remembered: the next ask calls again."""
        version = job.model
        if not version:
            return None
        known = self._dataset_groups.get(version)
        if known is not None:
            return known
        asking = self._asking.get(version)
        if asking is None:
            asking = self._asking[version] = asyncio.ensure_future(self._ask_dataset_group(version))
            asking.add_done_callback(lambda done: self._answered(version, done))
        return await asyncio.shield(asking)

    def known_dataset_group(self, job: Job) -> str | None:
        return self._dataset_groups.get(job.model)

    async def _ask_dataset_group(self, version: str) -> str:
        response = await self._client.call("describe_solution_version", solutionVersionArn=version)
        solution = document_of(response).get("solutionVersion")
        group = solution.get("datasetGroupArn") if isinstance(solution, dict) else None
        if not isinstance(group, str) or not group:
            raise MalformedResponse("solutionVersion.datasetGroupArn is missing from the response")
        return group

    def _answered(self, version: str, done: asyncio.Future[str]) -> None:
        del self._asking[version]
        if not done.cancelled() and done.exception() is None:  # (an error is read here, so never "unretrieved")
            self._dataset_groups[version] = done.result()

    async def stop(self, arn: str) -> None:
        raise StopNotSupported(f"{self.key.kind.label} jobs cannot be stopped: Amazon Personalize has no stop API")

    def job_from(self, item: object, where: str) -> Job:
        """One job summary or description → Job; unreadable fields become notes.

        Personalize reports no end time: a finished job's last update is when it ended.
        Values that repeat from row to row (status, solution version, failure reason) are
        interned: many thousands of rows are held at once.
        """
        read = ItemReader(item, where)
        arn = read.identity(self._api.arn_field, "jobName", "creationDateTime")
        status = sys.intern(read.text("status", required=True))
        phase = phase_of(status)
        updated = read.time("lastUpdatedDateTime")
        return Job(
            arn=arn,
            name=read.text("jobName", required=True),
            kind=self.key.kind,
            source=self._source_id,
            status=status,
            phase=phase,
            created=read.time("creationDateTime", required=True),
            updated=updated,
            ended=updated if phase.terminal else None,
            model=sys.intern(read.text("solutionVersionArn")),
            message=sys.intern(read.text("failureReason")),
            notes=tuple(read.notes),
        )


def _created_key(job: Job) -> float:
    return job.created.timestamp() if job.created is not None else float("-inf")


def _clamp(size: int) -> int:
    return max(1, min(MAX_PAGE_SIZE, int(size)))

