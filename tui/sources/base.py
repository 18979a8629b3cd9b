"""What every source adapter offers: list a page, describe, stop. No AWS names leak past here."""

from __future__ import annotations

import abc
import datetime as dt
from dataclasses import dataclass

from ..models import Job, JobDetail, JobKind


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
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
