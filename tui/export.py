"""Write the rows in view to a CSV or JSON file, for spreadsheets, scripts and tickets.

Values are exported as the service sent them (the file is data, not the screen), with two
exceptions that keep the data from acting on the program that opens it: CSV cells that a
spreadsheet would run as a formula get a leading apostrophe, and JSON escapes the control,
bidi and invisible characters that JSON itself allows raw.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from .models import Job
from .records import csv_columns, flat_record, job_record

ExportFormat = Literal["csv", "json"]

CSV_FIELDS = csv_columns(["source"], notes=False)

# Spreadsheets run a cell that starts with these as a formula (OWASP "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Characters JSON leaves raw but that should not reach a terminal or an editor unescaped.
# Lone surrogates are escaped too: JSON allows "\ud800", UTF-8 cannot encode it.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u00ad\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ud800-\udfff\ufeff]")


class ExportError(Exception):
    """The export could not be written; the message says why, in one sentence."""


def default_export_path(now: dt.datetime, fmt: ExportFormat, directory: Path | None = None) -> Path:
    """`batchtop-export-YYYYmmdd-HHMMSS.<fmt>` in `directory` (default: the current directory)."""
    return (directory or Path.cwd()) / f"batchtop-export-{now:%Y%m%d-%H%M%S}.{fmt}"


def export_rows(jobs: Iterable[Job], path: Path, fmt: ExportFormat, *, overwrite: bool = False) -> int:
    """Write `jobs` to `path` as CSV or JSON; return how many rows were written.

    Refuses to replace an existing file unless `overwrite`. Raises ExportError.
    """
    if fmt not in ("csv", "json"):
        raise ExportError(f"unknown export format {fmt!r}: use csv or json")
    path = Path(path).expanduser()
    try:
        # backslashreplace: a lone surrogate (valid in AWS's JSON, not in UTF-8) must not abort the export
        file = path.open("w" if overwrite else "x", encoding="utf-8", errors="backslashreplace", newline="")
    except FileExistsError:
        raise ExportError(f"{path} already exists: choose another name") from None
    except FileNotFoundError:
        raise ExportError(f"cannot write {path}: the folder {path.parent} does not exist") from None
    except IsADirectoryError:
        raise ExportError(f"cannot write {path}: it is a folder") from None
    except OSError as exc:
        raise ExportError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        with file:
            return _write_csv(file, jobs) if fmt == "csv" else _write_json(file, jobs)
    except BaseException as exc:
        if not overwrite:  # remove the half-written file we created; never a file that was there
            path.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise ExportError(f"cannot write {path}: {exc.strerror or exc}") from None
        raise


def _write_csv(file, jobs: Iterable[Job]) -> int:
    writer = csv.writer(file)
    writer.writerow(CSV_FIELDS)
    count = 0
    for job in jobs:
        row = flat_record(_record(job))
        writer.writerow([_csv_cell(row[field]) for field in CSV_FIELDS])
        count += 1
    return count


def _csv_cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _write_json(file, jobs: Iterable[Job]) -> int:
    file.write("[")
    count = 0
    for job in jobs:
        text = json.dumps(_record(job), ensure_ascii=False)
        file.write(("\n  " if count == 0 else ",\n  ") + _JSON_UNSAFE.sub(_json_escape, text))
        count += 1
    file.write("\n]\n" if count else "]\n")
    return count


def _record(job: Job) -> dict[str, object]:
    """An export names the job's source id and keeps each time's own UTC offset."""
    return job_record(job, {"source": job.source}, _iso)


def _json_escape(found: re.Match[str]) -> str:
    return f"\\u{ord(found[0]):04x}"


def _iso(value: dt.datetime | None) -> str | None:
    return None if value is None else value.isoformat()
