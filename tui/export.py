"""Write the rows in view to a CSV or JSON file, for spreadsheets, scripts and tickets.

This module owns the file (a fresh name, never clobbering one that exists, no half-written
file left behind); what goes into it follows the output policy of `tui/output.py`, the same
cells and JSON as `batchtop ls`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from .models import Job
from .output import write_export
from .timefmt import Zone

ExportFormat = Literal["csv", "json"]


class ExportError(Exception):
    """The export could not be written; the message says why, in one sentence."""


def default_export_path(now: dt.datetime, fmt: ExportFormat, directory: Path | None = None) -> Path:
    """`batchtop-export-YYYYmmdd-HHMMSS.<fmt>` in `directory` (default: the current directory)."""
    return (directory or Path.cwd()) / f"batchtop-export-{now:%Y%m%d-%H%M%S}.{fmt}"


def export_rows(jobs: Iterable[Job], path: Path, fmt: ExportFormat, *, zone: Zone, overwrite: bool = False) -> int:
    """Write `jobs` to `path` as CSV or JSON, times in `zone` (the monitor's); return how many
    rows were written.

    Refuses to replace an existing file unless `overwrite`. Raises ExportError.
    """
    if fmt not in ("csv", "json"):
        raise ExportError(f"unknown export format {fmt!r}: use csv or json")
    path = Path(path).expanduser()
    try:
        file = path.open("w" if overwrite else "x", encoding="utf-8", newline="")
    except FileExistsError:
        if path.is_dir():
            raise ExportError(f"cannot write {path}: it is a folder, add a file name to it") from None
        raise ExportError(f"{path} already exists: choose another name") from None
    except FileNotFoundError:
        raise ExportError(f"cannot write {path}: the folder {path.parent} does not exist") from None
    except IsADirectoryError:
        raise ExportError(f"cannot write {path}: it is a folder, add a file name to it") from None
    except OSError as exc:
        raise ExportError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        with file:
            return write_export(file, fmt, jobs, zone)
    except BaseException as exc:
        if not overwrite:  # remove the half-written file we created; never a file that was there
            path.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise ExportError(f"cannot write {path}: {exc.strerror or exc}") from None
        raise
