"""Soak: the real app against a hostile, faulty, fast-moving emulator for N minutes, then checked.

    .venv/bin/python bench/soak.py [--minutes 10] [--jobs 3000] [--interval 5] [--json]

This process runs the emulator (EmulatorThread): hostile strings, `--jobs` jobs of each kind,
lifecycle speed ×100 (jobs finish and new ones arrive during the run), throttling every
7th call and a 5% rate of 5xx errors. A child process (`--child`) runs the real app —
BatchtopApp over a RefreshEngine over AwsPool's real aioboto3 sources — headless
(`App.run_test`, 120×40) so its RSS is its own, and speaks JSON lines:
1. warm-up (first `--warmup` minutes): it pages every source to the end (End, again
   after a failed page) while refreshes run, then RSS is sampled;
2. soak: the live refresh loop runs at `--interval` while a few keys are pressed now and
   then (down, PgDn, Home, End, which pages the jobs that arrived meanwhile);
3. check: faults are turned off here, the child pages to the end again, this process
   takes the emulator's ground truth (A), the child refreshes twice and dumps every row
   of the "All" view, and the ground truth is taken again (B).
Checked: no job of A missing from the table, none twice, none unknown to B; every
job's raw status equal to the truth (a job whose status changed between A and B may show
either); no exception (the app's exception handler, a worker that raised, the asyncio
exception handler, log records at ERROR); RSS growth from the end of warm-up to the end of
the soak under 5 MB (current RSS, /proc/self/status).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import random
import select
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import PYTHON, REPO, emit, print_machine, print_table, proc_rss_mb  # noqa: E402

ARN_FIELDS = ("jobArn", "batchInferenceJobArn", "batchSegmentJobArn")


# ---------------------------------------------------------------- child: the app


class Errors(logging.Handler):
    """Everything that counts as "an exception logged"."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.items: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.items.append(f"log {record.name}: {record.getMessage()[:300]}")


async def _child(endpoint_url: str, interval: float, warmup: float, minutes: float) -> None:
    from tui.app import BatchtopApp
    from tui.aws import AwsPool
    from tui.config import Settings
    from tui.refresh import RefreshEngine

    from textual.worker import Worker

    errors = Errors()
    logging.getLogger().addHandler(errors)
    original_run = Worker.run

    async def run_recording_failures(self):  # type: ignore[no-untyped-def]
        try:
            return await original_run(self)
        except asyncio.CancelledError:
            raise
        except Exception as error:
            errors.items.append(f"worker {self.name}: {error!r}")
            raise

    Worker.run = run_recording_failures  # type: ignore[method-assign]
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(lambda _loop, context: errors.items.append(f"asyncio: {context.get('message')} {context.get('exception')!r}"))

    async with AwsPool.demo(endpoint_url) as pool:
        engine = RefreshEngine(pool.build_sources([], ["us-east-1"], ["all"]))
        applied = {"refresh": 0}
        original_apply = engine.apply_refresh

        def counting_apply(batch):  # type: ignore[no-untyped-def]
            applied["refresh"] += 1
            return original_apply(batch)

        engine.apply_refresh = counting_apply  # type: ignore[method-assign]
        app = BatchtopApp(engine, Settings(interval=interval))
        original_handle = app._handle_exception

        def handle_exception(error: Exception) -> None:
            errors.items.append(f"app: {error!r}")
            original_handle(error)

        app._handle_exception = handle_exception  # type: ignore[method-assign]
        toasts: list[str] = []
        original_notify = app.notify

        def notify(message, *args, **kwargs):  # type: ignore[no-untyped-def]
            toasts.append(str(message))
            return original_notify(message, *args, **kwargs)

        app.notify = notify  # type: ignore[method-assign]
        async with app.run_test(size=(120, 40)) as pilot:
            screen = app.screen
            while not hasattr(screen, "table"):
                await pilot.pause(0.1)
                screen = app.screen

            async def page_to_end(limit: float) -> bool:
                deadline = time.monotonic() + limit
                view = screen.table.view
                while time.monotonic() < deadline:
                    view = screen.table.view
                    if view is not None and view.all_loaded and not screen._paging:
                        return True
                    await pilot.press("end")
                    await pilot.pause(0.5)
                return bool(view is not None and view.all_loaded)

            started = time.monotonic()
            loaded = await page_to_end(warmup * 60)
            while time.monotonic() - started < warmup * 60:
                await pilot.pause(1)
            rss_warm = proc_rss_mb(os.getpid())[0]
            emit(kind="warm", rss=rss_warm, rows=len(screen.table.view or []), all_loaded=loaded, errors=len(errors.items))
            rng = random.Random(7)
            soak_end = started + minutes * 60
            samples = []
            while time.monotonic() < soak_end:
                await pilot.pause(min(5.0, max(0.0, soak_end - time.monotonic())))
                await pilot.press(rng.choice(("down", "down", "pagedown", "home", "end", "up")))
                rss = proc_rss_mb(os.getpid())[0]
                samples.append(rss)
                emit(kind="rss", t=time.monotonic() - started, rss=rss, rows=len(screen.table.view or []),
                     refreshes=applied["refresh"], problems=[str(s.problem.kind) for s in engine.states if s.problem])
            emit(kind="soaked", rss=proc_rss_mb(os.getpid())[0], rss_max=max(samples, default=rss_warm), refreshes=applied["refresh"])

            # The check: the parent turns the faults off, then drives the last steps.
            sys.stdin.readline()
            loaded = await page_to_end(300)
            emit(kind="paged", all_loaded=loaded, rows=len(screen.table.view or []))
            sys.stdin.readline()
            target = applied["refresh"] + 2
            await pilot.press("r")
            deadline = time.monotonic() + 120
            while applied["refresh"] < target and time.monotonic() < deadline:
                await pilot.pause(0.2)
                if not screen._refreshing:
                    await pilot.press("r")
            view = screen.table.view
            rows = [[job.arn, job.status] for job in (view[i] for i in range(len(view)))]
            problems = [f"{s.key.id}: {s.problem.kind}" for s in engine.states if s.problem]
            emit(kind="table", rows=rows, problems=problems, errors=errors.items, toasts=len(toasts),
                 toast_samples=toasts[-5:])
            await pilot.press("q")


# ---------------------------------------------------------------- parent: emulator, truth, verdict


def truth(world) -> dict[str, str]:  # type: ignore[no-untyped-def]
    from tui.models import JobKind

    statuses: dict[str, str] = {}
    for kind in JobKind:
        for job in world.jobs(kind):
            arn = next(job[field] for field in ARN_FIELDS if field in job)
            statuses[arn] = job.get("status")
    return statuses


def verdict(rows: list[list[str]], before: dict[str, str], after: dict[str, str]) -> dict:
    arns = [arn for arn, _ in rows]
    shown = dict((arn, status) for arn, status in rows)
    wrong, moved = [], 0
    for arn, status in shown.items():
        then, now = before.get(arn), after.get(arn)
        if then == now:
            if status != now:
                wrong.append((arn, status, now))
        else:
            moved += 1
            if status not in (then, now):
                wrong.append((arn, status, f"{then} → {now}"))
    return {
        "rows": len(rows),
        "truth": len(after),
        "duplicated": len(arns) - len(set(arns)),
        "lost": sorted(set(before) - set(shown)),
        "unknown": sorted(set(shown) - set(after)),
        "wrong_status": wrong,
        "changed_during_check": moved,
        "arrived_during_check": len(set(after) - set(before)),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=None, help="minutes of warm-up (default: 20%% of the run, at most 3)")
    parser.add_argument("--jobs", type=int, default=3000, help="emulator jobs of each kind")
    parser.add_argument("--interval", type=float, default=5.0, help="the app's refresh interval")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--child", metavar="ENDPOINT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    warmup = args.warmup if args.warmup is not None else min(3.0, args.minutes * 0.2)
    if args.child:
        asyncio.run(_child(args.child, args.interval, warmup, args.minutes))
        return 0

    os.environ.update(AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull, AWS_EC2_METADATA_DISABLED="true")
    from tui.emulator import EmulatorThread, Faults, World

    world = World(jobs_per_kind=args.jobs, seed=11, speed=100.0, hostile=True)
    faults = Faults(throttle_every=7, error_rate=0.05)
    records: list[dict] = []
    started = time.perf_counter()
    with EmulatorThread(world, faults=faults, port=0) as server:
        child = subprocess.Popen(
            [PYTHON, __file__, "--child", server.endpoint_url, "--minutes", str(args.minutes), "--warmup", str(warmup),
             "--interval", str(args.interval)],
            cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={**os.environ, "AWS_ACCESS_KEY_ID": "batchtop-demo", "AWS_SECRET_ACCESS_KEY": "soak"},
        )
        assert child.stdin is not None and child.stdout is not None
        deadline = time.monotonic() + args.minutes * 60 + 900
        before: dict[str, str] = {}
        after: dict[str, str] = {}
        calls_in_soak = 0
        while time.monotonic() < deadline:
            ready, _, _ = select.select([child.stdout], [], [], 5)
            if not ready:
                if child.poll() is not None:
                    break
                continue
            line = child.stdout.readline()
            if not line:
                break
            if not line.startswith("{"):
                continue
            record = json.loads(line)
            records.append(record)
            if record["kind"] == "rss":
                print(f"  {record['t'] / 60:5.1f} min  rss {record['rss']:6.1f} MB  rows {record['rows']:,}  "
                      f"refreshes {record['refreshes']}  problems {record['problems']}", file=sys.stderr, flush=True)
            elif record["kind"] == "soaked":
                calls_in_soak = sum(server.calls.values())
                faults.throttle_every, faults.error_rate = 0, 0.0
                child.stdin.write("check\n")
                child.stdin.flush()
            elif record["kind"] == "paged":
                before = truth(world)
                child.stdin.write("refresh\n")
                child.stdin.flush()
            elif record["kind"] == "table":
                after = truth(world)
                break
        try:
            child.wait(timeout=30)
        except subprocess.TimeoutExpired:
            child.kill()
        stderr_tail = (child.stderr.read() if child.stderr else "")[-3000:]
        operations = dict(server.calls)
    table = next((r for r in records if r["kind"] == "table"), None)
    warm = next((r for r in records if r["kind"] == "warm"), None)
    soaked = next((r for r in records if r["kind"] == "soaked"), None)
    result: dict = {
        "minutes": args.minutes, "warmup_minutes": warmup, "jobs_per_kind": args.jobs, "interval": args.interval,
        "elapsed_s": time.perf_counter() - started, "calls_during_soak": calls_in_soak, "calls_by_operation": operations,
        "rss_after_warmup_mb": warm and warm["rss"], "rss_end_mb": soaked and soaked["rss"],
        "rss_max_mb": soaked and soaked["rss_max"], "refreshes": soaked and soaked["refreshes"],
    }
    if warm and soaked:
        result["rss_growth_mb"] = soaked["rss"] - warm["rss"]
    if table is None:
        result["failure"] = "the app never reported its table"
        result["stderr"] = stderr_tail
    else:
        result.update(verdict(table["rows"], before, after))
        result["exceptions"] = table["errors"]
        result["problems_at_end"] = table["problems"]
        result["toasts"] = table.get("toasts")
    ok = (table is not None and not result["duplicated"] and not result["lost"] and not result["unknown"]
          and not result["wrong_status"] and not result["exceptions"] and (result.get("rss_growth_mb") or 0) < 5)
    result["passed"] = ok
    if args.json:
        print(json.dumps(result, indent=2, default=str))
        return 0 if ok else 1
    print_machine()
    print(f"{args.minutes:g} min (warm-up {warmup:g}) · {args.jobs:,} jobs/kind, hostile, speed ×100, throttle every 7th call, "
          f"5% 5xx · --interval {args.interval:g}\n{calls_in_soak:,} requests reached the emulator before the check "
          f"(≈{calls_in_soak // 7:,} of them throttled, ≈5% of the rest answered 500; the clients retry)")
    if table is None:
        print("FAILED: " + result["failure"])
        print(stderr_tail)
        return 1
    print_table(["check", "value", "expected"], [
        ["rows in the table (all loaded)", result["rows"], None],
        ["jobs in the emulator at the end", result["truth"], None],
        ["duplicated rows", result["duplicated"], 0],
        ["jobs lost", len(result["lost"]), 0],
        ["rows unknown to the emulator", len(result["unknown"]), 0],
        ["wrong status", len(result["wrong_status"]), 0],
        ["jobs that changed during the check (either status accepted)", result["changed_during_check"], None],
        ["jobs that arrived during the check", result["arrived_during_check"], None],
        ["exceptions logged", len(result["exceptions"]), 0],
        ["toasts shown (finished jobs, notices)", result["toasts"], None],
        ["refreshes applied", result["refreshes"], None],
        ["RSS after warm-up MB", result["rss_after_warmup_mb"], None],
        ["RSS at the end MB", result["rss_end_mb"], None],
        ["RSS max MB", result["rss_max_mb"], None],
        ["RSS growth after warm-up MB", result.get("rss_growth_mb"), "< 5"],
    ])
    for label in ("lost", "unknown", "wrong_status", "exceptions"):
        for item in result[label][:5]:
            print(f"  {label}: {item}")
    print(f"\n{'PASSED' if ok else 'FAILED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
