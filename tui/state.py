"""What the user set up in the monitor, kept across restarts in platformdirs' user state dir:
the marked jobs (so they are still announced when they finish after a restart), the selected
source, the sort, the filters, the refresh interval and which panes show.

One small JSON file, written whole and atomically (a temporary file in the same folder,
fsync, `os.replace`): a crash or a second batchtop leaves the old file or a new one, never
half of one. A file that cannot be read or makes no sense is reported once and ignored:
batchtop starts on defaults and replaces it at the next save.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import tempfile
from pathlib import Path
from typing import Callable

import platformdirs
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .config import MAX_INTERVAL, MIN_INTERVAL
from .feed import SORT_COLUMNS
from .models import Filters
from .sanitize import clean

STATE_DIR_ENV = "BATCHTOP_STATE_DIR"
STATE_FILE = "state.json"
STATE_VERSION = 1
MAX_MARKED = 10_000


def state_dir() -> Path:
    """$BATCHTOP_STATE_DIR, else platformdirs' user state dir for batchtop."""
    if from_env := os.environ.get(STATE_DIR_ENV):
        return Path(from_env).expanduser()
    return platformdirs.user_state_path("batchtop", appauthor=False)


def state_path() -> Path:
    return state_dir() / STATE_FILE


class SavedFilters(BaseModel):
    """`models.Filters` as the state file holds it."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    name: str = ""
    status: str = ""
    submitted_after: dt.datetime | None = None
    submitted_before: dt.datetime | None = None
    newest_first: bool = True

    @classmethod
    def of(cls, filters: Filters) -> SavedFilters:
        return cls(
            name=filters.name,
            status=filters.status,
            submitted_after=filters.submitted_after,
            submitted_before=filters.submitted_before,
            newest_first=filters.newest_first,
        )

    def filters(self) -> Filters:
        return Filters(self.name, self.status, self.submitted_after, self.submitted_before, self.newest_first)


class SavedState(BaseModel):
    """The monitor's set-up. `source` is a `SourceKey.id` (None: all sources); `interval`
    None means the configured one; `panes` maps a pane's id to whether it shows."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    version: int = STATE_VERSION
    marked: tuple[str, ...] = Field(default=(), max_length=MAX_MARKED)
    source: str | None = None
    sort_column: str = "created"
    sort_descending: bool = True
    filters: SavedFilters = SavedFilters()
    interval: float | None = None
    panes: dict[str, bool] = {}

    @field_validator("sort_column")
    @classmethod
    def _known_column(cls, value: str) -> str:
        if value not in SORT_COLUMNS:
            raise ValueError(f"unknown sort column {clean(value, 40)!r}")
        return value

    @field_validator("interval")
    @classmethod
    def _interval_range(cls, value: float | None) -> float | None:
        if value is not None and not MIN_INTERVAL <= value <= MAX_INTERVAL:
            raise ValueError(f"interval must be between {MIN_INTERVAL:g} and {MAX_INTERVAL:g} seconds")
        return value


class StateStore:
    """Reads and writes the state file; never raises. Each problem is reported once through
    `on_problem` (a corrupt file on load, a failed save) and also kept in `problems`."""

    def __init__(self, path: Path | None = None, *, on_problem: Callable[[str], None] | None = None) -> None:
        self.path = state_path() if path is None else path
        self._on_problem = on_problem
        self.problems: list[str] = []

    def load(self) -> SavedState:
        """The saved state, or the defaults when there is none or it cannot be used."""
        where = clean(str(self.path), 120)
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return SavedState()
        except OSError as error:
            self._report(f"cannot read the saved state {where} ({_reason(error)}): starting without it")
            return SavedState()
        try:
            data = json.loads(raw.decode("utf-8"))
            if not isinstance(data, dict):
                raise ValueError("not a JSON object")
            if isinstance(data.get("version"), int) and data["version"] > STATE_VERSION:
                raise ValueError(f"written by a newer batchtop (version {data['version']})")
            return SavedState.model_validate(data)
        except ValidationError as error:
            first = error.errors(include_url=False)[0]
            field = ".".join(str(part) for part in first["loc"]) or "the file"
            reason = f"{field}: {str(first['msg']).removeprefix('Value error, ')}"
        except ValueError as error:  # json.JSONDecodeError and UnicodeDecodeError included
            reason = str(error)
        self._report(f"the saved state {where} is not usable ({clean(reason, 120)}): starting without it")
        return SavedState()

    def save(self, state: SavedState) -> bool:
        """Replace the file atomically; False (reported once) when it cannot be written."""
        try:
            _write_atomically(self.path, json.dumps(state.model_dump(mode="json"), indent=1))
        except OSError as error:
            self._report(f"cannot save the state to {clean(str(self.path), 120)} ({_reason(error)}): it will not survive a restart")
            return False
        return True

    def _report(self, sentence: str) -> None:
        if sentence in self.problems:
            return
        self.problems.append(sentence)
        if self._on_problem is not None:
            self._on_problem(sentence)


def _write_atomically(path: Path, text: str) -> None:
    """Write a temporary file beside `path`, flush it to disk, then rename it over `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _reason(error: OSError) -> str:
    return clean(error.strerror or str(error), 120)
