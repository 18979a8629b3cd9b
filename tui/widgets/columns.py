"""Which columns the job table shows at a given width, and how each cell reads.

Pure functions (no Textual): widths are fixed per layout, so rendering one row never
measures the others. Every string that came from AWS goes through `tui.sanitize.clean`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from ..cells import cell_len, middle_cut, status_text, take_cells
from ..console_url import parse_arn
from ..models import Job, JobKind, Phase, split_source_id
from ..sanitize import ELLIPSIS, clean
from ..timefmt import Zone, format_duration, format_time

GUTTER = 2  # cursor marker + notify mark
StyleT = TypeVar("StyleT")
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
    short: str = ""  # the title when the column is narrower than it


_SPECS = (
    _Spec("name", "NAME", 20, 0),
    _Spec("status", "STATUS", 11, 1),
    _Spec("progress", "DONE", 5, 3),
    _Spec("model", "MODEL/SOLUTION", 12, 6, "MODEL"),
    _Spec("kind", "KIND", 9, 7),
    _Spec("account", "ACCOUNT", 12, 5),
    _Spec("region", "REGION", 12, 5),
    _Spec("created", "CREATED", 11, 4),
    _Spec("duration", "TIME", 6, 2),
    _Spec("message", "MESSAGE", 16, 8),
)
_GROWTH = (
    ("name", 32),
    ("progress", 11),
    ("model", 24),
    ("created", 16),
    ("region", 24),
    ("message", 40),
    ("name", 44),
    ("model", 40),
    ("name", 64),
)
"""Where spare cells go, in order, up to each width (and never past the widest text of the
column, when the rows are known: see `layout`)."""

MEASURED = ("model", "region", "message", "name")
"""The columns whose width follows their texts (`widest_texts`; the others have fixed texts),
in the order they take the cells left after `_GROWTH` (NAME has had 64 by then)."""
_WHOLE = ("progress", "created")
"""Columns that change form at their `_GROWTH` width (the bar, the year): they grow to it
whole or not at all, so no cell is left blank beside the short form."""
_MEASURE_LIMIT = 400  # cells: wider than any terminal; a long message is measured no further


def layout(
    width: int,
    *,
    kinds: frozenset[JobKind],
    several_places: bool,
    several_accounts: bool = False,
    wanted: list[str] | None = None,
    widest: Mapping[str, int] | None = None,
) -> tuple[Column, ...]:
    """Fixed widths for `width` cells: drop the least useful columns until the rest fit.

    By default the progress column needs Bedrock (the only service with record counts), the
    model column a kind whose list names it (not SageMaker alone), the kind column several
    kinds in one table, the region column several profiles or regions, the account column
    several accounts. `wanted` (from the config file) names and orders the columns instead,
    each shown whatever the rows (width permitting).

    `widest` (from `widest_texts`, once rows are shown) is the widest text of each measured
    column: no column is wider than its texts while another is cut. A column whose texts are
    narrower than its minimum gives the cells back (a 9-letter region takes 9 cells); one
    blank on every row shown keeps its title's width, and goes while another column is cut;
    MESSAGE goes while NAME is cut (the cursor's job line shows the message whole). Spare
    cells go by `_GROWTH`, then to each column still cut (in `MEASURED` order); what is left
    goes to MESSAGE (or NAME when MESSAGE is not shown).
    """
    widest = widest or {}
    by_key = {spec.key: spec for spec in _SPECS}
    specs = [by_key[key] for key in wanted or () if key in by_key]
    if not specs:
        specs = [spec for spec in _SPECS if _applies(spec.key, kinds, several_places, several_accounts)]
    widths = _fit(width, specs, widest)
    cut = {key for key, cells in widths.items() if widest.get(key, 0) > cells}
    if cut:  # no blank column while one is cut, and no MESSAGE while NAME is (the job line shows it whole)
        drop = {key for key, seen in widest.items() if seen == 0} | ({"message"} if "name" in cut else set())
        specs = [spec for spec in specs if spec.key not in drop] or specs
        widths = _fit(width, specs, widest)
    return tuple(
        Column(spec.key, spec.short if spec.short and widths[spec.key] < len(spec.title) else spec.title, widths[spec.key])
        for spec in specs
        if spec.key in widths
    )


def _fit(width: int, specs: list[_Spec], widest: Mapping[str, int]) -> dict[str, int]:
    """The widths of the columns of `specs` that fit in `width` (see `layout`)."""
    chosen = list(specs)

    def least(spec: _Spec) -> int:
        seen = widest.get(spec.key)
        return spec.minimum if seen is None else min(spec.minimum, max(seen, len(spec.short or spec.title)))

    def needed(columns: list[_Spec]) -> int:
        return GUTTER + sum(least(spec) for spec in columns) + max(0, len(columns) - 1)

    while len(chosen) > 1 and needed(chosen) > width:
        chosen.remove(max(chosen, key=lambda spec: spec.keep))
    widths = {spec.key: least(spec) for spec in chosen}
    spare = max(0, width - needed(chosen))
    growth = [(key, min(target, widest.get(key, target))) for key, target in _GROWTH]
    for key, target in growth + [(key, widest[key]) for key in MEASURED if key in widest]:
        if key in widths and spare > 0:
            grow = max(0, min(spare, target - widths[key]))
            if key in _WHOLE and grow < target - widths[key]:
                continue
            widths[key] += grow
            spare -= grow
    flexible = "message" if "message" in widths else "name" if "name" in widths else chosen[0].key
    widths[flexible] += spare
    return widths


def widest_texts(jobs: Iterable[Job], widest: Mapping[str, int] | None = None) -> dict[str, int]:
    """The widest uncut text of each `MEASURED` column over `jobs` (and `widest`, what was
    measured before), in cells: what `layout` fits the columns to. Runs over the rows on
    screen when they change: a few cheap measures a row (a place once per source)."""
    found = dict.fromkeys(MEASURED, 0) | dict(widest or {})
    model, region, message, name = (found[key] for key in MEASURED)
    places: dict[str, int] = {}
    for job in jobs:
        model = max(model, _text_cells(short_model(job.model)))
        message = max(message, _text_cells(message_text(job)))
        name = max(name, _text_cells(job.name))
        if job.source not in places:
            profile, place, _kind = split_source_id(job.source) or ("", "", "")
            places[job.source] = cell_len(place_text(clean(profile), clean(place), _MEASURE_LIMIT))
    region = max(region, *places.values()) if places else region
    return dict(zip(MEASURED, (model, region, message, name)))


def _text_cells(text: str) -> int:
    """Cells of `text` as `clean` shows it (up to `_MEASURE_LIMIT`)."""
    return len(text) if len(text) <= _MEASURE_LIMIT and text.isascii() and text.isprintable() \
        else cell_len(clean(text, _MEASURE_LIMIT))


def sort_word(key: str) -> str:
    """How the header and the palette name sorting by column `key`: the word its title
    shows at any width, in lower case (`done`, `time`)."""
    spec = next(spec for spec in _SPECS if spec.key == key)
    return (spec.short or spec.title).lower()


def sorted_title(column: Column, arrow: str) -> str:
    """The title of the sort column with its arrow, which keeps its place in a narrow
    column by giving up the blank before it, then the title's last letter (`DONE↓`)."""
    titled = f"{column.title} {arrow}"
    return titled if len(titled) <= column.width else column.title[: column.width - 1] + arrow


def _applies(key: str, kinds: frozenset[JobKind], several_places: bool, several_accounts: bool) -> bool:
    if key == "kind":
        return len(kinds) > 1
    if key == "progress":
        return JobKind.BEDROCK in kinds or not kinds
    if key == "model":  # SageMaker lists name no model: a table of only its jobs would show an empty column
        return kinds != {JobKind.SAGEMAKER}
    if key == "region":
        return several_places
    if key == "account":
        return several_accounts
    return True


_KIND_SHORT = {JobKind.BEDROCK: "bedrock", JobKind.PERSONALIZE: "inference", JobKind.SEGMENT: "segment",
               JobKind.SAGEMAKER: "transform"}


def cell_text(job: Job, key: str, width: int, now: dt.datetime, zone: Zone = "local") -> str:
    """The plain, sanitised text of one cell (cut to `width` cells at most)."""
    if key == "name":
        return middle_cut(clean(job.name), width)
    if key == "status":
        return status_text(job.phase)
    if key == "progress":
        return progress_text(job, width)
    if key == "model":
        return clean(short_model(job.model), width)
    if key == "kind":
        return _KIND_SHORT.get(job.kind, job.kind.value)
    if key == "account":
        return arn_account(job.arn)
    if key == "region":
        profile, region, _kind = split_source_id(job.source) or ("", "", "")
        return place_text(clean(profile), clean(region), width)
    if key == "created":
        return created_text(job.created, zone, compact=width < 16)
    if key == "duration":
        return duration_text(job, now)
    if key == "message":
        return clean(message_text(job), width)
    raise KeyError(key)


_COMPASS = {"north": "n", "south": "s", "east": "e", "west": "w", "central": "c",
            "northeast": "ne", "northwest": "nw", "southeast": "se", "southwest": "sw"}


def region_code(region: str) -> str:
    """`us-east-1` → `use1`, `ap-southeast-2` → `apse2`: the short form AWS engineers write."""
    parts = region.split("-")
    if len(parts) < 3:
        return region
    return parts[0] + "".join(_COMPASS.get(part, part[:1]) for part in parts[1:-1]) + parts[-1]


def place_text(profile: str, region: str, width: int) -> str:
    """Where a row comes from in `width` cells: `prod-admin/us-east-1` (the region alone for
    the default profile); else the region's code (`prod-admin/use1`); else the profile cut in
    the middle. The region is never cut: `us-east-1` and `us-east-2` differ only at its end."""
    full = region if profile == "default" else f"{profile}/{region}"
    if cell_len(full) <= width:
        return full
    code = region_code(region)
    if profile == "default":
        return middle_cut(code, width)
    room = width - cell_len(code) - 1
    return f"{middle_cut(profile, room)}/{code}" if room > 1 else middle_cut(code, width)


def arn_account(arn: str) -> str:
    """The account id an ARN names (`arn:aws:bedrock:us-east-1:123456789012:…`), or "" when
    it is not a well-formed ARN (a stand-in row, a hostile endpoint)."""
    parts = parse_arn(arn)
    return parts.account if parts else ""


def message_text(job: Job) -> str:
    """The service's message, or what could not be read from a malformed response."""
    return job.message or ("⚠ " + "; ".join(job.notes) if job.notes else "")


def fit_cells(text: str, width: int) -> str:
    """`text` in exactly `width` terminal cells: padded with spaces, or cut with an ellipsis."""
    length = cell_len(text)
    if length > width:
        text = take_cells(text, width - 1) + ELLIPSIS if width > 0 else ""
        length = cell_len(text)
    return text + " " * (width - length)


def fit_pieces(pieces: Iterable[tuple[str, StyleT]], width: int) -> list[tuple[str, StyleT]]:
    """Styled pieces of one line in at most `width` cells: when they are longer, cut with an
    ellipsis (in the style of the piece it cuts, as Rich's `Text.truncate` does); the caller
    pads what is left."""
    pieces = [(text, style) for text, style in pieces if text]
    if sum(cell_len(text) for text, _ in pieces) <= width:
        return pieces
    fitted: list[tuple[str, StyleT]] = []
    room = width - 1
    for text, style in pieces:
        length = cell_len(text)
        if length > room:
            if width > 0:
                fitted.append((take_cells(text, room) + ELLIPSIS, style))
            break
        fitted.append((text, style))
        room -= length
    return fitted


def short_model(model: str) -> str:
    """Model ids stay whole; ARNs (Personalize solution versions, Bedrock ARNs) keep their tail."""
    if model.startswith("arn:") and "/" in model:
        return model.split("/", 1)[1]
    return model


def progress_text(job: Job, width: int = BAR_CELLS + 5) -> str:
    """`████░░  63%` for jobs that report record counts (` 63%` when narrow), else blank."""
    fraction = job.records.fraction if job.records is not None else None
    if fraction is None:
        return ""
    if width < BAR_CELLS + 5:
        return f"{fraction:4.0%}"
    filled = round(fraction * BAR_CELLS)
    return f"{'█' * filled}{'░' * (BAR_CELLS - filled)} {fraction:4.0%}"


def created_text(created: dt.datetime | None, zone: Zone = "local", *, compact: bool = False) -> str:
    """Creation time in the chosen zone: `2024-05-01 12:03`, or `05-01 12:03` when compact."""
    text = format_time(created, zone)
    return text[5:] if compact and created is not None else text


def duration_text(job: Job, now: dt.datetime) -> str:
    """How long a finished job ran, or how long an unfinished one has been going (`3h22m`).

    Its cell is repainted alone, and only when this text changes: about once a minute per
    running row on screen."""
    if job.created is None:
        return ""
    end = (job.ended or job.updated or now) if job.phase.terminal else now
    return format_duration((end - job.created).total_seconds())


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


DONE = (Phase.SUCCEEDED, Phase.STOPPED, Phase.EXPIRED)
"""The quietly finished phases: counted as one number ("done")."""


def counts_text(counts: dict[Phase, int]) -> str:
    """`3 running · 2 queued · 1 failed · 40 done`: what needs attention by phase, the quietly
    finished (succeeded, stopped, expired) as one number."""
    parts = [f"{counts[phase]:,} {phase.value}" for phase in PHASE_ORDER if phase not in DONE and counts.get(phase)]
    done = sum(counts.get(phase, 0) for phase in DONE)
    if done:
        parts.append(f"{done:,} done")
    return " · ".join(parts)
