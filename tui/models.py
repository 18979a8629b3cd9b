"""The job model shared by every layer: what a job is, once the AWS field names are gone.

`Job` is a slotted pydantic dataclass, not a BaseModel: 100,000 loaded rows must stay
light (measured: ~37 MB for 100k slotted rows against ~147 MB for BaseModel instances).
Sources validate AWS responses into these types; nothing downstream knows AWS field names.
"""

from __future__ import annotations

import datetime as dt
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

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]

    @property
    def can_stop(self) -> bool:
        """Only Bedrock has a stop API; Personalize has none for batch jobs."""
        return self is JobKind.BEDROCK


_KIND_LABELS = {
    JobKind.BEDROCK: "Bedrock invocation",
    JobKind.PERSONALIZE: "Personalize inference",
    JobKind.SEGMENT: "Personalize segment",
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


@dataclass(frozen=True, slots=True)
class JobDetail:
    """Everything a describe call returned, in the service's order, for the detail screen.

    `fields` maps the service's field name to its JSON-able value (timestamps as
    ISO 8601 strings). `job` is the same response folded into a table row.
    """

    job: Job
    fields: dict[str, object]
