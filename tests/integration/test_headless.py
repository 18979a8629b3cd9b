"""`batchtop ls | describe | wait` against the emulator over HTTP.

Most tests run the CLI in-process (`tui.__main__.main`) with the `aws_env` environment;
a few run `python -m tui` as a real subprocess, as scripts do.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import unicodedata
from pathlib import Path

import pytest

from tui.__main__ import main
from tui.emulator import EmulatorThread, World

REPO = Path(__file__).resolve().parents[2]
ARN_FIELD = {"bedrock": "jobArn", "personalize": "batchInferenceJobArn", "segment": "batchSegmentJobArn",
             "sagemaker": "TransformJobArn"}


def every_arn(world: World, region: str = "us-east-1") -> set[str]:
    return {item[ARN_FIELD[kind]] for kind in ARN_FIELD for item in world.jobs(kind, region)}


def run_cli(env: dict[str, str], *argv: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tui", *argv],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def page_sizes(emulator, operation: str) -> list[int]:
    return [int(request.params["maxResults"]) for request in emulator.requests if request.operation == operation]


def test_ls_all_jsonl_returns_every_job_exactly_once_newest_first(aws_env, world, emulator):
    result = run_cli(aws_env, "ls", "--format", "jsonl")
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    arns = [row["arn"] for row in rows]
    assert len(arns) == len(set(arns)) == 1200
    assert set(arns) == every_arn(world)
    created = [row["created"] for row in rows]
    assert created == sorted(created, reverse=True)
    # exactly the pages needed: Bedrock 300 jobs in one page of 1000, Personalize and SageMaker 3 pages of 100
    assert emulator.calls == {"ListModelInvocationJobs": 1, "ListBatchInferenceJobs": 3, "ListBatchSegmentJobs": 3,
                              "ListTransformJobs": 3}


def test_ls_json_keeps_values_exact(aws_env, world, capsys):
    assert main(["ls", "--source", "bedrock", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    truth = {item["jobArn"]: item for item in world.jobs("bedrock")}
    assert len(rows) == len(truth)
    for row in rows:
        item = truth[row["arn"]]
        assert (row["name"], row["status"], row["model"]) == (item["jobName"], item["status"], item["modelId"])
        if "totalRecordCount" in item:
            assert row["records"]["total"] == item["totalRecordCount"]
            assert row["invocation_type"] == item["modelInvocationType"]


def test_ls_limit_fetches_only_the_pages_needed(aws_env, emulator, capsys):
    assert main(["ls", "--limit", "5", "--format", "jsonl"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 5
    assert emulator.calls == {"ListModelInvocationJobs": 1, "ListBatchInferenceJobs": 1, "ListBatchSegmentJobs": 1,
                              "ListTransformJobs": 1}
    assert page_sizes(emulator, "ListModelInvocationJobs") == [5]
    assert [request.params["MaxResults"] for request in emulator.requests if request.operation == "ListTransformJobs"] == [5]


def test_ls_limit_across_pages_asks_only_for_the_rest(aws_env, emulator, capsys):
    assert main(["ls", "--source", "personalize", "--limit", "150", "--format", "jsonl"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 150
    assert page_sizes(emulator, "ListBatchInferenceJobs") == [100, 50]


def test_ls_filters(aws_env, world, capsys):
    assert main(["ls", "--status", "failed", "--name", "RUN", "--format", "jsonl"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert rows and all(row["phase"] == "failed" and "run" in row["name"].lower() for row in rows)
    expected = {
        item[ARN_FIELD[kind]]
        for kind in ARN_FIELD
        for item in world.jobs(kind)
        if item.get("status", item.get("TransformJobStatus")) in ("Failed", "CREATE FAILED")
        and "run" in item.get("jobName", item.get("TransformJobName", "")).lower()
    }
    assert {row["arn"] for row in rows} == expected


def test_ls_csv_has_a_header_and_one_line_per_job(aws_env, capsys):
    assert main(["ls", "--source", "segment", "--format", "csv", "--limit", "3"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("arn,name,kind,profile,region,account,status,phase,created")
    assert len(lines) == 4


def test_ls_table_holds_no_control_characters_from_hostile_data(aws_env, monkeypatch, fixed_now, capsys):
    hostile = World(jobs_per_kind=60, seed=3, speed=0, now=fixed_now, hostile=True)
    with EmulatorThread(hostile, port=0) as server:
        monkeypatch.setenv("AWS_ENDPOINT_URL", server.endpoint_url)
        assert main(["ls"]) == 0
    out = capsys.readouterr().out
    assert len(out.splitlines()) == 241
    bad = {char for char in out if char != "\n" and unicodedata.category(char) in ("Cc", "Cf")}
    assert not bad
    assert "\x1b" not in out and "\x9b" not in out


def test_ls_bad_status_is_one_line_with_the_valid_values_and_exit_2(aws_env, emulator, capsys):
    assert main(["ls", "--status", "sideways"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "sideways" in err and "running" in err and "CREATE FAILED" in err
    assert sum(emulator.calls.values()) == 0


def test_ls_bad_source_exits_2(aws_env):
    result = run_cli(aws_env, "ls", "--source", "glue")
    assert result.returncode == 2 and "bedrock" in result.stderr and result.stderr.count("\n") == 1


def test_ls_one_region_denied_prints_the_others_and_fails(aws_env, faults, capsys):
    faults.denied = {("bedrock", "eu-west-1")}
    assert main(["ls", "--source", "bedrock", "--region", "us-east-1,eu-west-1", "--format", "jsonl"]) == 1
    captured = capsys.readouterr()
    regions = {json.loads(line)["region"] for line in captured.out.splitlines()}
    assert regions == {"us-east-1"}
    assert "Access denied" in captured.err and "eu-west-1" in captured.err


def test_ls_expired_token_is_one_sentence_on_stderr(aws_env, faults, capsys):
    faults.expired_token = True
    assert main(["ls", "--format", "json"]) == 1
    captured = capsys.readouterr()
    assert json.loads(captured.out) == []
    # four sources, each says it once
    assert captured.err.count("have expired") == 4 and "Traceback" not in captured.err


def test_ls_unknown_profile_is_a_usage_error_naming_the_profiles_that_exist(aws_env, emulator, capsys):
    Path(aws_env["AWS_CONFIG_FILE"]).write_text("[profile dev]\nregion = us-east-1\n[profile prod]\nregion = eu-west-1\n")
    assert main(["ls", "--profile", "dev,nosuch"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "AWS profile nosuch is not configured (profiles here: dev, prod)" in err
    assert sum(emulator.calls.values()) == 0


def test_ls_unreachable_endpoint_exits_1_without_traceback(aws_env):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**aws_env, "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}"}
    result = run_cli(env, "ls", "--source", "bedrock")
    assert result.returncode == 1
    assert f"Cannot reach 127.0.0.1:{port}: check the network" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("kind", list(ARN_FIELD))
def test_describe_infers_kind_and_region_from_the_arn(aws_env, world, capsys, kind):
    item = world.jobs(kind, "eu-west-1")[3]
    assert main(["describe", item[ARN_FIELD[kind]]]) == 0
    fields = json.loads(capsys.readouterr().out)
    assert list(fields) == list(item)
    assert fields[ARN_FIELD[kind]] == item[ARN_FIELD[kind]]
    if kind == "bedrock":
        assert fields == item


def test_describe_table_is_sanitised(aws_env, world, capsys):
    arn = world.jobs("bedrock")[0]["jobArn"]
    world.set_status(arn, "Failed", message="boom \x1b[2J\x07 gone")
    assert main(["describe", arn, "--format", "table"]) == 0
    out = capsys.readouterr().out
    assert "message" in out and "boom" in out and "\x1b" not in out and "\x07" not in out
    assert "inputDataConfig.s3InputDataConfig.s3Uri" in out


def test_describe_rejects_what_is_not_a_job_arn(aws_env, capsys):
    assert main(["describe", "arn:aws:s3:::bucket"]) == 2
    assert "not a batch job ARN" in capsys.readouterr().err


def test_describe_unknown_job(aws_env, capsys):
    assert main(["describe", "arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/zzzzzzzzzzzz"]) == 3
    assert "Not found" in capsys.readouterr().err


@pytest.mark.parametrize(("status", "code"), [("Completed", 0), ("Failed", 1), ("Stopped", 1), ("PartiallyCompleted", 1)])
def test_wait_exit_status_follows_the_final_phase(aws_env, world, capsys, status, code):
    arn = world.jobs("bedrock")[1]["jobArn"]
    world.set_status(arn, status)
    assert main(["wait", arn, "--interval", "0.1"]) == code
    assert capsys.readouterr().out.strip() == status


def test_wait_follows_a_job_until_it_ends(aws_env, world, emulator, capsys):
    arn = world.jobs("personalize")[0]["batchInferenceJobArn"]
    world.set_status(arn, "IN PROGRESS")

    def finish_after_two_polls() -> None:
        deadline = time.monotonic() + 20
        while emulator.calls["DescribeBatchInferenceJob"] < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        world.set_status(arn, "ACTIVE")

    finisher = threading.Thread(target=finish_after_two_polls, daemon=True)
    finisher.start()
    assert main(["wait", arn, "--interval", "0.1", "--timeout", "20"]) == 0
    finisher.join()
    err = capsys.readouterr().err
    assert "IN PROGRESS" in err and "ACTIVE" in err
    assert err.count("IN PROGRESS") == 1  # progress lines only when something changed


def test_wait_times_out_with_124(aws_env, world, capsys):
    arn = world.jobs("bedrock")[2]["jobArn"]
    world.set_status(arn, "InProgress")
    assert main(["wait", arn, "--interval", "0.1", "--timeout", "0.3"]) == 124
    assert "timed out after 0.3 s" in capsys.readouterr().err


def test_wait_keeps_polling_through_throttling(aws_env, world, emulator, faults, capsys):
    arn = world.jobs("bedrock")[2]["jobArn"]
    world.set_status(arn, "Completed")
    faults.throttle_every = 1  # for longer than botocore's own retries last

    def clear_once_a_poll_has_failed() -> None:
        # botocore tries a describe 3 times: a 4th call is the next poll, after `wait` saw the failure
        deadline = time.monotonic() + 20
        while emulator.calls["GetModelInvocationJob"] < 4 and time.monotonic() < deadline:
            time.sleep(0.01)
        faults.throttle_every = 0

    clearer = threading.Thread(target=clear_once_a_poll_has_failed, daemon=True)
    clearer.start()
    assert main(["wait", arn, "--interval", "0.1", "--timeout", "30"]) == 0
    clearer.join()
    assert "throttling" in capsys.readouterr().err


def test_wait_gives_up_on_credentials(aws_env, world, faults, capsys):
    faults.expired_token = True
    assert main(["wait", world.jobs("bedrock")[0]["jobArn"], "--interval", "0.1"]) == 4
    assert "have expired" in capsys.readouterr().err


def test_subprocess_env_has_no_real_aws_config(aws_env):
    """Guard: these tests must never reach a real account."""
    assert aws_env["AWS_ENDPOINT_URL"].startswith("http://127.0.0.1:")
    assert os.path.getsize(aws_env["AWS_CONFIG_FILE"]) == 0


def test_an_sso_profile_without_a_valid_login_says_how_to_log_in(aws_env, monkeypatch, tmp_path, emulator, capsys):
    """The real botocore SSO provider, with no cached token: the sentence names the command."""
    config = tmp_path / "sso-config"
    config.write_text(
        "[profile sso-dev]\n"
        "sso_start_url = https://example.awsapps.com/start\n"
        "sso_region = us-east-1\n"
        "sso_account_id = 123456789012\n"
        "sso_role_name = Developer\n"
        "region = us-east-1\n"
    )
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("HOME", str(tmp_path))  # no ~/.aws/sso/cache token
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    assert main(["ls", "--profile", "sso-dev", "--source", "bedrock"]) == 1
    err = capsys.readouterr().err
    assert "AWS SSO session expired for profile sso-dev: run `aws sso login --profile sso-dev`." in err
    assert sum(emulator.calls.values()) == 0


def test_ls_limit_zero_fetches_nothing(aws_env, emulator, capsys):
    assert main(["ls", "--limit", "0", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert sum(emulator.calls.values()) == 0


def test_json_keeps_even_a_lone_surrogate_exact(aws_env, world, capsys):
    arn = world.jobs("bedrock")[0]["jobArn"]
    world.set_status(arn, "Completed", jobName="half\udc80pair")
    assert main(["ls", "--source", "bedrock", "--limit", "1", "--format", "jsonl"]) == 0
    assert main(["ls", "--source", "bedrock", "--limit", "1"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert json.loads(out[0])["name"] == "half\udc80pair"
    assert "halfpair" in out[2]


@pytest.mark.parametrize("fmt", ["table", "json", "jsonl", "csv"])
def test_a_reader_that_goes_away_ends_ls_quietly_with_141(aws_env, fmt):
    process = subprocess.Popen(
        [sys.executable, "-m", "tui", "ls", "--format", fmt],
        cwd=REPO,
        env=aws_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    process.stdout.readline()
    process.stdout.close()  # as `| head -1` does
    assert process.wait(timeout=60) == 141
    assert process.stderr.read() == b""
