"""Copy to the user's clipboard with OSC 52: works over SSH, and through tmux and GNU screen.

OSC 52 asks the terminal emulator itself to set its clipboard, so a copy made on a
remote jump host lands on the user's own machine. Multiplexers sit in between: tmux
swallows OSC 52 from applications unless `set-clipboard on`, and forwards anything
wrapped in its DCS passthrough when `allow-passthrough on`; screen forwards DCS strings.
The copied text is what the user chose (an ARN, a job's JSON); it travels base64-encoded,
so nothing in it can end the sequence early or reach the terminal as a command.
"""

from __future__ import annotations

import base64
import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.app import App

# GNU screen truncates long DCS strings (its buffer was 768 bytes): send short pieces.
SCREEN_CHUNK = 76


def osc52(text: str) -> str:
    """The OSC 52 sequence that sets the clipboard to `text`, wrapped for tmux/screen if inside one."""
    payload = base64.b64encode(text.encode("utf-8")).decode("ascii")
    return passthrough(f"\x1b]52;c;{payload}\a")


def passthrough(sequence: str) -> str:
    """Wrap a terminal sequence so tmux ($TMUX) or GNU screen ($STY) forwards it to the terminal.

    Outside a multiplexer the sequence is returned unchanged.
    """
    if os.environ.get("TMUX"):
        return "\x1bPtmux;" + sequence.replace("\x1b", "\x1b\x1b") + "\x1b\\"
    if os.environ.get("STY"):
        pieces = (sequence[start : start + SCREEN_CHUNK] for start in range(0, len(sequence), SCREEN_CHUNK))
        return "".join(f"\x1bP{piece}\x1b\\" for piece in pieces)
    return sequence


def in_multiplexer() -> bool:
    """True inside tmux or GNU screen, where sequences need `passthrough`."""
    return bool(os.environ.get("TMUX") or os.environ.get("STY"))


def write_to_terminal(app: App, sequence: str) -> None:
    """Send a raw sequence to the terminal through the app's driver, between frames.

    Textual 8.2.8 has no public way to write raw output; the driver's `write` is what its
    own `copy_to_clipboard` and `bell` use. Nothing is written before the app is running.
    """
    driver = getattr(app, "_driver", None)
    if driver is not None:
        driver.write(sequence)


def copy_to_clipboard(app: App, text: str) -> None:
    """Copy `text` to the clipboard, directly and through tmux/screen when inside one.

    Textual's own `App.copy_to_clipboard` keeps `app.clipboard` and sends the plain OSC 52
    (which tmux takes with `set-clipboard on`); inside a multiplexer the wrapped sequence
    is sent as well, for tmux's `allow-passthrough on` and for screen.
    """
    app.copy_to_clipboard(text)
    if in_multiplexer():
        write_to_terminal(app, osc52(text))
