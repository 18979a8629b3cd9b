"""What a `Filters` means for one job: the client-side half of filtering.

Sources ask the service to filter where its API can, then check every job here too, so a
page never holds a job the filters exclude, whatever the service did.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..models import STATUS_PHASES, Filters, Job, Phase, phase_of

_PHASES_BY_NAME = {phase.value: phase for phase in Phase}
_RAW_BY_FOLDED = {raw.casefold(): raw for raw in STATUS_PHASES}


@dataclass(frozen=True, slots=True)
class StatusFilter:
    """A status filter resolved: either a phase, or one raw status (canonical spelling if known)."""

    phase: Phase | None = None
    raw: str | None = None

    def matches(self, status: str) -> bool:
        if self.phase is not None:
            return phase_of(status) is self.phase
        return self.raw is not None and status.casefold() == self.raw.casefold()

    def raw_candidates(self, service_statuses: tuple[str, ...]) -> tuple[str, ...]:
        """The service's known raw statuses this filter selects."""
        return tuple(status for status in service_statuses if self.matches(status))

    def excludes_service(self, service_statuses: tuple[str, ...]) -> bool:
        """True when no job of a service with these known statuses can match: a known phase
        none of them maps to, or a known raw status of another service. Saves the call."""
        if self.raw_candidates(service_statuses):
            return False
        if self.phase is not None:
            return self.phase is not Phase.UNKNOWN
        return self.raw in STATUS_PHASES


def resolve_status(text: str) -> StatusFilter | None:
    """`running` → the phase; `inprogress` → raw `InProgress`; an unknown raw string is kept as is."""
    wanted = text.strip()
    if not wanted:
        return None
    phase = _PHASES_BY_NAME.get(wanted.casefold())
    if phase is not None:
        return StatusFilter(phase=phase)
    return StatusFilter(raw=_RAW_BY_FOLDED.get(wanted.casefold(), wanted))


def is_known_status(text: str) -> bool:
    """True for a phase name or a raw status in DESIGN.md's table (any case)."""
    folded = text.strip().casefold()
    return folded in _PHASES_BY_NAME or folded in _RAW_BY_FOLDED


def valid_statuses() -> list[str]:
    """Every phase name, then every known raw status: for error messages and completion."""
    return [phase.value for phase in Phase] + list(STATUS_PHASES)


def job_matches(job: Job, filters: Filters) -> bool:
    """Does `job` pass every filter? Unknown creation times pass the time filters."""
    if filters.name and filters.name.casefold() not in job.name.casefold():
        return False
    status = resolve_status(filters.status)
    if status is not None and not status.matches(job.status):
        return False
    if job.created is not None:
        if filters.submitted_after is not None and job.created < aware(filters.submitted_after):
            return False
        if filters.submitted_before is not None and job.created > aware(filters.submitted_before):
            return False
    return True


def aware(moment: dt.datetime) -> dt.datetime:
    """A naive datetime from a caller is taken as UTC, so comparisons never raise."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.timezone.utc)
