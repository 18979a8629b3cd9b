"""Start-up: settings, the job cache, the AWS pool (or the demo's emulator), the engine and its
first refresh, then the App; SIGTERM ends the App cleanly, leaving the terminal as it was found."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING

from .config import Settings

if TYPE_CHECKING:
    from .local import LocalStore

DEMO_JOBS_PER_KIND = 1500
DEMO_SPEED = 30.0


def run_app(args: argparse.Namespace) -> int:
    """Load the settings (problems go to stderr and to a toast), then run the monitor."""
    from .config import FlagError, config_path, load_settings, merge_flags

    settings, problems = load_settings(config_path(args.config))
    try:
        settings = merge_flags(settings, args)
    except FlagError as error:
        print(f"batchtop: {error}", file=sys.stderr)
        return 2
    for problem in problems:
        print(f"batchtop: {problem}", file=sys.stderr)
    local = None if args.demo else _open_local(args, settings)
    try:
        return asyncio.run(_run(bool(args.demo), settings, problems, local))
    finally:
        if local is not None:
            local.close()


def _open_local(args: argparse.Namespace, settings: Settings) -> LocalStore:
    """The job cache and saved state (not for --demo: its jobs are made up)."""
    from .local import LocalStore

    local = LocalStore(fresh=bool(args.fresh), max_jobs=settings.cache_jobs)
    if args.interval is not None:  # the flag wins over the interval kept from the last run
        local.saved = local.saved.model_copy(update={"interval": None})
    return local


async def _run(demo: bool, settings: Settings, problems: list[str], local: LocalStore | None) -> int:
    from botocore.exceptions import BotoCoreError

    from .app import BatchtopApp
    from .aws import AwsPool, ProfileSelectionError
    from .gc_freeze import freeze_startup
    from .refresh import RefreshEngine

    with contextlib.ExitStack() as stack:
        if demo:
            pool = AwsPool.demo(stack.enter_context(_demo_endpoint()))
            profiles: list[str] = []
        else:
            pool, profiles = AwsPool(), settings.profiles
        async with pool:
            try:
                sources = pool.build_sources(profiles, settings.regions, settings.kinds)
            except (BotoCoreError, ProfileSelectionError) as error:  # nothing to watch
                print(f"batchtop: {error}", file=sys.stderr)
                return 2
            freeze_startup()
            engine = RefreshEngine(
                local.wrap(sources) if local is not None else sources, max_in_flight=settings.max_calls_in_flight
            )
            if local is not None:
                local.restore(engine)  # the cached rows are on screen before the first answer
            first = engine.prefetch_refresh()  # the first pages load while Textual starts (each opens its client)
            app = BatchtopApp(engine, settings, problems=problems, local=local)
            loop = asyncio.get_running_loop()
            loop.add_signal_handler(signal.SIGTERM, app.exit)  # Textual restores the terminal on exit
            try:
                await app.run_async()
            finally:
                loop.remove_signal_handler(signal.SIGTERM)
                first.cancel()
                await asyncio.gather(first, return_exceptions=True)
    return app.return_code or 0


@contextlib.contextmanager
def _demo_endpoint() -> Iterator[str]:
    """The built-in emulator on a free loopback port, with a lively world. The demo's clients
    read nothing of the user's AWS setup (see `AwsPool.demo`); the process environment is left alone."""
    from .emulator import EmulatorThread, World

    world = World(jobs_per_kind=DEMO_JOBS_PER_KIND, seed=7, speed=DEMO_SPEED, hostile=False)
    with EmulatorThread(world, port=0) as server:
        yield server.endpoint_url
