"""ctrl+p on the monitor: sources, filters, sort, refresh, pause, interval, theme and stop by name."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

from ..feed import SORT_COLUMNS
from ..sanitize import clean
from ..widgets.header import interval_text

if TYPE_CHECKING:
    from .monitor import MonitorScreen

Command = tuple[str, Callable[[], object], str]


class MonitorCommands(Provider):
    """Every monitor action that has a key, findable by name."""

    def _commands(self) -> list[Command]:
        from ..live import INTERVALS
        from .monitor import DESCENDING_FIRST, source_title

        monitor: MonitorScreen = self.screen  # type: ignore[assignment]
        commands: list[Command] = [("Show all sources", lambda: monitor.action_pick(0), "key 1")]
        for number, state in enumerate(monitor.engine.states, start=1):
            commands.append(
                (
                    clean(f"Show {source_title(state.key)}", 100),
                    lambda number=number: monitor.action_pick(number),
                    f"key {number + 1}" if number < 9 else "",
                )
            )
        commands += [
            ("Filter by name…", monitor.action_filter_name, "key /"),
            ("Filter by status…", monitor.action_filter_status, "key f"),
            ("Clear filters", monitor.action_clear_filters, "key Esc"),
        ]
        for column in SORT_COLUMNS:
            commands.append((f"Sort by {column}", lambda column=column: monitor.sort_by(column, column in DESCENDING_FIRST), "key s cycles"))
        commands += [
            ("Reverse the sort", monitor.action_reverse_sort, "key S"),
            ("Refresh now", monitor.action_refresh, "key r"),
            ("Resume live refresh" if monitor.live.paused else "Pause live refresh", monitor.action_pause, "key p"),
        ]
        for seconds in INTERVALS:
            commands.append(
                (
                    f"Refresh every {interval_text(seconds)}",
                    lambda seconds=seconds: monitor.live.set_interval_seconds(seconds),
                    "keys + and -",
                )
            )
        for theme in sorted(self.app.available_themes):
            commands.append((f"Theme: {theme}", lambda theme=theme: setattr(self.app, "theme", theme), "colours"))
        commands += [
            ("Stop the job under the cursor", monitor.action_stop, "key x (needs --allow-stop)"),
            ("Export the view to CSV or JSON", monitor.action_export, "key ctrl+s"),
            ("Copy the ARN", monitor.action_copy_arn, "key c"),
            ("Show the keys", monitor.action_help, "key ?"),
        ]
        return commands

    async def discover(self) -> Hits:
        for name, callback, help_text in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, callback, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
