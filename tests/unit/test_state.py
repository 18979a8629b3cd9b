"""Saved state: a round trip of every field, atomic replacement, and unusable files reported
once and ignored."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from tui.models import Filters
from tui.state import SavedFilters, SavedState, StateStore, state_path


@pytest.fixture
def reports() -> list[str]:
    return []


@pytest.fixture
def store(tmp_path: Path, reports: list[str]) -> StateStore:
    return StateStore(tmp_path / "state" / "state.json", on_problem=reports.append)


def test_every_field_survives_a_round_trip(store: StateStore, reports: list[str]) -> None:
    filters = Filters("nightly", "running", dt.datetime(2025, 6, 1, tzinfo=dt.timezone.utc), None, False)
    state = SavedState(
        marked=("arn:aws:bedrock:us-east-1:1:model-invocation-job/a", "odd\udc80arn"),
        source="prod/eu-west-1/personalize",
        sort_column="progress",
        sort_descending=False,
        filters=SavedFilters.of(filters),
        interval=30.0,
        panes={"sources-pane": False},
    )
    assert store.save(state)
    loaded = StateStore(store.path).load()
    assert loaded == state
    assert loaded.filters.filters() == filters
    assert reports == []


def test_no_file_means_the_defaults_and_no_report(store: StateStore, reports: list[str]) -> None:
    assert store.load() == SavedState()
    assert reports == []


def test_a_save_replaces_the_file_whole_and_leaves_no_temporary_behind(store: StateStore) -> None:
    store.save(SavedState(interval=5.0))
    store.save(SavedState(interval=7.0))
    assert [path.name for path in store.path.parent.iterdir()] == ["state.json"]
    assert json.loads(store.path.read_text())["interval"] == 7.0


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b'{"marked": ["a", ', "Expecting value"),
        (b"\xff\xfe not text", "can't decode"),
        (b"[1, 2]", "not a JSON object"),
        (b'{"interval": 1}', "interval: interval must be between 2 and 600 seconds"),
        (b'{"sort_column": "\\u001b[2Jevil"}', "unknown sort column"),
        (b'{"version": 7}', "written by a newer batchtop (version 7)"),
    ],
)
def test_an_unusable_file_is_reported_once_and_ignored(store: StateStore, reports: list[str], content: bytes, reason: str) -> None:
    store.path.parent.mkdir(parents=True)
    store.path.write_bytes(content)

    assert store.load() == SavedState()
    assert store.load() == SavedState()
    assert len(reports) == 1 and reason in reports[0] and "starting without it" in reports[0]
    assert "\x1b" not in reports[0]


def test_a_save_that_cannot_be_written_is_reported_once(tmp_path: Path, reports: list[str]) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    store = StateStore(blocker / "state.json", on_problem=reports.append)

    assert not store.save(SavedState())
    assert not store.save(SavedState(interval=9.0))
    assert len(reports) == 1 and "will not survive a restart" in reports[0]


def test_tests_never_use_the_real_state(local_dirs: dict[str, str]) -> None:
    assert state_path() == Path(local_dirs["BATCHTOP_STATE_DIR"]) / "state.json"
