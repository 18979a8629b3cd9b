"""The one way tests make a `Job`: a valid running Bedrock row by default, any field overridden.

`number` gives a distinct ARN and name, created `number` minutes before `T0` (bigger is older).
The phase follows the status unless a test sets it, so a changed status never leaves a row
whose phase says otherwise. Test modules that need other defaults pass them here instead of
building `Job`s themselves.
"""

from __future__ import annotations

import datetime as dt

from tui.models import Job, JobKind, RecordCounts, phase_of

T0 = dt.datetime(2025, 3, 1, 12, 0, tzinfo=dt.timezone.utc)
SOURCE = "default/us-east-1/bedrock"


def make_job(number: int = 1, status: str = "InProgress", **fields: object) -> Job:
    values: dict[str, object] = dict(
        arn=f"arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/job{number:06d}",
        name=f"job-{number:06d}",
        kind=JobKind.BEDROCK,
        source=SOURCE,
        status=status,
        phase=phase_of(status),
        created=T0 - dt.timedelta(minutes=number),
        model="anthropic.claude-3-haiku-20240307-v1:0",
        records=RecordCounts(total=1000, processed=630),
    )
    values.update(fields)
    return Job(**values)  # type: ignore[arg-type]
