"""`batchtop emulate`: run the emulator in the foreground until Ctrl-C or SIGTERM."""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import math
import signal
import sys

from .accounts import DEMO_ACCESS_KEY
from .faults import Faults
from .server import EmulatorServer
from .world import DEFAULT_REGION, REGION, World

ACCESS_KEY = DEMO_ACCESS_KEY  # the home account, 123456789012; any other key is an account of its own
SECRET_KEY = "batchtop-emulator-secret"


def flag_problem(args: argparse.Namespace) -> str | None:
    """The first flag out of range, as one sentence, or None."""
    if args.jobs < 0:
        return f"--jobs must be 0 or more, not {args.jobs}"
    if args.live is not None and args.live < 0:
        return f"--live must be 0 or more, not {args.live}"
    if not 0 <= args.port <= 65535:
        return f"--port must be between 0 and 65535, not {args.port}"
    if not math.isfinite(args.speed) or args.speed < 0:
        return f"--speed must be 0 or more, not {args.speed}"
    if args.throttle_every < 0:
        return f"--throttle-every must be 0 (off) or more, not {args.throttle_every}"
    if not 0.0 <= args.error_rate <= 1.0:
        return f"--error-rate must be between 0 and 1, not {args.error_rate}"
    if not math.isfinite(args.latency) or args.latency < 0:
        return f"--latency must be 0 or more seconds, not {args.latency}"
    if args.delete_every < 0:
        return f"--delete-every must be 0 (off) or more, not {args.delete_every}"
    for flag, value in (("--missing-arn", args.missing_arn), ("--hang", args.hang)):
        if not 0.0 <= value <= 1.0:
            return f"{flag} must be between 0 and 1, not {value}"
    for region in args.hang_in:
        if not REGION.fullmatch(region):
            return f"--hang-in wants a region name like eu-west-1, not {region!r}"
    if not 0 <= args.oversize <= 4096:
        return f"--oversize must be between 0 (off) and 4096 MB, not {args.oversize}"
    if not 0 <= args.deep_item <= 1_000_000:
        return f"--deep-item must be between 0 (off) and 1000000, not {args.deep_item}"
    if not args.host:
        return "--host must not be empty"
    return None


def is_loopback(host: str) -> bool:
    """True for an address (or `localhost`) only this machine can reach."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _address(host: str, port: int) -> str:
    """host:port as it is really bound (0.0.0.0 and :: are every interface)."""
    shown = f"[{host.strip('[]')}]" if ":" in host else host
    every = " (every interface)" if host in ("0.0.0.0", "::", "") else ""
    return f"{shown}:{port}{every}"


def env_lines(endpoint_url: str) -> list[str]:
    """What a shell needs so any AWS client talks to the emulator."""
    return [
        "unset AWS_PROFILE",
        f"export AWS_ENDPOINT_URL={endpoint_url}",
        f"export AWS_ACCESS_KEY_ID={ACCESS_KEY}",
        f"export AWS_SECRET_ACCESS_KEY={SECRET_KEY}",
        f"export AWS_DEFAULT_REGION={DEFAULT_REGION}",
    ]


async def _serve(world: World, faults: Faults, host: str, port: int) -> int:
    server = EmulatorServer(world, faults=faults, host=host, port=port)
    try:
        await server.start()
    except OSError as exc:
        print(f"batchtop emulate: error: cannot listen on {host}:{port}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(signum, stop.set)
        except (NotImplementedError, RuntimeError):  # Windows: Ctrl-C arrives as KeyboardInterrupt
            pass
    jobs = f"{world.jobs_per_kind:,}"
    listening = _address(host, server.port)
    if is_loopback(host):
        print(f"batchtop emulator listening on {server.endpoint_url}")
    else:
        print(
            f"batchtop emulate: warning: listening on {listening}, not only on this machine: anyone who can "
            "reach it can list and stop its jobs (leave --host out for 127.0.0.1)",
            file=sys.stderr,
            flush=True,
        )
        print(f"batchtop emulator listening on {listening}; from this machine: {server.endpoint_url}")
    print(f"Bedrock + Personalize + SageMaker, {jobs} jobs of each kind, seed {world.seed}, speed {world.speed:g}x. Ctrl-C to stop.")
    print("Point any AWS client at it:")
    print()
    print("\n".join(env_lines(server.endpoint_url)), flush=True)
    try:
        await stop.wait()
    finally:
        await server.close()
    print("emulator stopped", file=sys.stderr)
    return 0


def run_emulate(args: argparse.Namespace) -> int:
    problem = flag_problem(args)
    if problem:
        print(f"batchtop emulate: error: {problem}", file=sys.stderr)
        return 2
    faults = Faults(
        throttle_every=args.throttle_every,
        error_rate=args.error_rate,
        latency=args.latency,
        delete_every=args.delete_every,
        missing_arn=args.missing_arn,
        hang=args.hang,
        hang_in=set(args.hang_in),
        oversize_mb=args.oversize,
        deep_nesting=args.deep_item,
    )
    try:
        world = World(jobs_per_kind=args.jobs, seed=args.seed, speed=args.speed, hostile=args.hostile, live=args.live)
        return asyncio.run(_serve(world, faults, args.host, args.port))
    except KeyboardInterrupt:
        return 0
