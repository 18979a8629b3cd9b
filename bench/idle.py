"""What the monitor costs when it is left open: terminal bytes and CPU seconds per minute.

    .venv/bin/python bench/idle.py [--duration 60] [--intervals 2,10] [--interval 2] [--json]

The real app (`python -m tui --interval N`) runs in a pseudo-terminal of 120×40 with
dummy credentials, and the window starts `--settle` seconds after the first job rows were
painted. Over `--duration` seconds it counts the bytes the app wrote to the terminal and
its CPU time (utime + stime from /proc/<pid>/stat), both scaled to one minute.
1. idle: against a `batchtop emulate --speed 0` subprocess: the listing never changes
   (frozen clock, no submissions), though refreshes keep running every interval, at each
   of `--intervals` (2 s: many refreshes in the window; 10 s: the default). The
   emulator's running jobs stay running, so their TIME cells still tick once a minute.
2. idle, every job finished: the same with an in-process emulator whose running jobs were
   all set to a finished status first, so only the refresh loop itself costs anything.
3. one change per refresh: against an emulator in this process (EmulatorThread over a
   frozen World), a driver thread moves one running job on the first screen forward
   (more records processed, via `World.set_status`) once per `--interval`.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import (  # noqa: E402
    PYTHON,
    EmulatorProcess,
    PtyApp,
    dummy_aws_env,
    print_machine,
    print_table,
    proc_cpu_seconds,
)
from startup import first_names, name_pattern  # noqa: E402

JOBS = 2000


def watch(endpoint_url: str, home: Path, interval: float, settle: float, duration: float,
          on_window_start=None) -> dict:  # type: ignore[no-untyped-def]
    env = {**os.environ, **dummy_aws_env(endpoint_url, home)}
    pattern: re.Pattern[str] = name_pattern(first_names(endpoint_url, env))
    app = PtyApp([PYTHON, "-m", "tui", "--interval", f"{interval:g}"], env=env).start()
    try:
        first = app.wait_for_text(pattern, 30)
        if first is None:
            raise RuntimeError("no job rows painted within 30 s:\n" + app.screen_text()[-2000:])
        time.sleep(settle)
        start_bytes, start_cpu, start = app.bytes_written(), proc_cpu_seconds(app.pid), time.perf_counter()
        if on_window_start is not None:
            on_window_start()
        time.sleep(duration)
        end_bytes, end_cpu, end = app.bytes_written(), proc_cpu_seconds(app.pid), time.perf_counter()
        alive = app.proc is not None and app.proc.poll() is None
    finally:
        app.stop()
    minutes = (end - start) / 60
    return {
        "first_rows_s": first,
        "startup_bytes": start_bytes,
        "window_s": end - start,
        "bytes": end_bytes - start_bytes,
        "cpu_s": end_cpu - start_cpu,
        "bytes_per_min": (end_bytes - start_bytes) / minutes,
        "cpu_s_per_min": (end_cpu - start_cpu) / minutes,
        "alive": alive,
    }


class OneChangePerInterval(threading.Thread):
    """Moves one running job forward every `interval` seconds (more records processed)."""

    def __init__(self, world, arn: str, total: int, interval: float) -> None:  # type: ignore[no-untyped-def]
        super().__init__(daemon=True)
        self.world, self.arn, self.total, self.interval = world, arn, total, interval
        self.changes = 0
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.wait(self.interval):
            self.changes += 1
            processed = min(self.total, self.total * self.changes // 200 + 1)
            self.world.set_status(self.arn, "InProgress", processedRecordCount=processed, successRecordCount=processed)


def one_change(home: Path, interval: float, settle: float, duration: float) -> dict:
    from tui.emulator import EmulatorThread, World
    from tui.models import JobKind

    world = World(jobs_per_kind=JOBS, seed=1, speed=0)
    running = next(job for job in world.jobs(JobKind.BEDROCK) if job["status"] == "InProgress")
    total = int(running.get("totalRecordCount") or 100_000)
    driver = OneChangePerInterval(world, running["jobArn"], total, interval)
    with EmulatorThread(world, port=0) as server:
        try:
            result = watch(server.endpoint_url, home, interval, settle, duration, on_window_start=driver.start)
        finally:
            driver.stopping.set()
    result["changes"] = driver.changes
    return result


def all_finished(home: Path, interval: float, settle: float, duration: float) -> dict:
    """Idle again, but every job is finished: no TIME cell has a reason to tick."""
    from tui.emulator import EmulatorThread, World
    from tui.models import JobKind, phase_of

    world = World(jobs_per_kind=JOBS, seed=1, speed=0)
    for kind in JobKind:
        for job in world.jobs(kind):
            if not phase_of(job["status"]).terminal:
                arn = next(job[field] for field in ("jobArn", "batchInferenceJobArn", "batchSegmentJobArn") if field in job)
                world.set_status(arn, "Completed" if kind is JobKind.BEDROCK else "ACTIVE")
    with EmulatorThread(world, port=0) as server:
        return watch(server.endpoint_url, home, interval, settle, duration)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=float, default=60.0, help="seconds measured per case")
    parser.add_argument("--intervals", default="2,10", help="refresh intervals to run the idle case at (10 is the default)")
    parser.add_argument("--interval", type=float, default=2.0, help="refresh interval of the one-change case")
    parser.add_argument("--settle", type=float, default=3.0, help="seconds after the first rows before measuring")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    os.environ.update(AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull, AWS_EC2_METADATA_DISABLED="true")

    with tempfile.TemporaryDirectory(prefix="batchtop-bench-") as home:
        idle = {}
        with EmulatorProcess("--jobs", str(JOBS), "--speed", "0") as emulator:
            for interval in [float(value) for value in args.intervals.split(",") if value]:
                idle[interval] = watch(emulator.endpoint_url, Path(home), interval, args.settle, args.duration)
        finished = all_finished(Path(home), args.interval, args.settle, args.duration)
        changing = one_change(Path(home), args.interval, args.settle, args.duration)
    results = {"idle": {f"{k:g}": v for k, v in idle.items()}, "idle_all_finished": finished,
               "one_change_per_refresh": changing, "interval_one_change": args.interval}
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    print_machine()
    print(f"real app in a 120×40 pty, {args.duration:g} s window {args.settle:g} s after the first rows; "
          f"emulator: {JOBS:,} jobs of each kind, frozen clock (its running jobs stay running)")
    rows = [
        [f"idle, --interval {interval:g}", result["bytes_per_min"], result["cpu_s_per_min"], 1024, 0.3,
         result["bytes_per_min"] <= 1024 and result["cpu_s_per_min"] <= 0.3, 0]
        for interval, result in idle.items()
    ]
    rows.append([f"idle, every job finished, --interval {args.interval:g}", finished["bytes_per_min"],
                 finished["cpu_s_per_min"], 1024, 0.3,
                 finished["bytes_per_min"] <= 1024 and finished["cpu_s_per_min"] <= 0.3, 0])
    rows.append([f"one job changes per refresh, --interval {args.interval:g}", changing["bytes_per_min"],
                 changing["cpu_s_per_min"], None, None, None, changing["changes"]])
    print_table(["case", "bytes/min", "CPU s/min", "target bytes/min", "target CPU s/min", "met", "changes made"], rows, digits=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
