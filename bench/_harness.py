"""Shared parts of the bench scripts: statistics, plain tables, child processes, a pty runner.

The machines are shared and noisy, so every script reports counts, or ratios against a
baseline measured in the same run. Anything whose RSS or start-up matters runs in a child
process of its own; children speak one JSON object per stdout line.
"""

from __future__ import annotations

import fcntl
import json
import math
import os
import platform
import re
import resource
import select
import signal
import socket
import statistics
import struct
import subprocess
import sys
import termios
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PYTHON = str(REPO / ".venv" / "bin" / "python") if (REPO / ".venv" / "bin" / "python").exists() else sys.executable
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


# ---------------------------------------------------------------- statistics and printing


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile (no interpolation: a p95 is a value that was measured)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(pct / 100 * len(ordered))))
    return ordered[rank - 1]


def summary_ms(seconds: list[float]) -> dict[str, float]:
    """p50 / p95 / max in milliseconds, and how many samples."""
    ms = [s * 1000 for s in seconds]
    return {
        "n": len(ms),
        "p50": percentile(ms, 50),
        "p95": percentile(ms, 95),
        "max": max(ms) if ms else float("nan"),
    }


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or denominator is None or denominator == 0:
        return None
    if numerator != numerator or denominator != denominator:  # NaN
        return None
    return numerator / denominator


def fmt(value: object, digits: int = 1) -> str:
    """Numbers for humans: thousands separators, fixed decimals, '–' for missing."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if value != value:
            return "–"
        return f"{value:,.{digits}f}"
    return str(value)


def print_table(headers: list[str], rows: list[list[object]], title: str | None = None, digits: int = 1) -> None:
    """A plain, aligned text table (numbers right-aligned)."""
    cells = [[fmt(value, digits) for value in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in cells:
        for index, cell in enumerate(row):
            widths[index] = max(widths[index], len(cell))
    numeric = [all(isinstance(row[i], (int, float)) or row[i] is None for row in rows) for i in range(len(headers))]
    if title:
        print(f"\n{title}")
    line = "  ".join(h.rjust(w) if numeric[i] else h.ljust(w) for i, (h, w) in enumerate(zip(headers, widths)))
    print(line)
    print("  ".join("-" * w for w in widths))
    for row in cells:
        print("  ".join(c.rjust(w) if numeric[i] else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths))))


def machine() -> dict[str, object]:
    """What the figures were measured on."""
    try:
        from importlib.metadata import version

        textual_version = version("textual")
    except Exception:  # pragma: no cover - textual is a dependency
        textual_version = "?"
    return {
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "textual": textual_version,
        "platform": platform.platform(terse=True),
    }


def print_machine() -> None:
    m = machine()
    print(f"machine: {m['cores']} cores · Python {m['python']} · textual {m['textual']} · {m['platform']}")


# ---------------------------------------------------------------- memory and CPU


def peak_rss_mb() -> float:
    """This process's peak resident set size (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def proc_cpu_seconds(pid: int) -> float:
    """utime + stime of a process from /proc/<pid>/stat (psutil is not installed)."""
    with open(f"/proc/{pid}/stat") as handle:
        stat = handle.read()
    fields = stat[stat.rindex(")") + 2 :].split()
    # fields[0] is field 3 (state); utime is field 14, stime field 15.
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def proc_rss_mb(pid: int) -> tuple[float, float]:
    """(current RSS, peak RSS) of a process in MB, from /proc/<pid>/status."""
    rss = peak = 0.0
    with open(f"/proc/{pid}/status") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1]) / 1024
            elif line.startswith("VmHWM:"):
                peak = int(line.split()[1]) / 1024
    return rss, peak


# ---------------------------------------------------------------- child processes


def emit(**record: object) -> None:
    """A child's report: one JSON object per line on stdout, flushed at once."""
    sys.stdout.write(json.dumps(record, default=str) + "\n")
    sys.stdout.flush()


@dataclass
class ChildResult:
    records: list[dict] = field(default_factory=list)
    timed_out: bool = False
    returncode: int | None = None
    stderr_tail: str = ""
    elapsed: float = 0.0

    def last(self, kind: str) -> dict | None:
        for record in reversed(self.records):
            if record.get("kind") == kind:
                return record
        return None

    def all(self, kind: str) -> list[dict]:
        return [r for r in self.records if r.get("kind") == kind]


def run_child(args: list[str], timeout: float, env: dict[str, str] | None = None) -> ChildResult:
    """Run `python <args>` and collect its JSON lines; kill it at `timeout`, keeping what it said."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        [PYTHON, *args],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, **(env or {})},
        start_new_session=True,
    )
    result = ChildResult()
    stderr_chunks: list[bytes] = []

    def drain_stderr() -> None:
        assert proc.stderr is not None
        for chunk in iter(lambda: proc.stderr.read(4096), b""):
            stderr_chunks.append(chunk)

    stderr_thread = threading.Thread(target=drain_stderr, daemon=True)
    stderr_thread.start()
    assert proc.stdout is not None
    deadline = started + timeout
    buffer = b""
    stdout_fd = proc.stdout.fileno()
    while True:
        remaining = deadline - time.perf_counter()
        if remaining <= 0:
            result.timed_out = True
            os.killpg(proc.pid, signal.SIGKILL)
            break
        ready, _, _ = select.select([stdout_fd], [], [], min(remaining, 1.0))
        if not ready:
            if proc.poll() is not None:
                break
            continue
        chunk = os.read(stdout_fd, 65536)
        if not chunk:
            break
        buffer += chunk
        *lines, buffer = buffer.split(b"\n")
        for line in lines:
            line = line.strip()
            if line.startswith(b"{"):
                try:
                    result.records.append(json.loads(line))
                except json.JSONDecodeError:
                    pass
    result.returncode = proc.wait()
    stderr_thread.join(timeout=2)
    result.stderr_tail = b"".join(stderr_chunks).decode(errors="replace")[-2000:]
    result.elapsed = time.perf_counter() - started
    return result


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def dummy_aws_env(endpoint_url: str, home: Path) -> dict[str, str]:
    """Environment for an AWS client pointed at the emulator, isolated from the user's AWS files."""
    config = home / "aws_config"
    credentials = home / "aws_credentials"
    config.write_text("")
    credentials.write_text("")
    return {
        "AWS_ENDPOINT_URL": endpoint_url,
        "AWS_ACCESS_KEY_ID": "batchtop-demo",  # the emulator's home account, 123456789012
        "AWS_SECRET_ACCESS_KEY": "bench",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
        "AWS_CONFIG_FILE": str(config),
        "AWS_SHARED_CREDENTIALS_FILE": str(credentials),
        "AWS_EC2_METADATA_DISABLED": "true",
        "XDG_CONFIG_HOME": str(home / "xdg_config"),
        "XDG_CACHE_HOME": str(home / "xdg_cache"),
        "XDG_STATE_HOME": str(home / "xdg_state"),
        "HOME": str(home),
    }


def wait_for_port(port: int, timeout: float = 30.0, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode} before listening on {port}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listening on 127.0.0.1:{port} after {timeout} s")


class EmulatorProcess:
    """`batchtop emulate` in a subprocess (python -m tui emulate …), stopped on exit."""

    def __init__(self, *flags: str, env: dict[str, str] | None = None, start_timeout: float = 60.0):
        self.port = free_port()
        self.endpoint_url = f"http://127.0.0.1:{self.port}"
        self._flags = flags
        self._env = env
        self._start_timeout = start_timeout
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> "EmulatorProcess":
        self.proc = subprocess.Popen(
            [PYTHON, "-m", "tui", "emulate", "--port", str(self.port), *self._flags],
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, **(self._env or {})},
            start_new_session=True,
        )
        wait_for_port(self.port, self._start_timeout, self.proc)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


# ---------------------------------------------------------------- a pseudo-terminal runner

ANSI = re.compile(rb"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|P[^\x1b]*\x1b\\|[@-Z\\-_])")


def strip_ansi(data: bytes) -> str:
    return ANSI.sub(b"", data).decode("utf-8", errors="replace")


OVERLAP = 16 * 1024  # bytes of output scanned again by wait_for_text


class PtyApp:
    """A program in a pseudo-terminal of a fixed size; a reader thread timestamps its output.

    The program gets the pty as stdin/stdout/stderr and as its controlling terminal, like in
    a real terminal emulator. `output` keeps every byte, `chunks` keeps (time, size).
    """

    def __init__(self, argv: list[str], env: dict[str, str], cols: int = 120, rows: int = 40):
        self.argv = argv
        self.env = env
        self.cols = cols
        self.rows = rows
        self.output = bytearray()
        self.chunks: list[tuple[float, int]] = []
        self.started = 0.0
        self.proc: subprocess.Popen | None = None
        self._master = -1
        self._lock = threading.Lock()
        self._reader: threading.Thread | None = None
        self._changed = threading.Condition(self._lock)

    def start(self) -> "PtyApp":
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", self.rows, self.cols, 0, 0))
        self._master = master

        def become_session_leader() -> None:
            os.setsid()
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

        env = {**self.env, "TERM": "xterm-256color", "COLUMNS": str(self.cols), "LINES": str(self.rows)}
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            self.argv,
            cwd=REPO,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            preexec_fn=become_session_leader,
            close_fds=True,
        )
        os.close(slave)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        return self

    def _read(self) -> None:
        while True:
            try:
                data = os.read(self._master, 65536)
            except OSError:
                break
            if not data:
                break
            now = time.perf_counter()
            with self._changed:
                self.output += data
                self.chunks.append((now, len(data)))
                self._changed.notify_all()

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def wait_for_text(self, pattern: re.Pattern[str], timeout: float, start_at: int = 0) -> float | None:
        """Seconds from start until `pattern` appears in the escape-stripped output, or None.

        The time is that of the chunk which completed the match (reader-thread timestamp).
        Only output not scanned yet is scanned again (with an overlap of OVERLAP bytes for
        a match or an escape sequence cut at the edge), so waiting costs the bench (and the
        machine the app shares) time linear in the output, not quadratic.
        """
        deadline = time.perf_counter() + timeout
        scanned = start_at
        with self._changed:
            while True:
                size = len(self.output)
                base = max(start_at, scanned - OVERLAP)
                if pattern.search(strip_ansi(bytes(self.output[base:size]))):
                    total = 0
                    for stamp, chunk in self.chunks:  # the first chunk whose arrival completes it
                        total += chunk
                        if total > base and pattern.search(strip_ansi(bytes(self.output[base:total]))):
                            return stamp - self.started
                    return self.chunks[-1][0] - self.started
                scanned = size
                remaining = deadline - time.perf_counter()
                if remaining <= 0 or (self.proc is not None and self.proc.poll() is not None and size == len(self.output)):
                    return None
                self._changed.wait(timeout=min(remaining, 0.5))

    def time_input(self, data: str, quiet: float = 0.05, timeout: float = 5.0) -> tuple[float, float, int] | None:
        """Send `data`; (first output, last output of the burst) in seconds after the write, bytes.

        The burst ends when no output came for `quiet` seconds. None if nothing came.
        """
        with self._lock:
            chunk_count = len(self.chunks)
        sent = time.perf_counter()
        self.send(data)
        deadline = sent + timeout
        with self._changed:
            while len(self.chunks) == chunk_count:
                remaining = deadline - time.perf_counter()
                if remaining <= 0:
                    return None
                self._changed.wait(remaining)
            while True:
                seen = len(self.chunks)
                self._changed.wait(quiet)
                if len(self.chunks) == seen:
                    break
            burst = self.chunks[chunk_count:]
        return burst[0][0] - sent, burst[-1][0] - sent, sum(size for _, size in burst)

    def bytes_written(self) -> int:
        with self._lock:
            return len(self.output)

    def screen_text(self, last: int = 200_000) -> str:
        with self._lock:
            return strip_ansi(bytes(self.output[-last:]))

    def send(self, data: str | bytes) -> None:
        os.write(self._master, data.encode() if isinstance(data, str) else data)

    def stop(self, quit_keys: str | None = "q", timeout: float = 5.0) -> int | None:
        if self.proc is None:
            return None
        if self.proc.poll() is None and quit_keys:
            try:
                self.send(quit_keys)
                self.proc.wait(timeout=timeout)
            except (OSError, subprocess.TimeoutExpired):
                pass
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        try:
            os.close(self._master)
        except OSError:
            pass
        if self._reader is not None:
            self._reader.join(timeout=2)
        return self.proc.returncode

    def __enter__(self) -> "PtyApp":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


KEYS = {
    "down": "\x1b[B",
    "up": "\x1b[A",
    "pagedown": "\x1b[6~",
    "pageup": "\x1b[5~",
    "end": "\x1b[F",
    "home": "\x1b[H",
    "enter": "\r",
    "escape": "\x1b",
}
