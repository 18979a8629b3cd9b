"""Settings: the user's TOML config file, read-only, with CLI flags applied on top.

The file is the user's: it is read, never written or "repaired". A broken file or a bad
value never stops batchtop: it starts on defaults for what it could not read and says
exactly what was wrong (file, line and column, or key), so the user can fix it.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import tomllib
from pathlib import Path
from typing import Any, Literal, get_args

import platformdirs
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from .models import JobKind
from .sanitize import clean
from .timefmt import Zone

CONFIG_ENV = "BATCHTOP_CONFIG"
MIN_INTERVAL, MAX_INTERVAL = 2.0, 600.0
MIN_CACHE_JOBS, MAX_CACHE_JOBS = 1_000, 5_000_000
MAX_CALLS_IN_FLIGHT = 256

Column = Literal["name", "status", "progress", "model", "kind", "account", "region", "created", "duration", "message"]
COLUMNS: tuple[str, ...] = get_args(Column)
"""Every table column the config (and the UI) knows, in the default display order."""

SourceName = Literal["bedrock", "personalize", "segment", "sagemaker", "all"]
NotifyMode = Literal["bell", "osc9", "off"]
ToastMode = Literal["all", "marked", "off"]

_REGION = re.compile(r"[a-z]{2}(-[a-z]+)+-\d+")

# Which CLI flag sets which setting, for error messages about flags.
_FLAGS = {
    "profiles": "--profile",
    "regions": "--region",
    "sources": "--source",
    "interval": "--interval",
    "allow_stop": "--allow-stop",
    "notify": "--notify",
    "toasts": "--toasts",
    "timezone": "--timezone",
}


class FlagError(ValueError):
    """A command-line flag has a value batchtop cannot use (the message names the flag)."""


def config_path(override: str | None = None) -> Path:
    """Where the config file is: `--config`, else $BATCHTOP_CONFIG, else the user config dir."""
    if override:
        return Path(override).expanduser()
    if from_env := os.environ.get(CONFIG_ENV):
        return Path(from_env).expanduser()
    return platformdirs.user_config_path("batchtop", appauthor=False) / "config.toml"


def _split_csv(value: object) -> object:
    """Accept `regions = "us-east-1,eu-west-1"` as well as a TOML array, like the CLI flags."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


def _dedupe(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


class Settings(BaseModel):
    """What the user configured. Strict: `interval = "10"` is reported, not guessed at."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    sources: list[SourceName] = ["all"]
    profiles: list[str] = []
    regions: list[str] = []
    interval: float = 10.0
    columns: list[Column] | None = None
    theme: str = "textual-dark"
    notify: NotifyMode = "off"
    toasts: ToastMode = "marked"
    allow_stop: bool = False
    timezone: Zone = "local"
    cache_jobs: int = 200_000
    max_calls_in_flight: int = 16

    @field_validator("sources", "profiles", "regions", "columns", mode="before")
    @classmethod
    def _lists_from_csv(cls, value: object) -> object:
        return _split_csv(value)

    @field_validator("interval")
    @classmethod
    def _interval_range(cls, value: float) -> float:
        if not MIN_INTERVAL <= value <= MAX_INTERVAL:  # also rejects nan
            raise ValueError(f"must be between {MIN_INTERVAL:g} and {MAX_INTERVAL:g} seconds")
        return value

    @field_validator("cache_jobs")
    @classmethod
    def _cache_size(cls, value: int) -> int:
        if not MIN_CACHE_JOBS <= value <= MAX_CACHE_JOBS:
            raise ValueError(f"must be between {MIN_CACHE_JOBS:,} and {MAX_CACHE_JOBS:,} jobs")
        return value

    @field_validator("max_calls_in_flight")
    @classmethod
    def _calls_in_flight(cls, value: int) -> int:
        if not 1 <= value <= MAX_CALLS_IN_FLIGHT:
            raise ValueError(f"must be between 1 and {MAX_CALLS_IN_FLIGHT}")
        return value

    @field_validator("sources", "columns")
    @classmethod
    def _not_empty(cls, values: list[str] | None) -> list[str] | None:
        if values is not None and not values:
            raise ValueError("must name at least one")
        return None if values is None else _dedupe(values)

    @field_validator("profiles")
    @classmethod
    def _profile_names(cls, values: list[str]) -> list[str]:
        if any(not name.strip() for name in values):
            raise ValueError("profile names must not be empty")
        return _dedupe(values)

    @field_validator("regions")
    @classmethod
    def _region_names(cls, values: list[str]) -> list[str]:
        for region in values:
            if not _REGION.fullmatch(region):
                raise ValueError(f"{clean(region, 40)!r} is not an AWS region name (like us-east-1)")
        return _dedupe(values)

    @property
    def kinds(self) -> list[JobKind]:
        """The job kinds to watch, "all" expanded, in the canonical order."""
        if "all" in self.sources:
            return list(JobKind)
        return [kind for kind in JobKind if kind.value in self.sources]


SAMPLE_CONFIG = """\
# batchtop configuration (TOML). Every key is optional; command-line flags win over
# this file. `batchtop config path` prints where batchtop looks for it.

# Job kinds to watch: "bedrock", "personalize", "segment", "sagemaker" or "all".
sources = ["all"]

# AWS profiles and regions to watch, all combined. Empty: the normal AWS chain
# (AWS_PROFILE, then the default profile) and that profile's region.
profiles = []          # e.g. ["prod", "staging"]
regions = []           # e.g. ["us-east-1", "eu-west-1"]

# Seconds between live refreshes, 2 to 600.
interval = 10.0

# Table columns, in order, each shown whatever the rows (width permitting). Leave unset
# for the default layout, which adds kind, account and region only when they differ
# between rows. Known columns: name, status, progress, model, kind, account (the ARN's
# account id), region (profile/region; where narrow, the region as its code: us-east-1 →
# use1), created, duration, message.
# columns = ["name", "status", "progress", "created", "message"]

# Any Textual theme name, e.g. "textual-dark", "textual-light", "nord", "gruvbox".
theme = "textual-dark"

# How to announce a finished job besides the in-app notification:
# "off", "bell" (the terminal bell) or "osc9" (a desktop notification, where the
# terminal supports OSC 9: iTerm2, WezTerm, Windows Terminal, ...).
notify = "off"

# Which finished jobs get a toast. Jobs marked with `m` are always announced by name
# (with the bell or OSC 9 above); besides them: "all" (one summary toast per refresh),
# "marked" (only failures, summarised) or "off".
toasts = "marked"

# Allow `x` to stop Bedrock and SageMaker jobs (it always asks for confirmation first).
allow_stop = false

# The time zone of every time shown (table, detail, ls, export): "local" or "utc"
# (`--timezone` for one run). Screens and `ls`'s table read `2025-06-01 17:33` and name the
# zone once (the header, `CREATED (IST)`); `ls` JSON/CSV and the export write ISO 8601 with
# the zone's offset, `2025-06-01T17:33:05.120+05:30` (`+00:00` in UTC).
timezone = "local"

# Jobs kept in the local cache for instant restarts (`batchtop cache path`); past this
# many, the oldest finished jobs are dropped first. 1,000 to 5,000,000.
cache_jobs = 200000

# AWS calls batchtop makes at once, all profiles, regions and kinds together, 1 to 256.
# Each source waits for a free slot; a source that hangs or is throttled holds one slot,
# never the others' results.
max_calls_in_flight = 16
"""


def load_settings(path: Path | None = None) -> tuple[Settings, list[str]]:
    """Read settings from `path` (default: `config_path()`); never raises, never writes.

    Returns the settings and one plain sentence per problem: a syntax error starts
    everything on defaults; a bad value defaults only its own key.
    """
    path = config_path() if path is None else path
    name = clean(path.name or str(path), 80)
    try:
        source = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        return Settings(), []
    except UnicodeDecodeError as exc:
        return Settings(), [f"{name} is not UTF-8 text (byte {exc.start + 1}) — starting with defaults"]
    except OSError as exc:
        return Settings(), [f"cannot read {clean(str(path))}: {exc.strerror or exc} — starting with defaults"]
    try:
        data = tomllib.loads(source)
    except tomllib.TOMLDecodeError as exc:
        return Settings(), [f"{_syntax_error(name, source, exc)} — starting with defaults"]
    return _validate(name, data)


def _syntax_error(name: str, source: str, exc: tomllib.TOMLDecodeError) -> str:
    """'config.toml line L, column C: reason' from tomllib's message (it ends "(at line L, column C)")."""
    message = str(exc)
    reason, _, where = message.rpartition(" (at ")
    if not reason:
        return f"{name}: {message}"
    found = re.fullmatch(r"line (\d+), column (\d+)\)", where)
    if found:
        line, column = int(found[1]), int(found[2])
    else:  # "(at end of document)"
        line = source.count("\n") + 1
        column = len(source) - (source.rfind("\n") + 1) + 1
    return f"{name} line {line}, column {column}: {reason}"


def _validate(name: str, data: dict[str, Any]) -> tuple[Settings, list[str]]:
    """Validate the whole table; drop each key that fails and report it; keep the rest."""
    try:
        return Settings.model_validate(data), []
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
    problems: list[str] = []
    bad: set[str] = set()
    for error in errors:
        key = str(error["loc"][0]) if error["loc"] else ""
        if key in bad:
            continue
        bad.add(key)
        problems.append(_describe(name, key, data.get(key), error))
    try:
        settings = Settings.model_validate({k: v for k, v in data.items() if k not in bad})
    except ValidationError:  # not expected: keys are validated independently
        settings = Settings()
    return settings, problems


def _describe(name: str, key: str, value: object, error: Any) -> str:
    shown_key = clean(key, 40)
    if error["type"] == "extra_forbidden":
        close = difflib.get_close_matches(key, Settings.model_fields, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        return f"{name}: unknown key {shown_key!r} ignored{hint}"
    default = Settings.model_fields[key].default
    shown_default = "the default layout" if default is None else f"the default {_toml(default)}"
    return f"{name}: {shown_key} = {_toml(value)}: {_reason(error)} — using {shown_default}"


def _reason(error: Any) -> str:
    reason = str(error["msg"]).removeprefix("Value error, ")
    reason = reason.replace("Input should be", "should be")
    if len(error["loc"]) > 1 and isinstance(error["loc"][1], int):
        reason = f"item {error['loc'][1] + 1} {reason}"
    return reason


def _toml(value: object) -> str:
    """A value as it would be written in TOML (JSON agrees for strings, numbers, lists, booleans)."""
    return clean(json.dumps(value, ensure_ascii=False, default=str), 60)


def merge_flags(settings: Settings, args: object) -> Settings:
    """Apply the command-line flags that were given (not None) over `settings`.

    Raises FlagError naming the flag when a flag's value is not usable (e.g. `--interval 1`).
    """
    given = {
        "profiles": getattr(args, "profile", None),
        "regions": getattr(args, "region", None),
        "sources": None if getattr(args, "source", None) is None else [args.source],  # type: ignore[attr-defined]
        "interval": getattr(args, "interval", None),
        "allow_stop": getattr(args, "allow_stop", None),
        "notify": getattr(args, "notify", None),
        "toasts": getattr(args, "toasts", None),
        "timezone": getattr(args, "timezone", None),
    }
    updates = {key: value for key, value in given.items() if value is not None}
    if not updates:
        return settings
    try:
        return Settings.model_validate({**settings.model_dump(), **updates})
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        key = str(error["loc"][0])
        raise FlagError(f"{_FLAGS.get(key, key)} {_toml(updates.get(key))}: {_reason(error)}") from None
