"""Every way job data leaves the process: table text, CSV, JSON, JSON Lines, the clipboard, OSC 9.

One policy, whatever the way out (DESIGN.md, "Output policy"):
- JSON and JSON Lines are lossless but inert: every C0/C1 control, DEL, lone surrogate and
  bidi/invisible format character is written as a `\\uXXXX` escape, so `json.loads` gives the
  exact value back and nothing in the text can drive a terminal or hide in an editor.
- CSV cells lose controls, escape sequences and bidi characters (newlines stay, quoted), and a
  cell a spreadsheet would run as a formula gets a leading apostrophe: the same cells in
  `batchtop ls --format csv` and in the export.
- Table text goes through `sanitize.clean`, capped to its column.
- The clipboard takes an ARN only when it is a well-formed ARN, a job's JSON as inert JSON, and
  a console URL as plain ASCII.
- An OSC 9 notification carries cleaned, capped text that cannot end or extend the sequence.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, TextIO

from pydantic import TypeAdapter
from rich.cells import set_cell_size

from .cells import cell_len, middle_cut, status_text
from .console_url import console_url, parse_arn
from .models import Job, JobDetail, SourceKey, split_source_id
from .records import csv_columns, flat_record, job_record
from .sanitize import clean, is_invisible
from .timefmt import Zone, format_time, iso_time, zone_name

# ---------------------------------------------------------------- JSON

# Everything beyond printable ASCII is looked at (DEL, C1, bidi, format, separators, surrogates).
_BEYOND_ASCII = re.compile("[\x7f-\U0010ffff]")


def _escape_if_invisible(found: re.Match[str]) -> str:
    char = found[0]
    if not is_invisible(char):
        return char
    code = ord(char)
    if code > 0xFFFF:  # JSON spells characters beyond the BMP as a surrogate pair
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"


def inert_json(value: object, *, indent: int | None = None) -> str:
    """`value` as JSON text that reads back exactly and holds no control or invisible character.

    `json.dumps(ensure_ascii=False)` escapes C0 controls but leaves DEL, C1, bidi overrides,
    line separators and lone surrogates raw; they are escaped here (only inside strings can
    they occur, so the escape is always valid JSON). Readable text (any script) stays readable.
    """
    text = json.dumps(value, ensure_ascii=False, indent=indent, default=str)
    return text if text.isascii() and "\x7f" not in text else _BEYOND_ASCII.sub(_escape_if_invisible, text)


# ---------------------------------------------------------------- records


def arn_account(arn: str) -> str | None:
    """The account id a well-formed ARN names; None for anything else."""
    parts = parse_arn(arn)
    return parts.account if parts else None


def output_record(job: Job, zone: Zone) -> dict[str, Any]:
    """A job as `ls` (JSON, JSON Lines, CSV) and the export write it: where it lives (its
    profile, null for the default chain, its region and account) and its times in ISO 8601 in
    `zone` with their offset (`timefmt.iso_time`)."""
    profile, region, _kind = split_source_id(job.source) or (None, None, None)
    place = {"profile": None if profile == "default" else profile, "region": region, "account": arn_account(job.arn)}
    return job_record(job, place, lambda at: iso_time(at, zone))


CSV_COLUMNS = csv_columns(["profile", "region", "account"])
"""The CSV header of `ls --format csv` and of the export: one set of names for both."""


# ---------------------------------------------------------------- CSV

# Spreadsheets run a cell that starts with these as a formula (OWASP "CSV injection"); tab and
# CR, on the same list, never survive cleaning, and leading spaces are looked through.
_FORMULA_START = ("=", "+", "-", "@")


def csv_cell(value: object) -> object:
    """One CSV cell: text cleaned of controls and bidi characters (newlines kept), formulas defused."""
    if value is None:
        return ""
    if not isinstance(value, str):
        return value
    text = clean(value, keep_newlines=True)
    return "'" + text if text.lstrip(" \n").startswith(_FORMULA_START) else text


# ---------------------------------------------------------------- writers


class RecordWriter:
    """Writes records (from `output_record`) to a text stream as rows arrive."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.count = 0

    def begin(self) -> None:
        """Anything that comes before the first row (a header, an opening bracket)."""

    def write(self, record: Mapping[str, Any]) -> None:
        self._write(record)
        self.count += 1

    def _write(self, record: Mapping[str, Any]) -> None:
        raise NotImplementedError

    def end(self) -> None:
        """Anything that closes the document; the output is complete only after this."""


class JsonLinesWriter(RecordWriter):
    """One inert JSON object per line."""

    def _write(self, record: Mapping[str, Any]) -> None:
        self.out.write(inert_json(record) + "\n")


class JsonArrayWriter(RecordWriter):
    """One JSON array, written as rows arrive: valid once `end` has run."""

    def begin(self) -> None:
        self.out.write("[")

    def _write(self, record: Mapping[str, Any]) -> None:
        self.out.write(("\n  " if self.count == 0 else ",\n  ") + inert_json(record))

    def end(self) -> None:
        self.out.write("\n]\n" if self.count else "]\n")


class CsvWriter(RecordWriter):
    """`CSV_COLUMNS`, then one row per record (`records_*` flattened, notes joined), cells guarded."""

    def __init__(self, out: TextIO) -> None:
        super().__init__(out)
        self._csv = csv.writer(out, lineterminator="\n")

    def begin(self) -> None:
        self._csv.writerow(CSV_COLUMNS)

    def _write(self, record: Mapping[str, Any]) -> None:
        flat = flat_record(record)
        self._csv.writerow([csv_cell(flat.get(column)) for column in CSV_COLUMNS])


def progress_text(job: Job) -> str:
    """" 42% 420/1,000" when the job's record counts are known, else ""."""
    records = job.records
    if records is None or records.total is None:
        return ""
    fraction = records.fraction
    percent = f"{fraction * 100:3.0f}% " if fraction is not None else ""
    return f"{percent}{records.processed or 0:,}/{records.total:,}"


class TableWriter:
    """`ls`'s fixed-width table, read like the monitor's: times in the configured zone, named
    once in the CREATED title; STATUS the phase (`✖ failed`, one vocabulary for every
    service; the raw status is in the JSON and CSV); names cut in the middle, keeping the end
    that tells runs apart. Every value is cleaned and fitted to its column, the ARN last.

    The header waits for the first row (or the end): by then `ls` knows whether the rows
    span several accounts, and adds an ACCOUNT column if they do.
    """

    COLUMNS = (("KIND", 11), ("REGION", 14), ("STATUS", 15), ("PROGRESS", 18), ("NAME", 40))
    CREATED_WIDTH = 16  # `2025-06-01 12:03`
    ARN_MAX = 300

    def __init__(self, out: TextIO, zone: Zone, *, several_profiles: bool = False) -> None:
        self.out = out
        self.zone = zone
        self.several_profiles = several_profiles
        self.several_accounts = False
        self._begun = False
        created = f"CREATED ({zone_name(zone)})"
        self._created = (created, max(self.CREATED_WIDTH, cell_len(created)))

    @property
    def columns(self) -> list[tuple[str, int]]:
        columns = [self._created, *self.COLUMNS]
        if self.several_accounts:
            columns.insert(2, ("ACCOUNT", 12))
        if self.several_profiles:
            columns.insert(2, ("PROFILE", 14))
        return columns

    def begin(self) -> None:
        """Nothing yet: the header comes with the first row."""

    def write(self, key: SourceKey, job: Job) -> None:
        self._header()
        status = status_text(job.phase) + (" (!)" if job.notes else "")
        name = middle_cut(clean(job.name), self.columns[-1][1])
        values = [format_time(job.created, self.zone), job.kind.value, key.region, status, progress_text(job), name]
        if self.several_accounts:
            values.insert(2, arn_account(job.arn) or "?")
        if self.several_profiles:
            values.insert(2, key.profile or "default")
        self.out.write(self._line(values, job.arn))

    def end(self) -> None:
        self._header()

    def _header(self) -> None:
        if not self._begun:
            self._begun = True
            self.out.write(self._line([title for title, _ in self.columns], "ARN"))

    def _line(self, values: list[str], last: str) -> str:
        cells = [set_cell_size(clean(value, width), width) for value, (_, width) in zip(values, self.columns)]
        return "  ".join([*cells, clean(last, self.ARN_MAX)]).rstrip() + "\n"


class LsRows:
    """What `ls` writes to: rows as (source key, job), in any of its formats, times in `zone`."""

    FORMATS = ("table", "json", "jsonl", "csv")

    def __init__(self, fmt: str, out: TextIO, zone: Zone, *, several_profiles: bool = False) -> None:
        self.zone = zone
        self.table = TableWriter(out, zone, several_profiles=several_profiles) if fmt == "table" else None
        self.records = None if self.table else record_writer(fmt, out)

    def begin(self) -> None:
        (self.table or self.records).begin()  # type: ignore[union-attr]

    def accounts_known(self, accounts: set[str]) -> None:
        """Before the first row: the accounts the rows come from (the table names each row's
        when there are several; the records always carry it)."""
        if self.table is not None:
            self.table.several_accounts = len(accounts) > 1

    def write(self, key: SourceKey, job: Job) -> None:
        if self.table is not None:
            self.table.write(key, job)
        else:
            self.records.write(output_record(job, self.zone))  # type: ignore[union-attr]

    def end(self) -> None:
        (self.table or self.records).end()  # type: ignore[union-attr]


def record_writer(fmt: str, out: TextIO) -> RecordWriter:
    """The writer for `fmt`: "json" (an array), "jsonl" or "csv" (with `CSV_COLUMNS`)."""
    if fmt == "json":
        return JsonArrayWriter(out)
    if fmt == "jsonl":
        return JsonLinesWriter(out)
    if fmt == "csv":
        return CsvWriter(out)
    raise ValueError(f"unknown format {fmt!r}: use json, jsonl or csv")


def write_export(out: TextIO, fmt: str, jobs: Iterable[Job], zone: Zone) -> int:
    """The export (`ctrl+s`): `jobs` as CSV or a JSON array, the same records as `ls`'s, times
    in `zone`; returns how many were written."""
    writer = record_writer(fmt, out)
    writer.begin()
    for job in jobs:
        writer.write(output_record(job, zone))
    writer.end()
    return writer.count


# ---------------------------------------------------------------- describe


def flatten_fields(fields: Mapping[str, object], prefix: str = "") -> Iterator[tuple[str, str]]:
    """Nested objects as dotted names, so the describe table stays two columns."""
    for name, value in fields.items():
        if isinstance(value, dict) and value:
            yield from flatten_fields(value, f"{prefix}{name}.")
        elif isinstance(value, (dict, list)):
            yield f"{prefix}{name}", json.dumps(value, ensure_ascii=False, default=str)
        else:
            yield f"{prefix}{name}", "" if value is None else str(value)


def describe_table(fields: Mapping[str, object], *, name_max: int = 40, value_max: int = 500) -> str:
    """`describe --format table`: "name  value" lines, both sides cleaned."""
    rows = [(clean(name, name_max), clean(value, value_max)) for name, value in flatten_fields(fields)]
    width = max((len(name) for name, _ in rows), default=0)
    return "".join(f"{set_cell_size(name, width)}  {value}\n" for name, value in rows)


# ---------------------------------------------------------------- clipboard

# arn:partition:service:region:account:resource. The resource keeps to the characters AWS
# names and ids use (IAM's `+=,.@_-`, `/` and `:`): nothing a shell or a terminal reads.
_WELL_FORMED_ARN = re.compile(r"arn:aws(?:-[a-z]+)*:[a-z0-9-]{1,64}:[a-z0-9-]{0,32}:(?:\d{12})?:[A-Za-z0-9_+=,.@:/-]{1,1536}")

ARN_REFUSED = "This job's ARN is not a well-formed AWS ARN: nothing copied (y copies the job's JSON)."

_JOB = TypeAdapter(Job)


def clipboard_arn(arn: str) -> str | None:
    """The ARN to copy (`c`), or None when it is not a well-formed AWS ARN."""
    return arn if isinstance(arn, str) and _WELL_FORMED_ARN.fullmatch(arn) else None


def job_json(job: Job, detail: JobDetail | None) -> str:
    """What `y` copies: the describe result as the service sent it, else the summary row, inert."""
    document = detail.fields if detail is not None else _JOB.dump_python(job, mode="json")
    return inert_json(document, indent=2)


def console_link(job: Job, dataset_group_arn: str | None = None) -> str:
    """What `o` copies and shows: the job's console page, plain ASCII (see console_url.py);
    a Personalize job's dataset group page when its group's ARN is known."""
    return clean(console_url(job, dataset_group_arn))


# ---------------------------------------------------------------- OSC 9

OSC9_TITLE_MAX = 80
OSC9_MAX = 240
# ConEmu and Windows Terminal read "OSC 9 ; <digits> ;" as a command (progress, sleep...).
_CONEMU_COMMAND = re.compile(r"\d+;")


def osc9_text(title: str, body: str) -> str:
    """The text of an OSC 9 notification, "title: body", cleaned and capped."""
    text = clean(f"{clean(title, OSC9_TITLE_MAX) or 'batchtop'}: {clean(body)}", OSC9_MAX)
    if _CONEMU_COMMAND.match(text):
        text = clean(f"batchtop: {text}", OSC9_MAX)
    return text


def osc9(title: str, body: str) -> str:
    """An OSC 9 desktop notification, safe to write as is."""
    return f"\x1b]9;{osc9_text(title, body)}\a"
