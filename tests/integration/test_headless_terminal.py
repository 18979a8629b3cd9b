"""What a terminal really receives from the headless commands: `batchtop emulate --hostile` in
one process, `ls` (every format), `describe` and `wait` in others on a pseudo-terminal, and
the raw bytes scanned for ESC, C1, BEL and bidi characters; stderr never holds a traceback."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIDI = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C)}
SSO_START = "https://batchtop-test.awsapps.com/start"
SSO_CONFIG = f"""\
[profile night]
sso_session = corp
sso_account_id = 123456789012
sso_role_name = ReadOnly
region = us-east-1

[sso-session corp]
sso_start_url = {SSO_START}
sso_region = us-east-1
sso_registration_scopes = sso:account:access
"""


def clean_env(tmp_path: Path) -> dict[str, str]:
    """This environment without any AWS or batchtop setting of the user's."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("AWS_", "BATCHTOP_"))}
    (tmp_path / "empty").write_text("")
    env.update(
        AWS_CONFIG_FILE=str(tmp_path / "empty"),
        AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "empty"),
        AWS_EC2_METADATA_DISABLED="true",
        BATCHTOP_CONFIG=str(tmp_path / "no-config.toml"),
        PYTHONPATH=str(ROOT),
        TERM="xterm-256color",
    )
    return env


@pytest.fixture(scope="module")
def hostile_endpoint(tmp_path_factory):
    """`batchtop emulate --hostile` as a user starts it; the environment its banner prints."""
    tmp_path = tmp_path_factory.mktemp("hostile")
    env = clean_env(tmp_path)
    process = subprocess.Popen(
        [sys.executable, "-m", "tui", "emulate", "--hostile", "--port", "0", "--jobs", "40", "--seed", "5", "--speed", "0"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        while True:
            line = process.stdout.readline()
            if not line:
                pytest.fail(f"emulate exited early: {process.stderr.read()}")
            if line.startswith("export "):
                key, value = line.removeprefix("export ").strip().split("=", 1)
                env[key] = value
            if line.startswith("export AWS_DEFAULT_REGION="):
                break
        yield env
    finally:
        process.terminate()
        process.wait(timeout=30)


def run_on_a_terminal(env: dict[str, str], *argv: str, timeout: float = 60) -> tuple[int, bytes]:
    """Run `batchtop ARGV` with stdout and stderr on a pseudo-terminal; return its status and
    every byte the terminal received."""
    controller, terminal = os.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "tui", *argv], cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=terminal, stderr=terminal
    )
    os.close(terminal)
    received = bytearray()
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # EIO: every writer has closed the terminal
            break
        if not chunk:
            break
        received.extend(chunk)
    os.close(controller)
    return process.wait(timeout=timeout), bytes(received)


def assert_inert_bytes(raw: bytes) -> None:
    assert b"\x1b" not in raw and b"\x07" not in raw
    text = raw.decode("utf-8")  # strictly: no stray byte or surrogate either
    bad = {char for char in text if char not in "\r\n" and unicodedata.category(char) in ("Cc", "Cf", "Cs", "Zl", "Zp")}
    assert not bad, sorted(bad)
    assert not BIDI & set(text)
    assert "Traceback" not in text


@pytest.fixture(scope="module")
def hostile_rows(hostile_endpoint) -> list[dict]:
    """Every job of the hostile endpoint, as `ls --format jsonl` gives them to a pipe."""
    result = subprocess.run(
        [sys.executable, "-m", "tui", "ls", "--format", "jsonl"],
        cwd=ROOT,
        env=hostile_endpoint,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_the_endpoint_really_is_hostile(hostile_rows):
    names = [row["name"] for row in hostile_rows]
    assert any("\x1b]52;" in name for name in names) and any("\u202e" in name for name in names)


@pytest.mark.parametrize("fmt", ["table", "json", "jsonl", "csv"])
def test_ls_writes_nothing_a_terminal_would_act_on(hostile_endpoint, fmt):
    code, raw = run_on_a_terminal(hostile_endpoint, "ls", "--format", fmt)
    assert code == 0, raw[-2000:]
    assert_inert_bytes(raw)
    text = raw.decode().replace("\r\n", "\n")
    if fmt == "json":
        assert len(json.loads(text)) == 160  # 40 jobs of each of the four kinds, exact values
    elif fmt == "jsonl":
        assert any("\x1b" in json.loads(line)["name"] for line in text.splitlines())


@pytest.mark.parametrize(("kind", "fmt"), [("bedrock", "json"), ("bedrock", "table"), ("personalize", "json"), ("segment", "table"),
                                           ("sagemaker", "json")])
def test_describe_writes_nothing_a_terminal_would_act_on(hostile_endpoint, hostile_rows, fmt, kind):
    hostile = [row for row in hostile_rows if row["kind"] == kind and not row["name"].isprintable()]
    code, raw = run_on_a_terminal(hostile_endpoint, "describe", hostile[0]["arn"], "--format", fmt)
    assert code == 0, raw[-2000:]
    assert_inert_bytes(raw)


def test_wait_writes_nothing_a_terminal_would_act_on(hostile_endpoint, hostile_rows):
    # a finished job: wait ends at its first answer, however long a loaded machine takes to give it
    finished = ("succeeded", "partial", "failed", "stopped", "expired")
    hostile = [row for row in hostile_rows if not row["name"].isprintable() and row["phase"] in finished]
    code, raw = run_on_a_terminal(hostile_endpoint, "wait", hostile[0]["arn"], "--interval", "0.1", "--timeout", "60")
    assert code in (0, 1)
    assert hostile[0]["status"].encode() in raw  # the progress line, naming the job, was written
    assert_inert_bytes(raw)


@pytest.mark.parametrize("token", ["missing", "expired"])
@pytest.mark.parametrize(
    ("argv", "code"),
    [
        (["ls", "--profile", "night"], 1),
        (["describe", "arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/abcdef123456", "--profile", "night"], 4),
        (["--profile", "night", "wait", "arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/abcdef123456"], 4),
    ],
)
def test_an_sso_profile_without_a_valid_login_prints_one_sentence_per_source_and_no_traceback(tmp_path, argv, code, token):
    env = clean_env(tmp_path)
    config = tmp_path / "sso-config"
    config.write_text(SSO_CONFIG)
    if token == "expired":  # what `aws sso login` left behind, a day later
        cache = tmp_path / ".aws" / "sso" / "cache"
        cache.mkdir(parents=True)
        (cache / f"{hashlib.sha1(b'corp').hexdigest()}.json").write_text(
            json.dumps({"startUrl": SSO_START, "region": "us-east-1", "accessToken": "old", "expiresAt": "2020-01-01T00:00:00Z"})
        )
    # HOME holds the SSO cache; every endpoint (SSO's too) is a closed loopback port
    env.update(AWS_CONFIG_FILE=str(config), HOME=str(tmp_path), AWS_ENDPOINT_URL="http://127.0.0.1:9")
    result = subprocess.run(
        [sys.executable, "-m", "tui", *argv], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == code
    assert "Traceback" not in result.stderr and "Refreshing temporary credentials" not in result.stderr
    lines = result.stderr.splitlines()
    assert lines and all("AWS SSO session expired for profile night: run `aws sso login --profile night`." in line for line in lines)
