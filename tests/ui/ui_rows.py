"""UI test helpers: a list-backed stand-in for the engine's view, waiting for the app, and
reading the monitor's header, source pane and whole screen as plain text."""

from __future__ import annotations

import html
import io
import re
import time
from collections.abc import Callable

from rich.console import Console
from textual.command import CommandList, CommandPalette

from tui.models import Job
from tui.widgets.header import MonitorHeader
from tui.widgets.source_list import SourceList


class ListView:
    """`__len__`, `__getitem__`, `index_of`, `status_line`, `all_loaded` over a list."""

    def __init__(self, jobs: list[Job], *, all_loaded: bool = True) -> None:
        self.jobs = jobs
        self.all_loaded = all_loaded

    def __len__(self) -> int:
        return len(self.jobs)

    def __getitem__(self, index: int) -> Job:
        return self.jobs[index]

    def index_of(self, arn: str) -> int | None:
        return next((i for i, job in enumerate(self.jobs) if job.arn == arn), None)

    def status_line(self) -> str:
        return f"{len(self.jobs):,} jobs · all loaded" if self.all_loaded else f"{len(self.jobs):,} loaded · more"


async def wait_for(pilot, condition: Callable[[], bool], timeout: float = 10.0) -> None:  # noqa: ANN001
    """Let the app run until `condition()` holds (refreshes go over HTTP to the emulator)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for the app")
        await pilot.pause(0.02)


def header(app) -> str:  # noqa: ANN001
    """The monitor's header line as plain text."""
    return app.screen.query_one(MonitorHeader).text


def static_text(static, width: int = 120) -> str:  # noqa: ANN001
    """What a Static shows (text or a rich renderable such as the detail's tables), as plain text."""
    console = Console(width=width, record=True, file=io.StringIO())
    console.print(static.content)
    return console.export_text()


def palette_choice(app) -> str:  # noqa: ANN001
    """The command the palette runs on Enter: its highlighted hit ('' while it shows none)."""
    if not isinstance(app.screen, CommandPalette):
        return ""
    hits = app.screen.query_one(CommandList)
    if hits.highlighted is None or not hits.option_count:
        return ""
    return str(hits.get_option_at_index(hits.highlighted).hit.text)


def pane(app) -> str:  # noqa: ANN001
    """The monitor's source pane as plain text."""
    return app.screen.query_one(SourceList).render().plain


def screen_lines(app) -> list[str]:  # noqa: ANN001
    """The terminal's lines as drawn (read back from Textual's own SVG screenshot)."""
    lines: dict[float, str] = {}
    for match in re.finditer(r'<text [^>]*\by="([\d.]+)"[^>]*>([^<]*)</text>', app.export_screenshot()):
        y = float(match[1])
        lines[y] = lines.get(y, "") + html.unescape(match[2]).replace("\xa0", " ")
    return [lines[y] for y in sorted(lines)]
