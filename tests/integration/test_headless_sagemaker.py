"""SageMaker transform jobs through `batchtop emulate`, the AWS CLI and `batchtop ls | describe |
wait`, as the issue checks them: the CLI and batchtop list the same jobs, each once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tui.__main__ import main

AWS = str(Path(sys.executable).with_name("aws"))
ROOT = Path(__file__).resolve().parents[2]


def _run(env: dict[str, str], *argv: str) -> subprocess.CompletedProcess:
    return subprocess.run(list(argv), cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_the_aws_cli_and_ls_list_the_same_500_transform_jobs_once_each(tmp_path):
    process = subprocess.Popen(
        [sys.executable, "-m", "tui", "emulate", "--port", "0", "--jobs", "500", "--speed", "0"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
        while "AWS_DEFAULT_REGION" not in env:
            line = process.stdout.readline()
            assert line, process.stderr.read()
            if line.startswith("export "):
                key, value = line[len("export "):].strip().split("=", 1)
                env[key] = value
        (tmp_path / "empty").write_text("")
        env["AWS_CONFIG_FILE"] = env["AWS_SHARED_CREDENTIALS_FILE"] = str(tmp_path / "empty")

        listed = _run(env, AWS, "sagemaker", "list-transform-jobs", "--output", "json")
        assert listed.returncode == 0, listed.stderr
        cli_arns = [job["TransformJobArn"] for job in json.loads(listed.stdout)["TransformJobSummaries"]]
        assert len(cli_arns) == len(set(cli_arns)) == 500
        name = json.loads(listed.stdout)["TransformJobSummaries"][7]["TransformJobName"]
        described = _run(env, AWS, "sagemaker", "describe-transform-job", "--transform-job-name", name, "--output", "json")
        assert described.returncode == 0 and json.loads(described.stdout)["TransformJobArn"] == cli_arns[7]

        ls = _run(env, sys.executable, "-m", "tui", "ls", "--source", "sagemaker", "--format", "jsonl")
        assert ls.returncode == 0, ls.stderr
        rows = [json.loads(line) for line in ls.stdout.splitlines()]
        assert [row["arn"] for row in rows] == cli_arns  # the same jobs, each once, newest first
        assert {row["kind"] for row in rows} == {"sagemaker"}
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_ls_sagemaker_table_and_filters(aws_env, world, emulator, capsys):
    assert main(["ls", "--source", "sagemaker", "--status", "running", "--name", "churn"]) == 0
    out = capsys.readouterr().out.splitlines()
    expected = [item for item in world.jobs("sagemaker")
                if item["TransformJobStatus"] == "InProgress" and "churn" in item["TransformJobName"]]
    assert len(out) == 1 + len(expected) and all(" sagemaker " in line and " ▶ running " in line for line in out[1:])
    params = next(request.params for request in emulator.requests if request.operation == "ListTransformJobs")
    assert (params["StatusEquals"], params["NameContains"]) == ("InProgress", "churn")


@pytest.mark.parametrize("by", ["arn", "name"])
def test_describe_by_arn_or_by_name(aws_env, world, capsys, by):
    item = world.jobs("sagemaker", "eu-west-1")[4]
    if by == "arn":
        argv = ["describe", item["TransformJobArn"]]
    else:
        argv = ["describe", item["TransformJobName"], "--source", "sagemaker", "--region", "eu-west-1"]
    assert main(argv) == 0
    fields = json.loads(capsys.readouterr().out)
    assert list(fields) == list(item)
    assert fields["TransformJobArn"] == item["TransformJobArn"]
    assert fields["TransformResources"]["InstanceType"] == item["TransformResources"]["InstanceType"]


def test_describe_a_name_needs_source_sagemaker(aws_env, world, emulator, capsys):
    assert main(["describe", world.jobs("sagemaker")[0]["TransformJobName"]]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--source sagemaker" in err
    assert sum(emulator.calls.values()) == 0


def test_describe_a_job_that_does_not_exist(aws_env, capsys):
    assert main(["describe", "no-such-transform", "--source", "sagemaker"]) == 3
    assert "no-such-transform" in capsys.readouterr().err


def test_wait_follows_a_transform_job_until_it_ends(aws_env, world, emulator, capsys):
    item = next(item for item in world.jobs("sagemaker") if item["TransformJobStatus"] == "InProgress")

    def stop_after_two_polls() -> None:
        deadline = time.monotonic() + 20
        while emulator.calls["DescribeTransformJob"] < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        world.set_status(item["TransformJobArn"], "Failed", FailureReason="AlgorithmError: out of memory")

    threading.Thread(target=stop_after_two_polls, daemon=True).start()
    assert main(["wait", item["TransformJobArn"], "--interval", "0.1", "--timeout", "20"]) == 1
    captured = capsys.readouterr()
    assert captured.out.strip() == "Failed"
    assert "InProgress" in captured.err and item["TransformJobName"] in captured.err
