"""`batchtop emulate`'s flags: each explained in --help; a non-loopback --host warned about and
the address it really listens on printed."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tui.__main__ import main
from tui.emulator.cli import is_loopback

ROOT = Path(__file__).resolve().parents[2]


def test_every_emulate_flag_has_help_text(monkeypatch, capsys):
    monkeypatch.setenv("COLUMNS", "400")  # one line per flag
    with pytest.raises(SystemExit):
        main(["emulate", "--help"])
    options = [line for line in capsys.readouterr().out.splitlines() if line.startswith("  -")]
    assert len(options) >= 10
    for line in options:
        assert re.match(r"  (-\S+(?: [A-Z_]+)?)(?:, -\S+(?: [A-Z_]+)?)*\s{2,}\S", line), line


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("127.5.5.5", True), ("localhost", True), ("::1", True), ("[::1]", True),
     ("0.0.0.0", False), ("::", False), ("192.168.1.20", False), ("myhost.example", False)],
)
def test_loopback_hosts(host, loopback):
    assert is_loopback(host) is loopback


def start(*flags: str) -> tuple[subprocess.Popen, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
    env["PYTHONPATH"] = str(ROOT)
    process = subprocess.Popen(
        [sys.executable, "-m", "tui", "emulate", "--port", "0", "--jobs", "1", *flags],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    return process, process.stdout.readline()


def stop(process: subprocess.Popen) -> str:
    process.terminate()
    _, err = process.communicate(timeout=30)
    return err


def test_every_interface_is_warned_about_and_named():
    process, banner = start("--host", "0.0.0.0")
    try:
        warning = process.stderr.readline()
        found = re.fullmatch(r"batchtop emulator listening on 0\.0\.0\.0:(\d+) \(every interface\); "
                             r"from this machine: http://127\.0\.0\.1:(\d+)\n", banner)
        assert found and found[1] == found[2] != "0", banner
        assert warning.startswith(f"batchtop emulate: warning: listening on 0.0.0.0:{found[1]} (every interface), not only on this machine")
        assert "--host" in warning
    finally:
        stop(process)


def test_loopback_is_the_default_and_not_warned_about():
    process, banner = start()
    err = stop(process)
    assert re.fullmatch(r"batchtop emulator listening on http://127\.0\.0\.1:\d+\n", banner)
    assert "warning" not in err
