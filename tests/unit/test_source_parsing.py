"""Tolerant reading of raw items and the client-side meaning of filters (no AWS involved)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from factories import make_job
from tui.errors import MalformedResponse
from tui.models import Job, JobKind, Phase
from tui.sources import bedrock, personalize
from tui.models import Filters
from tui.sources.filtering import is_known_status, job_matches, resolve_status, valid_statuses
from tui.sources.wire import ItemReader, item_list, next_token_of, parse_time

UTC = dt.timezone.utc


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-03-04T05:06:07Z", dt.datetime(2025, 3, 4, 5, 6, 7, tzinfo=UTC)),
        ("2025-03-04T05:06:07.123+02:00", dt.datetime(2025, 3, 4, 3, 6, 7, 123000, tzinfo=UTC)),
        ("2025-03-04T05:06:07.123456789Z", dt.datetime(2025, 3, 4, 5, 6, 7, 123456, tzinfo=UTC)),
        (1741064767, dt.datetime(2025, 3, 4, 5, 6, 7, tzinfo=UTC)),
        (1741064767.5, dt.datetime(2025, 3, 4, 5, 6, 7, 500000, tzinfo=UTC)),
    ],
)
def test_parse_time_reads_iso_strings_and_epoch_seconds(value, expected):
    assert parse_time(value) == expected


@pytest.mark.parametrize("value", ["garbage", "", None, True, 1e30, [], {}])
def test_parse_time_rejects_garbage_with_value_error(value):
    with pytest.raises(ValueError):
        parse_time(value)


def test_reader_notes_what_it_cannot_read_and_keeps_the_rest():
    read = ItemReader({"jobName": 42, "submitTime": "soon", "totalRecordCount": -3, "status": "Odd"}, "item")
    assert read.text("jobName") == "42"
    assert read.time("submitTime") is None
    assert read.count("totalRecordCount") is None
    assert read.text("status") == "Odd"
    assert read.text("modelId", required=True) == ""
    assert read.notes == [
        "jobName is not a string: 42",
        "submitTime is not a timestamp: 'soon'",
        "totalRecordCount is not a count: -3",
        "no modelId",
    ]


def test_a_job_without_arn_gets_a_stand_in_that_survives_status_changes():
    before = ItemReader({"jobName": "a", "submitTime": "2025-01-01T00:00:00Z", "status": "InProgress"}, "item")
    after = ItemReader({"jobName": "a", "submitTime": "2025-01-01T00:00:00Z", "status": "Completed"}, "item")
    other = ItemReader({"jobName": "b", "submitTime": "2025-01-01T00:00:00Z"}, "item")
    stand_in = before.identity("jobArn", "jobName", "submitTime")
    assert stand_in.startswith("unknown-arn:")
    assert stand_in == after.identity("jobArn", "jobName", "submitTime")
    assert stand_in != other.identity("jobArn", "jobName", "submitTime")
    assert "no jobArn" in before.notes


def test_an_item_that_is_not_an_object_gets_one_note():
    read = ItemReader("just a string", "invocationJobSummaries[3]")
    assert read.text("jobName", required=True) == ""
    assert read.notes == ["invocationJobSummaries[3] is not an object (str): 'just a string'"]


def test_document_shapes():
    assert item_list({}, "batchSegmentJobs") == []
    with pytest.raises(MalformedResponse):
        item_list({"batchSegmentJobs": {"a": 1}}, "batchSegmentJobs")
    assert next_token_of({"nextToken": ""}) is None
    assert next_token_of({"nextToken": "x" * 2048}) == "x" * 2048
    with pytest.raises(MalformedResponse):
        next_token_of({"nextToken": 7})


@pytest.mark.parametrize(
    ("text", "phase", "raw"),
    [
        ("running", Phase.RUNNING, None),
        ("FAILED", Phase.FAILED, None),
        ("inprogress", None, "InProgress"),
        ("create failed", None, "CREATE FAILED"),
        ("Mystery", None, "Mystery"),
    ],
)
def test_status_filters_resolve_to_a_phase_or_a_raw_status(text, phase, raw):
    resolved = resolve_status(text)
    assert (resolved.phase, resolved.raw) == (phase, raw)


def test_known_statuses():
    assert is_known_status("queued") and is_known_status("PartiallyCompleted") and is_known_status("create pending")
    assert not is_known_status("Mystery")
    assert valid_statuses()[:2] == ["queued", "running"] and "CREATE IN_PROGRESS" in valid_statuses()


def test_bedrock_can_filter_on_the_server_only_for_single_status_phases():
    assert resolve_status("running").raw_candidates(bedrock.STATUSES) == ("InProgress",)
    assert resolve_status("queued").raw_candidates(bedrock.STATUSES) == ("Submitted", "Validating", "Scheduled")
    assert resolve_status("ACTIVE").excludes_service(bedrock.STATUSES)
    assert resolve_status("stopped").excludes_service(personalize.STATUSES)
    assert not resolve_status("unknown").excludes_service(personalize.STATUSES)
    assert not resolve_status("Mystery").excludes_service(bedrock.STATUSES)


def named_job(name: str = "Nightly-Run", status: str = "InProgress", created: dt.datetime | None = None) -> Job:
    return make_job(1, status, name=name, created=created)


def test_job_matches_name_case_insensitively_and_literally():
    assert job_matches(named_job(), Filters(name="nightly"))
    assert not job_matches(named_job(), Filters(name="night.*"))
    assert job_matches(named_job(name="a.*b"), Filters(name="A.*"))


def test_job_matches_status_by_phase_or_raw():
    assert job_matches(named_job(status="Weird"), Filters(status="unknown"))
    assert job_matches(named_job(status="Weird"), Filters(status="weird"))
    assert not job_matches(named_job(status="Completed"), Filters(status="running"))


def test_job_matches_time_window_and_lets_unknown_times_through():
    noon = dt.datetime(2025, 1, 1, 12, tzinfo=UTC)
    assert job_matches(named_job(created=noon), Filters(submitted_after=noon - dt.timedelta(hours=1)))
    assert not job_matches(named_job(created=noon), Filters(submitted_before=dt.datetime(2025, 1, 1, 11)))
    assert job_matches(named_job(created=None), Filters(submitted_after=noon))


def test_first_page_memo_reads_only_items_that_changed_and_keeps_only_the_last_page():
    from tui.models import SourceKey
    from tui.sources.wire import FirstPageMemo

    source = bedrock.BedrockSource(SourceKey(None, "us-east-1", JobKind.BEDROCK), None)
    read: list[str] = []

    def read_item(item: object, where: str) -> Job:
        read.append(where)
        return source.job_from(item, where)

    def item(number: int, status: str = "Completed") -> dict:
        return {"jobArn": f"arn:{number}", "jobName": f"job-{number}", "status": status, "submitTime": "2025-03-04T05:06:07Z"}

    memo = FirstPageMemo("jobArn")
    first = memo.read([item(1), item(2), "not an item"], read_item, "page")
    assert read == ["page[0]", "page[1]", "page[2]"] and first[2].notes
    read.clear()
    again = memo.read([item(0), item(1), item(2, "Failed"), "not an item"], read_item, "page")
    assert read == ["page[0]", "page[2]", "page[3]"]  # new, changed, and what has no ARN
    assert again[1] is first[0] and again[2].status == "Failed"
    read.clear()
    memo.read([item(1)], read_item, "page")
    memo.read([item(2)], read_item, "page")  # seen two pages ago only: read again
    assert read == ["page[0]"]


def test_first_page_memo_decodes_a_body_only_when_its_bytes_or_the_filters_changed():
    from tui.models import Page
    from tui.sources.wire import Body, FirstPageMemo

    decoded: list[dict] = []

    def build(document: dict) -> Page:
        decoded.append(document)
        return Page([named_job(name=name) for name in document["names"]], next_token_of(document))

    def page(body: bytes, filters: Filters = Filters()) -> Page:
        return memo.page(Body(body), filters, "nextToken", build)

    memo = FirstPageMemo("jobArn")
    first = page(b'{"names": ["a", "b"]}')
    again = page(b'{"names": ["a", "b"]}')  # equal bytes, another object
    assert len(decoded) == 1 and again.next_token is None
    assert again.jobs is not first.jobs and all(new is old for new, old in zip(again.jobs, first.jobs))
    changed = page(b'{"names": ["a", "c"]}')
    assert len(decoded) == 2 and [job.name for job in changed.jobs] == ["a", "c"]
    page(b'{"names": ["a", "c"]}', Filters(name="a"))  # filters apply on the client too
    assert len(decoded) == 3
    memo.adopt([])  # rows from the cache: the next read must hand them back
    page(b'{"names": ["a", "c"]}', Filters(name="a"))
    assert len(decoded) == 4
    with pytest.raises(MalformedResponse, match="not JSON"):
        page(b"<html>")
    with pytest.raises(MalformedResponse, match="JSON list"):
        page(b"[]")
    page(b'{"names": ["a", "c"]}', Filters(name="a"))  # a failed read kept nothing
    assert len(decoded) == 4


def test_first_page_memo_reads_past_a_new_page_token_but_no_other_change():
    from tui.models import Page
    from tui.sources.wire import Body, FirstPageMemo

    decoded: list[dict] = []

    def build(document: dict) -> Page:
        decoded.append(document)
        return Page([named_job(name=name) for name in document["names"]], next_token_of(document))

    memo = FirstPageMemo("jobArn")
    first = memo.page(Body(b'{"names": ["a"], "nextToken": "t1"}'), Filters(), "nextToken", build)
    sealed_again = memo.page(Body(b'{"names": ["a"], "nextToken": "t2\\u00e9"}'), Filters(), "nextToken", build)
    assert len(decoded) == 1 and sealed_again.next_token == "t2\u00e9" and sealed_again.jobs[0] is first.jobs[0]
    assert memo.page(Body(b'{"names": ["a"], "nextToken": ""}'), Filters(), "nextToken", build).next_token is None
    assert len(decoded) == 1
    memo.page(Body(b'{"names": ["b"], "nextToken": "t3"}'), Filters(), "nextToken", build)  # the same length
    assert len(decoded) == 2
    # an item's key of the same name is no page token: such bodies are compared whole
    item_only = b'{"names": ["a"], "items": [{"nextToken": "x1"}]}'
    memo.page(Body(item_only), Filters(), "nextToken", build)
    page = memo.page(Body(item_only.replace(b"x1", b"x2")), Filters(), "nextToken", build)
    assert len(decoded) == 4 and page.next_token is None
    twice = b'{"names": ["a"], "items": [{"nextToken": "x1"}], "nextToken": "t1"}'
    memo.page(Body(twice), Filters(), "nextToken", build)
    memo.page(Body(twice.replace(b"t1", b"t2")), Filters(), "nextToken", build)
    assert len(decoded) == 6


def test_values_nested_too_deep_for_the_decoder_are_cut_and_the_rest_is_read():
    from tui.sources.wire import MAX_DEPTH, TOO_DEEP, decode_json

    deep = b"[" * 3000 + b"]" * 3000
    body = b'{"items": [{"jobArn": "arn:1", "jobName": ' + deep + b', "note": "[[{\\"]"}, {"jobArn": "arn:2"}]}'
    with pytest.raises(RecursionError):
        json.loads(body)
    document = decode_json(body)
    first, second = document["items"]
    assert first["jobArn"] == "arn:1" and first["note"] == '[[{"]' and second == {"jobArn": "arn:2"}
    value, depth = first["jobName"], 3  # the document, the list and the item hold it
    while value != TOO_DEEP:
        value, depth = value[0], depth + 1
    assert depth == MAX_DEPTH
    read = ItemReader(first, "item")
    assert read.text("jobName") == "" and read.notes[0].startswith("jobName is not a string: [[[[")
    assert decode_json(b'{"a": [[1]]}') == {"a": [[1]]}  # a normal body is left as it is


def test_notes_about_huge_or_deep_values_stay_short():
    deep: list = []
    for _ in range(900):
        deep = [deep]
    read = ItemReader({"jobName": deep, "status": "x" * 10_000}, "item")
    read.text("jobName")
    read.time("status")
    assert all(len(note) < 80 for note in read.notes)
