"""The help screen shows every key of every screen from the one table in `tui/keys.py`,
scrolls (so it reads whole at 80×24), and closes with Esc, ? or q."""

from __future__ import annotations

import io
import re

import pytest
from rich.console import Console
from textual.app import App
from textual.widgets import Static

from tui.dialogs import ConfirmStopScreen, ExportScreen, StatusFilterScreen
from tui.keys import ALL_KEYS, SECTIONS, Key, Where, help_sections
from tui.screens.detail import DetailScreen
from tui.screens.help import HelpScreen
from tui.screens.monitor import MonitorScreen
from tui.widgets.job_table import JobTable
from tui.widgets.key_scroll import KeyScroll
from tui.widgets.source_list import SourceList

SIZES = [(80, 24), (120, 40), (200, 50)]

BOUND_BY = {
    Where.MONITOR: [MonitorScreen],
    Where.TABLE: [JobTable],
    Where.SOURCES: [SourceList],
    Where.DETAIL: [DetailScreen],
    Where.SCROLL: [KeyScroll],
    Where.HELP: [HelpScreen],
    Where.DIALOG: [ConfirmStopScreen, ExportScreen, StatusFilterScreen],
    Where.CONFIRM: [ConfirmStopScreen],
    Where.EXPORT: [ExportScreen],
}

# The DESIGN.md keyboard map, key by key: a row dropped from tui/keys.py fails here.
MONITOR_KEYS = {
    "question_mark", "q", "up", "k", "down", "j", "pageup", "pagedown", "home", "g", "end", "G",
    "enter", "d", "slash", "f", "escape", "s", "S", "r", "p", "plus", "minus", "tab", "h",
    "1", "2", "3", "4", "5", "6", "7", "8", "9", "c", "y", "o", "m", "ctrl+s", "x",
}
DETAIL_KEYS = {
    "escape", "backspace", "r", "c", "y", "o", "m", "x", "q", "question_mark",
    "up", "k", "down", "j", "pageup", "pagedown", "home", "g", "end", "G",
}


class HelpHost(App[None]):
    def __init__(self, help_screen: HelpScreen | None = None) -> None:
        super().__init__()
        self._help = help_screen or HelpScreen()
        self.closed = 0

    def on_mount(self) -> None:
        self.push_screen(self._help, lambda _result: setattr(self, "closed", self.closed + 1))


async def settle(pilot) -> None:  # noqa: ANN001
    await pilot.pause()
    await pilot.pause(0.06)


def bound_keys(*classes: type) -> set[str]:
    return {key for cls in classes for binding in cls.BINDINGS for key in binding.key.split(",")}


def row_of(key: Key) -> tuple[str, Key]:
    """The section and the row a key is read from (its own, or the one above it that it shares)."""
    for title, keys in SECTIONS:
        leader = None
        for candidate in keys:
            if candidate.does:
                leader = candidate
            if candidate is key:
                assert leader is not None, key
                return title, leader
    raise AssertionError(key)


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_help_snapshot(snap_compare, size) -> None:
    assert snap_compare(HelpHost(), terminal_size=size, run_before=settle)


def test_the_monitor_and_detail_bind_exactly_the_keyboard_map() -> None:
    assert bound_keys(MonitorScreen, JobTable) == MONITOR_KEYS
    assert bound_keys(DetailScreen, KeyScroll) == DETAIL_KEYS
    assert bound_keys(SourceList) == {"up", "k", "down", "j", "pageup", "pagedown", "home", "g", "end", "G", "enter", "space", "left", "right"}
    assert bound_keys(HelpScreen) == {"escape", "question_mark", "q", "ctrl+c"}
    assert bound_keys(ConfirmStopScreen) == {"y", "n", "escape", "q", "ctrl+c"}
    assert bound_keys(ExportScreen) == {"escape", "q", "ctrl+c", "ctrl+t"}


def test_every_binding_is_a_row_of_the_key_table_with_an_action_that_exists() -> None:
    for where, classes in BOUND_BY.items():
        keys = [key for key in ALL_KEYS if key.where is where and key.keys]
        for cls in classes:
            table = {(binding.key, binding.action) for binding in cls.BINDINGS}
            assert {(key.keys, key.action) for key in keys} <= table, cls
        for key in keys:
            action = re.sub(r"\(.*\)$", "", key.action)
            owner = "app" if action.startswith("app.") else classes[0]
            if owner != "app":
                assert callable(getattr(owner, f"action_{action}", None)), (owner, action)


@pytest.mark.parametrize("key", [key for key in ALL_KEYS if key.keys], ids=lambda key: f"{key.where.value}:{key.keys}")
def test_every_bound_key_is_named_in_its_help_row(key: Key) -> None:
    _title, row = row_of(key)
    label = row.label.replace("1 – 9", "1 2 3 4 5 6 7 8 9")
    for name in key.keys.split(","):
        shown = {"question_mark": "?", "slash": "/", "plus": "+", "minus": "-", "escape": "Esc", "enter": "Enter",
                 "backspace": "Backspace", "tab": "Tab", "pageup": "PgUp", "pagedown": "PgDn", "home": "Home",
                 "end": "End", "up": "↑", "down": "↓", "left": "←", "right": "→", "space": "Space"}.get(name, name)
        assert shown in label.split(), (key, label)


async def test_every_row_is_shown_and_every_group_can_be_scrolled_into_view_at_80x24() -> None:
    app = HelpHost()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        body = app.screen.query_one("#help-body", KeyScroll)
        groups = list(app.screen.query(".help-group").results(Static))
        assert [group.border_title for group in groups] == [title for title, _ in help_sections()]
        for group, (_title, rows) in zip(groups, help_sections()):
            console = Console(width=200, record=True, file=io.StringIO())
            console.print(group.content)
            shown = console.export_text()
            for keys, does in rows:
                assert re.search(rf"{re.escape(keys)}\s+{re.escape(does)}", shown), (keys, does)
        assert body.max_scroll_y > 0  # 80×24 cannot show it all at once: it scrolls
        seen: set[str] = set()
        for _press in range(200):
            top, height = body.scroll_y, body.scrollable_content_region.height
            seen |= {
                str(group.border_title)
                for group in groups
                if top <= group.virtual_region.y and group.virtual_region.bottom <= top + height
            }
            if body.scroll_y >= body.max_scroll_y:
                break
            await pilot.press("j")
        assert seen == {title for title, _ in help_sections()}
        await pilot.press("k")
        assert body.scroll_y == body.max_scroll_y - 1
        await pilot.press("home", "pagedown")
        assert body.scroll_y == height
        await pilot.press("pageup", "j", "down")
        assert body.scroll_y == 2
        assert app.screen.query_one("#help-hint").region.bottom <= 24


async def test_escape_question_mark_and_q_close() -> None:
    for key in ("escape", "question_mark", "q"):
        app = HelpHost()
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press(key)
            await pilot.pause()
            assert app.closed == 1, key
            assert not isinstance(app.screen, HelpScreen)


async def test_custom_sections_replace_the_default() -> None:
    app = HelpHost(HelpScreen([("Only", [("z", "does [b]nothing[/b]")])]))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        (group,) = app.screen.query(".help-group").results(Static)
        console = Console(width=100, record=True, file=io.StringIO())
        console.print(group.content)
        assert "does [b]nothing[/b]" in console.export_text()
