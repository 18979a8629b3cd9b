"""ctrl+p on the monitor: every monitor key's command (from `tui/keys.py`), every source (not
only the nine with a number key), closing or opening every source group, each sort column,
each refresh interval and each theme."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

from ..feed import SORT_COLUMNS
from ..keys import SOURCE_KEYS, Key, Where, commands_of
from ..sanitize import clean
from ..widgets.columns import sort_word
from ..widgets.header import interval_text
from ..widgets.source_list import SourceList

if TYPE_CHECKING:
    from .monitor import MonitorScreen

Command = tuple[str, Callable[[], object], str]

_BEFORE_SORT = frozenset({"filter_name", "filter_status", "clear_filters"})
"""Filters come before the sort commands in the palette's list, the rest after."""


def _command(monitor: MonitorScreen, key: Key) -> Command:
    """A key's palette entry: its command name, its action, and the key that does the same."""
    action, name = key.action, key.command
    help_text = f"key {key.label}"
    if action == "pause":  # named for what it does now; while paused p is bound to `resume`
        action, name = ("resume", "Resume live refresh") if monitor.live.paused else ("pause", "Pause live refresh")
    elif action == "stop" and not monitor.live.settings.allow_stop:
        help_text = f"key {key.label} · read-only: start batchtop with --allow-stop"
    return (name, lambda: monitor.run_action(action), help_text)


class MonitorCommands(Provider):
    """Every monitor action that has a key, findable by name."""

    def _commands(self) -> list[Command]:
        from ..live import INTERVALS
        from ..viewmodel import DESCENDING_FIRST, source_title

        monitor: MonitorScreen = self.screen  # type: ignore[assignment]
        keyed = commands_of(Where.MONITOR)
        commands: list[Command] = [("Show all sources", lambda: monitor.action_pick(0), "key 1")]
        for number, state in enumerate(monitor.engine.states, start=1):
            commands.append(
                (
                    clean(f"Show {source_title(state.key)}", 100),
                    lambda number=number: monitor.action_pick(number),
                    f"key {number + 1}" if number < SOURCE_KEYS else "",
                )
            )
        sources = monitor.query_one(SourceList)
        if sources.groups:
            commands.append(("Close every source group", sources.collapse_all, "sources pane: ← or Enter on a group"))
            commands.append(("Open every source group", sources.expand_all, "sources pane: → or Enter on a group"))
        commands += [_command(monitor, key) for key in keyed if key.action in _BEFORE_SORT]
        for column in SORT_COLUMNS:
            commands.append((f"Sort by {sort_word(column)}", lambda column=column: monitor.sort_by(column, column in DESCENDING_FIRST), "key s cycles"))
        commands += [_command(monitor, key) for key in keyed if key.action not in _BEFORE_SORT]
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
