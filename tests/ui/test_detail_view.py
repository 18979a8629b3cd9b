"""What the detail screen says about a job: grouping, labels, rates and ETAs (no Textual)."""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import pytest

from rich.console import Console
from rich.text import Text

from factories import make_job
from tui.models import Job, JobDetail, JobKind, Phase, RecordCounts, SourceKey, phase_of
from tui.output import job_json
from tui.screens.detail_view import DetailView, RateMeter, flatten, label_width, rows_table

NOW = dt.datetime(2025, 6, 1, 12, 0, tzinfo=dt.timezone.utc)
BEDROCK_ARN = "arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/k3x9q2m8w1zt"
PERSONALIZE_ARN = "arn:aws:personalize:eu-west-1:210987654321:batch-inference-job/weekly-recs"


def bedrock_job(**changes: object) -> Job:
    fields: dict[str, object] = {
        "arn": BEDROCK_ARN,
        "name": "nightly-embed",
        "kind": JobKind.BEDROCK,
        "source": "prod/us-east-1/bedrock",
        "status": "InProgress",
        "phase": Phase.RUNNING,
        "created": NOW - dt.timedelta(hours=2),
        "updated": NOW - dt.timedelta(minutes=1),
        "model": "amazon.titan-embed-text-v2:0",
        "records": RecordCounts(total=10_000, processed=4_000, succeeded=3_990, failed=10),
    }
    return make_job(**{**fields, **changes})


def plain(rows: list[tuple[str, Text]]) -> str:
    console = Console(width=120, record=True, file=io.StringIO())
    console.print(rows_table(rows, label_width([rows])))
    return console.export_text()


def section(view: DetailView, title: str) -> str:
    return plain(dict(view.sections())[title])


def test_flatten_dots_nested_keys_and_keeps_plain_lists_whole() -> None:
    fields = {
        "jobName": "a",
        "inputDataConfig": {"s3InputDataConfig": {"s3Uri": "s3://in/", "s3InputFormat": "JSONL"}},
        "vpcConfig": {"subnetIds": ["subnet-1", "subnet-2"], "securityGroupIds": []},
        "tags": [{"key": "team", "value": "ml"}],
        "empty": {},
    }
    assert list(flatten(fields)) == [
        ("jobName", "a"),
        ("inputDataConfig.s3InputDataConfig.s3Uri", "s3://in/"),
        ("inputDataConfig.s3InputDataConfig.s3InputFormat", "JSONL"),
        ("vpcConfig.subnetIds", ["subnet-1", "subnet-2"]),
        ("vpcConfig.securityGroupIds", []),
        ("tags.0.key", "team"),
        ("tags.0.value", "ml"),
        ("empty", {}),
    ]


def test_rate_meter_measures_over_successive_samples() -> None:
    meter = RateMeter(window=dt.timedelta(minutes=10))
    assert meter.rate() is None
    meter.add(NOW, 1_000)
    assert meter.rate() is None
    meter.add(NOW + dt.timedelta(seconds=10), 1_500)
    assert meter.rate() == 50.0
    meter.add(NOW + dt.timedelta(seconds=20), 1_700)
    assert meter.rate() == 35.0  # (1,700 - 1,000) / 20 s
    meter.add(NOW + dt.timedelta(seconds=20), 1_900)  # same instant: the newer count wins
    assert meter.rate() == 45.0


def test_rate_meter_forgets_old_samples_and_restarts_when_counts_go_back() -> None:
    meter = RateMeter(window=dt.timedelta(seconds=60))
    meter.add(NOW, 0)
    meter.add(NOW + dt.timedelta(seconds=30), 3_000)
    meter.add(NOW + dt.timedelta(seconds=100), 3_100)
    meter.add(NOW + dt.timedelta(seconds=110), 3_200)
    assert meter.rate() == 10.0  # only samples within the last minute or so
    meter.add(NOW + dt.timedelta(seconds=120), 5)
    assert meter.rate() is None


def test_running_bedrock_job_shows_progress_rate_and_eta() -> None:
    meter = RateMeter()
    meter.add(NOW - dt.timedelta(seconds=100), 3_000)
    meter.add(NOW, 4_000)
    fields = {"jobExpirationTime": "2025-06-01T12:30:00+00:00", "timeoutDurationInHours": 24}
    view = DetailView(bedrock_job(), fields, NOW, meter)
    records = section(view, "Records")
    assert "40.0%" in records
    assert "4,000 of 10,000 processed · 3,990 succeeded · 10 failed" in records
    assert "10.0 records/s over the last 1m" in records
    assert "10m · about 2025-06-01 12:10 UTC" in records  # 6,000 left at 10/s
    assert "after the job expires" not in records
    timing = section(view, "Timing")
    assert "Running for" in timing and "2h00m" in timing
    assert "24 hours" in timing
    assert "2025-06-01 12:30:00 UTC · in 30m" in timing


@pytest.mark.parametrize(
    ("status", "label"),
    [("Submitted", "Waiting for"), ("Scheduled", "Waiting for"), ("CREATE PENDING", "Waiting for"),
     ("InProgress", "Running for"), ("Stopping", "Running for"), ("Completed", "Duration"),
     ("CREATE FAILED", "Duration"), ("Mystery", "Age")],
)
def test_the_time_since_submission_is_named_by_the_phase(status: str, label: str) -> None:
    view = DetailView(bedrock_job(status=status, phase=phase_of(status), ended=None, records=None), {}, NOW, RateMeter())
    timing = section(view, "Timing")
    took = "1h59m" if label == "Duration" else "2h00m"  # a finished job: until its last update
    assert re.search(rf"{label} +{took}\b", timing), timing
    for other in {"Waiting for", "Running for", "Duration", "Age"} - {label}:
        assert other not in timing


def test_eta_past_the_expiry_time_is_flagged() -> None:
    meter = RateMeter()
    meter.add(NOW - dt.timedelta(seconds=100), 3_900)
    meter.add(NOW, 4_000)  # 1/s: 6,000 s left, the job expires in 30 minutes
    view = DetailView(bedrock_job(), {"jobExpirationTime": "2025-06-01T12:30:00+00:00"}, NOW, meter)
    assert "after the job expires" in section(view, "Records")


def test_rate_waits_for_two_refreshes_and_terminal_jobs_have_none() -> None:
    view = DetailView(bedrock_job(), None, NOW, RateMeter())
    assert "measuring" in section(view, "Records")
    done = bedrock_job(status="Completed", phase=Phase.SUCCEEDED, ended=NOW, records=RecordCounts(10, 10, 10, 0))
    records = section(DetailView(done, None, NOW, RateMeter()), "Records")
    assert "100.0%" in records and "Rate" not in records and "ETA" not in records


def test_summary_alone_fills_identity_status_and_timing() -> None:
    view = DetailView(bedrock_job(), None, NOW, RateMeter())
    titles = [title for title, _rows in view.sections()]
    assert titles == ["Status", "Records", "Timing", "Identity", "Model"]
    identity = section(view, "Identity")
    for expected in ("nightly-embed", BEDROCK_ARN, "Bedrock invocation", "us-east-1", "123456789012", "prod"):
        assert expected in identity
    assert "https://us-east-1.console.aws.amazon.com/bedrock/home" in identity.replace("\n", "")
    assert view.all_fields() == []


def test_personalize_describe_groups_data_model_and_configuration() -> None:
    job = Job(
        arn=PERSONALIZE_ARN,
        name="weekly-recs",
        kind=JobKind.PERSONALIZE,
        source="default/eu-west-1/personalize",
        status="CREATE FAILED",
        phase=Phase.FAILED,
        created=NOW - dt.timedelta(hours=5),
        updated=NOW - dt.timedelta(hours=4),
        message="Input file s3://bucket/in.json\nhas 3 malformed lines",
    )
    fields = {
        "jobName": "weekly-recs",
        "batchInferenceJobArn": PERSONALIZE_ARN,
        "filterArn": "arn:aws:personalize:eu-west-1:210987654321:filter/no-adult",
        "failureReason": job.message,
        "solutionVersionArn": "arn:aws:personalize:eu-west-1:210987654321:solution/recs/abc",
        "numResults": 25,
        "jobInput": {"s3DataSource": {"path": "s3://bucket/in.json", "kmsKeyArn": "arn:aws:kms:eu-west-1:210987654321:key/1"}},
        "jobOutput": {"s3DataDestination": {"path": "s3://bucket/out/"}},
        "batchInferenceJobConfig": {"itemExplorationConfig": {"explorationWeight": "0.3", "novelty": "high"}},
        "batchInferenceJobMode": "BATCH_INFERENCE",
        "roleArn": "arn:aws:iam::210987654321:role/personalize",
        "status": "CREATE FAILED",
        "creationDateTime": "2025-06-01T07:00:00+00:00",
    }
    view = DetailView(job, fields, NOW, RateMeter())
    titles = [title for title, _rows in view.sections()]
    assert titles == ["Status", "Timing", "Identity", "Model", "Data", "Configuration"]
    status = section(view, "Status")
    assert "Failure reason" in status and "has 3 malformed lines" in status
    data = section(view, "Data")
    assert "Input S3" in data and "s3://bucket/in.json" in data
    assert "Input KMS key" in data and "Output S3" in data
    model = section(view, "Model")
    assert "Solution version" in model and "solution/recs/abc" in model
    config = section(view, "Configuration")
    for expected in ("Job mode", "BATCH_INFERENCE", "Results per input", "25", "Filter", "no-adult",
                     "Item exploration weight", "0.3", "Item exploration · novelty", "high"):
        assert expected in config
    assert "IAM role" in section(view, "Identity")
    keys = [key for key, _value in view.all_fields()]
    assert keys[:2] == ["jobName", "batchInferenceJobArn"]
    assert "batchInferenceJobConfig.itemExplorationConfig.explorationWeight" in keys


def test_hostile_values_are_shown_literally_without_escapes() -> None:
    hostile = "[bold red]x[/] \x1b[31mred\x1b]52;c;aGk=\x07 \u202eevil"
    job = bedrock_job(name=hostile, message=hostile, status="Failed", phase=Phase.FAILED, ended=NOW)
    view = DetailView(job, {"message": hostile, "jobName": hostile}, NOW, RateMeter())
    for title, rows in view.sections():
        for _label, text in rows:
            assert "\x1b" not in text.plain and "\u202e" not in text.plain, title
    status = section(view, "Status")
    assert "[bold red]x[/] red" in status
    assert all("\x1b" not in value.plain for _key, value in view.all_fields())


def test_copy_json_is_the_describe_result_or_else_the_summary() -> None:
    job = bedrock_job()
    detail = JobDetail(job=job, fields={"jobArn": BEDROCK_ARN, "status": "InProgress"})
    assert json.loads(job_json(job, detail)) == {"jobArn": BEDROCK_ARN, "status": "InProgress"}
    summary = json.loads(job_json(job, None))
    assert summary["arn"] == BEDROCK_ARN and summary["phase"] == "running"
    assert summary["records"]["processed"] == 4_000


def test_identity_names_every_profile_that_sees_the_job_and_cleans_their_names():
    job = bedrock_job()
    alone = dict(DetailView(job, None, NOW, RateMeter(), seen_by=[SourceKey(None, "us-east-1", JobKind.BEDROCK)]).identity())
    assert alone["Profile"].plain == "prod" and "Seen by" not in alone  # its own source's
    keys = [SourceKey("readonly", "us-east-1", JobKind.BEDROCK), SourceKey("adm\x1b[2Jin\u202e", "us-east-1", JobKind.BEDROCK)]
    rows = dict(DetailView(job, None, NOW, RateMeter(), seen_by=keys).identity())
    assert "Profile" not in rows
    assert rows["Seen by"].plain == "readonly · us-east-1, admin · us-east-1"


def test_at_60_columns_the_key_column_leaves_values_the_room_for_timestamps_and_ids() -> None:
    """F17: the raw fields' key column stayed 34 wide at 60 columns, leaving 18 for values."""
    rows = [("batchInferenceJobConfig.itemExplorationConfig.weight", Text("0.3")),
            ("creationDateTime", Text("2026-11-30T23:34:11.635000Z")),
            ("jobName", Text("sneaker-fans-20261130-01494"))]
    console = Console(width=56, record=True, file=io.StringIO())  # a 60-column screen's section
    console.print(rows_table(rows, label_width([rows], most=48)))
    lines = console.export_text().splitlines()
    assert any(line.rstrip().endswith("2026-11-30T23:34:11.635000Z") for line in lines), lines
    assert any(line.rstrip().endswith("sneaker-fans-20261130-01494") for line in lines), lines
    assert lines[0].index("0.3") <= 56 * 0.4 + 2, lines  # the key column at most 40% (+ the gap)
    wide = Console(width=120, record=True, file=io.StringIO())
    wide.print(rows_table(rows, label_width([rows], most=48)))
    assert wide.export_text().splitlines()[0].index("0.3") == 48 + 2  # room enough: the keys' width
