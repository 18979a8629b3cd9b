"""The job table on its own, over a list-backed view: keys, paging signal, cursor stability, repaint economy."""

from __future__ import annotations

import dataclasses
import datetime as dt

from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.strip import Strip

from tui.clock import fixed_clock
from tui.widgets import job_table
from tui.widgets.columns import cell_text
from tui.widgets.job_table import JobTable
from factories import T0, make_job
from ui_rows import ListView, wait_for


class CountingTable(JobTable):
    """Records which lines were rendered, to check that idle updates repaint nothing."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.rendered: list[int] = []

    def render_line(self, y: int) -> Strip:
        self.rendered.append(y)
        return super().render_line(y)


class TableApp(App[None]):
    def __init__(self, view: ListView) -> None:
        super().__init__()
        self.view = view
        self.messages: list[object] = []

    def compose(self) -> ComposeResult:
        yield CountingTable(self.view, clock=fixed_clock(T0))

    def on_job_table_near_end(self, message: JobTable.NearEnd) -> None:
        self.messages.append(message)

    def on_job_table_selected(self, message: JobTable.Selected) -> None:
        self.messages.append(message)


def lines(table: JobTable) -> list[str]:
    return [table.render_line(y).text for y in range(table.size.height)]


def jobs(count: int, start: int = 0) -> list:
    return [make_job(number) for number in range(start, start + count)]


async def test_rows_header_and_status_line_render_in_fixed_columns() -> None:
    view = ListView(jobs(50), all_loaded=True)
    async with TableApp(view).run_test(size=(120, 12)) as pilot:
        table = pilot.app.query_one(JobTable)
        shown = lines(table)
        assert shown[0].split()[:2] == ["NAME", "STATUS"]
        assert "job-000000" in shown[1] and "▶ running" in shown[1] and "████░░  63%" in shown[1]
        assert shown[-2].strip() == "▶ job-000000 · InProgress · 0s"  # the cursor row in full
        assert shown[-1].strip().startswith("50 jobs · all loaded")
        assert all(len(line) == len(shown[0]) for line in shown)


async def test_hostile_strings_are_shown_literally_without_escapes() -> None:
    hostile = make_job(0, status="Failed", name="[bold red]boom[/]\x1b[2J\x1b]52;c;ZXZpbA==\x07", message="\u202eevil")
    async with TableApp(ListView([hostile])).run_test(size=(120, 6)) as pilot:
        table = pilot.app.query_one(JobTable)
        row = lines(table)[1]
        assert "[bold red]boom[/]" in row
        assert "\x1b" not in row and "\u202e" not in row and "\x07" not in row
        assert "✖ failed" in row
        job_line = lines(table)[-2]
        assert "[bold red]boom[/]" in job_line and "Failed" in job_line and "evil" in job_line
        assert "\x1b" not in job_line and "\u202e" not in job_line


async def test_keys_move_the_cursor_and_end_asks_for_more() -> None:
    view = ListView(jobs(100), all_loaded=False)
    app = TableApp(view)
    async with app.run_test(size=(100, 14)) as pilot:
        table = app.query_one(JobTable)
        table.focus()
        await pilot.press("j", "j", "down", "k")
        assert table.cursor == 2
        await pilot.press("pagedown")
        assert table.cursor == 2 + table.data_height - 1
        await pilot.press("G")
        await pilot.pause()
        assert table.cursor == 99
        assert table.scroll_offset.y == 100 - table.data_height
        assert any(isinstance(message, JobTable.NearEnd) for message in app.messages)
        await pilot.press("g")
        assert table.cursor == 0 and table.scroll_offset.y == 0
        await pilot.press("enter")
        await pilot.pause()
        selected = [message for message in app.messages if isinstance(message, JobTable.Selected)]
        assert selected and selected[-1].job.arn == view[0].arn


async def test_cursor_and_viewport_stay_on_their_jobs_when_rows_arrive_above() -> None:
    view = ListView(jobs(200, start=10))
    async with TableApp(view).run_test(size=(100, 14)) as pilot:
        table = pilot.app.query_one(JobTable)
        table.focus()
        await pilot.press("pagedown", "pagedown", "j")
        await pilot.pause()
        cursor_job, top_job = table.current_job, view[table.scroll_offset.y]
        with table.keeping_position():
            view.jobs[:0] = jobs(5)
        assert table.current_job is cursor_job
        assert view[table.scroll_offset.y] is top_job


async def test_at_the_top_new_jobs_show_and_the_cursor_keeps_its_job() -> None:
    view = ListView(jobs(50, start=10))
    async with TableApp(view).run_test(size=(100, 14)) as pilot:
        table = pilot.app.query_one(JobTable)
        await pilot.press("j")
        cursor_job = table.current_job
        with table.keeping_position():
            view.jobs[:0] = jobs(3)
        await pilot.pause()
        assert table.scroll_offset.y == 0
        assert table.current_job is cursor_job and table.cursor == 4
        assert "job-000000" in lines(table)[1]


async def test_an_update_repaints_only_the_changed_line_and_idle_repaints_nothing() -> None:
    view = ListView(jobs(100))
    async with TableApp(view).run_test(size=(100, 14)) as pilot:
        table: CountingTable = pilot.app.query_one(CountingTable)
        await pilot.pause()
        table.rendered.clear()
        with table.keeping_position():
            pass
        table.sync_lines()
        await pilot.pause()
        assert table.rendered == []
        with table.keeping_position():
            view.jobs[3] = dataclasses.replace(view.jobs[3], status="Completed", phase=view.jobs[3].phase.SUCCEEDED)
        await pilot.pause()
        assert table.rendered == [4]
        assert "✔ succeeded" in table.render_line(4).text


async def test_flashed_rows_return_to_normal_after_one_timer(monkeypatch) -> None:
    monkeypatch.setattr(job_table, "FLASH_SECONDS", 0.05)
    view = ListView(jobs(20))
    async with TableApp(view).run_test(size=(100, 10)) as pilot:
        table: CountingTable = pilot.app.query_one(CountingTable)
        await pilot.pause()
        table.rendered.clear()
        table.flash({view[2].arn})
        table._flash_timer.pause()  # a slow first paint must not see the flash end already
        await pilot.pause()
        assert table.rendered == [3]
        flashed = table.render_line(3)
        table._flash_timer.resume()
        await wait_for(pilot, lambda: table._flash_timer is None)
        assert table.render_line(3) != flashed


def test_region_column_names_a_profile_that_holds_a_slash_whole() -> None:
    assert cell_text(make_job(1, source="team/dev/eu-west-1/bedrock"), "region", 40, T0) == "team/dev/eu-west-1"
    assert cell_text(make_job(2, source="default/us-east-1/bedrock"), "region", 40, T0) == "us-east-1"


async def test_narrow_terminal_keeps_name_status_and_time() -> None:
    async with TableApp(ListView(jobs(30))).run_test(size=(60, 15)) as pilot:
        header = lines(pilot.app.query_one(JobTable))[0]
        assert "NAME" in header and "STATUS" in header and "TIME" in header


async def test_ages_repaint_only_their_time_cell_and_only_when_their_text_changes() -> None:
    now = [T0]
    young = make_job(1, created=T0 - dt.timedelta(minutes=9))
    old = make_job(2, created=T0 - dt.timedelta(hours=5))
    done = make_job(3, status="Completed", created=T0 - dt.timedelta(hours=2), ended=T0 - dt.timedelta(hours=1))

    class RegionTable(JobTable):
        regions: list[Region] = []

        def refresh(self, *regions: Region, **options: bool) -> RegionTable:
            self.regions.extend(regions)
            return super().refresh(*regions, **options)

    class AgeApp(App[None]):
        def compose(self) -> ComposeResult:
            yield RegionTable(ListView([young, old, done]), clock=lambda: now[0])

    async with AgeApp().run_test(size=(100, 9)) as pilot:
        table = pilot.app.query_one(RegionTable)
        await pilot.pause()
        assert "9m" in table.render_line(1).text and "5h00m" in table.render_line(2).text
        assert "1h00m" in table.render_line(3).text
        job_line = table.size.height - 2
        RegionTable.regions.clear()
        now[0] = T0 + dt.timedelta(seconds=59)  # no text changes: nothing is sent
        table.sync_lines()
        assert RegionTable.regions == []
        now[0] = T0 + dt.timedelta(minutes=1)
        table.sync_lines()
        repainted = {(region.y, region.width) for region in RegionTable.regions}
        assert {y for y, _width in repainted} == {1, 2, job_line}  # not the finished job's line
        assert all(width == 6 for y, width in repainted if y != job_line), repainted
        await pilot.pause()
        assert "10m" in table.render_line(1).text and "5h01m" in table.render_line(2).text
        assert "10m" in table.render_line(job_line).text


async def test_a_viewport_scrolled_away_from_the_cursor_stays_where_it_is() -> None:
    view = ListView(jobs(300, start=10))
    async with TableApp(view).run_test(size=(100, 14)) as pilot:
        table = pilot.app.query_one(JobTable)
        table.scroll_to(y=100, animate=False, immediate=True)
        await pilot.pause()
        top_job = view[100]
        with table.keeping_position():
            view.jobs[:0] = jobs(4)
        assert view[table.scroll_offset.y] is top_job
        assert table.cursor == 4 and table.current_job is view[4]


async def test_the_cursor_row_is_one_colour_on_the_cursor_in_every_theme() -> None:
    view = ListView([make_job(0, status="InProgress"), make_job(1, status="Failed", message="boom")])
    app = TableApp(view)
    async with app.run_test(size=(120, 8)) as pilot:
        table = app.query_one(JobTable)
        table.focus()
        for cursor in (0, 1):
            table.cursor = cursor
            for theme in sorted(app.available_themes):
                app.theme = theme
                await pilot.pause()
                strip = table.render_line(1 + cursor)
                colours = {segment.style.color for segment in strip if segment.text.strip()}
                backgrounds = {segment.style.bgcolor for segment in strip}
                assert len(colours) == 1 and len(backgrounds) == 1, (theme, cursor, colours)
                assert colours != backgrounds, theme


async def test_columns_fit_the_texts_of_the_rows_shown_and_grow_when_longer_ones_arrive() -> None:
    """F19: names of 30 were cut to 20 for a MESSAGE blank on every row; a longer name that
    arrives widens NAME (no row's name is cut while a column has blank width)."""
    view = ListView([make_job(number, name=f"churn-notes-2026-11-30-{number:06d}") for number in range(20)])
    async with TableApp(view).run_test(size=(100, 12)) as pilot:
        table = pilot.app.query_one(JobTable)
        await pilot.pause()
        shown = lines(table)
        assert "MESSAGE" not in shown[0] and "churn-notes-2026-11-30-000000" in shown[1]
        longer = make_job(99, name="churn-notes-2026-11-30-rerun-099", status="Failed", message="boom")
        with table.keeping_position():
            view.jobs.insert(1, longer)
        await pilot.pause()
        assert "churn-notes-2026-11-30-rerun-099" in lines(table)[2]


async def test_at_40_columns_the_position_stays_whole_and_the_counts_give_way() -> None:
    """F15: `100,000 jobs · all loaded  ·  1 of 10…` read as another number."""

    class HundredThousand(ListView):
        def __len__(self) -> int:
            return 100_000

        def __getitem__(self, index: int):  # noqa: ANN204
            return self.jobs[index % len(self.jobs)]

        def status_line(self) -> str:
            return "100,000 jobs · all loaded"

    async with TableApp(HundredThousand(jobs(30))).run_test(size=(40, 10)) as pilot:
        table = pilot.app.query_one(JobTable)
        await pilot.pause()
        assert lines(table)[-1].rstrip() == " 100,000 jobs  ·  1 of 100,000"
    assert job_table.fit_status("100,000 jobs · all loaded", "1 of 100,000", 38) == "100,000 jobs  ·  1 of 100,000"
    assert job_table.fit_status("205 match · 6,000 jobs · all loaded", "3 of 205", 38) == "205 match · 6,000 jobs  ·  3 of 205"
    assert job_table.fit_status("100,000 jobs · all loaded", "100,000 of 100,000", 30) == "100,00…  ·  100,000 of 100,000"
    assert job_table.fit_status("loaded", "100,000 of 100,000", 12) == "100,000 of 100,000"
