"""Which columns the job table shows at a given width, and how each cell reads.

Pure functions (no Textual): widths are fixed per layout, so rendering one row never
measures the others. Every string that came from AWS goes through `tui.sanitize.clean`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..models import Job, JobKind, Phase, split_source_id
from ..sanitize import clean

GUTTER = 2  # cursor marker + notify mark
BAR_CELLS = 6


@dataclass(frozen=True, slots=True)
class Column:
    """One column: its key, its title and its width in cells."""

    key: str
    title: str
    width: int


@dataclass(frozen=True, slots=True)
class _Spec:
    key: str
    title: str
    minimum: int
    keep: int  # lower numbers survive narrower terminals


_SPECS = (
    _Spec("name", "NAME", 18, 0),
    _Spec("status", "STATUS", 13, 1),
    _Spec("progress", "PROGRESS", 11, 3),
    _Spec("model", "MODEL/SOLUTION", 14, 6),
    _Spec("kind", "KIND", 9, 7),
    _Spec("account", "REGION", 12, 5),
    _Spec("created", "CREATED", 11, 4),
    _Spec("duration", "TIME", 6, 2),
    _Spec("message", "MESSAGE", 16, 8),
)
_GROWTH = (
    ("status", 16),
    ("name", 28),
    ("status", 20),
    ("model", 24),
    ("created", 16),
    ("account", 24),
    ("name", 40),
    ("model", 44),
)


def layout(
    width: int, *, kinds: frozenset[JobKind], several_places: bool, wanted: list[str] | None = None
) -> tuple[Column, ...]:
    """Fixed widths for `width` cells: drop the least useful columns until the rest fit.

    `wanted` (from the config file) restricts and orders the columns. The progress column
    needs Bedrock (the only service with record counts), the kind column several kinds in
    one table, the account/region column several profiles or regions.
    """
    specs = [spec for spec in _SPECS if _applies(spec.key, kinds, several_places)]
    if wanted:
        by_key = {spec.key: spec for spec in specs}
        specs = [by_key[key] for key in wanted if key in by_key] or specs
    chosen = list(specs)

    def needed(columns: list[_Spec]) -> int:
        return GUTTER + sum(spec.minimum for spec in columns) + max(0, len(columns) - 1)

    while len(chosen) > 1 and needed(chosen) > width:
        chosen.remove(max(chosen, key=lambda spec: spec.keep))
    widths = {spec.key: spec.minimum for spec in chosen}
    spare = max(0, width - needed(chosen))
    for key, target in _GROWTH:
        if key in widths and spare > 0:
            grow = max(0, min(spare, target - widths[key]))
            widths[key] += grow
            spare -= grow
    flexible = "message" if "message" in widths else chosen[0].key
    widths[flexible] += spare
    return tuple(Column(spec.key, spec.title, widths[spec.key]) for spec in chosen)


def _applies(key: str, kinds: frozenset[JobKind], several_places: bool) -> bool:
    if key == "kind":
        return len(kinds) > 1
    if key == "progress":
        return JobKind.BEDROCK in kinds or not kinds
    if key == "account":
        return several_places
    return True


_KIND_SHORT = {JobKind.BEDROCK: "bedrock", JobKind.PERSONALIZE: "inference", JobKind.SEGMENT: "segment"}


def cell_text(job: Job, key: str, width: int, now: dt.datetime) -> str:
    """The plain, sanitised text of one cell (cut to `width` characters at most)."""
    if key == "name":
        return clean(job.name, width)
    if key == "status":
        return f"{job.phase.glyph} {clean(job.status, max(1, width - 2))}"
    if key == "progress":
        return progress_text(job)
    if key == "model":
        return clean(short_model(job.model), width)
    if key == "kind":
        return _KIND_SHORT.get(job.kind, job.kind.value)
    if key == "account":
        profile, region, _kind = split_source_id(job.source) or ("", "", "")
        return clean(region if profile == "default" else f"{profile}/{region}", width)
    if key == "created":
        return created_text(job.created, compact=width < 16)
    if key == "duration":
        return duration_text(job, now)
    if key == "message":
        text = job.message or ("⚠ " + "; ".join(job.notes) if job.notes else "")
        return clean(text, width)
    raise KeyError(key)


def short_model(model: str) -> str:
    """Model ids stay whole; ARNs (Personalize solution versions, Bedrock ARNs) keep their tail."""
    if model.startswith("arn:") and "/" in model:
        return model.split("/", 1)[1]
    return model


def progress_text(job: Job) -> str:
    """`████░░  63%` for jobs that report record counts, else blank."""
    fraction = job.records.fraction if job.records is not None else None
    if fraction is None:
        return ""
    filled = round(fraction * BAR_CELLS)
    return f"{'█' * filled}{'░' * (BAR_CELLS - filled)} {fraction:4.0%}"


def created_text(created: dt.datetime | None, *, compact: bool) -> str:
    """Creation time in the local time zone: `2024-05-01 12:03`, or `05-01 12:03` when compact."""
    if created is None:
        return "—"
    local = created.astimezone()
    return local.strftime("%m-%d %H:%M" if compact else "%Y-%m-%d %H:%M")


def duration_text(job: Job, now: dt.datetime) -> str:
    """How long a finished job ran (exact: it never changes), or how long an unfinished one
    has been going (coarse: its time cell is repainted only when this text changes, and a
    monitor left open for days must send next to nothing to the terminal)."""
    if job.created is None:
        return ""
    if job.phase.terminal:
        return format_span(((job.ended or job.updated or now) - job.created).total_seconds())
    return format_age((now - job.created).total_seconds())


def format_span(seconds: float) -> str:
    """`42s`, `12m`, `3h05m`, `2d04h`."""
    seconds = max(0, int(seconds))
    if seconds < 60:
        return f"{seconds}s"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes}m"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours}h{minutes:02d}m"
    days, hours = divmod(hours, 24)
    return f"{days}d{hours:02d}h"


def format_age(seconds: float) -> str:
    """A running age that changes rarely: `<5m`, `35m` (5-minute steps), `3h`, `2d04h`."""
    minutes = max(0, int(seconds)) // 60
    if minutes < 5:
        return "<5m"
    if minutes < 60:
        return f"{minutes // 5 * 5}m"
    if minutes < 24 * 60:
        return f"{minutes // 60}h"
    return format_span(seconds)


def column_offset(columns: tuple[Column, ...], key: str) -> tuple[int, int] | None:
    """(x, width) of column `key` within a row, or None when it is not shown."""
    x = GUTTER
    for column in columns:
        if column.key == key:
            return x, column.width
        x += column.width + 1
    return None


PHASE_ORDER = (
    Phase.RUNNING,
    Phase.QUEUED,
    Phase.STOPPING,
    Phase.FAILED,
    Phase.PARTIAL,
    Phase.SUCCEEDED,
    Phase.STOPPED,
    Phase.EXPIRED,
    Phase.UNKNOWN,
)


_DONE = (Phase.SUCCEEDED, Phase.STOPPED, Phase.EXPIRED)


def counts_text(counts: dict[Phase, int]) -> str:
    """`3 running · 2 queued · 1 failed · 40 done`: what needs attention by phase, the quietly
    finished (succeeded, stopped, expired) as one number."""
    parts = [f"{counts[phase]:,} {phase.value}" for phase in PHASE_ORDER if phase not in _DONE and counts.get(phase)]
    done = sum(counts.get(phase, 0) for phase in _DONE)
    if done:
        parts.append(f"{done:,} done")
    return " · ".join(parts)
