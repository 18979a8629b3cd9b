"""OSC 52 copy: the payload survives exactly, never escapes the sequence, and gets through tmux/screen."""

from __future__ import annotations

import base64
import os
import re
import subprocess
import sys
import textwrap

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual.app import App

from tui.clipboard import SCREEN_CHUNK, copy_to_clipboard, osc52, passthrough

OSC52 = re.compile(r"\x1b\]52;c;([A-Za-z0-9+/=]*)\x07")


@pytest.fixture
def no_multiplexer(monkeypatch):
    monkeypatch.delenv("TMUX", raising=False)
    monkeypatch.delenv("STY", raising=False)


@pytest.fixture
def in_tmux(monkeypatch):
    monkeypatch.delenv("STY", raising=False)
    monkeypatch.setenv("TMUX", "/tmp/tmux-0/default,1234,0")


@pytest.fixture
def in_screen(monkeypatch):
    monkeypatch.delenv("TMUX", raising=False)
    monkeypatch.setenv("STY", "1234.pts-0.host")


def _payload(sequence: str) -> str:
    found = OSC52.fullmatch(sequence)
    assert found, repr(sequence)
    return base64.b64decode(found[1]).decode("utf-8")


HOSTILE = 'arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/x\x1b]52;c;ZXZpbA==\x07\x1b\\\n[bold]"é✓'


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])  # the env is the same for every example
@given(text=st.text())
def test_osc52_carries_any_text_exactly_and_only_one_sequence(no_multiplexer, text):
    sequence = osc52(text)
    assert _payload(sequence) == text
    assert sequence.count("\x1b") == 1 and sequence.count("\x07") == 1


def test_osc52_outside_a_multiplexer_is_plain(no_multiplexer):
    assert osc52("hi") == "\x1b]52;c;aGk=\x07"
    assert _payload(osc52(HOSTILE)) == HOSTILE


def test_osc52_in_tmux_uses_dcs_passthrough_with_doubled_escapes(in_tmux):
    sequence = osc52(HOSTILE)
    assert sequence.startswith("\x1bPtmux;\x1b\x1b]52;c;")
    assert sequence.endswith("\x07\x1b\\")
    inner = sequence.removeprefix("\x1bPtmux;").removesuffix("\x1b\\")
    # inside the passthrough, every ESC is doubled: a lone ESC would end it early
    assert "\x1b" not in inner.replace("\x1b\x1b", "")
    assert _payload(inner.replace("\x1b\x1b", "\x1b")) == HOSTILE


def test_osc52_in_screen_is_sent_in_short_dcs_pieces(in_screen):
    text = "arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/" + "a" * 300
    sequence = osc52(text)
    pieces = re.findall(r"\x1bP(.*?)\x1b\\", sequence, re.DOTALL)
    assert len(pieces) > 1
    assert "".join(f"\x1bP{piece}\x1b\\" for piece in pieces) == sequence
    assert all(len(piece) <= SCREEN_CHUNK for piece in pieces)
    assert _payload("".join(pieces)) == text


def test_passthrough_prefers_tmux_when_both_are_set(monkeypatch):
    monkeypatch.setenv("TMUX", "x")
    monkeypatch.setenv("STY", "y")
    assert passthrough("\x1b]9;hi\x07").startswith("\x1bPtmux;")


class _CopyApp(App[None]):
    pass


async def _copy_and_capture(text: str) -> tuple[str, list[str]]:
    app = _CopyApp()
    async with app.run_test():
        written: list[str] = []
        app._driver.write = written.append  # the headless driver writes nowhere: record instead
        copy_to_clipboard(app, text)
        return app.clipboard, written


async def test_copy_to_clipboard_outside_tmux_sends_one_plain_osc52(no_multiplexer):
    clipboard, written = await _copy_and_capture(HOSTILE)
    assert clipboard == HOSTILE
    assert len(written) == 1
    assert _payload(written[0]) == HOSTILE


async def test_copy_to_clipboard_in_tmux_also_sends_the_passthrough(in_tmux):
    clipboard, written = await _copy_and_capture("arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/abc")
    assert clipboard.endswith("/abc")
    plain, wrapped = written
    assert _payload(plain) == clipboard  # for tmux `set-clipboard on`
    assert wrapped == osc52(clipboard) and wrapped.startswith("\x1bPtmux;")  # for `allow-passthrough on`


def test_the_sequences_reach_a_real_terminal_intact(tmp_path):
    """Run a real Textual app on a pseudo-terminal, as in tmux, and read what it wrote."""
    script = tmp_path / "copy_app.py"
    script.write_text(
        textwrap.dedent(
            """
            from textual.app import App
            from tui.clipboard import copy_to_clipboard

            class CopyApp(App):
                def on_mount(self):
                    copy_to_clipboard(self, "arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/pty")
                    self.set_timer(0.2, self.exit)

            CopyApp().run()
            """
        )
    )
    controller, terminal = os.openpty()
    env = {**os.environ, "TMUX": "/tmp/tmux-0/default,1,0", "TERM": "xterm-256color", "PYTHONPATH": os.getcwd()}
    env.pop("STY", None)
    process = subprocess.Popen([sys.executable, str(script)], stdin=terminal, stdout=terminal, stderr=terminal, env=env)
    os.close(terminal)
    output = bytearray()
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # EIO: the app exited and closed the terminal
            break
        if not chunk:
            break
        output.extend(chunk)
    os.close(controller)
    assert process.wait(timeout=30) == 0, output.decode(errors="replace")[-2000:]
    text = output.decode("utf-8", errors="replace")
    expected = "arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/pty"
    payload = base64.b64encode(expected.encode()).decode()
    assert f"\x1b]52;c;{payload}\x07" in text
    assert f"\x1bPtmux;\x1b\x1b]52;c;{payload}\x07\x1b\\" in text
