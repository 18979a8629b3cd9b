"""Export: every row and field written, values exact, formulas defused, files never clobbered."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factories import make_job as factory_job
from tui.export import ExportError, default_export_path, export_rows
from tui.output import CSV_COLUMNS
from tui.models import Job, JobKind, Phase, RecordCounts, phase_of
from tui.sanitize import clean

T0 = dt.datetime(2025, 3, 4, 5, 6, 7, tzinfo=dt.timezone.utc)


def make_job(i: int = 0, **fields) -> Job:
    values = dict(
        arn=f"arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/{i:012d}",
        name=f"job-{i}",
        kind=JobKind.BEDROCK,
        source="default/us-east-1/bedrock",
        status="InProgress",
        phase=Phase.RUNNING,
        created=T0,
        updated=T0 + dt.timedelta(minutes=5),
        model="anthropic.claude-3-haiku-20240307-v1:0",
        invocation_type="InvokeModel",
        records=RecordCounts(total=1000, processed=250, succeeded=240, failed=10),
    )
    return factory_job(**{**values, **fields})


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def test_default_export_path_is_timestamped_in_the_current_directory(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    assert default_export_path(T0, "csv") == tmp_path / "batchtop-export-20250304-050607.csv"
    assert default_export_path(T0, "json", Path("/x")) == Path("/x/batchtop-export-20250304-050607.json")


def test_csv_has_a_header_and_one_row_per_job_with_every_field(tmp_path):
    finished = make_job(
        2,
        kind=JobKind.SEGMENT,
        source="prod/eu-west-1/segment",
        status="CREATE FAILED",
        phase=Phase.FAILED,
        ended=T0 + dt.timedelta(hours=1),
        message='Input "s3://bucket/in.json", line 3:\nbad record',
        invocation_type=None,
        records=None,
    )
    path = tmp_path / "out.csv"
    assert export_rows([make_job(1), finished], path, "csv", zone="utc") == 2
    header = path.read_text(encoding="utf-8").splitlines()[0]
    assert header == ",".join(CSV_COLUMNS)
    first, second = read_csv(path)
    assert first == {
        "arn": "arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/000000000001",
        "name": "job-1",
        "kind": "bedrock",
        "profile": "",
        "region": "us-east-1",
        "account": "123456789012",
        "status": "InProgress",
        "phase": "running",
        "created": "2025-03-04T05:06:07.000+00:00",
        "updated": "2025-03-04T05:11:07.000+00:00",
        "ended": "",
        "model": "anthropic.claude-3-haiku-20240307-v1:0",
        "message": "",
        "invocation_type": "InvokeModel",
        "records_total": "1000",
        "records_processed": "250",
        "records_succeeded": "240",
        "records_failed": "10",
        "notes": "",
    }
    assert second["message"] == 'Input "s3://bucket/in.json", line 3:\nbad record'
    assert (second["kind"], second["phase"], second["ended"]) == ("segment", "failed", "2025-03-04T06:06:07.000+00:00")
    assert second["records_total"] == second["invocation_type"] == ""


@pytest.mark.parametrize(
    ("payload", "cell"),
    [
        ('=HYPERLINK("http://evil","x")', '\'=HYPERLINK("http://evil","x")'),
        ("+1+1", "'+1+1"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1+1", "' =1+1"),  # the tab goes (a control), the formula is still defused
        ("\r=1+1", "'\n=1+1"),
        ("\x1b[2J=1+1", "'=1+1"),  # an escape sequence hiding the formula goes whole
        ("\u202e=1+1", "'=1+1"),
        ("  =1+1", "'  =1+1"),
        ("a=1", "a=1"),
    ],
)
def test_csv_cells_that_a_spreadsheet_would_run_are_defused(tmp_path, payload, cell):
    path = tmp_path / "out.csv"
    export_rows([make_job(name=payload, message=payload, model=payload)], path, "csv", zone="utc")
    (row,) = read_csv(path)
    assert row["name"] == row["message"] == row["model"] == cell


def test_csv_cells_hold_no_escape_sequence_or_bidi_character(tmp_path):
    hostile = "ok\x1b]52;c;cm0gLXJmIH4vKg==\x07 \x1b]0;title\x07\u202eevil\x9b2J\x7f end"
    path = tmp_path / "out.csv"
    export_rows([make_job(name=hostile)], path, "csv", zone="utc")
    (row,) = read_csv(path)
    assert row["name"] == "ok evil end"


def test_json_keeps_exact_values_and_types(tmp_path):
    hostile = "=cmd|' /C calc'!A0 [bold]\x1b[2J\x9b\u202eevil\u2028 \ud800 日本語 ✓"
    jobs = [make_job(1), make_job(2, name=hostile, message=hostile, records=None, notes=("status missing",))]
    path = tmp_path / "out.json"
    assert export_rows(jobs, path, "json", zone="utc") == 2
    text = path.read_text(encoding="utf-8")
    for raw in ("\x1b", "\x9b", "\u202e", "\u2028"):
        assert raw not in text  # escaped as \uXXXX in the file
    assert "日本語 ✓" in text  # readable text stays readable
    first, second = json.loads(text)
    assert second["name"] == second["message"] == hostile  # exact, formula and all
    assert first["records"] == {"total": 1000, "processed": 250, "succeeded": 240, "failed": 10}
    assert second["records"] is None and second["notes"] == ["status missing"]
    assert first["created"] == "2025-03-04T05:06:07.000+00:00" and first["ended"] is None
    assert [key for key in first if key not in ("records", "notes")] == [
        field for field in CSV_COLUMNS if not field.startswith("records_") and field != "notes"
    ]


def test_empty_exports_are_valid_files(tmp_path):
    assert export_rows([], tmp_path / "e.json", "json", zone="utc") == 0
    assert json.loads((tmp_path / "e.json").read_text()) == []
    assert export_rows(iter([]), tmp_path / "e.csv", "csv", zone="utc") == 0
    assert (tmp_path / "e.csv").read_text().strip() == ",".join(CSV_COLUMNS)


def test_rows_are_streamed_from_any_iterable(tmp_path):
    jobs = (make_job(i) for i in range(2500))
    assert export_rows(jobs, tmp_path / "many.csv", "csv", zone="utc") == 2500
    assert len(read_csv(tmp_path / "many.csv")) == 2500


def test_an_existing_file_is_never_replaced_unless_asked(tmp_path):
    path = tmp_path / "out.csv"
    path.write_text("precious")
    with pytest.raises(ExportError, match=r"already exists: choose another name"):
        export_rows([make_job()], path, "csv", zone="utc")
    assert path.read_text() == "precious"
    assert export_rows([make_job()], path, "csv", zone="utc", overwrite=True) == 1
    assert read_csv(path)[0]["name"] == "job-0"


def test_unwritable_destinations_raise_one_clear_message(tmp_path):
    with pytest.raises(ExportError, match=r"the folder .*missing does not exist"):
        export_rows([make_job()], tmp_path / "missing" / "out.csv", "csv", zone="utc")
    with pytest.raises(ExportError, match=r"it is a folder"):
        export_rows([make_job()], tmp_path, "csv", zone="utc", overwrite=True)
    with pytest.raises(ExportError, match=r"unknown export format 'xml'"):
        export_rows([make_job()], tmp_path / "out.xml", "xml", zone="utc")  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(not Path("/dev/full").is_char_device(), reason="needs Linux /dev/full")
def test_a_full_disk_is_reported_and_the_replaced_path_is_not_removed():
    full = Path("/dev/full")
    with pytest.raises(ExportError, match=r"cannot write /dev/full: No space left on device"):
        export_rows((make_job(i) for i in range(5000)), full, "json", zone="utc", overwrite=True)
    assert full.is_char_device()


def test_a_failure_while_reading_rows_leaves_no_partial_file(tmp_path):
    def rows():
        yield make_job(1)
        raise RuntimeError("view changed")

    with pytest.raises(RuntimeError):
        export_rows(rows(), tmp_path / "out.csv", "csv", zone="utc")
    assert not (tmp_path / "out.csv").exists()


def test_home_is_expanded(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    assert export_rows([make_job()], Path("~/x.json"), "json", zone="utc") == 1
    assert (tmp_path / "x.json").exists()


_texts = st.text(max_size=40)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(names=st.lists(_texts, max_size=4), status=_texts, message=_texts)
def test_any_strings_round_trip(tmp_path, names, status, message):
    jobs = [make_job(i, name=name, status=status, phase=phase_of(status), message=message) for i, name in enumerate(names)]
    json_path, csv_path = tmp_path / "p.json", tmp_path / "p.csv"
    assert export_rows(jobs, json_path, "json", zone="utc", overwrite=True) == len(jobs)
    assert [row["name"] for row in json.loads(json_path.read_text(encoding="utf-8"))] == names
    export_rows(jobs, csv_path, "csv", zone="utc", overwrite=True)
    rows = read_csv(csv_path)
    assert len(rows) == len(jobs)
    for row, name in zip(rows, names):
        cleaned = clean(name, keep_newlines=True)
        defused = cleaned.lstrip(" \n").startswith(("=", "+", "-", "@"))
        assert row["name"] == ("'" + cleaned if defused else cleaned)


def test_a_folder_given_as_the_path_is_named_a_folder_not_an_existing_file(tmp_path):
    with pytest.raises(ExportError, match=r"it is a folder, add a file name to it"):
        export_rows([make_job()], tmp_path, "csv", zone="utc")  # "already exists" before
    assert tmp_path.is_dir()
