"""A job as plain data: the field names and order that exports and `batchtop ls` write.

Values stay as the service sent them (files and scripts want data, not screen text); the
caller says how times read and where the job lives (`output.output_record`: one record for
`ls` and the export).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from .models import Job

TimeText = Callable[[dt.datetime | None], "str | None"]

COUNT_FIELDS = ("total", "processed", "succeeded", "failed")


def job_record(job: Job, place: Mapping[str, object], time_text: TimeText) -> dict[str, Any]:
    """Every field of `job` by name, `place` right after `kind`, record counts when known."""
    records = job.records
    return {
        "arn": job.arn,
        "name": job.name,
        "kind": job.kind.value,
        **place,
        "status": job.status,
        "phase": job.phase.value,
        "created": time_text(job.created),
        "updated": time_text(job.updated),
        "ended": time_text(job.ended),
        "model": job.model,
        "message": job.message,
        "invocation_type": job.invocation_type,
        "records": None if records is None else {name: getattr(records, name) for name in COUNT_FIELDS},
        "notes": list(job.notes),
    }


def flat_record(record: Mapping[str, Any]) -> dict[str, Any]:
    """A `job_record` as one CSV row reads it: `records_total`… (None when unknown), notes joined."""
    flat = dict(record)
    counts = flat.pop("records") or {}
    flat["notes"] = "; ".join(flat["notes"])
    for name in COUNT_FIELDS:
        flat[f"records_{name}"] = counts.get(name)
    return flat


def csv_columns(place: Sequence[str]) -> tuple[str, ...]:
    """The columns of a `flat_record`, in `job_record`'s order."""
    columns = ["arn", "name", "kind", *place, "status", "phase", "created", "updated", "ended"]
    columns += ["model", "message", "invocation_type", *(f"records_{name}" for name in COUNT_FIELDS), "notes"]
    return tuple(columns)
