"""A hostile world: no escape sequence or control character from the data reaches the terminal.

The real app runs in a pseudo-terminal, as in a terminal emulator, against an emulator whose
job names and failure messages try to clear the screen, set the clipboard (OSC 52), retitle
the window, add hyperlinks, ring the bell and reverse the text. Every byte the app writes is
captured from the pty's master side (Textual writes to stderr, which is the same pty) and
searched for those payloads; Textual's own sequences are allowed.
"""

from __future__ import annotations

import datetime as dt
import re
import sys

import pytest

from pty_run import PtyRun
from tui.emulator import World

# What the hostile catalog (tui/emulator/catalog.py) sends, and must never reach the terminal.
FORBIDDEN = {
    "OSC 52 clipboard payload": b"cm0gLXJmIH4vKg==",
    "OSC 52 clipboard write": b"\x1b]52",
    "screen clear": b"\x1b[2J",  # Textual uses the alternate screen, never this
    "window title": b"\x1b]0;pwned",
    "hyperlink to the attacker": b"\x1b]8;;https://evil.example",
    "C1 CSI": "\x9b".encode(),
    "C1 string terminator": "\x9c".encode(),
    "backspace": b"\x08",
    **{f"bidi U+{ord(char):04X}": char.encode() for char in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"},
    **{f"invisible U+{ord(char):04X}": char.encode() for char in "\u200b\u200d\ufeff"},
}
# Textual's own sequences that end in BEL (pointer shape); any other BEL came from the data.
TEXTUAL_BEL_SEQUENCES = re.compile(rb"\x1b\]22;[a-z-]*\x07")


@pytest.fixture
def world(fixed_now: dt.datetime) -> World:
    return World(jobs_per_kind=200, seed=4, speed=0, now=fixed_now, hostile=True)


def test_no_escape_sequence_from_hostile_data_reaches_the_terminal(world, aws_env, tmp_path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("")
    run = PtyRun([sys.executable, "-m", "tui", "--config", str(config), "--region", "us-east-1"], aws_env)
    try:
        assert run.wait_for(b"loaded", timeout=15), bytes(run.output[-2000:])
        # the table, then the detail screens (failure messages) of jobs in each source
        run.press("down", "enter", "escape", "2", "end", "enter", "escape", "4", "down", "enter", "escape", "1", pause=0.2)
        run.press("end", pause=1.0)
    finally:
        code = run.stop()
    output = bytes(run.output)
    assert code == 0, output[-2000:]
    assert b"Traceback" not in output
    assert b"screen cleared" in output and b"[bold red]x[" in output  # the hostile rows were shown, cleaned
    found = {what: output.count(payload) for what, payload in FORBIDDEN.items() if payload in output}
    assert found == {}
    assert b"\x07" not in TEXTUAL_BEL_SEQUENCES.sub(b"", output)

