"""How the monitor scales with sources: peak RSS, time to every first page, idle CPU.

    .venv/bin/python bench/sources.py [--sizes 1,10,100,300] [--jobs 100] [--idle 60] [--settle 10]
                                      [--live N] [--keys SECONDS] [--json]

Against one `batchtop emulate --jobs N --speed 0` subprocess, the real app
(`python -m tui --profile … --region … --source …`) runs in a 120×40 pseudo-terminal with an
AWS config of 20 profiles, each with its own access key (so, on the emulator, its own
account). The sources are profiles × regions × kinds:
    1 = 1 × 1 × bedrock · 10 = 2 × 5 × bedrock · 100 = 20 × 5 × bedrock · 300 = 15 × 5 × all four kinds
    · 400 = 20 × 5 × all four kinds (the issue's check: 20 accounts × 5 regions × every kind)
Every source holds `--jobs` jobs, all on its first page, so the All view's status line reads
"<sources × jobs> jobs · all loaded" once every source has its first page: the clock stops
there (from spawn). Peak RSS is VmHWM from /proc/<pid>/status, read from outside at the end;
idle CPU is utime + stime over `--idle` seconds, scaled to one minute (refreshes keep running
every 10 s; the emulator's frozen listing never changes). The idle window opens `--settle`
seconds after every first page: what start-up left to do is not idle (the cache's writer
thread saves every row once: ~0.9 CPU-s at 300 sources); `--settle 0` counts it in. First
frame: from spawn until the header ("batchtop ·") is on the terminal.

`--live N` is the emulator's: unfinished jobs per kind and region (its default, 4 of 100,
makes every source active; 0 makes every source quiet, listed once a minute).
`--keys SECONDS`: after the idle window, j and k (cursor down, up) are pressed one after the
other for that long, while refreshes go on (a round of 300 sources takes a second or two of
every 10 s); each key is timed from the write to its first output and to the last output
of its burst (no output for 50 ms after it: the settled frame). p95 and max are reported.

Each size starts with an empty job cache ("cold"), then starts once more on the cache that run
left ("warm": the rows are on screen before the first answer; peak RSS only). Wall times are
noisy on a shared machine; RSS and CPU-seconds are not.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
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
    summary_ms,
    proc_rss_mb,
)

PROFILES = [f"bench-{index:02d}" for index in range(1, 21)]
REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-northeast-1"]
SHAPES = {  # sources: (profiles, regions, --source)
    1: (1, 1, "bedrock"),
    10: (2, 5, "bedrock"),
    100: (20, 5, "bedrock"),
    300: (15, 5, "all"),
    400: (20, 5, "all"),
}
KINDS_PER_SOURCE = {"bedrock": 1, "all": 4}


def write_profiles(home: Path) -> dict[str, str]:
    """An AWS config with every bench profile, each with its own static key; the env that uses it."""
    config = home / "aws_config_profiles"
    credentials = home / "aws_credentials_profiles"
    config.write_text("".join(f"[profile {name}]\nregion = us-east-1\n\n" for name in PROFILES))
    credentials.write_text(
        "".join(f"[{name}]\naws_access_key_id = AKIA{name.upper().replace('-', '')}\naws_secret_access_key = x\n\n" for name in PROFILES)
    )
    return {"AWS_CONFIG_FILE": str(config), "AWS_SHARED_CREDENTIALS_FILE": str(credentials)}


def key_latencies(app: PtyApp, seconds: float) -> tuple[list[float], list[float]]:
    """(key → first output, key → settled frame) in seconds, for j/k pressed for `seconds`."""
    first: list[float] = []
    settled: list[float] = []
    end = time.perf_counter() + seconds
    keys = "jk"
    while time.perf_counter() < end:
        burst = app.time_input(keys[len(first) % 2], quiet=0.05, timeout=5.0)
        if burst is not None:
            first.append(burst[0])
            settled.append(burst[1])
        time.sleep(0.05)
    return first, settled


def run_size(
    env: dict[str, str], sources: int, jobs: int, idle: float, timeout: float, keys: float = 0.0, settle: float = 0.0
) -> dict:
    profiles, regions, kind = SHAPES[sources]
    assert profiles * len(REGIONS[:regions]) * KINDS_PER_SOURCE[kind] == sources
    argv = [PYTHON, "-m", "tui", "--profile", ",".join(PROFILES[:profiles]), "--region", ",".join(REGIONS[:regions]),
            "--source", kind, "--interval", "10"]
    done = re.compile(rf"{sources * jobs:,} jobs · all loaded")
    app = PtyApp(argv, env=env).start()
    key_first: list[float] = []
    key_settled: list[float] = []
    try:
        first_frame = app.wait_for_text(re.compile(r"batchtop ·"), timeout)
        first_pages = app.wait_for_text(done, timeout)
        if first_pages is None:
            raise RuntimeError(f"{sources} sources: not all loaded within {timeout:g} s:\n" + app.screen_text()[-3000:])
        _, peak_loaded = proc_rss_mb(app.pid)
        if idle > 0:
            time.sleep(settle)
        start_cpu, start = proc_cpu_seconds(app.pid), time.perf_counter()
        time.sleep(idle)
        idle_cpu = proc_cpu_seconds(app.pid) - start_cpu
        minutes = (time.perf_counter() - start) / 60
        rss, peak = proc_rss_mb(app.pid)
        if keys > 0:
            key_first, key_settled = key_latencies(app, keys)
    finally:
        app.stop()
    return {
        "sources": sources,
        "rows": sources * jobs,
        "first_frame_s": first_frame,
        "first_pages_s": first_pages,
        "peak_rss_at_first_pages_mb": peak_loaded,
        "peak_rss_mb": peak,
        "rss_end_mb": rss,
        "idle_cpu_s_per_min": idle_cpu / minutes if minutes else None,
        "keys": len(key_settled),
        "key_first_output_ms": summary_ms(key_first) if key_first else None,
        "key_settled_ms": summary_ms(key_settled) if key_settled else None,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1,10,100,300,400", help=f"source counts, from {sorted(SHAPES)}")
    parser.add_argument("--jobs", type=int, default=100, help="emulator jobs per source (one first page: ≤ 100)")
    parser.add_argument("--idle", type=float, default=60.0, help="seconds of idle CPU measured per size")
    parser.add_argument("--settle", type=float, default=10.0, help="seconds after every first page before the idle window opens")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds allowed for every first page")
    parser.add_argument("--live", type=int, help="the emulator's unfinished jobs per kind and region (0: every source quiet)")
    parser.add_argument("--keys", type=float, default=0.0, metavar="SECONDS", help="time j/k presses for this long after the idle window")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    sizes = [int(value) for value in args.sizes.split(",") if value]
    unknown = [size for size in sizes if size not in SHAPES]
    if unknown:
        parser.error(f"unknown sizes {unknown}: choose from {sorted(SHAPES)}")

    results = []
    live = [] if args.live is None else ["--live", str(args.live)]
    with tempfile.TemporaryDirectory(prefix="batchtop-bench-") as home, EmulatorProcess(
        "--jobs", str(args.jobs), "--speed", "0", *live
    ) as emulator:
        env = {**os.environ, **dummy_aws_env(emulator.endpoint_url, Path(home)), **write_profiles(Path(home))}
        for variable in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE", "AWS_DEFAULT_PROFILE"):
            env.pop(variable, None)
        for size in sizes:
            local = {name: str(Path(home) / f"{size}-{name.lower()}") for name in ("BATCHTOP_CACHE_DIR", "BATCHTOP_STATE_DIR")}
            cold = run_size({**env, **local}, size, args.jobs, args.idle, args.timeout, args.keys, args.settle)
            warm = run_size({**env, **local}, size, args.jobs, 0.0, args.timeout, 0.0)
            results.append({**cold, "warm_first_pages_s": warm["first_pages_s"], "warm_peak_rss_mb": warm["peak_rss_mb"]})
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    print_machine()
    print(f"real app in a 120×40 pty against `batchtop emulate --jobs {args.jobs} --speed 0{' ' + ' '.join(live) if live else ''}`; "
          f"idle window {args.idle:g} s from {args.settle:g} s after every first page, at --interval 10; "
          f"goal at 300 and 400 sources: peak RSS ≤ 150 MB")
    rows = [[r["sources"], r["rows"], r["first_frame_s"], r["first_pages_s"], r["peak_rss_mb"], r["warm_peak_rss_mb"],
             r["idle_cpu_s_per_min"]]
            for r in results]
    print_table(["sources", "rows", "first frame (s)", "every first page (s)", "peak RSS (MB)", "warm: peak RSS (MB)",
                 "idle CPU s/min"], rows, digits=1)
    if args.keys > 0:
        rows = [[r["sources"], r["keys"], *(r[name] and r[name][stat] for name in ("key_first_output_ms", "key_settled_ms")
                                           for stat in ("p95", "max"))] for r in results]
        print_table(["sources", "keys", "first output p95 (ms)", "max", "settled p95 (ms)", "max"], rows,
                    title=f"j/k for {args.keys:g} s while refreshes run every 10 s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
