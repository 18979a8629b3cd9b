"""The bench scripts import, and their pure parts (statistics, the soak verdict) are right.

The scripts themselves run by hand (minutes each); this only keeps them from rotting.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


@pytest.fixture(autouse=True)
def bench_on_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(BENCH))


@pytest.mark.parametrize("name", ["table", "startup", "api_cost", "idle", "soak", "sources"])
def test_script_imports_and_has_main(name: str) -> None:
    module = importlib.import_module(name)
    assert callable(module.main)
    assert module.__doc__ and ".venv/bin/python bench/" in module.__doc__


def test_percentile_is_nearest_rank() -> None:
    harness = importlib.import_module("_harness")
    values = [float(v) for v in range(1, 101)]
    assert harness.percentile(values, 50) == 50.0
    assert harness.percentile(values, 95) == 95.0
    assert harness.summary_ms([0.001, 0.002, 0.003])["max"] == pytest.approx(3.0)


def test_soak_verdict_finds_lost_duplicated_unknown_and_wrong_rows() -> None:
    soak = importlib.import_module("soak")
    before = {"a": "InProgress", "b": "Completed", "c": "Submitted", "lost": "Failed"}
    after = {"a": "Completed", "b": "Completed", "c": "Submitted", "lost": "Failed", "new": "Submitted"}
    rows = [["a", "InProgress"], ["b", "Failed"], ["c", "Submitted"], ["c", "Submitted"], ["ghost", "Completed"]]
    result = soak.verdict(rows, before, after)
    assert result["duplicated"] == 1
    assert result["lost"] == ["lost"]
    assert result["unknown"] == ["ghost"]
    assert [arn for arn, *_ in result["wrong_status"]] == ["b", "ghost"]
    assert result["changed_during_check"] == 1  # "a" moved on: either status is accepted
    assert result["arrived_during_check"] == 1


def test_changing_rows_are_on_screen_and_far_below() -> None:
    jobs = importlib.import_module("_jobs")
    rows = jobs.changing_rows(100_000)
    assert len(rows) == len(set(rows)) == 100
    assert sum(1 for row in rows if row < 38) == 30
    assert all(row < 100_000 for row in rows)
    assert min(row for row in rows if row >= 38) >= 50_000


def teardown_module() -> None:
    for name in ("table", "startup", "api_cost", "idle", "soak", "_harness", "_jobs"):
        sys.modules.pop(name, None)
