"""BatchtopApp: the App. It owns the live service and pushes the monitor; start-up is in `startup`."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

from textual.app import App, SystemCommand
from textual.screen import Screen

from .clock import Clock, system_clock
from .config import Settings
from .gc_freeze import QuietCollector
from .keys import Where, bindings
from .live import LiveService
from .local import LocalStore
from .notify import TOAST_CSS
from .refresh import RefreshEngine
from .screens.monitor import MonitorScreen


class BatchtopApp(App[None]):
    """Every behaviour lives in the screens; the data stays live in `self.live` whatever is on top."""

    TITLE = "batchtop"
    CSS = TOAST_CSS
    BINDINGS = bindings(Where.APP)

    def __init__(
        self, engine: RefreshEngine, settings: Settings, clock: Clock = system_clock, *,
        problems: list[str] | None = None, local: LocalStore | None = None,
    ) -> None:  # fmt: skip
        super().__init__()
        self.live = LiveService(self, engine, settings, clock, local=local)
        self._problems = list(problems or [])
        self._collector = QuietCollector()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The palette's commands besides the screen's own: Quit only. Not Textual's key panel
        (a second key list that calls ctrl+c "Copy"), Maximize or Screenshot (an SVG written to
        the working directory); themes are the monitor's `Theme: …` commands."""
        yield SystemCommand("Quit", "key q on the monitor, ctrl+c anywhere", self.action_quit)

    def on_mount(self) -> None:
        self._collector.start()
        theme = self.live.settings.theme
        if theme in self.available_themes:
            self.theme = theme
        else:
            self._problems.append(f"theme {theme!r} is unknown: using {self.theme}")
        self.push_screen(MonitorScreen(self.live))
        self.call_later(self.live.start)  # once the monitor is mounted: it shows the first rows
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

    def on_idle(self) -> None:
        """The app handled its messages (a key, a landing): collect garbage once it stays quiet."""
        self._collector.poke()

    def on_unmount(self) -> None:
        self._collector.stop()
        self.live.stop()
        if self.live.local is not None:
            self.live.local.listener = None  # the loop is closing: what is left goes to stderr
