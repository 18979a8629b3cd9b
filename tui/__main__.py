"""Command line: parse flags, then start the monitor or run one headless command."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import __version__
from .timefmt import ZONES

KINDS = ("bedrock", "personalize", "segment", "sagemaker", "all")
FORMATS_LS = ("table", "json", "jsonl", "csv")
NOTIFY_MODES = ("bell", "osc9", "off")
EXIT_STATUSES = """\
exit status (ls, describe, wait):
  0    done (wait: the job succeeded)
  1    wait: the job failed, stopped, expired or partially completed; ls, describe: a call failed
  2    usage: a bad flag, --config path, ARN or profile
  3    the job does not exist, or the service rejected the request as invalid
  4    credentials missing or expired, or access denied (wait: twice in a row)
  124  wait: --timeout reached
  130  interrupted (Ctrl-C)"""


class OneLineParser(argparse.ArgumentParser):
    """An argparse parser whose errors are one line on stderr and exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def _csv_list(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def _add_global_flags(parser: argparse.ArgumentParser, *, subcommand: bool = False) -> None:
    """The flags that mean the same before and after a subcommand (`batchtop --source bedrock ls`
    is `batchtop ls --source bedrock`). On a subcommand their default is "not given", so a
    value given before the subcommand is kept; given on both sides, the later one wins."""
    default = argparse.SUPPRESS if subcommand else None
    parser.add_argument(
        "--profile", type=_csv_list, default=default, metavar="A,B",
        help="AWS profiles, globs allowed ('prod-*'; default: the normal AWS chain)",
    )
    parser.add_argument(
        "--all-profiles", dest="profile", action="store_const", const=["*"], default=default,
        help="every profile in the AWS config (same as --profile '*')",
    )
    parser.add_argument(
        "--region", type=_csv_list, default=default, metavar="R1,R2", help="AWS regions (default: the profile's region)"
    )
    parser.add_argument("--source", choices=KINDS, default=default, help="which job kinds to watch (default: all)")
    parser.add_argument(
        "--config", default=default, metavar="PATH", help="config file (default: see `batchtop config path`)"
    )
    parser.add_argument(
        "--timezone", choices=ZONES, default=default, help="the zone of every time shown and written (default: local)"
    )


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="batchtop",
        description="A live terminal monitor for Amazon Bedrock, Amazon Personalize and SageMaker batch jobs.",
        epilog=EXIT_STATUSES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"batchtop {__version__}")
    parser.add_argument("--demo", action="store_true", help="run on the built-in emulator (no AWS account needed)")
    _add_global_flags(parser)
    parser.add_argument(
        "--interval",
        type=float,
        metavar="SECONDS",
        help="live refresh interval, 2 to 600 (default 10); for wait: seconds between polls",
    )
    parser.add_argument("--allow-stop", action="store_true", default=None, help="enable `x` to stop Bedrock and SageMaker jobs")
    parser.add_argument("--notify", choices=NOTIFY_MODES, help="how to announce finished jobs besides the toast")
    parser.add_argument(
        "--fresh", action="store_true", help="start without the job cache and the saved state (both are written anew)"
    )
    parser.add_argument("--toasts", choices=("all", "marked", "off"), help="toasts for unmarked finished jobs (default: failures)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=OneLineParser)

    emulate = commands.add_parser("emulate", help="run the built-in AWS emulator in the foreground")
    emulate.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1; any other warns: it is reachable)"
    )
    emulate.add_argument("--port", type=int, default=4566, help="port to listen on, 0 for any free one (default 4566)")
    emulate.add_argument("--jobs", type=int, default=2000, metavar="N", help="jobs of each kind at start")
    emulate.add_argument("--seed", type=int, default=1, help="seed of the generated jobs: the same seed, the same world")
    emulate.add_argument("--live", type=int, metavar="N",
                         help="unfinished jobs of each kind and region at start (default: one in 25 of --jobs, at most 25)")
    emulate.add_argument("--speed", type=float, default=1.0, metavar="X", help="lifecycle speed factor")
    emulate.add_argument("--throttle-every", type=int, default=0, metavar="N", help="throttle every Nth call")
    emulate.add_argument("--error-rate", type=float, default=0.0, metavar="P", help="random 5xx rate, 0 to 1")
    emulate.add_argument("--latency", type=float, default=0.0, metavar="SECONDS", help="added latency per call")
    emulate.add_argument("--hostile", action="store_true", help="hostile strings in names and messages")
    # faults that test whether rows stay true (see tui/emulator/faults.py)
    emulate.add_argument("--delete-every", type=int, default=0, metavar="N",
                         help="every Nth list call deletes one unfinished job of the kind it lists (deleted mid-run)")
    emulate.add_argument("--missing-arn", type=float, default=0.0, metavar="P",
                         help="fraction of list items sent without their ARN, 0 to 1")
    emulate.add_argument("--hang", type=float, default=0.0, metavar="P",
                         help="fraction of calls accepted and never answered, 0 to 1 (1: every call)")
    emulate.add_argument("--hang-in", action="append", default=[], metavar="REGION",
                         help="every call to REGION is accepted and never answered (repeatable)")
    emulate.add_argument("--oversize", type=float, default=0.0, metavar="MB",
                         help="pad every list response to MB megabytes (0: off)")
    emulate.add_argument("--deep-item", type=int, default=0, metavar="DEPTH",
                         help="one item of each list response nested DEPTH JSON arrays deep (0: off)")

    ls = commands.add_parser("ls", help="list jobs, newest first, as pages arrive")
    _add_global_flags(ls, subcommand=True)
    ls.add_argument("--status", metavar="PHASE_OR_RAW", help="a phase (running, failed, …) or a raw status")
    ls.add_argument("--name", metavar="TEXT", help="name contains TEXT (literal)")
    ls.add_argument("--limit", type=int, metavar="N", help="stop after N jobs")
    ls.add_argument("--format", choices=FORMATS_LS, default="table", help="output format (default: table)")
    ls.add_argument("--cached", action="store_true", help="print the local job cache: no network call at all")

    describe = commands.add_parser(
        "describe",
        help="everything the service says about one job",
        epilog=EXIT_STATUSES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_global_flags(describe, subcommand=True)
    describe.add_argument(
        "arn", help="the job's ARN: its kind and region come from it (with --source sagemaker: or its name)"
    )
    describe.add_argument("--format", choices=("json", "table"), default="json", help="output format (default: json)")

    wait = commands.add_parser(
        "wait",
        help="wait until a job is terminal: exit 0 succeeded, 1 failed, 3 not found, 4 access, 124 timeout",
        epilog=EXIT_STATUSES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_global_flags(wait, subcommand=True)
    wait.add_argument(
        "arn", help="the job's ARN: its kind and region come from it (with --source sagemaker: or its name)"
    )
    wait.add_argument("--timeout", type=float, metavar="S", help="give up after S seconds, up to 30 days (exit 124)")
    wait.add_argument(
        "--interval",
        type=float,
        default=argparse.SUPPRESS,
        metavar="S",
        help="seconds between polls, 0.1 to 3600 (default: the config's interval, 10)",
    )

    config = commands.add_parser("config", help="config file commands")
    config.add_argument(
        "--config", default=argparse.SUPPRESS, metavar="PATH", help="config file (default: see `batchtop config path`)"
    )
    config.add_argument("action", choices=("path",), help="path: print where the config file lives")

    cache = commands.add_parser("cache", help="the local job cache and progress history")
    cache.add_argument("action", choices=("path", "clear"), help="path: print where it lives; clear: empty it")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command. Ctrl-C before a command has its own handling (e.g. while the SDK is
    still being imported) ends it quietly with the shell's code for SIGINT, never a traceback."""
    try:
        return _run_command(argv)
    except KeyboardInterrupt:
        print("batchtop: interrupted", file=sys.stderr)
        return 130


def _run_command(argv: list[str] | None) -> int:
    args = build_parser().parse_args(argv)
    if args.config and args.command != "config" and not Path(args.config).expanduser().exists():
        print(f"batchtop: error: --config {args.config}: no such file (leave --config out for the defaults)", file=sys.stderr)
        return 2
    from .errors import silence_sdk_logging

    silence_sdk_logging()
    if args.command == "emulate":
        from .emulator.cli import run_emulate

        return run_emulate(args)
    if args.command in ("ls", "describe", "wait"):
        from . import headless

        return headless.run(args)
    if args.command == "config":
        from .config import config_path

        print(config_path(args.config))
        return 0
    if args.command == "cache":
        from .cache import run_cache_command

        return run_cache_command(args.action)
    from .startup import run_app

    return run_app(args)


if __name__ == "__main__":
    sys.exit(main())
