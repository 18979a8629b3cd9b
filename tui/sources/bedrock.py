"""Amazon Bedrock model invocation jobs: the only code that knows their AWS field names.

Uses every server-side filter the API has (statusEquals, nameContains, submitTimeAfter /
Before, sortBy=CreationTime + sortOrder) and checks each job on the client as well.
Record counts and `modelInvocationType` come from the raw response (see wire.py), because
the pinned botocore's model drops them.
"""

from __future__ import annotations

import re
import sys


from ..models import Filters, Job, JobDetail, JobKind, Page, RecordCounts, Source, SourceKey, phase_of
from .filtering import aware, resolve_status
from .wire import (
    FirstPageMemo,
    ItemReader,
    capture_documents,
    document_of,
    iso_time,
    list_body,
    read_page,
)

SERVICE = "bedrock"
MAX_PAGE_SIZE = 1000
STATUSES = (
    "Submitted",
    "Validating",
    "Scheduled",
    "InProgress",
    "Stopping",
    "Stopped",
    "Completed",
    "PartiallyCompleted",
    "Failed",
    "Expired",
)
# nameContains must match the API's job-name pattern, or the call fails with ValidationException.
_SERVER_NAME = re.compile(r"[a-zA-Z0-9]{1,63}(-*[a-zA-Z0-9+\-.]){0,63}")
_DOCUMENT_OPERATIONS = ("ListModelInvocationJobs", "GetModelInvocationJob")
OPERATIONS = (*_DOCUMENT_OPERATIONS, "StopModelInvocationJob")
"""Every operation this adapter calls: its clients know no other (tui/lean_loader.py)."""
_TIME_FIELDS = ("submitTime", "lastModifiedTime", "endTime", "jobExpirationTime")
_COUNT_FIELDS = ("totalRecordCount", "processedRecordCount", "successRecordCount", "errorRecordCount")


def prepare_client(client: object) -> None:
    """Make the client hand over raw documents (counts, invocation type, tolerant parsing)."""
    capture_documents(client, SERVICE, _DOCUMENT_OPERATIONS)


class BedrockSource(Source):
    """Model invocation jobs of one (profile, region).

    `first_page_size` is asked for the first page (the refresh tick), `page_size` for the
    pages after it; a caller that needs only `want` more rows asks for no more than that.
    """

    def __init__(self, key: SourceKey, client: object, *, first_page_size: int = 100, page_size: int = MAX_PAGE_SIZE):
        self.key = key
        self._client = client
        self._source_id = key.id  # one string shared by every row, not one per row
        self._first_page = FirstPageMemo("jobArn")
        self.first_page_size = _clamp(first_page_size)
        self.page_size = _clamp(page_size)

    async def list_page(self, filters: Filters, token: str | None = None, *, want: int | None = None) -> Page:
        status = resolve_status(filters.status)
        params: dict[str, object] = {"sortBy": "CreationTime", "sortOrder": "Descending" if filters.newest_first else "Ascending"}
        exact = True  # does the server apply every filter, so a page of N rows is N matches?
        if status is not None:
            candidates = status.raw_candidates(STATUSES)
            if len(candidates) == 1:
                params["statusEquals"] = candidates[0]
            elif status.excludes_service(STATUSES):
                return Page([], None)  # e.g. `ACTIVE`: only Personalize uses it
            else:
                exact = False
        if filters.name:
            if len(filters.name) <= 63 and _SERVER_NAME.fullmatch(filters.name):
                params["nameContains"] = filters.name
            else:
                exact = False  # the API rejects such text: match it on the client only
        if filters.submitted_after is not None:
            params["submitTimeAfter"] = aware(filters.submitted_after)
        if filters.submitted_before is not None:
            params["submitTimeBefore"] = aware(filters.submitted_before)
        size = self.first_page_size if token is None else self.page_size
        if want is not None:
            size = _clamp(want) if exact else MAX_PAGE_SIZE
        params["maxResults"] = size
        if token is not None:
            params["nextToken"] = token
        body = await list_body(self._client, "list_model_invocation_jobs", params, token)
        return read_page(self._first_page, body, "invocationJobSummaries", self.job_from, filters, first=token is None)

    def adopt(self, jobs: list[Job]) -> None:
        self._first_page.adopt(jobs)

    async def describe(self, arn: str) -> JobDetail:
        document = document_of(await self._client.call("get_model_invocation_job", jobIdentifier=arn))
        fields = {name: iso_time(value) if name in _TIME_FIELDS else value for name, value in document.items()}
        return JobDetail(job=self.job_from(document, "the job"), fields=fields)

    async def stop(self, arn: str) -> None:
        await self._client.call("stop_model_invocation_job", jobIdentifier=arn)

    def job_from(self, item: object, where: str) -> Job:
        """One job summary (list item or Get response) → Job; unreadable fields become notes.

        100,000 rows are held at once, so values that repeat from row to row (status, model,
        invocation type, message) are interned, and equal values within a row share one
        object: a finished job's end and last-modified times, its total and processed counts.
        """
        read = ItemReader(item, where)
        arn = read.identity("jobArn", "jobName", "submitTime")
        status = sys.intern(read.text("status", required=True))
        shared: dict[int | None, int | None] = {}
        counts = [shared.setdefault(count, count) for count in (read.count(field) for field in _COUNT_FIELDS)]
        updated = read.time("lastModifiedTime")
        ended = read.time("endTime")
        invocation_type = read.optional_text("modelInvocationType")
        return Job(
            arn=arn,
            name=read.text("jobName", required=True),
            kind=JobKind.BEDROCK,
            source=self._source_id,
            status=status,
            phase=phase_of(status),
            created=read.time("submitTime", required=True),
            updated=updated,
            ended=updated if ended is not None and ended == updated else ended,
            model=sys.intern(read.text("modelId")),
            message=sys.intern(read.text("message")),
            invocation_type=sys.intern(invocation_type) if invocation_type is not None else None,
            records=RecordCounts(*counts) if any(count is not None for count in counts) else None,
            notes=tuple(read.notes),
        )


def _clamp(size: int) -> int:
    return max(1, min(MAX_PAGE_SIZE, int(size)))

