"""The monitor adapts: the source pane hides with one source or under 100 columns and `h`
toggles it; footers show only the keys that fit whole; the header keeps "paused" and the zone; the retry countdown counts, only while failing."""

from __future__ import annotations

import datetime as dt
import time

from textual.app import App, ComposeResult

from tui.screens.detail import DetailScreen
from tui.widgets.footer import TRAILING_BLANK, FittingFooter
from tui.widgets.header import HeaderState, MonitorHeader
from tui.widgets.source_list import SourcePane
from factories import T0
from ui_rows import wait_for


def pane_shown(app) -> bool:  # noqa: ANN001
    return app.screen.query_one(SourcePane).display


async def test_the_pane_hides_when_narrow_or_alone_and_h_toggles_it(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.table.row_count > 0)
        assert pane_shown(app) and app.screen.query_one(SourcePane).region.width == 30
        wide = app.table.size.width
        await pilot.press("h")
        await pilot.pause()
        assert not pane_shown(app) and app.table.size.width > wide and app.table.has_focus
        await pilot.press("h")
        await pilot.pause()
        assert pane_shown(app)
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert pane_shown(app)  # the user's choice holds
        assert app.screen.query_one(SourcePane).region.width == 25  # 30 at 120 columns
        await pilot.press("h", "h")
        await pilot.pause()
        assert pane_shown(app)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.table.row_count > 0)
        assert not pane_shown(app)
    app = make_app(kinds=["bedrock"])
    async with app.run_test(size=(200, 50)) as pilot:
        await wait_for(pilot, lambda: app.table.row_count > 0)
        assert not pane_shown(app)


class HeaderApp(App[None]):
    def compose(self) -> ComposeResult:
        yield MonitorHeader(zone="utc")


FAILING = dict(problem_kinds=("network",), failing=3, sources=3, failing_since=T0, transient=True)


async def test_paused_and_the_zone_stay_visible_at_80_columns() -> None:
    app = HeaderApp()
    async with app.run_test(size=(80, 3)) as pilot:
        header = app.query_one(MonitorHeader)
        header.show(HeaderState("Bedrock invocation · us-east-1 (production-account)", filters='name ~ "x"', live=False, **FAILING), T0)
        await pilot.pause()
        right = header.query_one("#header-age")
        assert "paused" in str(right.render()) and "UTC" in str(right.render())
        assert right.region.right <= 80 and right.region.width >= len("paused · not updated yet · UTC")


async def test_the_retry_countdown_counts_each_second_only_while_failing() -> None:
    app = HeaderApp()
    async with app.run_test(size=(120, 3)) as pilot:
        header = app.query_one(MonitorHeader)
        header.show(HeaderState("All sources", retry_at=time.monotonic() + 3.5, **FAILING), T0)
        assert header.counting_down and "retrying in 4 s" in header.text
        await wait_for(pilot, lambda: "retrying in 2 s" in header.text)
        header.show(HeaderState("All sources", last_refresh=T0 - dt.timedelta(seconds=1)), T0)
        assert not header.counting_down and "retrying" not in header.text


async def footer_reads_whole(pilot, width: int) -> int:  # noqa: ANN001
    """Once the screen is `width` wide and its footer has its keys: every key the footer
    shows lies whole left of the palette key (its trailing blank cell may sit under the
    palette key's border). Returns how many keys it hides."""
    app = pilot.app
    await wait_for(pilot, lambda: app.screen.size.width == width and bool(app.screen.query("FooterKey.-command-palette")))
    await pilot.pause()
    footer = app.screen.query_one(FittingFooter)
    palette = footer.query_one("FooterKey.-command-palette")
    keys = list(footer.query("FooterKey").exclude(".-command-palette"))
    shown = [key for key in keys if key.display]
    assert shown and palette.region.right == width
    for key in shown:
        assert key.region.width > 0 and key.region.right - TRAILING_BLANK <= palette.region.x, (key.description, key.region, palette.region)
    return len(keys) - len(shown)


async def test_the_footer_shows_only_keys_that_fit_whole(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(60, 15)) as pilot:
        await wait_for(pilot, lambda: app.table.row_count > 0)
        assert await footer_reads_whole(pilot, 60) > 0
        await pilot.resize_terminal(160, 15)
        assert await footer_reads_whole(pilot, 160) == 0
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, DetailScreen))
        assert await footer_reads_whole(pilot, 160) == 0
        await pilot.resize_terminal(60, 15)
        assert await footer_reads_whole(pilot, 60) > 0
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, DetailScreen))
        assert await footer_reads_whole(pilot, 60) > 0


def header_main(header: MonitorHeader) -> tuple[str, int]:
    """The header's left part as plain text, and the cells it has on screen."""
    main = header.query_one("#header-main")
    return str(main.render()), main.region.width


async def test_the_header_shortens_the_filter_before_the_interval_and_live() -> None:
    """F2: at 80 columns while filtering, "every …" was cut; the filter text (on the input
    line anyway) gives way first, cut in the middle."""
    app = HeaderApp()
    async with app.run_test(size=(80, 3)) as pilot:
        header = app.query_one(MonitorHeader)
        for filters in ('loaded names ~ "embeddings-1499"', 'loaded names ~ "' + "x" * 60 + '-1499"'):
            header.show(HeaderState("All sources", filters=filters, sort="sort name ↑", last_refresh=T0), T0)
            await pilot.pause()
            text, room = header_main(header)
            assert len(text) <= room and text.endswith(" · live · every 10s"), (text, room)
            assert '1499"' in text and "loaded names" in text and "sort" not in text


async def test_the_retry_countdown_stays_visible_at_80_columns_while_every_source_fails() -> None:
    """F24: `retrying in …` lost its number at 80 columns; "live · every 10s" gives way."""
    app = HeaderApp()
    async with app.run_test(size=(80, 3)) as pilot:
        header = app.query_one(MonitorHeader)
        failing = FAILING | dict(failing=4, sources=4)
        header.show(HeaderState("All sources", retry_at=time.monotonic() + 30.5, **failing), T0)
        await pilot.pause()
        text, room = header_main(header)
        assert len(text) <= room and "⚠ offline (4 of 4)" in text and "retrying in 3" in text, (text, room)


async def test_at_40_columns_the_header_keeps_the_interval() -> None:
    """F15: `All sources · live · e…`; at 40 columns it says `every 10s`."""
    app = HeaderApp()
    async with app.run_test(size=(40, 3)) as pilot:
        header = app.query_one(MonitorHeader)
        header.show(HeaderState("All sources", last_refresh=T0), T0)
        await pilot.pause()
        text, room = header_main(header)
        assert len(text) <= room and text.endswith("every 10s"), (text, room)
