"""Deterministic, realistic job rows for the table bench (no I/O: the table is what is measured).

Newest first, like a Bedrock listing; mostly terminal jobs, a few active, names and model
ids of realistic lengths, record counts on every job.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Iterator

from tui.models import Job, JobKind, RecordCounts, phase_of

SOURCE_ID = "default/us-east-1/bedrock"
EPOCH = dt.datetime(2025, 6, 1, 12, 0, tzinfo=dt.timezone.utc)

_TEAMS = ("claims", "search", "support", "catalog", "fraud", "ranking", "summaries", "moderation")
_TASKS = ("summarize", "classify", "embed", "translate", "extract", "rerank", "caption", "tag")
_MODELS = (
    "anthropic.claude-3-haiku-20240307-v1:0",
    "anthropic.claude-3-5-sonnet-20240620-v1:0",
    "amazon.titan-embed-text-v2:0",
    "meta.llama3-1-70b-instruct-v1:0",
    "mistral.mistral-large-2407-v1:0",
)
_TERMINAL = ("Completed",) * 8 + ("Failed", "PartiallyCompleted", "Stopped", "Expired")
_ACTIVE = ("InProgress", "Submitted", "Validating", "Scheduled")


def make_job(index: int, rng: random.Random, status: str | None = None) -> Job:
    """Job number `index` (0 = newest)."""
    created = EPOCH - dt.timedelta(minutes=7 * index)
    status = status or rng.choice(_TERMINAL)
    phase = phase_of(status)
    total = rng.randrange(1_000, 200_000)
    processed = total if phase.terminal else rng.randrange(0, total)
    failed = rng.randrange(0, max(1, processed // 50))
    ended = created + dt.timedelta(minutes=rng.randrange(5, 600)) if phase.terminal else None
    job_id = f"{index:012x}"[-12:]
    return Job(
        arn=f"arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/{job_id}",
        name=f"{rng.choice(_TEAMS)}-{rng.choice(_TASKS)}-{created:%Y%m%d-%H%M}-{index:06d}",
        kind=JobKind.BEDROCK,
        source=SOURCE_ID,
        status=status,
        phase=phase,
        created=created,
        updated=ended or created,
        ended=ended,
        model=rng.choice(_MODELS),
        message="Input file has 3 malformed records" if status == "Failed" else "",
        invocation_type="InvokeModel",
        records=RecordCounts(total=total, processed=processed, succeeded=processed - failed, failed=failed),
    )


def changing_rows(loaded: int, visible: int = 30, total: int = 100) -> list[int]:
    """The rows a bench refresh changes: `visible` near the top, the rest spread far below."""
    far = total - visible
    first_far = max(visible + 40, loaded // 2)
    step = max(1, (loaded - first_far) // far)
    return list(range(1, 1 + visible)) + [first_far + k * step for k in range(far)]


def job_at(index: int, active: frozenset[int] = frozenset(), seed: int = 1, active_every: int = 997) -> Job:
    """Job number `index` of the listing (0 = newest), the same whatever else was made.

    Jobs in `active`, every `active_every`-th job and the newest 20 are still active.
    """
    rng = random.Random(seed * 1_000_003 + index)
    is_active = index < 20 or index % active_every == 0 or index in active
    return make_job(index, rng, status=rng.choice(_ACTIVE) if is_active else None)


def make_jobs(count: int, start: int = 0, active: frozenset[int] = frozenset()) -> Iterator[Job]:
    """Jobs `start` … `start + count - 1`, newest first, made one at a time."""
    for index in range(start, start + count):
        yield job_at(index, active)


def changed(job: Job, step: int) -> Job:
    """The same job a refresh later: more records processed (or its status moved on)."""
    records = job.records or RecordCounts()
    total = records.total or 1000
    processed = min(total, (records.processed or 0) + total // 20 * (step + 1))
    status = "InProgress"
    return Job(
        arn=job.arn,
        name=job.name,
        kind=job.kind,
        source=job.source,
        status=status,
        phase=phase_of(status),
        created=job.created,
        updated=(job.updated or EPOCH) + dt.timedelta(seconds=10 * (step + 1)),
        ended=None,
        model=job.model,
        message=job.message,
        invocation_type=job.invocation_type,
        records=RecordCounts(total=total, processed=processed, succeeded=processed, failed=records.failed),
    )
