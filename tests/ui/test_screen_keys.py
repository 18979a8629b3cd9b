"""Keys on every screen of the real app against the emulator: ctrl+c quits from any screen
but a dialog, q closes what it covers, the footer and the palette offer only what works."""

from __future__ import annotations

from tui.screens.help import HelpScreen
from ui_rows import wait_for


async def test_ctrl_c_quits_from_the_help_screen(make_app) -> None:
    app = make_app(kinds=["bedrock"], interval=600.0)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.table.row_count > 0)
        await pilot.press("question_mark", "j")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        await pilot.press("ctrl+c")
        await wait_for(pilot, lambda: not app.is_running)
    assert app.return_code == 0
