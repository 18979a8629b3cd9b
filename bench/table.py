"""batchtop's job table against Textual's DataTable holding the same rows, at 1k, 10k, 100k jobs.

    .venv/bin/python bench/table.py [--sizes 1000,10000,100000] [--presses 50] [--json]

Each (widget, size) runs in a child process of its own (`--child`), so peak RSS is that
widget's alone, in a headless `App.run_test` at 120×40. Both widgets get the same jobs
(bench/_jobs.py) and the same columns and cell texts (tui/widgets/columns.py); the DataTable
gets them as strings through its ordinary API (bench/_datatable.py), batchtop's table reads
them through the real RefreshEngine view, fed page by page from an in-memory source.

Method (bench/_frames.py): every figure is the time from the input to the *last frame it
caused*: headless Textual still composites each frame; a wrapper around `App._display`
also renders it to the terminal bytes a real driver would write and stamps the time. Before
each input the app is settled (no pending messages, no frame for 30 ms); the key is posted
as the driver posts it (no pilot sleeps in the timed span). Measured per (widget, size):
- down, PgDn, End: p50/p95 over `--presses` presses (End: after an untimed Home; PgDn
  starts over at the top before it reaches the end; down starts one page in, so it
  scrolls);
- append: a 1,000-row page added to the loaded rows, until the frame (5 pages, p50/max;
  also the p50 of the first frame of the burst: the rows are on screen then, and Textual
  repaints the scrollbar one 60 Hz tick later);
- refresh: 100 rows change (30 on screen, 70 far below), until the frame (5 refreshes);
- peak RSS of the child (getrusage ru_maxrss), which holds the rows and the widget.
The DataTable at 100k takes seconds per data change (on each update it rebuilds its row
order and the rows' y-offsets over every row); each child has a time limit and reports what
it reached. "DataTable+freeze" is DataTable with batchtop's GC treatment (tui/gc_freeze.py),
so the GC freeze is not counted as the Line-API table's win.

Then the whole app (`--app-jobs`, default 100,000): the real `python -m tui --source bedrock`
in a 120×40 pseudo-terminal against a `batchtop emulate --speed 0` subprocess, End pressed
until the status line says "100,000 jobs · all loaded"; its peak RSS (VmHWM) is set
against the DataTable child's peak RSS at the same size. Then, with all rows loaded,
`--presses` down and PgDn keys are written to the terminal, each timed from the write to
the last byte of the output burst it caused (the app's real driver, 60 Hz frame timer
and terminal writes included). Beside it, in the same pty setup, the floor: the barest
Line-API table of the same rows (bench/_floor_app.py: one plain string per row, a cursor,
nothing else, as many rows on screen as the app's table) gets the same keys timed the same
way, its presses alternating with the app's so both meet the same machine load; "app/floor"
is the ratio.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import emit, peak_rss_mb, print_machine, print_table, ratio, run_child, summary_ms  # noqa: E402

SIZE = (120, 40)
KEYS = ("down", "pagedown", "end")
SUBJECTS = ("batchtop", "DataTable", "DataTable+freeze")
REPEATS = 5  # pages appended, refreshes applied


# ---------------------------------------------------------------- child: one widget, one size


def _columns():
    from tui.models import JobKind
    from tui.widgets.columns import layout

    return layout(SIZE[0] - 2, kinds=frozenset({JobKind.BEDROCK}), several_places=False)


def _subject(name: str):
    columns = _columns()
    if name in ("DataTable", "DataTable+freeze"):
        import datetime as dt

        from _datatable import DataTableSubject
        from _jobs import EPOCH

        from tui.widgets.columns import cell_text

        now = EPOCH + dt.timedelta(hours=1)
        formatters = {
            column.title: (lambda job, key=column.key, width=column.width: cell_text(job, key, width, now))
            for column in columns
        }
        return DataTableSubject([column.title for column in columns], formatters, freeze=name == "DataTable+freeze")
    from _jobtable import JobTableSubject

    return JobTableSubject()


class _Profile:
    """`--profile STEP`: pyinstrument around one step of a child (pip install pyinstrument)."""

    def __init__(self, step: str | None, current: str) -> None:
        self.active = step == current
        self.profiler = None

    def __enter__(self) -> None:
        if self.active:
            from pyinstrument import Profiler

            self.profiler = Profiler(interval=0.0002, async_mode="disabled")
            self.profiler.start()

    def __exit__(self, *exc: object) -> None:
        if self.profiler is not None:
            self.profiler.stop()
            print(self.profiler.output_text(unicode=True, show_all=False), file=sys.stderr)


async def _measure(name: str, size: int, presses: int, profile: str | None = None) -> None:
    from _frames import FrameProbe, post_key
    from _jobs import changed, changing_rows, job_at

    subject = _subject(name)
    changing = changing_rows(size)
    subject.active = frozenset(changing)
    app = subject.app
    async with app.run_test(size=SIZE) as pilot:
        probe = FrameProbe(app)
        await subject.ready(pilot)
        emit(kind="stage", stage="mounted", rss=peak_rss_mb())
        seconds = await probe.time_to_frame(pilot, lambda: subject.load(size), timeout=600)
        emit(kind="load", seconds=seconds, rows=subject.row_count, rss=peak_rss_mb())

        async def press(key: str, timeout: float = 300) -> float | None:
            return await probe.time_to_frame(pilot, lambda: post_key(app, key), timeout=timeout)

        gc_pauses: dict[str, list[float]] = {}

        async def reset(key: str) -> None:
            """An untimed move; it may change nothing (Home at the top draws no frame)."""
            await press(key, timeout=1.0)

        page_rows = SIZE[1]
        for key in KEYS:
            samples: list[float] = []
            await reset("home")
            if key == "down":
                await reset("pagedown")
            for _ in range(3):  # warm caches the way a user's first moves do
                if key == "end":
                    await reset("home")
                await reset(key)
            if key == "down":
                await reset("home")
                await reset("pagedown")
            with _Profile(profile, key):
                while len(samples) < presses:
                    if key == "end":
                        await reset("home")
                    elif key == "pagedown" and subject.cursor_row + 2 * page_rows >= subject.row_count:
                        await reset("home")
                    elif key == "down" and subject.cursor_row + 2 >= subject.row_count:
                        await reset("home")
                    seconds = await press(key)
                    if seconds is None:
                        emit(kind="stage", stage=f"{key}: no frame")
                        break
                    samples.append(seconds)
                    gc_pauses.setdefault(key, []).append(probe.gc_seconds)
            emit(kind="keys", key=key, rss=peak_rss_mb(), gc_ms=sum(gc_pauses.get(key, [])) * 1000, **summary_ms(samples))

        await reset("home")
        appends: list[float] = []
        firsts: list[float] = []
        for number in range(REPEATS):
            await subject.prepare_append(size + number * 1000, 1000)
            with _Profile(profile if number == REPEATS - 1 else None, "append"):
                seconds = await probe.time_to_frame(pilot, subject.append, timeout=600)
            appends.append(seconds)
            firsts.append(probe.first_frame_seconds)
            gc_pauses.setdefault("append", []).append(probe.gc_seconds)
        emit(kind="append", rows=subject.row_count, rss=peak_rss_mb(), gc_ms=sum(gc_pauses["append"]) * 1000,
             first_p50=summary_ms(firsts)["p50"], **summary_ms(appends))

        refreshes: list[float] = []
        for step in range(REPEATS):
            await subject.prepare_refresh([changed(job_at(index, subject.active), step) for index in changing])
            with _Profile(profile if step == REPEATS - 1 else None, "refresh"):
                seconds = await probe.time_to_frame(pilot, subject.apply_refresh, timeout=600)
            refreshes.append(seconds)
            gc_pauses.setdefault("refresh", []).append(probe.gc_seconds)
        emit(kind="refresh", changed=len(changing), rss=peak_rss_mb(), gc_ms=sum(gc_pauses["refresh"]) * 1000,
             **summary_ms(refreshes))
        emit(kind="done", rss=peak_rss_mb(), frame_bytes=probe.bytes, frames=len(probe.frames))


# ---------------------------------------------------------------- parent: run children, print


def _run(sizes: list[int], presses: int, timeouts: dict[str, float]) -> dict:
    results: dict = {}
    for size in sizes:
        for name in SUBJECTS:
            timeout = timeouts[name] * max(1.0, size / 100_000)
            child = run_child([__file__, "--child", name, str(size), "--presses", str(presses)], timeout=timeout)
            record = {
                "timed_out": child.timed_out,
                "elapsed": round(child.elapsed, 1),
                "load": child.last("load"),
                "keys": {r["key"]: r for r in child.all("keys")},
                "append": child.last("append"),
                "refresh": child.last("refresh"),
                "peak_rss_mb": max((r.get("rss", 0) for r in child.records), default=None),
                "reached": (child.records[-1].get("kind") if child.records else None),
            }
            if child.returncode not in (0, None) and not child.timed_out:
                record["error"] = child.stderr_tail
            results.setdefault(str(size), {})[name] = record
            status = "timed out" if child.timed_out else f"exit {child.returncode}"
            print(f"  {name:16} {size:>7,} rows: {status} after {child.elapsed:.0f} s", file=sys.stderr, flush=True)
            if record.get("error"):
                print(record["error"], file=sys.stderr)
    return results


def _whole_app(jobs: int, presses: int, timeout: float = 240.0) -> dict:
    """The real app in a pty, paged to the end with End; its RSS from /proc; then key → output."""
    import os
    import re
    import tempfile

    from _harness import PYTHON, EmulatorProcess, PtyApp, dummy_aws_env, proc_rss_mb
    from startup import first_names, name_pattern

    done = re.compile(rf"{jobs:,} jobs · all loaded")
    with tempfile.TemporaryDirectory(prefix="batchtop-bench-") as home, EmulatorProcess(
        "--jobs", str(jobs), "--speed", "0", start_timeout=180
    ) as emulator:
        env = {**os.environ, **dummy_aws_env(emulator.endpoint_url, Path(home))}
        app = PtyApp([PYTHON, "-m", "tui", "--source", "bedrock"], env=env).start()
        try:
            first = app.wait_for_text(name_pattern(first_names(emulator.endpoint_url, env)), 60)
            started = time.perf_counter()
            loaded = None
            while time.perf_counter() - started < timeout:
                mark = max(0, app.bytes_written() - 4096)
                app.send("\x1b[F")  # End
                if app.wait_for_text(done, 0.3, start_at=mark) is not None:
                    loaded = time.perf_counter() - started
                    break
            time.sleep(1.0)
            rss, peak = proc_rss_mb(app.pid)
            floor = PtyApp([PYTHON, str(Path(__file__).with_name("_floor_app.py")), str(jobs)], env=dict(os.environ)).start()
            try:
                if floor.wait_for_text(re.compile(r"rows · ready"), 120) is None:
                    raise RuntimeError("the floor table did not start:\n" + floor.screen_text()[-2000:])
                time.sleep(1.0)
                keys, floor_keys = _time_keys(app, floor, presses)
            finally:
                floor.stop()
        finally:
            app.stop()
    return {"jobs": jobs, "first_rows_s": first, "all_loaded_s": loaded, "rss_mb": rss, "peak_rss_mb": peak, "keys": keys,
            "floor_keys": floor_keys}


def _time_keys(app, floor, presses: int) -> tuple[dict, dict]:  # noqa: ANN001 - two started PtyApps
    """down and PgDn from the top, each timed from the write to the last byte of its burst;
    the presses alternate between the app and the floor, so both meet the same machine load."""
    from _harness import KEYS as KEY_BYTES
    from _harness import percentile

    figures: tuple[dict, dict] = ({}, {})
    for key in ("down", "pagedown"):
        bursts: tuple[list, list] = ([], [])
        for subject in (app, floor):
            subject.time_input(KEY_BYTES["home"], quiet=0.1)
        for _ in range(presses):
            for subject, timed in zip((app, floor), bursts):
                burst = subject.time_input(KEY_BYTES[key])
                if burst:
                    timed.append(burst)
        for timed, record in zip(bursts, figures):
            record[key] = {
                "first": summary_ms([b[0] for b in timed]),
                "last": summary_ms([b[1] for b in timed]),
                "bytes_p50": percentile([b[2] for b in timed], 50),
            }
    return figures


def _seconds_ms(record: dict | None) -> float | None:
    if not record or record.get("seconds") is None:
        return None
    return record["seconds"] * 1000


def _print(results: dict) -> None:
    rows = []
    for size, by_subject in results.get("widgets", {}).items():
        ours = by_subject.get("batchtop", {})
        others = [by_subject.get(name, {}) for name in SUBJECTS[1:]]

        def row(measure: str, pick) -> None:  # noqa: ANN001 - record -> figure
            a, *bs = [pick(record) for record in (ours, *others)]
            rows.append([int(size), measure, a, *bs, *[ratio(b, a) for b in bs]])

        for key in KEYS:
            for stat in ("p50", "p95", "max"):
                row(f"{key} {stat} ms", lambda r, key=key, stat=stat: (r.get("keys", {}).get(key) or {}).get(stat))
        row("load all ms", lambda r: _seconds_ms(r.get("load")))
        for label, field in (("append 1,000", "append"), ("refresh 100", "refresh")):
            for stat in ("first_p50", "p50", "max") if field == "append" else ("p50", "max"):
                name = "p50, first frame" if stat == "first_p50" else stat
                row(f"{label} {name} ms", lambda r, field=field, stat=stat: (r.get(field) or {}).get(stat))
        row("peak RSS MB", lambda r: r.get("peak_rss_mb"))
        for name, record in zip(SUBJECTS, (ours, *others)):
            if record.get("timed_out"):
                rows.append([int(size), f"{name}: TIMED OUT after {record['elapsed']} s (reached: {record['reached']})",
                             *[None] * (2 * len(SUBJECTS) - 1)])
    print_table(["rows", "measure", *SUBJECTS, *[f"{name}/batchtop" for name in SUBJECTS[1:]]], rows, digits=2)
    gc_rows = []
    for size, by_subject in results.get("widgets", {}).items():
        for name, record in by_subject.items():
            steps = {key: (record.get("keys", {}).get(key) or {}).get("gc_ms") for key in KEYS}
            steps.update({field: (record.get(field) or {}).get("gc_ms") for field in ("append", "refresh")})
            gc_rows.append([int(size), name, *steps.values()])
    print_table(["rows", "widget", *[f"{k} GC ms" for k in KEYS], "append GC ms", "refresh GC ms"], gc_rows,
                title="Garbage-collector pauses inside the timed spans (sum over the presses / 5 pages / 5 refreshes)")
    app = results.get("app")
    if app:
        baseline = results.get("widgets", {}).get(str(app["jobs"]), {}).get("DataTable", {}).get("peak_rss_mb")
        print_table(
            ["whole app (pty, --source bedrock)", "value", "DataTable alone, same rows", "ratio (RSS: app/DataTable · keys: app/floor)"],
            [
                [f"peak RSS MB, {app['jobs']:,} jobs all loaded", app["peak_rss_mb"], baseline, ratio(app["peak_rss_mb"], baseline)],
                ["RSS MB at the end", app["rss_mb"], None, None],
                ["End pressed until all loaded, s", app["all_loaded_s"], None, None],
                *[[f"{key}: key written → last byte of its frame, {stat} ms", app["keys"][key]["last"][stat], None, None]
                  for key in app.get("keys", {}) for stat in ("p50", "p95")],
                *[[f"{key}: bare Line-API table (the floor), {stat} ms", app["floor_keys"][key]["last"][stat], None,
                   ratio(app["keys"][key]["last"][stat], app["floor_keys"][key]["last"][stat])]
                  for key in app.get("floor_keys", {}) for stat in ("p50", "p95")],
                *[[f"{key}: key written → first byte, p50 ms", app["keys"][key]["first"]["p50"], None, None]
                  for key in app.get("keys", {})],
                *[[f"{key}: bytes per press, p50", app["keys"][key]["bytes_p50"], None, None] for key in app.get("keys", {})],
            ],
            title="Whole app",
            digits=1,
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--presses", type=int, default=50)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--datatable-timeout", type=float, default=300.0, help="seconds per DataTable child at 100k")
    parser.add_argument("--app-jobs", type=int, default=100_000, help="jobs for the whole-app RSS run (0: skip it)")
    parser.add_argument("--profile", choices=(*KEYS, "append", "refresh"),
                        help="with --child: print a pyinstrument profile of that step to stderr")
    parser.add_argument("--child", nargs=2, metavar=("WIDGET", "ROWS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        asyncio.run(_measure(args.child[0], int(args.child[1]), args.presses, args.profile))
        return 0
    sizes = [int(s) for s in args.sizes.split(",") if s]
    started = time.perf_counter()
    timeouts = {"batchtop": 180.0, "DataTable": args.datatable_timeout, "DataTable+freeze": args.datatable_timeout}
    results = {"widgets": _run(sizes, args.presses, timeouts)}
    if args.app_jobs:
        results["app"] = _whole_app(args.app_jobs, args.presses)
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print_machine()
        print(f"headless App.run_test at {SIZE[0]}×{SIZE[1]}, one process per (widget, size); "
              "DataTable+freeze: DataTable with batchtop's GC freeze (tui/gc_freeze.py)")
        _print(results)
        print(f"\ntotal {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
