"""The terminal is left as it was found when batchtop is told to stop (SIGTERM: a closed SSH
session's cleanup, `kill`, a service manager), not only on `q`."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys

from pty_run import PtyRun

ALTERNATE_SCREEN_ON, ALTERNATE_SCREEN_OFF = b"\x1b[?1049h", b"\x1b[?1049l"
MOUSE_OFF = re.compile(rb"\x1b\[\?1000l")


def test_sigterm_leaves_the_alternate_screen_and_turns_the_mouse_off(tmp_path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("")
    env = {**os.environ, "AWS_PROFILE": "no-such-profile"}  # the demo reads nothing of the user's AWS setup
    run = PtyRun([sys.executable, "-m", "tui", "--demo", "--config", str(config)], env)
    try:
        assert run.wait_for(b"loaded", timeout=30), bytes(run.output[-2000:])
        run.proc.send_signal(signal.SIGTERM)
        code = run.proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        raise AssertionError("batchtop did not exit on SIGTERM") from None
    finally:
        run.stop()
    output = bytes(run.output)
    assert code == 0, output[-2000:]
    assert b"Traceback" not in output
    after = output[output.rindex(ALTERNATE_SCREEN_ON) :]
    assert ALTERNATE_SCREEN_OFF in after
    assert MOUSE_OFF.search(after)
