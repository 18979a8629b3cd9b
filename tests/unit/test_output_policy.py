"""The output policy, once for every way job data leaves the process (tui/output.py):
whatever a service sends, no writer emits a control, C1, DEL, bidi or invisible character;
JSON gives back exactly what was sent; CSV cells are the same in `ls` and the export."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from hostile import ANY_TEXT, assert_inert
from tui.models import Job, JobDetail, JobKind, Phase, RecordCounts, SourceKey
from tui.output import (
    ARN_REFUSED,
    EXPORT_CSV_COLUMNS,
    LS_CSV_COLUMNS,
    LsRows,
    clipboard_arn,
    console_link,
    csv_cell,
    describe_table,
    export_record,
    inert_json,
    job_json,
    ls_record,
    osc9,
    osc9_text,
    write_export,
)

T0 = dt.datetime(2025, 3, 4, 5, 6, 7, tzinfo=dt.timezone.utc)
KEY = SourceKey("prod", "us-east-1", JobKind.BEDROCK)
GOOD_ARN = "arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/abcdef123456"


def hostile_job(name: str, message: str, status: str, arn: str = GOOD_ARN) -> Job:
    return Job(
        arn=arn,
        name=name,
        kind=JobKind.BEDROCK,
        source="prod/us-east-1/bedrock",
        status=status,
        phase=Phase.RUNNING,
        created=T0,
        model=message[:20],
        message=message,
        records=RecordCounts(total=10, processed=3),
        notes=(message,),
    )


def ls_output(fmt: str, jobs: list[Job]) -> str:
    out = io.StringIO()
    rows = LsRows(fmt, out)
    rows.begin()
    for job in jobs:
        rows.write(KEY, job)
    rows.end()
    return out.getvalue()


def export_output(fmt: str, jobs: list[Job]) -> str:
    out = io.StringIO()
    assert write_export(out, fmt, jobs) == len(jobs)
    return out.getvalue()


@settings(max_examples=150, deadline=None)
@given(name=ANY_TEXT, message=ANY_TEXT, status=ANY_TEXT, arn=ANY_TEXT)
@example(name="x\x1b]52;c;cm0gLXJmIH4vKg==\x07\u202e", message="\x9b2J\x9c\udc80", status="\x7f", arn=GOOD_ARN + "\n`rm`")
def test_no_writer_lets_a_control_or_invisible_character_out_and_json_is_lossless(name, message, status, arn):
    jobs = [hostile_job(name, message, status, arn), hostile_job("plain", "", "InProgress")]

    for fmt in ("json", "jsonl"):
        text = ls_output(fmt, jobs)
        assert_inert(text, newlines=True)
        text.encode("utf-8")  # strictly: no lone surrogate reaches the stream
        records = json.loads(text) if fmt == "json" else [json.loads(line) for line in text.splitlines()]
        assert records == [ls_record(KEY, job) for job in jobs]  # exact, hostile bytes and all
    exported = export_output("json", jobs)
    assert_inert(exported, newlines=True)
    assert json.loads(exported) == [export_record(job) for job in jobs]

    ls_csv, export_csv = ls_output("csv", jobs), export_output("csv", jobs)
    for text, columns in ((ls_csv, LS_CSV_COLUMNS), (export_csv, EXPORT_CSV_COLUMNS)):
        assert_inert(text, newlines=True)
        header, first, _ = list(csv.reader(io.StringIO(text)))
        assert header == list(columns)
        cells = dict(zip(columns, first))
        assert cells["name"] == csv_cell(name) and cells["message"] == csv_cell(message)
        assert not cells["name"].lstrip(" \n").startswith(("=", "+", "-", "@", "\t", "\r"))

    table = ls_output("table", jobs)
    assert_inert(table, newlines=True)
    assert len(table.splitlines()) == 3  # a header and one line per job, whatever the name holds

    fields = {"jobName": name, "message": message, "nested": {"status": status, "list": [arn]}}
    assert_inert(describe_table(fields), newlines=True)
    described = inert_json(fields, indent=2)
    assert_inert(described, newlines=True)
    assert json.loads(described) == fields

    for detail in (None, JobDetail(jobs[0], fields)):
        copied = job_json(jobs[0], detail)
        assert_inert(copied, newlines=True)
        assert json.loads(copied) == (fields if detail else json.loads(job_json(jobs[0], None)))

    link = console_link(jobs[0])
    assert link.isascii() and link.isprintable() and link.startswith("https://")

    copied_arn = clipboard_arn(arn)
    assert copied_arn is None or (copied_arn == arn and re.fullmatch(r"[!-~]+", arn))

    sequence = osc9(name, message)
    text = osc9_text(name, message)
    assert sequence == f"\x1b]9;{text}\a"
    assert_inert(text)


def test_json_escapes_exactly_the_invisible_characters_and_keeps_text_readable():
    value = "日本語 ✓ café \x7f\x85\x9b\u202e\u2028\u200b\ufeff\udc80\U000e0041 \x1b"
    text = inert_json({"v": value})
    assert text == (
        '{"v": "日本語 ✓ café \\u007f\\u0085\\u009b\\u202e\\u2028\\u200b\\ufeff\\udc80\\udb40\\udc41 \\u001b"}'
    )
    assert json.loads(text) == {"v": value}


@given(st.text(max_size=30))
def test_csv_cells_are_the_same_in_ls_and_the_export(name):
    job = hostile_job(name, name, "InProgress")
    ls_row = list(csv.DictReader(io.StringIO(ls_output("csv", [job]))))[0]
    export_row = list(csv.DictReader(io.StringIO(export_output("csv", [job]))))[0]
    for column in ("name", "message", "model", "status", "arn"):
        assert ls_row[column] == export_row[column]


def test_clipboard_takes_only_well_formed_arns():
    for good in (
        GOOD_ARN,
        "arn:aws:personalize:eu-west-1:123456789012:batch-inference-job/nightly_recs-2025.01",
        "arn:aws-us-gov:bedrock:us-gov-west-1:123456789012:model-invocation-job/abcdef123456",
        "arn:aws-cn:personalize:cn-north-1:123456789012:batch-segment-job/seg",
    ):
        assert clipboard_arn(good) == good
    for bad in (
        GOOD_ARN + "\n",
        GOOD_ARN + " ; rm -rf ~",
        GOOD_ARN + "\x1b]52;c;ZXZpbA==\x07",
        GOOD_ARN + "$(id)",
        GOOD_ARN + "`id`",
        "\u202e" + GOOD_ARN,
        "arn:aws:bedrock:us-east-1:123456789012:",
        "not-an-arn",
        "",
        "arn:evil:bedrock:us-east-1:123456789012:model-invocation-job/x",
    ):
        assert clipboard_arn(bad) is None, repr(bad)
    assert "not a well-formed" in ARN_REFUSED


def test_osc9_is_never_read_as_a_conemu_command():
    assert osc9_text("4;1", "x").startswith("batchtop: ")
