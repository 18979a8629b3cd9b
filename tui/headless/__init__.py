"""`batchtop ls | describe | wait`: the data layer for scripts, without the TUI.

Each command has its module (ls.py, describe.py, wait.py); `common.py` reads the settings
exactly as the app does and builds the clients; `merge.py` is `ls`'s k-way merge. Every byte
of job data they print goes through `tui/output.py`; every failure is one sentence on stderr
and an exit status from `common.py`, never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio

from . import describe, ls, wait
from .common import EXIT_BROKEN_PIPE, EXIT_INTERRUPTED, UsageError, headless_settings, silence_stdout

__all__ = ["run"]

_COMMANDS = {"ls": ls.run, "describe": describe.run, "wait": wait.run}


def run(args: argparse.Namespace) -> int:
    """Run `ls`, `describe` or `wait` from parsed CLI flags; return the exit status."""
    try:
        settings = headless_settings(args)
        return asyncio.run(_COMMANDS[args.command](args, settings))
    except UsageError as error:
        return error.report(args.command)
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        silence_stdout()
        return EXIT_BROKEN_PIPE
