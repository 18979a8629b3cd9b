"""`batchtop wait`: each kind of failure ends with its own exit status (documented in --help and
the README), at once when retrying cannot help; against the emulator over HTTP, in-process."""

from __future__ import annotations

import datetime as dt
import threading
import time
from pathlib import Path

import pytest

from tui.__main__ import main

UNKNOWN_BEDROCK = "arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/zzzzzzzzzzzz"
UNKNOWN_SEGMENT = "arn:aws:personalize:us-east-1:123456789012:batch-segment-job/no-such-job"
# Well formed for an ARN, but not a job id Bedrock accepts: it answers ValidationException.
REJECTED_BEDROCK = "arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/Not_A_Job_Id"
SSO_CONFIG = """\
[profile night]
sso_start_url = https://batchtop-test.awsapps.com/start
sso_region = us-east-1
sso_account_id = 123456789012
sso_role_name = ReadOnly
region = us-east-1
"""


def wait(*argv: str) -> tuple[int, float]:
    started = time.monotonic()
    code = main(["wait", *argv, "--interval", "0.1", "--timeout", "25"])
    return code, time.monotonic() - started


@pytest.mark.parametrize("arn", [UNKNOWN_BEDROCK, UNKNOWN_SEGMENT])
def test_a_job_that_does_not_exist_ends_at_once_with_3(aws_env, emulator, capsys, arn):
    code, _ = wait(arn)
    assert code == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Not found" in err and "still waiting" not in err
    assert sum(emulator.calls.values()) == 1


def test_a_request_the_service_rejects_ends_at_once_with_3(aws_env, emulator, capsys):
    code, _ = wait(REJECTED_BEDROCK)
    assert code == 3
    err = capsys.readouterr().err
    assert "ValidationException" in err and "still waiting" not in err
    assert emulator.calls["GetModelInvocationJob"] == 1


def test_access_denied_is_tried_once_more_then_ends_with_4(aws_env, world, emulator, faults, capsys):
    faults.denied = {("bedrock", "us-east-1")}
    code, _ = wait(world.jobs("bedrock")[0]["jobArn"])
    assert code == 4
    err = capsys.readouterr().err
    assert "Access denied" in err
    assert emulator.calls["GetModelInvocationJob"] == 2


def test_access_denied_that_clears_after_one_poll_keeps_waiting(aws_env, world, emulator, faults, capsys):
    arn = world.jobs("bedrock")[0]["jobArn"]
    world.set_status(arn, "Completed")
    faults.denied = {("bedrock", "us-east-1")}

    def grant_after_the_first_poll() -> None:
        while emulator.calls["GetModelInvocationJob"] < 1:
            time.sleep(0.01)
        faults.denied = set()

    granter = threading.Thread(target=grant_after_the_first_poll, daemon=True)
    granter.start()
    code, _ = wait(arn)
    granter.join(timeout=10)
    assert code == 0
    assert "Access denied" in capsys.readouterr().err


def test_expired_credentials_end_with_4(aws_env, world, faults, capsys):
    faults.expired_token = True
    code, _ = wait(world.jobs("bedrock")[0]["jobArn"])
    assert code == 4
    assert "have expired" in capsys.readouterr().err


def test_an_sso_profile_without_a_login_ends_with_4_and_the_login_command(aws_env, world, tmp_path, monkeypatch, capsys):
    Path(aws_env["AWS_CONFIG_FILE"]).write_text(SSO_CONFIG)
    monkeypatch.setenv("HOME", str(tmp_path))  # no ~/.aws/sso/cache token
    code, _ = wait(world.jobs("bedrock")[0]["jobArn"], "--profile", "night")
    assert code == 4
    assert "run `aws sso login --profile night`" in capsys.readouterr().err


def test_an_unknown_profile_is_a_usage_error(aws_env, world, emulator, capsys):
    code, _ = wait(world.jobs("bedrock")[0]["jobArn"], "--profile", "nosuch")
    assert code == 2
    assert "AWS profile nosuch is not configured" in capsys.readouterr().err
    assert sum(emulator.calls.values()) == 0


def test_what_is_not_a_job_arn_is_a_usage_error(aws_env, emulator, capsys):
    assert main(["wait", "arn:aws:s3:::bucket"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not a batch job ARN" in err
    assert sum(emulator.calls.values()) == 0


def test_server_errors_are_retried_and_said_once(aws_env, world, emulator, faults, capsys):
    arn = world.jobs("bedrock")[0]["jobArn"]
    world.set_status(arn, "Completed")
    faults.error_rate = 1.0

    def recover_once_a_poll_has_failed() -> None:
        # botocore tries a describe 3 times: a 4th call is the next poll, after `wait` saw the failure
        deadline = time.monotonic() + 20
        while emulator.calls["GetModelInvocationJob"] < 4 and time.monotonic() < deadline:
            time.sleep(0.01)
        faults.error_rate = 0.0

    recoverer = threading.Thread(target=recover_once_a_poll_has_failed, daemon=True)
    recoverer.start()
    code, _ = wait(arn)
    recoverer.join(timeout=10)
    assert code == 0
    err = capsys.readouterr().err
    assert err.count("AWS had a server error") == 1 and err.count("(still waiting)") == 1


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--timeout", "-3"], "--timeout must be more than 0 and at most 2592000 seconds (30 days), not -3"),
        (["--timeout", "0"], "--timeout must be more than 0 and at most 2592000 seconds (30 days), not 0"),
        (["--timeout", "nan"], "--timeout must be more than 0"),
        (["--interval", "0"], "--interval must be between 0.1 and 3600 seconds, not 0"),
        (["--interval", "-1"], "--interval must be between 0.1 and 3600 seconds, not -1"),
        (["--interval", "inf"], "--interval must be between 0.1 and 3600 seconds, not inf"),
        (["--interval", "5000"], "--interval must be between 0.1 and 3600 seconds, not 5000"),
    ],
)
def test_timeout_and_interval_out_of_range_exit_2_naming_the_range(aws_env, world, emulator, capsys, flags, message):
    assert main(["wait", world.jobs("bedrock")[0]["jobArn"], *flags]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err
    assert sum(emulator.calls.values()) == 0


def test_the_exit_statuses_are_in_the_help_and_the_readme(capsys):
    with pytest.raises(SystemExit):
        main(["wait", "--help"])
    wait_help = capsys.readouterr().out
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    for code, words in (("0", "succeeded"), ("1", "failed"), ("2", "usage"), ("3", "does not exist"),
                        ("4", "credentials"), ("124", "timeout")):
        assert any(line.strip().startswith(code + " ") and words in line for line in wait_help.splitlines()), code
        assert any(line.startswith(f"| {code} |") and words in line for line in readme.splitlines()), code


@pytest.mark.parametrize(("zone", "offset"), [("local", dt.timedelta(hours=5, minutes=30)), ("utc", dt.timedelta(0))])
def test_the_progress_lines_are_stamped_in_the_configured_zone(aws_env, world, capsys, in_kolkata, zone, offset):
    arn = next(job["jobArn"] for job in world.jobs("bedrock") if job["status"] == "Completed")
    clock = lambda: (dt.datetime.now(dt.timezone.utc) + offset).strftime("%H:%M:%S")  # noqa: E731
    before = clock()
    assert wait(arn, "--timezone", zone)[0] == 0
    after = clock()
    stamp = capsys.readouterr().err.split(" ", 1)[0]
    assert before <= stamp <= after or after < before  # (unless the run crossed midnight)
