"""Keys on every screen of the real app against the emulator: ctrl+c quits from any screen
but a dialog, q closes what it covers, the footer and the palette offer only what works."""

from __future__ import annotations

from textual import events
from textual.command import CommandList, CommandPalette
from textual.widgets import Input

from tui.dialogs import StatusFilterScreen
from tui.screens.help import HelpScreen
from tui.screens.monitor import MonitorScreen
from ui_rows import header, palette_choice, screen_lines, wait_for


def palette_commands(app) -> set[str]:  # noqa: ANN001
    """The names of the commands the open palette lists."""
    if not isinstance(app.screen, CommandPalette):
        return set()
    hits = app.screen.query_one(CommandList)
    return {str(hits.get_option_at_index(index).hit.text) for index in range(hits.option_count)}


async def test_ctrl_c_quits_from_the_help_screen(make_app) -> None:
    app = make_app(kinds=["bedrock"], interval=600.0)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.table.row_count > 0)
        await pilot.press("question_mark", "j")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        await pilot.press("ctrl+c")
        await wait_for(pilot, lambda: not app.is_running)
    assert app.return_code == 0


async def test_q_closes_the_status_picker_and_no_footer_under_an_overlay_offers_q_quit(make_app) -> None:
    app = make_app(kinds=["bedrock"], interval=600.0)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.table.row_count > 0)
        await wait_for(pilot, lambda: "q Quit" in screen_lines(app)[-1])
        for key, overlay in (("f", StatusFilterScreen), ("question_mark", HelpScreen), ("ctrl+p", CommandPalette)):
            await pilot.press(key)
            await wait_for(pilot, lambda overlay=overlay: isinstance(app.screen, overlay))
            await pilot.pause()
            assert "Quit" not in screen_lines(app)[-1], overlay  # q closes it, it does not quit
            await pilot.press("q" if overlay is not CommandPalette else "escape")
            await wait_for(pilot, lambda: isinstance(app.screen, MonitorScreen))
            assert app.is_running
            await wait_for(pilot, lambda: "q Quit" in screen_lines(app)[-1])


async def test_the_palette_offers_batchtops_commands_only(make_app) -> None:
    app = make_app(kinds=["bedrock"], interval=600.0)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.table.row_count > 0)
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: len(palette_commands(app)) > 10)
        commands = palette_commands(app)
        assert {"Show the keys", "Filter by name…", "Theme: nord", "Quit"} <= commands
        assert not {"Keys", "Maximize", "Screenshot", "Theme"} & commands  # Textual's own: not batchtop's words


async def test_p_is_labelled_resume_while_paused_and_the_done_sort_shows_its_arrow(make_app) -> None:
    app = make_app(kinds=["bedrock"], interval=600.0)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.table.row_count > 0)
        footer = lambda: screen_lines(app)[-1]  # noqa: E731
        await wait_for(pilot, lambda: "p Pause" in footer())
        await pilot.press("p")
        await wait_for(pilot, lambda: "p Resume" in footer())
        assert app.live.paused and "Pause" not in footer()
        await pilot.press("ctrl+p", *"resume live")
        await wait_for(pilot, lambda: palette_choice(app) == "Resume live refresh")
        await pilot.press("enter")
        await wait_for(pilot, lambda: not app.live.paused and "p Pause" in footer())

        await pilot.press("s", "s", "s")  # name, status, then DONE (the records done)
        await wait_for(pilot, lambda: app.live.engine.sort == ("progress", True))
        await pilot.pause()
        assert "sort done ↓" in header(app)
        titles = next(line for line in screen_lines(app) if "NAME" in line).split()
        assert "DONE↓" in titles or "DONE" in titles and titles[titles.index("DONE") + 1] == "↓", titles


async def test_every_key_of_a_burst_after_slash_goes_into_the_filter(make_app) -> None:
    """A fast typist or a paste-from-notes sends `/doc` at once: the `d` used to reach the
    table (the detail opened) because the input took the focus one message later."""
    app = make_app(kinds=["bedrock"], interval=600.0)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.table.row_count > 0)
        for key, character in (("slash", "/"), ("d", "d"), ("o", "o"), ("slash", "/"), ("c", "c")):
            app.post_message(events.Key(key, character))  # one burst, as a terminal sends it
        await wait_for(pilot, lambda: app.screen.query_one("#name-filter", Input).value == "do/c")
        await pilot.pause()
        assert isinstance(app.screen, MonitorScreen)  # `d` did not open the detail
        assert 'loaded names ~ "do/c"' in header(app)  # in the box, / is a character
        assert "Filter" not in screen_lines(app)[-1]  # and the footer does not offer it

        await pilot.press("escape")
        await wait_for(pilot, lambda: app.table.has_focus)
        app.post_message(events.Paste("/emb\nsecond line"))  # a paste from notes, slash and all
        await wait_for(pilot, lambda: 'loaded names ~ "emb"' in header(app))
        assert app.screen.query_one("#name-filter", Input).has_focus


async def test_a_lone_exclamation_mark_filters_nothing(make_app) -> None:
    app = make_app(kinds=["bedrock"], interval=600.0)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.table.row_count > 0 and app.live.idle)
        names = [app.table.view[index].name for index in range(app.table.row_count)]
        await pilot.press("slash", "exclamation_mark")
        assert app.table.row_count == len(names)  # all rows stay
        assert "loaded names" not in header(app)
        word = names[0][:4]
        await pilot.press(*word)  # `!word` narrows as before
        assert app.table.row_count == sum(word not in name for name in names)
        assert f'loaded names ~ "!{word}"' in header(app)
