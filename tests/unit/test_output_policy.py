"""The output policy, once for every way job data leaves the process (tui/output.py):
whatever a service sends, no writer emits a control, C1, DEL, bidi or invisible character;
JSON gives back exactly what was sent; CSV cells are the same in `ls` and the export."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from factories import make_job
from hostile import ANY_TEXT, assert_inert
from tui.models import Job, JobDetail, JobKind, Phase, RecordCounts, SourceKey
from tui.output import (
    ARN_REFUSED,
    CSV_COLUMNS,
    LsRows,
    clipboard_arn,
    console_link,
    csv_cell,
    describe_table,
    inert_json,
    job_json,
    osc9,
    output_record,
    osc9_text,
    write_export,
)
from tui.cells import middle_cut

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
    rows = LsRows(fmt, out, "utc")
    rows.begin()
    for job in jobs:
        rows.write(KEY, job)
    rows.end()
    return out.getvalue()


def export_output(fmt: str, jobs: list[Job]) -> str:
    out = io.StringIO()
    assert write_export(out, fmt, jobs, "utc") == len(jobs)
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
        assert records == [output_record(job, "utc") for job in jobs]  # exact, hostile bytes and all
    exported = export_output("json", jobs)
    assert_inert(exported, newlines=True)
    assert json.loads(exported) == records  # the export writes what `ls` writes

    ls_csv, export_csv = ls_output("csv", jobs), export_output("csv", jobs)
    assert ls_csv == export_csv
    for text in (ls_csv, export_csv):
        assert_inert(text, newlines=True)
        header, first, _ = list(csv.reader(io.StringIO(text)))
        assert header == list(CSV_COLUMNS)
        cells = dict(zip(CSV_COLUMNS, first))
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
def test_the_csv_of_ls_and_of_the_export_are_the_same_file(name):
    job = hostile_job(name, name, "InProgress")
    assert ls_output("csv", [job]) == export_output("csv", [job])
    assert next(csv.reader(io.StringIO(ls_output("csv", [job])))) == list(CSV_COLUMNS)



@pytest.mark.parametrize(("zone", "iso", "shown", "title"), [
    ("local", "2025-03-04T10:36:07.000+05:30", "2025-03-04 10:36", "CREATED (IST)"),
    ("utc", "2025-03-04T05:06:07.000+00:00", "2025-03-04 05:06", "CREATED (UTC)"),
])
def test_ls_and_the_export_write_times_one_way_in_the_configured_zone(in_kolkata, zone, iso, shown, title):
    job = hostile_job("nightly", "", "InProgress")
    out = io.StringIO()
    rows = LsRows("json", out, zone)
    rows.begin()
    rows.write(KEY, job)
    rows.end()
    exported = io.StringIO()
    write_export(exported, "json", [job], zone)
    for text in (out.getvalue(), exported.getvalue()):
        assert json.loads(text)[0]["created"] == iso
    for fmt in ("csv", "jsonl"):
        out = io.StringIO()
        rows = LsRows(fmt, out, zone)
        rows.write(KEY, job)
        assert iso in out.getvalue()
    table = io.StringIO()
    rows = LsRows("table", table, zone)
    rows.write(KEY, job)
    header, line = table.getvalue().splitlines()
    assert header.startswith(title + " ") and line.startswith(shown + " ")


def test_the_ls_table_reads_like_the_monitor_phase_words_and_names_cut_in_the_middle():
    name = "pipelines-7b4cae8591b0-TransformStep-9B2C4D6E8F-20251130-00042"
    failed = make_job(1, "CREATE FAILED", name=name, kind=JobKind.PERSONALIZE)
    queued = make_job(2, "Scheduled", notes=("status missing",))
    out = io.StringIO()
    rows = LsRows("table", out, "utc")
    for job in (failed, queued):
        rows.write(KEY, job)
    header, first, second = out.getvalue().splitlines()
    assert "✖ failed " in first and "CREATE" not in first.split("arn:")[0]
    assert "◷ queued (!)" in second  # the job has notes: the table flags them
    assert middle_cut(name, 40) in first and middle_cut(name, 40).endswith("-20251130-00042")


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
