"""The domain values shared by every layer: what a job, a source, a page and a problem are, once
the AWS field names are gone. Importing this loads neither botocore nor any source adapter.

`Job` is a slotted pydantic dataclass, not a BaseModel: 100,000 loaded rows must stay
light (measured: ~37 MB for 100k slotted rows against ~147 MB for BaseModel instances).
Sources validate AWS responses into these types; nothing downstream knows AWS field names.
"""

from __future__ import annotations

import abc
import datetime as dt
from dataclasses import dataclass as plain_dataclass
from enum import Enum

from pydantic import ConfigDict
from pydantic.dataclasses import dataclass


class Phase(str, Enum):
    """One phase per raw status, across services (DESIGN.md, job states)."""

    QUEUED = "queued"
    RUNNING = "running"
    STOPPING = "stopping"
    SUCCEEDED = "succeeded"
    PARTIAL = "partial"
    FAILED = "failed"
    STOPPED = "stopped"
    EXPIRED = "expired"
    UNKNOWN = "unknown"

    @property
    def terminal(self) -> bool:
        """Terminal jobs never change, so they are never fetched again."""
        return self in _TERMINAL

    @property
    def glyph(self) -> str:
        """A shape per phase, so the table reads without colour (NO_COLOR, colour-blind)."""
        return _GLYPHS[self]


_TERMINAL = frozenset({Phase.SUCCEEDED, Phase.PARTIAL, Phase.FAILED, Phase.STOPPED, Phase.EXPIRED})

_GLYPHS = {
    Phase.QUEUED: "◷",
    Phase.RUNNING: "▶",
    Phase.STOPPING: "◼",
    Phase.SUCCEEDED: "✔",
    Phase.PARTIAL: "◐",
    Phase.FAILED: "✖",
    Phase.STOPPED: "■",
    Phase.EXPIRED: "⌛",
    Phase.UNKNOWN: "?",
}

STATUS_PHASES: dict[str, Phase] = {
    # Amazon Bedrock model invocation jobs
    "Submitted": Phase.QUEUED,
    "Validating": Phase.QUEUED,
    "Scheduled": Phase.QUEUED,
    "InProgress": Phase.RUNNING,
    "Stopping": Phase.STOPPING,
    "Completed": Phase.SUCCEEDED,
    "PartiallyCompleted": Phase.PARTIAL,
    "Failed": Phase.FAILED,
    "Stopped": Phase.STOPPED,
    "Expired": Phase.EXPIRED,
    # Amazon Personalize batch inference / batch segment jobs (status is a free string)
    "PENDING": Phase.QUEUED,
    "CREATE PENDING": Phase.QUEUED,
    "IN PROGRESS": Phase.RUNNING,
    "CREATE IN_PROGRESS": Phase.RUNNING,
    "ACTIVE": Phase.SUCCEEDED,
    "CREATE FAILED": Phase.FAILED,
    # SageMaker batch transform jobs use Bedrock's spellings: InProgress, Completed, Failed,
    # Stopping, Stopped (above)
}


def phase_of(raw_status: str | None) -> Phase:
    """Map a raw service status to its phase; anything unrecognised is UNKNOWN (still watched)."""
    if not raw_status:
        return Phase.UNKNOWN
    return STATUS_PHASES.get(raw_status, Phase.UNKNOWN)


class JobKind(str, Enum):
    """The job kinds batchtop watches; the value is the `--source` spelling."""

    BEDROCK = "bedrock"
    PERSONALIZE = "personalize"
    SEGMENT = "segment"
    SAGEMAKER = "sagemaker"

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]

    @property
    def can_stop(self) -> bool:
        """Bedrock and SageMaker have a stop API; Personalize has none for batch jobs."""
        return self in (JobKind.BEDROCK, JobKind.SAGEMAKER)

    @property
    def in_dataset_group(self) -> bool:
        """Personalize batch jobs belong to a dataset group, and the console shows them under it."""
        return self in (JobKind.PERSONALIZE, JobKind.SEGMENT)


_BEDROCK_STATUSES = ("Submitted", "Validating", "Scheduled", "InProgress", "Stopping", "Completed",
                     "PartiallyCompleted", "Failed", "Stopped", "Expired")
_PERSONALIZE_STATUSES = ("PENDING", "CREATE PENDING", "IN PROGRESS", "CREATE IN_PROGRESS", "ACTIVE", "CREATE FAILED")
KIND_STATUSES: dict[JobKind, tuple[str, ...]] = {
    JobKind.BEDROCK: _BEDROCK_STATUSES,
    JobKind.PERSONALIZE: _PERSONALIZE_STATUSES,
    JobKind.SEGMENT: _PERSONALIZE_STATUSES,
    JobKind.SAGEMAKER: ("InProgress", "Stopping", "Completed", "Failed", "Stopped"),
}
"""The raw statuses each kind of job can have (every one is in STATUS_PHASES)."""

_KIND_LABELS = {
    JobKind.BEDROCK: "Bedrock invocation",
    JobKind.PERSONALIZE: "Personalize inference",
    JobKind.SEGMENT: "Personalize segment",
    JobKind.SAGEMAKER: "SageMaker transform",
}


@dataclass(frozen=True, slots=True)
class RecordCounts:
    """Bedrock record counts (recovered from the raw response; see sources/bedrock.py)."""

    total: int | None = None
    processed: int | None = None
    succeeded: int | None = None
    failed: int | None = None

    @property
    def fraction(self) -> float | None:
        """Processed / total in [0, 1], or None when the service did not say."""
        if not self.total or self.processed is None:
            return None
        return max(0.0, min(1.0, self.processed / self.total))


STAND_IN_PREFIX = "unknown-arn:"
"""How a job's ARN starts when the service sent none: a stand-in made from its name and
creation time (sources/wire.py), never sent back to AWS."""


@dataclass(frozen=True, slots=True, config=ConfigDict(arbitrary_types_allowed=False))
class Job:
    """One row of the table: a job summary as a list call (or a describe) returned it.

    `source` is the source id (see sources.base.SourceKey.id). Strings are raw: the
    sanitiser runs at render time. `notes` says what could not be read from a malformed
    response, so the row still shows what could.
    """

    arn: str
    name: str
    kind: JobKind
    source: str
    status: str
    phase: Phase
    created: dt.datetime | None = None
    updated: dt.datetime | None = None
    ended: dt.datetime | None = None
    model: str = ""
    message: str = ""
    invocation_type: str | None = None
    records: RecordCounts | None = None
    notes: tuple[str, ...] = ()
    listed_at: dt.datetime | None = None
    """Only for a job whose creation time could not be read: its neighbour's in the service's
    listing, so the row sorts where the service listed it instead of sinking to the bottom as
    pages load (and dragging the cursor with it). Never shown."""

    @property
    def order_time(self) -> dt.datetime | None:
        """The time the job sorts by: its creation time, else where it was listed."""
        return self.created or self.listed_at

    @property
    def stand_in(self) -> bool:
        """The service sent no ARN for this row: it cannot be described, and it gives way to
        the same job listed under its real ARN."""
        return self.arn.startswith(STAND_IN_PREFIX)


@dataclass(frozen=True, slots=True)
class JobDetail:
    """Everything a describe call returned, in the service's order, for the detail screen.

    `fields` maps the service's field name to its JSON-able value (timestamps as
    ISO 8601 strings). `job` is the same response folded into a table row.
    """

    job: Job
    fields: dict[str, object]


@plain_dataclass(frozen=True, slots=True)
class SourceKey:
    """One (profile, region, kind): the unit that is listed, paged and refreshed."""

    profile: str | None
    region: str
    kind: JobKind

    @property
    def id(self) -> str:
        """Stable id used in `Job.source`, e.g. `default/us-east-1/bedrock`."""
        return f"{self.profile or 'default'}/{self.region}/{self.kind.value}"

    @property
    def label(self) -> str:
        return f"{self.kind.label} · {self.region}"


def split_source_id(source: str) -> tuple[str, str, str] | None:
    """A `SourceKey.id` read back as (profile, region, kind); None when `source` is not one.

    Split from the right: a profile name may itself hold '/'.
    """
    parts = source.rsplit("/", 2)
    return (parts[0], parts[1], parts[2]) if len(parts) == 3 else None


@plain_dataclass(frozen=True, slots=True)
class Filters:
    """What the user asked to see. Empty strings mean "no filter".

    `status` is a phase name (`running`) or a raw status (`InProgress`, `CREATE FAILED`).
    `name` matches as a literal, case-insensitive substring (never a regex).
    `newest_first` is the creation-time order asked of the service where it can sort.
    """

    name: str = ""
    status: str = ""
    submitted_after: dt.datetime | None = None
    submitted_before: dt.datetime | None = None
    newest_first: bool = True

    @property
    def active(self) -> bool:
        return bool(self.name or self.status or self.submitted_after or self.submitted_before)


@plain_dataclass(frozen=True, slots=True)
class Page:
    """One list call's result, already filtered (client-side where the API cannot).

    A page may hold no jobs and still carry a `next_token`: keep paging.
    `next_token` is opaque and passed back byte for byte.
    """

    jobs: list[Job]
    next_token: str | None


class StopNotSupported(Exception):
    """The service has no API to stop this kind of job (Personalize batch jobs)."""


class Source(abc.ABC):
    """An adapter for one job kind in one (profile, region)."""

    key: SourceKey

    @abc.abstractmethod
    async def list_page(self, filters: Filters, token: str | None = None) -> Page:
        """Fetch one page, newest first, honouring `filters` server-side where possible."""

    @abc.abstractmethod
    async def describe(self, arn: str) -> JobDetail:
        """Fetch everything the service says about one job."""

    async def stop(self, arn: str) -> None:
        """Ask the service to stop the job. Only Bedrock can; see `JobKind.can_stop`."""
        raise StopNotSupported(f"{self.key.kind.label} jobs cannot be stopped: the service has no stop API")

    def adopt(self, jobs: list[Job]) -> None:
        """`jobs` (kept from the last run) are shown before the first list call: a source that
        keeps jobs between calls keeps these very objects when the service lists them unchanged."""

    async def dataset_group(self, job: Job) -> str | None:
        """The ARN of the Personalize dataset group `job` belongs to, as the service names it
        (the console's pages for the job sit under it); None for kinds that have none."""
        return None

    def known_dataset_group(self, job: Job) -> str | None:
        """`dataset_group(job)` when it is already known, without calling AWS; else None."""
        return None


class ProblemKind(str, Enum):
    """What kind of failure a `Problem` is: the header groups and the tests match on these."""

    SSO_EXPIRED = "sso_expired"
    NO_CREDENTIALS = "no_credentials"
    EXPIRED_TOKEN = "expired_token"
    ACCESS_DENIED = "access_denied"
    THROTTLED = "throttled"
    NETWORK = "network"
    SERVICE = "service"
    NOT_FOUND = "not_found"
    MALFORMED = "malformed"
    INVALID_TOKEN = "invalid_token"

    @property
    def transient(self) -> bool:
        """Problems that go away by themselves: retrying later is the fix."""
        return self in (ProblemKind.THROTTLED, ProblemKind.NETWORK, ProblemKind.SERVICE)


@plain_dataclass(frozen=True, slots=True)
class Problem:
    """What went wrong, as the UI and scripts show it.

    `kind` says what failed; `message` is one sentence ending with the fix;
    `retry_after` is the wait the service asked for (throttling), when it said.
    """

    kind: ProblemKind
    message: str
    retry_after: float | None = None

    @property
    def transient(self) -> bool:
        """Problems that go away by themselves: retrying later is the fix."""
        return self.kind.transient
