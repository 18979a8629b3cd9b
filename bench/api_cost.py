"""API calls per refresh tick with 100,000 jobs loaded and 10 active, against ~1,000 loaded: equal.

    .venv/bin/python bench/api_cost.py [--ticks 5] [--jobs 100000] [--json]

The emulator (EmulatorThread, in this process) serves a world of `--jobs` Bedrock jobs with
a frozen clock (speed 0), shaped with `World.set_status` so that exactly 10 jobs are active:
rows 100, 190, …, 910 of the listing are InProgress, every other job is terminal. Those
rows lie past the refresh's first page (100 jobs) and inside the first ~1,100 rows, so
both scenarios hold the same 10 active jobs:
- "all loaded": a RefreshEngine over the real Bedrock source (aioboto3, HTTP) pages until
  every job is loaded;
- "~1,000 loaded": a fresh engine stops after the first page that brings it past 1,000.
Then `--ticks` refresh ticks (fetch_refresh + apply_refresh) each, counting the requests
the emulator served (`server.calls`, by operation). The cost rule says: calls per tick =
1 list + 1 describe per active job outside the first page = 11, whatever is loaded.
Per hour assumes the default 10 s interval (360 ticks).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import print_machine, print_table  # noqa: E402

ACTIVE_ROWS = tuple(100 + 90 * k for k in range(10))
INTERVAL = 10.0


def shape_world(jobs: int):
    """A frozen world whose only active Bedrock jobs sit at ACTIVE_ROWS."""
    from tui.emulator import World
    from tui.models import JobKind, phase_of

    world = World(jobs_per_kind=jobs, seed=1, speed=0)
    listing = world.jobs(JobKind.BEDROCK)
    for row, job in enumerate(listing):
        if row in ACTIVE_ROWS:
            world.set_status(job["jobArn"], "InProgress")
        elif not phase_of(job["status"]).terminal:
            world.set_status(job["jobArn"], "Completed")
    actives = [job for job in world.jobs(JobKind.BEDROCK) if not phase_of(job["status"]).terminal]
    assert len(actives) == len(ACTIVE_ROWS), len(actives)
    return world


async def scenario(server, load_at_least: int | None, ticks: int) -> dict:
    """Load rows, then count the calls of `ticks` refresh ticks."""
    from tui.aws import AwsPool
    from tui.refresh import RefreshEngine

    async with AwsPool.demo(server.endpoint_url) as pool:
        engine = RefreshEngine(pool.build_sources([], ["us-east-1"], ["bedrock"]))
        view = engine.view(None)
        started = time.perf_counter()
        engine.apply_refresh(await engine.fetch_refresh())
        while not view.all_loaded and (load_at_least is None or len(view) < load_at_least):
            engine.apply_page(await engine.fetch_next_page(None))
        load_seconds = time.perf_counter() - started
        state = engine.states[0]
        assert state.problem is None, state.problem
        active_loaded = sum(1 for job in state.feed if not job.phase.terminal)
        per_tick: list[int] = []
        by_operation: dict[str, int] = {}
        for _ in range(ticks):
            before = dict(server.calls)
            engine.apply_refresh(await engine.fetch_refresh())
            assert state.problem is None, state.problem
            after = dict(server.calls)
            delta = {op: after.get(op, 0) - before.get(op, 0) for op in after}
            per_tick.append(sum(delta.values()))
            for op, count in delta.items():
                if count:
                    by_operation[op] = by_operation.get(op, 0) + count
        return {
            "loaded": len(view),
            "active_loaded": active_loaded,
            "load_seconds": load_seconds,
            "calls_per_tick": per_tick,
            "by_operation_per_tick": {op: count / ticks for op, count in sorted(by_operation.items())},
            "calls_per_hour": round(max(per_tick) * 3600 / INTERVAL),
        }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ticks", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=100_000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    os.environ.update(AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull, AWS_EC2_METADATA_DISABLED="true")
    for variable in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL"):
        os.environ.pop(variable, None)

    from tui.emulator import EmulatorThread

    world = shape_world(args.jobs)
    with EmulatorThread(world, port=0) as server:
        everything = asyncio.run(scenario(server, None, args.ticks))
        thousand = asyncio.run(scenario(server, 1000, args.ticks))
    results = {"jobs": args.jobs, "active": len(ACTIVE_ROWS), "all": everything, "about_1000": thousand,
               "equal": everything["calls_per_tick"] == thousand["calls_per_tick"]}
    if args.json:
        print(json.dumps(results, indent=2))
        return 0 if results["equal"] else 1
    print_machine()
    print(f"emulator: {args.jobs:,} Bedrock jobs, {len(ACTIVE_ROWS)} active (rows {ACTIVE_ROWS[0]}–{ACTIVE_ROWS[-1]}), "
          f"frozen clock; {args.ticks} ticks each; per hour at a {INTERVAL:g} s interval")
    rows = []
    for label, result in (("all loaded", everything), ("~1,000 loaded", thousand)):
        ops = ", ".join(f"{op} {count:g}" for op, count in result["by_operation_per_tick"].items())
        rows.append([label, result["loaded"], result["active_loaded"], max(result["calls_per_tick"]),
                     min(result["calls_per_tick"]), result["calls_per_hour"], ops, result["load_seconds"]])
    print_table(["scenario", "loaded", "active", "calls/tick (max)", "(min)", "calls/hour", "per tick by operation", "load s"], rows)
    print(f"\nequal: {'yes' if results['equal'] else 'NO'} (expected 1 + {len(ACTIVE_ROWS)} = {1 + len(ACTIVE_ROWS)} per tick)")
    return 0 if results["equal"] else 1


if __name__ == "__main__":
    sys.exit(main())
