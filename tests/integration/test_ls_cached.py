"""`batchtop ls --cached`: the cache's rows, picked and filtered like a live `ls`, with no
network call (the endpoint here accepts no connection)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from factories import make_job
from tui.__main__ import main
from tui.cache import JobCache, cache_path
from tui.models import Job, JobKind, Phase, RecordCounts

T0 = dt.datetime(2025, 6, 1, 12, 0, tzinfo=dt.timezone.utc)


def job(source: str, kind: JobKind, index: int, status: str = "Completed", phase: Phase = Phase.SUCCEEDED) -> Job:
    return make_job(index, status, arn=f"arn:{source}:{index}", name=f"{kind.value}-{index}", kind=kind, source=source,
                    phase=phase, created=T0 - dt.timedelta(minutes=index), model="", records=RecordCounts(10, 5, 5, 0))


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any AWS call would fail at once: nothing listens on port 9 (discard)."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "expired")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "expired")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")


def test_ls_cached_prints_the_cache_newest_first_filtered_with_no_network(offline, capsys) -> None:
    cache = JobCache()
    bedrock, personalize, elsewhere = "default/us-east-1/bedrock", "default/us-east-1/personalize", "prod/eu-west-1/bedrock"
    cache.save(bedrock, [job(bedrock, JobKind.BEDROCK, i) for i in (0, 2, 4)] + [job(bedrock, JobKind.BEDROCK, 5, "InProgress", Phase.RUNNING)])
    cache.save(personalize, [job(personalize, JobKind.PERSONALIZE, i, "ACTIVE") for i in (1, 3)])
    cache.save(elsewhere, [job(elsewhere, JobKind.BEDROCK, 9)])
    cache.close()

    assert main(["ls", "--cached", "--region", "us-east-1", "--format", "jsonl"]) == 0
    names = [json.loads(line)["name"] for line in capsys.readouterr().out.splitlines()]
    assert names == ["bedrock-0", "personalize-1", "bedrock-2", "personalize-3", "bedrock-4", "bedrock-5"]

    assert main(["ls", "--cached", "--source", "bedrock", "--status", "running", "--format", "jsonl"]) == 0
    assert [json.loads(line)["name"] for line in capsys.readouterr().out.splitlines()] == ["bedrock-5"]

    assert main(["ls", "--cached", "--limit", "2", "--format", "jsonl"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 2


def test_ls_cached_without_a_cache_says_so_in_one_line(offline, capsys) -> None:
    assert main(["ls", "--cached"]) == 1
    captured = capsys.readouterr()
    assert "no job cache yet" in captured.err and captured.err.count("\n") == 1
    assert not cache_path().exists()


def test_ls_cached_with_a_damaged_cache_says_so_in_one_line(offline, capsys) -> None:
    cache_path().parent.mkdir(parents=True)
    cache_path().write_bytes(b"not a database at all" * 100)
    assert main(["ls", "--cached", "--format", "json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out) == []
    assert "damaged" in captured.err and captured.err.count("\n") == 1
