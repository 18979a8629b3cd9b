"""Amazon SageMaker batch transform jobs: the only code that knows their AWS field names.

Uses the server-side filters the API has (StatusEquals, NameContains, CreationTimeAfter /
Before, SortBy=CreationTime + SortOrder) and checks each job on the client as well. The API
addresses a job by name, not ARN, and its ARNs carry the name in lower case: the source keeps
the listed name of each job whose name differs from its ARN's, and otherwise asks by the ARN's.
There are no record counts: a running job's progress is unknown.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import sys


from ..models import Filters, Job, JobDetail, JobKind, Page, Source, SourceKey, phase_of
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

SERVICE = "sagemaker"
MAX_PAGE_SIZE = 100
STATUSES = ("InProgress", "Completed", "Failed", "Stopping", "Stopped")
# The API's TransformJobName, `[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}` within 63 characters, spelled to
# match fast (every listed name is checked).
JOB_NAME = re.compile(r"[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?")
_SERVER_NAME = re.compile(r"[a-zA-Z0-9\-]{1,63}")  # NameContains must match this, or the call fails
_ARN_RESOURCE = ":transform-job/"
_LIST_FIELD = "TransformJobSummaries"
_DOCUMENT_OPERATIONS = ("ListTransformJobs", "DescribeTransformJob")
OPERATIONS = (*_DOCUMENT_OPERATIONS, "StopTransformJob")
"""Every operation this adapter calls: its clients know no other (tui/lean_loader.py)."""
_TIME_FIELDS = ("CreationTime", "TransformStartTime", "TransformEndTime", "LastModifiedTime")


def prepare_client(client: object) -> None:
    """Make the client hand over raw documents, so one odd item cannot fail a page."""
    capture_documents(client, SERVICE, _DOCUMENT_OPERATIONS)


class SageMakerSource(Source):
    """Batch transform jobs of one (profile, region)."""

    def __init__(self, key: SourceKey, client: object, *, first_page_size: int = MAX_PAGE_SIZE,
                 page_size: int = MAX_PAGE_SIZE) -> None:
        self.key = key
        self._client = client
        self._source_id = key.id  # one string shared by every row, not one per row
        self._first_page = FirstPageMemo("TransformJobArn")
        self._names: dict[str, str] = {}  # ARN → name, only where the ARN does not spell the name
        self.first_page_size = _clamp(first_page_size)
        self.page_size = _clamp(page_size)

    async def list_page(self, filters: Filters, token: str | None = None, *, want: int | None = None) -> Page:
        status = resolve_status(filters.status)
        params: dict[str, object] = {"SortBy": "CreationTime", "SortOrder": "Descending" if filters.newest_first else "Ascending"}
        exact = True  # does the server apply every filter, so a page of N rows is N matches?
        if status is not None:
            candidates = status.raw_candidates(STATUSES)
            if len(candidates) == 1:
                params["StatusEquals"] = candidates[0]
            elif status.excludes_service(STATUSES):
                return Page([], None)  # e.g. `queued` or `ACTIVE`: no transform job has it
            else:
                exact = False
        if filters.name:
            if _SERVER_NAME.fullmatch(filters.name):
                params["NameContains"] = filters.name
            else:
                exact = False  # the API rejects such text: match it on the client only
        # The SDK sends whole seconds: widen to them, and let the client-side check cut exactly.
        if filters.submitted_after is not None:
            params["CreationTimeAfter"] = _whole_second(filters.submitted_after, math.floor)
            exact = False
        if filters.submitted_before is not None:
            params["CreationTimeBefore"] = _whole_second(filters.submitted_before, math.ceil)
            exact = False
        size = self.first_page_size if token is None else self.page_size
        if want is not None:
            size = _clamp(want) if exact else MAX_PAGE_SIZE
        params["MaxResults"] = size
        if token is not None:
            params["NextToken"] = token
        body = await list_body(self._client, "list_transform_jobs", params, token)
        return read_page(
            self._first_page, body, _LIST_FIELD, self.job_from, filters, first=token is None, token_field="NextToken"
        )

    def adopt(self, jobs: list[Job]) -> None:
        self._first_page.adopt(jobs)

    async def describe(self, arn: str) -> JobDetail:
        """`arn` may also be a job name (what the API itself takes)."""
        document = document_of(await self._client.call("describe_transform_job", TransformJobName=self.name_of(arn)))
        fields = {name: iso_time(value) if name in _TIME_FIELDS else value for name, value in document.items()}
        return JobDetail(job=self.job_from(document, "the job"), fields=fields)

    async def stop(self, arn: str) -> None:
        await self._client.call("stop_transform_job", TransformJobName=self.name_of(arn))

    def name_of(self, arn: str) -> str:
        """The name to ask the API by: the listed one, else the ARN's, else `arn` is a name."""
        listed = self._names.get(arn)
        if listed is not None:
            return listed
        if arn.startswith("arn:") and _ARN_RESOURCE in arn:
            return arn.split(_ARN_RESOURCE, 1)[1]
        return arn

    def job_from(self, item: object, where: str) -> Job:
        """One job summary (list item or describe response) → Job; unreadable fields become notes.

        Values that repeat from row to row (status, model, failure reason) are interned, and a
        finished job's end and last-modified times share one object: many rows are held at once.
        """
        read = ItemReader(item, where)
        arn = read.identity("TransformJobArn", "TransformJobName", "CreationTime")
        name = read.text("TransformJobName", required=True)
        if JOB_NAME.fullmatch(name) and _ARN_RESOURCE in arn and arn.split(_ARN_RESOURCE, 1)[1] != name:
            self._names[arn] = name
        status = sys.intern(read.text("TransformJobStatus", required=True))
        updated = read.time("LastModifiedTime")
        ended = read.time("TransformEndTime")
        return Job(
            arn=arn,
            name=name,
            kind=JobKind.SAGEMAKER,
            source=self._source_id,
            status=status,
            phase=phase_of(status),
            created=read.time("CreationTime", required=True),
            updated=updated,
            ended=updated if ended is not None and ended == updated else ended,
            model=sys.intern(read.text("ModelName")),
            message=sys.intern(read.text("FailureReason")),
            notes=tuple(read.notes),
        )


def _whole_second(moment: dt.datetime, rounding) -> dt.datetime:
    return dt.datetime.fromtimestamp(rounding(aware(moment).timestamp()), dt.timezone.utc)


def _clamp(size: int) -> int:
    return max(1, min(MAX_PAGE_SIZE, int(size)))
