"""The help screen lists every key of every screen, grouped, and closes with Esc, ? or q."""

from __future__ import annotations

import io

from rich.console import Console
from textual.app import App
from textual.widgets import Static

from tui.screens.help import KEY_SECTIONS, HelpScreen

SIZE = (120, 40)


class HelpHost(App[None]):
    def __init__(self, help_screen: HelpScreen | None = None) -> None:
        super().__init__()
        self._help = help_screen or HelpScreen()
        self.closed = 0

    def on_mount(self) -> None:
        self.push_screen(self._help, lambda _result: setattr(self, "closed", self.closed + 1))


async def settle(pilot) -> None:
    await pilot.pause()
    await pilot.pause(0.06)


def test_help_snapshot(snap_compare) -> None:
    assert snap_compare(HelpHost(), terminal_size=SIZE, run_before=settle)


def test_key_table_covers_the_design_keyboard_map() -> None:
    titles = [title for title, _rows in KEY_SECTIONS]
    assert titles[:4] == [
        "Monitor · navigation",
        "Monitor · filter & sort",
        "Monitor · live refresh",
        "Monitor · actions",
    ]
    assert {"Detail", "Dialogs", "Global"} <= set(titles)
    keys = " ".join(keys for _title, rows in KEY_SECTIONS for keys, _meaning in rows)
    for key in ("?", "q", "j k", "PgUp", "g", "G", "Enter", "/", "f", "s", "S", "r", "p", "+", "Tab",
                "1 – 9", "c", "y", "o", "m", "ctrl+s", "x", "ctrl+p", "Esc", "Backspace", "ctrl+c"):
        assert key in keys, key


async def test_every_group_is_shown_and_all_fit_at_120x40() -> None:
    app = HelpHost()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        groups = app.screen.query(".help-group")
        assert [group.border_title for group in groups] == [title for title, _ in KEY_SECTIONS]
        body = app.screen.query_one("#help-body")
        assert body.max_scroll_y == 0


async def test_escape_question_mark_and_q_close() -> None:
    for key in ("escape", "question_mark", "q"):
        app = HelpHost()
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press(key)
            await pilot.pause()
            assert app.closed == 1, key
            assert not isinstance(app.screen, HelpScreen)


async def test_custom_sections_replace_the_default() -> None:
    app = HelpHost(HelpScreen([("Only", [("z", "does [b]nothing[/b]")])]))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        (group,) = app.screen.query(".help-group").results(Static)
        console = Console(width=100, record=True, file=io.StringIO())
        console.print(group.content)
        assert "does [b]nothing[/b]" in console.export_text()
