"""Ctrl-C while batchtop is still starting (the SDK being imported, before any screen or
command has its own handling) ends it with one line and the shell's code, never a traceback."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("command", [["ls", "--region", "us-east-1"], ["--region", "us-east-1"]], ids=["ls", "monitor"])
def test_ctrl_c_during_the_start_up_imports_is_one_line_and_code_130(tmp_path: Path, command: list[str]) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("AWS_", "BATCHTOP_"))}
    env.update(BATCHTOP_CACHE_DIR=str(tmp_path / "cache"), BATCHTOP_STATE_DIR=str(tmp_path / "state"),
               PYTHONPATH=str(ROOT))
    # -X importtime reports each import on stderr as it finishes: the interrupt lands mid-start-up
    process = subprocess.Popen(
        [sys.executable, "-X", "importtime", "-m", "tui", *command],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=tmp_path, text=True,
    )
    lines = []
    for line in process.stderr:
        lines.append(line)
        if "botocore" in line:  # inside `main`: the command's imports have begun
            process.send_signal(signal.SIGINT)
            break
    rest = process.communicate(timeout=60)[1]
    stderr = "".join(lines) + rest
    assert "Traceback" not in stderr
    assert process.returncode == 130
    assert stderr.rstrip().splitlines()[-1] == "batchtop: interrupted"
