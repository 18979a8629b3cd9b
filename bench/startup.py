"""From process start to the first job rows painted, with and without the job cache, beside
the AWS CLI's one page, and import time.

    .venv/bin/python bench/startup.py [--runs 5] [--jobs 2000] [--latency 0] [--json]

Against one `batchtop emulate` subprocess (speed 0, so the listing does not move; `--latency`
adds that many seconds to every call, like a far endpoint):
- batchtop: `python -m tui` (what the `batchtop` script runs) in a pseudo-terminal of
  120×40, AWS_ENDPOINT_URL pointed at the emulator, dummy credentials, no config file, its
  own cache and state folders. The clock starts just before the process is spawned and
  stops when the terminal output, with escape sequences removed, first contains the name of
  a job the emulator lists first (names asked of the emulator beforehand with boto3). Then
  `q`. Each run starts twice: `--fresh` (no cache read: the rows come from the network),
  then with the cache that run wrote (the rows come from the disk).
- AWS CLI: `.venv/bin/aws bedrock list-model-invocation-jobs --max-results 100` against
  the same endpoint, from spawn to exit (one page, output to a pipe).
- `import tui` and `import tui.app`: `python -X importtime` (cumulative µs of the
  top-level module) and the wall time of the import statement in a fresh interpreter,
  beside a bare `python -c pass` start.
Each figure is the median (p50) of `--runs` runs; the ratio is batchtop / AWS CLI.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import (  # noqa: E402
    PYTHON,
    REPO,
    EmulatorProcess,
    PtyApp,
    dummy_aws_env,
    median,
    print_machine,
    print_table,
    ratio,
)

AWS_CLI = str(REPO / ".venv" / "bin" / "aws")


def first_names(endpoint_url: str, env: dict[str, str], per_kind: int = 60) -> list[str]:
    """Names of the newest jobs of every kind, as the emulator lists them."""
    import boto3

    session = boto3.session.Session(
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
        region_name=env["AWS_DEFAULT_REGION"],
    )
    bedrock = session.client("bedrock", endpoint_url=endpoint_url)
    personalize = session.client("personalize", endpoint_url=endpoint_url)
    names = [s["jobName"] for s in bedrock.list_model_invocation_jobs(maxResults=per_kind)["invocationJobSummaries"]]
    names += [s["jobName"] for s in personalize.list_batch_inference_jobs(maxResults=per_kind)["batchInferenceJobs"]]
    names += [s["jobName"] for s in personalize.list_batch_segment_jobs(maxResults=per_kind)["batchSegmentJobs"]]
    return names


def name_pattern(names: list[str]) -> re.Pattern[str]:
    """Any of the names, cut to 12 characters (the name column may truncate them)."""
    return re.compile("|".join(re.escape(name[:12]) for name in sorted(set(names))))


def time_first_rows(env: dict[str, str], pattern: re.Pattern[str], *flags: str, timeout: float = 30.0) -> float | None:
    app = PtyApp([PYTHON, "-m", "tui", *flags], env=env).start()
    try:
        return app.wait_for_text(pattern, timeout)
    finally:
        app.stop()


def time_aws_cli(env: dict[str, str], endpoint_url: str) -> float:
    started = time.perf_counter()
    subprocess.run(
        [AWS_CLI, "bedrock", "list-model-invocation-jobs", "--max-results", "100", "--endpoint-url", endpoint_url],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        check=True,
    )
    return time.perf_counter() - started


def import_times(module: str, runs: int) -> dict[str, float]:
    """Median wall time of `import module` in a fresh interpreter, and -X importtime's cumulative figure."""
    walls, cumulative = [], []
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    for _ in range(runs):
        out = subprocess.run([PYTHON, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
        walls.append(float(out.stdout.strip()))
        traced = subprocess.run([PYTHON, "-X", "importtime", "-c", f"import {module}"], cwd=REPO, capture_output=True, text=True, check=True)
        for line in traced.stderr.splitlines():
            parts = [part.strip() for part in line.removeprefix("import time:").split("|")]
            if len(parts) == 3 and parts[2] == module:
                cumulative.append(int(parts[1]) / 1e6)
    return {"wall": median(walls), "importtime": median(cumulative)}


def bare_python(runs: int) -> float:
    walls = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([PYTHON, "-c", "pass"], check=True)
        walls.append(time.perf_counter() - started)
    return median(walls)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=2000, help="emulator jobs of each kind")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds the emulator adds to every call")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    runs = max(1, args.runs)

    with tempfile.TemporaryDirectory(prefix="batchtop-bench-") as home, EmulatorProcess(
        "--jobs", str(args.jobs), "--speed", "0", "--latency", str(args.latency)
    ) as emulator:
        env = dummy_aws_env(emulator.endpoint_url, Path(home))
        import os

        env = {**os.environ, **env}
        pattern = name_pattern(first_names(emulator.endpoint_url, env))
        time_aws_cli(env, emulator.endpoint_url)  # warm the page cache for both
        batchtop, cached, cli = [], [], []
        for _ in range(runs):
            seconds = time_first_rows(env, pattern, "--fresh")
            if seconds is not None:
                batchtop.append(seconds)
            seconds = time_first_rows(env, pattern)  # reads what the --fresh run wrote
            if seconds is not None:
                cached.append(seconds)
            cli.append(time_aws_cli(env, emulator.endpoint_url))
    tui_import = import_times("tui", runs)
    app_import = import_times("tui.app", runs)
    results = {
        "first_rows_s": median(batchtop),
        "first_rows_runs": batchtop,
        "first_rows_cached_s": median(cached),
        "first_rows_cached_runs": cached,
        "failed_runs": 2 * runs - len(batchtop) - len(cached),
        "aws_cli_page_s": median(cli),
        "aws_cli_runs": cli,
        "ratio": ratio(median(batchtop), median(cli)),
        "ratio_cached": ratio(median(cached), median(cli)),
        "import_tui": tui_import,
        "import_tui_app": app_import,
        "python_bare_s": bare_python(runs),
    }
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    print_machine()
    print(f"emulator: {args.jobs:,} jobs of each kind, speed 0, +{args.latency:g} s per call; pty 120×40; p50 of {runs} runs")
    print_table(
        ["measure", "seconds", "target", "met"],
        [
            ["batchtop --fresh: start → first job rows painted", results["first_rows_s"], 1.0, (results["first_rows_s"] or 99) <= 1.0],
            ["batchtop, cached: start → first job rows painted", results["first_rows_cached_s"], 1.0, (results["first_rows_cached_s"] or 99) <= 1.0],
            ["AWS CLI: one page of 100 Bedrock jobs", results["aws_cli_page_s"], None, None],
            ["ratio batchtop --fresh / AWS CLI", results["ratio"], 1.0, (results["ratio"] or 99) <= 1.0],
            ["ratio batchtop cached / AWS CLI", results["ratio_cached"], 1.0, (results["ratio_cached"] or 99) <= 1.0],
            ["import tui (wall, fresh interpreter)", tui_import["wall"], None, None],
            ["import tui (-X importtime cumulative)", tui_import["importtime"], None, None],
            ["import tui.app (wall)", app_import["wall"], None, None],
            ["import tui.app (-X importtime cumulative)", app_import["importtime"], None, None],
            ["bare `python -c pass`", results["python_bare_s"], None, None],
        ],
        digits=3,
    )
    if results["failed_runs"]:
        print(f"\n{results['failed_runs']} start(s) never painted a job row within 30 s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
