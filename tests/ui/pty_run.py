"""The real app in a pseudo-terminal, as in a terminal emulator: every byte it writes is kept."""

from __future__ import annotations

import fcntl
import os
import struct
import subprocess
import termios
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
COLUMNS, ROWS = 120, 40
KEYS = {"down": b"\x1b[B", "enter": b"\r", "escape": b"\x1b", "end": b"\x1b[F"}


class PtyRun:
    """The app in a pseudo-terminal; a thread keeps every byte it writes."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
        self.master = master
        self.output = bytearray()
        self.proc = subprocess.Popen(
            argv,
            cwd=REPO,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env={**env, "TERM": "xterm-256color", "COLUMNS": str(COLUMNS), "LINES": str(ROWS)},
            start_new_session=True,
        )
        os.close(slave)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                data = os.read(self.master, 65536)
            except OSError:
                return
            if not data:
                return
            self.output += data

    def wait_for(self, needle: bytes, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while needle not in self.output:
            if time.monotonic() > deadline or self.proc.poll() is not None:
                return False
            time.sleep(0.05)
        return True

    def press(self, *keys: str, pause: float = 0.3) -> None:
        for key in keys:
            os.write(self.master, KEYS.get(key, key.encode()))
            time.sleep(pause)

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.press("q", pause=0)
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._reader.join(timeout=2)
        os.close(self.master)
        return self.proc.returncode
