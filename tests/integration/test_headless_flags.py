"""Global flags mean the same before or after the command, and the headless commands read the
config file exactly as the monitor does (against the emulator over HTTP, in-process)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest

from tui.__main__ import build_parser, main


def kinds_and_regions(out: str) -> set[tuple[str, str]]:
    return {(row["kind"], row["region"]) for row in map(json.loads, out.splitlines())}


@pytest.mark.parametrize(
    "argv",
    [
        ["--source", "bedrock", "--region", "eu-west-1", "ls"],
        ["ls", "--source", "bedrock", "--region", "eu-west-1"],
        ["--source", "bedrock", "ls", "--region", "eu-west-1"],
        ["--region", "eu-west-1", "ls", "--source", "bedrock"],
    ],
)
def test_source_and_region_mean_the_same_before_or_after_ls(aws_env, capsys, argv):
    assert main([*argv, "--limit", "20", "--format", "jsonl"]) == 0
    assert kinds_and_regions(capsys.readouterr().out) == {("bedrock", "eu-west-1")}


def test_the_flag_after_the_command_wins_when_given_on_both_sides():
    args = build_parser().parse_args(["--source", "personalize", "--profile", "a", "ls", "--source", "bedrock"])
    assert (args.source, args.profile) == ("bedrock", ["a"])
    args = build_parser().parse_args(["ls"])
    assert (args.source, args.profile, args.region, args.config) == (None, None, None, None)


@pytest.mark.parametrize("command", [["ls"], ["describe", "arn:x"], ["wait", "arn:x"]])
def test_every_global_flag_parses_on_both_sides_of_every_command(command):
    flags = ["--profile", "p1,p2", "--region", "eu-west-1", "--source", "segment", "--config", "c.toml", "--timezone", "utc"]
    before = build_parser().parse_args([*flags, *command])
    after = build_parser().parse_args([*command, *flags])
    wanted = (["p1", "p2"], ["eu-west-1"], "segment", "c.toml", "utc")
    assert (before.profile, before.region, before.source, before.config, before.timezone) == wanted
    assert (after.profile, after.region, after.source, after.config, after.timezone) == wanted



@pytest.mark.parametrize(
    ("config", "flags", "offset", "title"),
    [
        ("", [], "+05:30", "CREATED (IST)"),  # the default, "local", as the monitor
        ('timezone = "utc"\n', [], "+00:00", "CREATED (UTC)"),
        ('timezone = "utc"\n', ["--timezone", "local"], "+05:30", "CREATED (IST)"),
        ("", ["--timezone", "utc"], "+00:00", "CREATED (UTC)"),
    ],
)
@pytest.mark.parametrize("position", ["before", "after"])
def test_ls_times_follow_the_timezone_of_the_config_and_the_flag(aws_env, capsys, in_kolkata, config, flags, offset, title, position):
    Path(aws_env["BATCHTOP_CONFIG"]).write_text(config)

    def ls(*argv: str) -> str:
        command = [*flags, "ls", *argv] if position == "before" else ["ls", *argv, *flags]
        assert main([*command, "--source", "bedrock", "--limit", "3"]) == 0
        return capsys.readouterr().out

    rows = [json.loads(line) for line in ls("--format", "jsonl").splitlines()]
    assert rows and all(row["created"].endswith(f"{offset}") for row in rows)
    assert all(row["created"].endswith(offset) for row in map(dict, csv.DictReader(io.StringIO(ls("--format", "csv")))))
    header, first, *_ = ls().splitlines()
    assert header.startswith(title)
    shown = dt.datetime.fromisoformat(rows[0]["created"]).strftime("%Y-%m-%d %H:%M")
    assert first.startswith(shown + " ")


@pytest.mark.parametrize("position", ["before", "after"])
def test_an_unknown_profile_is_refused_before_or_after_the_command(aws_env, emulator, capsys, position):
    Path(aws_env["AWS_CONFIG_FILE"]).write_text("[profile dev]\nregion = us-east-1\n")
    argv = ["--profile", "nosuch", "ls"] if position == "before" else ["ls", "--profile", "nosuch"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "nosuch is not configured (profiles here: dev)" in err
    assert sum(emulator.calls.values()) == 0


def test_wait_interval_before_the_command_is_the_poll_interval(aws_env, world, capsys):
    arn = world.jobs("bedrock")[0]["jobArn"]
    world.set_status(arn, "Completed")
    assert main(["--interval", "0.5", "wait", arn]) == 0
    assert main(["--interval", "0", "wait", arn]) == 2
    assert "--interval must be between 0.1 and 3600 seconds, not 0" in capsys.readouterr().err


# ---------------------------------------------------------------- the config file


def write_config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "batchtop.toml"
    path.write_text(text)
    return path


def test_ls_reads_sources_and_regions_from_the_config_file(aws_env, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("BATCHTOP_CONFIG", str(write_config(tmp_path, 'sources = ["segment"]\nregions = ["eu-west-1"]\n')))
    assert main(["ls", "--limit", "10", "--format", "jsonl"]) == 0
    assert kinds_and_regions(capsys.readouterr().out) == {("segment", "eu-west-1")}
    # flags win over the file, wherever they stand
    assert main(["--source", "bedrock", "ls", "--limit", "10", "--format", "jsonl"]) == 0
    assert kinds_and_regions(capsys.readouterr().out) == {("bedrock", "eu-west-1")}


def test_config_flag_is_read_before_or_after_the_command(aws_env, tmp_path, capsys):
    path = str(write_config(tmp_path, 'sources = ["bedrock"]\n'))
    for argv in (["--config", path, "ls"], ["ls", "--config", path]):
        assert main([*argv, "--limit", "5", "--format", "jsonl"]) == 0
        assert {kind for kind, _ in kinds_and_regions(capsys.readouterr().out)} == {"bedrock"}


def test_the_config_files_profiles_are_checked_like_flags(aws_env, tmp_path, monkeypatch, emulator, capsys):
    monkeypatch.setenv("BATCHTOP_CONFIG", str(write_config(tmp_path, 'profiles = ["ghost"]\n')))
    assert main(["ls"]) == 2
    assert "AWS profile ghost is not configured" in capsys.readouterr().err
    assert sum(emulator.calls.values()) == 0


def test_a_broken_config_file_is_one_warning_and_the_command_still_runs(aws_env, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("BATCHTOP_CONFIG", str(write_config(tmp_path, 'sources = ["bedrock"\nregions = \n')))
    assert main(["ls", "--source", "bedrock", "--limit", "3", "--format", "jsonl"]) == 0
    captured = capsys.readouterr()
    assert len(captured.out.splitlines()) == 3
    assert captured.err.count("\n") == 1
    assert captured.err.startswith("batchtop: warning: batchtop.toml line ") and "starting with defaults" in captured.err


@pytest.mark.parametrize(
    "argv",
    [
        ["--config", "{missing}", "ls"],
        ["ls", "--config", "{missing}"],
        ["describe", "arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/abcdef123456", "--config", "{missing}"],
        ["--config", "{missing}", "wait", "arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/abcdef123456"],
        ["--config", "{missing}"],  # the monitor: refused before it starts
    ],
)
def test_a_config_path_that_does_not_exist_is_an_error(aws_env, tmp_path, emulator, capsys, argv):
    missing = str(tmp_path / "nope.toml")
    assert main([arg.replace("{missing}", missing) for arg in argv]) == 2
    err = capsys.readouterr().err
    assert err == f"batchtop: error: --config {missing}: no such file (leave --config out for the defaults)\n"
    assert sum(emulator.calls.values()) == 0


def test_the_default_config_path_not_existing_is_normal(aws_env, capsys):
    assert main(["ls", "--source", "bedrock", "--limit", "1", "--format", "jsonl"]) == 0
    assert capsys.readouterr().err == ""


def test_demo_before_a_command_is_refused_rather_than_listing_the_real_account(aws_env, emulator, capsys):
    assert main(["--demo", "ls"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "batchtop emulate" in err
    assert sum(emulator.calls.values()) == 0


def test_an_aws_profile_variable_naming_no_profile_is_refused_before_any_output(aws_env, monkeypatch, emulator, capsys):
    monkeypatch.setenv("AWS_PROFILE", "gone")
    assert main(["ls"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "AWS profile gone is not configured (profiles here: none)" in captured.err
    assert sum(emulator.calls.values()) == 0
