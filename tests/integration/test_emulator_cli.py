"""`batchtop emulate` as a user runs it: prints what a shell needs, serves, stops cleanly."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

AWS = str(Path(sys.executable).with_name("aws"))
ROOT = Path(__file__).resolve().parents[2]


def _start(*flags: str) -> tuple[subprocess.Popen, list[str]]:
    process = subprocess.Popen(
        [sys.executable, "-m", "tui", "emulate", *flags],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines = []
    while not lines or not lines[-1].startswith("export AWS_DEFAULT_REGION="):
        line = process.stdout.readline()
        if not line:
            process.kill()
            pytest.fail(f"emulate exited early: {process.stderr.read()}")
        lines.append(line.rstrip("\n"))
    return process, lines


def _shell_env(lines: list[str], tmp_path) -> dict[str, str]:
    """The environment after pasting the printed lines into a shell."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
    for line in lines:
        if line.startswith("export "):
            key, value = line[len("export "):].split("=", 1)
            env[key] = value
    (tmp_path / "empty").write_text("")
    env["AWS_CONFIG_FILE"] = env["AWS_SHARED_CREDENTIALS_FILE"] = str(tmp_path / "empty")
    return env


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM])
def test_emulate_prints_the_env_serves_the_aws_cli_and_exits_cleanly(tmp_path, stop_signal):
    process, lines = _start("--port", "0", "--jobs", "50", "--seed", "3", "--speed", "0")
    try:
        exports = [line for line in lines if line.startswith("export ")]
        assert [line.split("=", 1)[0] for line in exports] == [
            "export AWS_ENDPOINT_URL", "export AWS_ACCESS_KEY_ID", "export AWS_SECRET_ACCESS_KEY",
            "export AWS_DEFAULT_REGION",
        ]
        endpoint = exports[0].split("=", 1)[1]
        assert endpoint.startswith("http://127.0.0.1:") and any(endpoint in line for line in lines[:1])
        assert exports[-1] == "export AWS_DEFAULT_REGION=us-east-1"
        env = _shell_env(lines, tmp_path)
        listed = subprocess.run([AWS, "bedrock", "list-model-invocation-jobs", "--page-size", "7"],
                                env=env, capture_output=True, text=True, timeout=60)
        assert listed.returncode == 0, listed.stderr
        arns = [job["jobArn"] for job in json.loads(listed.stdout)["invocationJobSummaries"]]
        assert len(arns) == len(set(arns)) == 50
        segments = subprocess.run([AWS, "personalize", "list-batch-segment-jobs", "--query", "length(batchSegmentJobs)"],
                                  env=env, capture_output=True, text=True, timeout=60)
        assert segments.stdout.strip() == "50"
    finally:
        process.send_signal(stop_signal)
        code = process.wait(timeout=10)
        stderr = process.stderr.read()
    assert code == 0
    assert "Traceback" not in stderr


@pytest.mark.parametrize(
    "flags, complaint",
    [
        (["--jobs", "-1"], "--jobs"),
        (["--port", "70000"], "--port"),
        (["--error-rate", "1.5"], "--error-rate"),
        (["--speed", "-2"], "--speed"),
        (["--latency", "-1"], "--latency"),
        (["--throttle-every", "-3"], "--throttle-every"),
        (["--port", "eighty"], "--port"),
        (["--delete-every", "-1"], "--delete-every"),
        (["--missing-arn", "2"], "--missing-arn"),
        (["--hang", "nan"], "--hang"),
        (["--hang-in", "mars-1"], "--hang-in"),
        (["--live", "-1"], "--live"),
        (["--oversize", "-5"], "--oversize"),
        (["--deep-item", "-1"], "--deep-item"),
    ],
)
def test_a_bad_flag_gets_one_line_and_exit_2(flags, complaint):
    result = subprocess.run([sys.executable, "-m", "tui", "emulate", *flags], cwd=ROOT,
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1 and complaint in result.stderr


def test_a_busy_port_gets_one_line_and_exit_1():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "tui", "emulate", "--port", str(port), "--jobs", "1"],
                                cwd=ROOT, capture_output=True, text=True, timeout=30)
    assert result.returncode == 1
    assert len(result.stderr.splitlines()) == 1 and str(port) in result.stderr


def test_fault_flags_reach_the_endpoint(tmp_path):
    process, lines = _start("--port", "0", "--jobs", "30", "--speed", "0", "--missing-arn", "1", "--hang", "0")
    try:
        env = _shell_env(lines, tmp_path)
        listed = subprocess.run([AWS, "bedrock", "list-model-invocation-jobs"], env=env, capture_output=True, text=True,
                                timeout=60)
        assert listed.returncode == 0, listed.stderr
        jobs = json.loads(listed.stdout)["invocationJobSummaries"]
        assert len(jobs) == 30 and not any("jobArn" in job for job in jobs)
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0


def test_a_hanging_emulator_still_stops_cleanly(tmp_path):
    process, lines = _start("--port", "0", "--jobs", "5", "--hang", "1")
    try:
        env = {**_shell_env(lines, tmp_path), "AWS_MAX_ATTEMPTS": "1"}
        listed = subprocess.run([AWS, "bedrock", "list-model-invocation-jobs", "--cli-read-timeout", "1"], env=env,
                                capture_output=True, text=True, timeout=60)
        assert listed.returncode != 0 and "Read timeout" in listed.stderr
    finally:
        process.send_signal(signal.SIGTERM)
        code = process.wait(timeout=10)
    assert code == 0 and "Traceback" not in process.stderr.read()


def test_hang_in_leaves_every_other_region_answering(tmp_path):
    process, lines = _start("--port", "0", "--jobs", "5", "--speed", "0", "--hang-in", "eu-west-1")
    try:
        env = {**_shell_env(lines, tmp_path), "AWS_MAX_ATTEMPTS": "1"}
        listed = [
            subprocess.run([AWS, "bedrock", "list-model-invocation-jobs", "--region", region, "--cli-read-timeout", "1"],
                           env=env, capture_output=True, text=True, timeout=60)
            for region in ("us-east-1", "eu-west-1")
        ]
        assert listed[0].returncode == 0 and len(json.loads(listed[0].stdout)["invocationJobSummaries"]) == 5
        assert listed[1].returncode != 0 and "Read timeout" in listed[1].stderr
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
