"""BatchtopApp: wiring and screen pushes only; `run_app` builds what it needs and runs it."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import sys
from pathlib import Path

from textual.app import App
from textual.binding import Binding

from .clock import Clock, system_clock
from .config import Settings
from .live import LiveService
from .local import LocalStore
from .refresh import RefreshEngine
from .screens.monitor import MonitorScreen

DEMO_JOBS_PER_KIND = 1500
DEMO_SPEED = 30.0


class BatchtopApp(App[None]):
    """Pushes the monitor; every behaviour lives in the screens."""

    TITLE = "batchtop"
    BINDINGS = [Binding("ctrl+c", "quit", "Quit", show=False, system=True)]

    def __init__(
        self,
        engine: RefreshEngine,
        settings: Settings,
        clock: Clock = system_clock,
        *,
        problems: list[str] | None = None,
        config_file: Path | None = None,
        local: LocalStore | None = None,
    ) -> None:
        super().__init__()
        self.engine, self.settings, self.clock = engine, settings, clock
        self.live = LiveService(self, engine, settings, clock, local=local)
        self._problems, self._config_file = list(problems or []), config_file

    def on_mount(self) -> None:
        if self.settings.theme in self.available_themes:
            self.theme = self.settings.theme
        else:
            self._problems.append(f"theme {self.settings.theme!r} is unknown: using {self.theme}")
        self.push_screen(MonitorScreen(self.live, config_file=self._config_file))
        self.call_later(self.live.start)
        for problem in self._problems:
            self.notify(problem, title="Config problem", severity="warning", markup=False, timeout=20)
        local = self.live.local
        if local is not None:
            for problem in local.problems:
                self._local_problem(problem)
            loop = asyncio.get_running_loop()
            local.listener = lambda problem: loop.call_soon_threadsafe(self._local_problem, problem)

    def _local_problem(self, problem: str) -> None:
        self.notify(problem, title="Local cache", severity="warning", markup=False, timeout=20)

    def on_unmount(self) -> None:
        self.live.stop()
        if self.live.local is not None:
            self.live.local.listener = None  # the loop is closing: what is left goes to stderr


def run_app(args: argparse.Namespace) -> int:
    """Load the settings (problems go to stderr and to a toast), then run the monitor."""
    from .config import FlagError, config_path, load_settings, merge_flags

    path = config_path(args.config)
    settings, problems = load_settings(path)
    try:
        settings = merge_flags(settings, args)
    except FlagError as error:
        print(f"batchtop: {error}", file=sys.stderr)
        return 2
    for problem in problems:
        print(f"batchtop: {problem}", file=sys.stderr)
    local = None if args.demo else _open_local(args, settings)
    try:
        return asyncio.run(_run(bool(args.demo), settings, problems, path, local))
    finally:
        if local is not None:
            local.close()


def _open_local(args: argparse.Namespace, settings: Settings) -> LocalStore:
    """The job cache and saved state (not for --demo: its jobs are made up)."""
    local = LocalStore(fresh=bool(args.fresh), max_jobs=settings.cache_jobs)
    if args.interval is not None:  # the flag wins over the interval kept from the last run
        local.saved = local.saved.model_copy(update={"interval": None})
    return local


async def _run(demo: bool, settings: Settings, problems: list[str], path: Path, local: LocalStore | None) -> int:
    from botocore.exceptions import BotoCoreError

    from .aws import AwsPool
    from .gc_freeze import freeze_startup

    with contextlib.ExitStack() as stack:
        if demo:
            pool = AwsPool.demo(stack.enter_context(_demo_endpoint()))
            profiles: list[str] = []
        else:
            pool, profiles = AwsPool(), settings.profiles
        async with pool:
            try:
                sources = pool.build_sources(profiles, settings.regions, settings.kinds)
            except BotoCoreError as error:  # e.g. ProfileNotFound: nothing to watch
                print(f"batchtop: {error}", file=sys.stderr)
                return 2
            await pool.open_clients()  # before the UI starts, so the first requests leave at once
            freeze_startup()
            engine = RefreshEngine(local.wrap(sources) if local is not None else sources)
            if local is not None:
                local.restore(engine)  # the cached rows are on screen before the first answer
            first = engine.prefetch_refresh()  # the first pages load while Textual starts
            app = BatchtopApp(engine, settings, problems=problems, config_file=path, local=local)
            try:
                await app.run_async()
            finally:
                first.cancel()
                await asyncio.gather(first, return_exceptions=True)
    return app.return_code or 0


@contextlib.contextmanager
def _demo_endpoint():  # noqa: ANN202 - yields the endpoint URL
    """The built-in emulator on a free loopback port, with a lively world.

    The demo must not read the user's AWS setup: within this process only, the AWS config
    and credential files are pointed at nothing and instance metadata is not asked.
    """
    from .emulator import EmulatorThread, World

    for variable in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE"):
        os.environ.pop(variable, None)
    os.environ.update(AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull, AWS_EC2_METADATA_DISABLED="true")
    world = World(jobs_per_kind=DEMO_JOBS_PER_KIND, seed=7, speed=DEMO_SPEED, hostile=False)
    with EmulatorThread(world, port=0) as server:
        yield server.endpoint_url
