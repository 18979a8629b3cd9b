"""The monitor against the emulator: refresh, cursor stability, pause, sources, filters, errors."""

from __future__ import annotations

import pytest
from textual.command import CommandList

from tui.models import JobKind, Phase
from tui.screens.detail import DetailScreen
from tui.widgets.job_table import JobTable
from tui.widgets.source_list import SourceList
from ui_rows import header, palette_choice, pane, static_text, wait_for


def api_calls(emulator) -> int:  # noqa: ANN001
    return sum(emulator.calls.values())


async def test_first_refresh_fills_table_pane_and_header(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.table.row_count > 0)
        assert "All sources" in header(app) and "live · every 10s" in header(app)
        text = pane(app)
        assert text.index("All sources") < text.index("Bedrock invocation") < text.index("Personalize segment")
        assert "running" in text and "100 loaded · more" in text
        kinds = {app.table.view[index].kind for index in range(app.table.row_count)}
        assert kinds == set(JobKind)


async def test_the_all_line_adds_up_with_its_sources(make_app) -> None:
    """Sources whose first pages reach back to different times: "All" holds back the rows older
    than the frontier, and the pane and the status line say how many, so the All line and
    the sources' lines add up (report F18: "384 loaded" beside four "100 loaded")."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.table.row_count > 0 and app.live.idle)
        rows = app.screen.query_one(SourceList).rows
        loaded = sum(row.loaded for row in rows[1:])
        shown = app.table.row_count
        assert rows[0].loaded == shown < loaded
        held = f"{loaded - shown:,} more loaded, waiting for older pages"
        assert " ".join(pane(app).split()).startswith(f"▸1 All sources {shown:,} shown · more {held}")
        assert app.table.view.status_line() == f"{shown:,} shown · {held}"


async def test_a_stale_near_end_loads_no_page(make_app, emulator) -> None:
    """NearEnd is posted, then handled later: by then the rows may fill the table (start-up:
    the table is sized before the first rows land)."""
    app = make_app(kinds=["bedrock"])
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.table.row_count > 0)
        assert not app.table.near_end
        app.table.post_message(JobTable.NearEnd(app.table))
        await pilot.pause(0.2)
        assert emulator.calls["ListModelInvocationJobs"] == 1
        assert app.table.row_count == 100


async def test_cursor_and_viewport_stay_put_when_a_refresh_inserts_jobs_above(make_app, world) -> None:
    app = make_app(kinds=["bedrock"])
    async with app.run_test(size=(120, 40)) as pilot:
        table = app.table
        await wait_for(pilot, lambda: table.row_count > 0)
        await pilot.press("pagedown", "j", "j")
        cursor_arn = table.current_job.arn
        top_arn = table.view[table.scroll_offset.y].arn
        loaded = table.row_count
        for _ in range(3):
            world.submit("bedrock")
        await pilot.press("r")
        await wait_for(pilot, lambda: table.row_count == loaded + 3)
        assert table.current_job.arn == cursor_arn
        assert table.view[table.scroll_offset.y].arn == top_arn
        assert table.view[0].arn not in {cursor_arn, top_arn}


async def test_pause_stops_api_calls_and_resume_refreshes_at_once(make_app, emulator) -> None:
    app = make_app(kinds=["bedrock"])
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.table.row_count > 0)
        app.live.interval = 0.1
        before = api_calls(emulator)
        await pilot.press("r")
        await wait_for(pilot, lambda: api_calls(emulator) > before + 1)
        await pilot.press("p")
        await wait_for(pilot, lambda: not app.live.refreshing)
        assert "paused" in header(app)
        paused_at = api_calls(emulator)
        await pilot.pause(0.6)
        assert api_calls(emulator) == paused_at
        await pilot.press("p")
        await wait_for(pilot, lambda: api_calls(emulator) > paused_at)
        assert "live · every 0.1s" in header(app)


async def test_number_keys_switch_sources(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.table.row_count > 0)
        await pilot.press("3")
        table = app.table
        assert "Personalize inference · us-east-1" in header(app)
        assert {table.view[index].kind for index in range(table.row_count)} == {JobKind.PERSONALIZE}
        assert app.screen.query_one(SourceList).shown == 2
        await pilot.press("1")
        assert "All sources" in header(app)
        assert {table.view[index].kind for index in range(table.row_count)} == set(JobKind)


async def test_name_filter_is_literal_and_sent_to_bedrock(make_app, emulator) -> None:
    app = make_app(kinds=["bedrock"])
    async with app.run_test(size=(120, 40)) as pilot:
        table = app.table
        await wait_for(pilot, lambda: table.row_count > 0)
        name = table.view[5].name
        await pilot.press("slash")
        await pilot.press(*name)
        await pilot.press("enter")
        await wait_for(pilot, lambda: table.row_count > 0 and app.live.started)
        assert all(name.casefold() in table.view[index].name.casefold() for index in range(table.row_count))
        assert f'name ~ "{name}"' in header(app)
        sent = [record.params for record in emulator.requests if record.operation == "ListModelInvocationJobs"]
        assert sent[-1].get("nameContains") == name
        await pilot.press("escape")
        await wait_for(pilot, lambda: table.row_count > 10 and app.live.started)
        assert "name ~" not in header(app)


async def test_sort_keeps_the_cursor_on_its_job(make_app) -> None:
    app = make_app(kinds=["bedrock"])
    async with app.run_test(size=(120, 40)) as pilot:
        table = app.table
        await wait_for(pilot, lambda: table.row_count > 0)
        await pilot.press("j", "j", "j")
        arn = table.current_job.arn
        await pilot.press("s")
        assert "sort name" in header(app)
        assert table.current_job.arn == arn
        names = [table.view[index].name for index in range(table.row_count)]
        assert names == sorted(names, reverse=True) or names == sorted(names)
        await pilot.press("S")
        assert table.current_job.arn == arn


async def test_marked_job_announces_when_it_finishes(make_app, world) -> None:
    app = make_app(kinds=["bedrock"])
    async with app.run_test(size=(120, 40)) as pilot:
        table = app.table
        await wait_for(pilot, lambda: table.row_count > 0)
        index = next(i for i in range(table.row_count) if not table.view[i].phase.terminal)
        job = table.view[index]
        table.cursor = index
        await pilot.press("m")
        world.set_status(job.arn, "Completed")
        await pilot.press("r")
        await wait_for(pilot, lambda: table.view[table.view.index_of(job.arn)].phase is Phase.SUCCEEDED)
        assert f"{job.name}\nfinished · ✔ succeeded" in app.notices


async def test_stop_is_refused_when_read_only(make_app, emulator) -> None:
    app = make_app(kinds=["bedrock"])
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.table.row_count > 0)
        await pilot.press("x")
        assert any("read-only" in notice for notice in app.notices)
        assert emulator.calls["StopModelInvocationJob"] == 0


async def test_expired_token_shows_in_header_and_pane_then_recovers(make_app, faults) -> None:
    faults.expired_token = True
    app = make_app(kinds=["bedrock"])
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: "⚠" in header(app))
        assert "credentials expired" in header(app)
        assert "⚠" in pane(app) and app.table.row_count == 0
        await pilot.pause()
        assert app.table.render_line(1).text.strip().startswith("⚠")
        faults.expired_token = False
        await pilot.press("r")
        await wait_for(pilot, lambda: app.table.row_count > 0)
        assert "⚠" not in header(app) and "⚠" not in pane(app)


async def test_small_terminal_renders(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(60, 15)) as pilot:
        await wait_for(pilot, lambda: app.table.row_count > 0)
        await pilot.press("G", "pagedown", "tab")  # Tab shows the hidden sources pane, h hides it again
        await pilot.pause()
        assert app.screen.query_one(SourceList).has_focus and app.table.size.width < 40
        await pilot.press("h", "question_mark")
        await pilot.pause()
        await pilot.press("escape")
        assert app.table.size.width > 40


async def test_stop_with_allow_stop_asks_then_stops_the_job(make_app, world, emulator) -> None:
    app = make_app(kinds=["bedrock"], allow_stop=True)
    async with app.run_test(size=(120, 40)) as pilot:
        table = app.table
        await wait_for(pilot, lambda: table.row_count > 0)
        table.cursor = next(i for i in range(table.row_count) if table.view[i].phase is Phase.RUNNING)
        job = table.current_job
        await pilot.press("x")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ConfirmStopScreen")
        assert emulator.calls["StopModelInvocationJob"] == 0
        await pilot.press("y")
        await wait_for(pilot, lambda: emulator.calls["StopModelInvocationJob"] == 1)
        await wait_for(pilot, lambda: table.view[table.view.index_of(job.arn)].phase is Phase.STOPPING)
        assert next(j for j in world.jobs(JobKind.BEDROCK) if j["jobArn"] == job.arn)["status"] == "Stopping"


async def test_several_regions_group_the_pane_and_add_a_region_column(make_app) -> None:
    app = make_app(kinds=["bedrock"], regions=["us-east-1", "eu-west-1"])
    async with app.run_test(size=(120, 40)) as pilot:
        table = app.table
        await wait_for(pilot, lambda: table.row_count > 0 and app.live.started)
        text = pane(app)
        assert text.index("default · us-east-1") < text.index("default · eu-west-1")
        assert "REGION" in table.render_line(0).text
        assert "eu-west-1" in "".join(table.render_line(y).text for y in range(1, table.size.height - 1))
        regions = {table.view[index].source.split("/")[1] for index in range(table.row_count)}
        assert regions == {"us-east-1", "eu-west-1"}


async def test_command_palette_switches_source(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.table.row_count > 0)
        await pilot.press("ctrl+p")
        await pilot.press(*"segment")
        await wait_for(pilot, lambda: "segment" in palette_choice(app))
        await pilot.press("enter")
        await wait_for(pilot, lambda: "Personalize segment" in header(app))
        assert {app.table.view[i].kind for i in range(app.table.row_count)} == {JobKind.SEGMENT}


@pytest.mark.parametrize("allow_stop", [False, True])
async def test_the_palettes_stop_command_says_when_batchtop_is_read_only(make_app, allow_stop: bool) -> None:
    app = make_app(kinds=["bedrock"], allow_stop=allow_stop)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.table.row_count > 0)
        await pilot.press("ctrl+p", *"stop the job")
        await wait_for(pilot, lambda: palette_choice(app) == "Stop the job under the cursor")
        hits = app.screen.query_one(CommandList)
        help_text = str(hits.get_option_at_index(hits.highlighted).hit.help)
        assert ("read-only: start batchtop with --allow-stop" in help_text) is not allow_stop
        assert help_text.startswith("key x")


async def test_plus_and_minus_step_the_interval_within_its_range(make_app) -> None:
    app = make_app(kinds=["bedrock"])
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.table.row_count > 0)
        await pilot.press("plus")
        assert app.live.interval == 15.0 and "live · every 15s" in header(app)
        await pilot.press("minus", "minus", "minus", "minus")
        assert app.live.interval == 2.0 and "live · every 2s" in header(app)


async def test_o_on_a_personalize_row_opens_its_dataset_group_page(make_app, emulator, faults, world) -> None:
    app = make_app(kinds=["personalize"], max_attempts=1)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.table.row_count > 0)
        job = app.table.current_job
        faults.denied = {("personalize", "us-east-1")}
        await pilot.press("o")
        await wait_for(pilot, lambda: any("dataset groups" in notice for notice in app.notices))
        assert app.clipboard.endswith("personalize/home?region=us-east-1#datasetGroups")
        assert "not known (access denied to personalize:DescribeSolutionVersion)" in app.notices[-1]
        faults.denied = set()
        await pilot.press("o")
        await wait_for(pilot, lambda: "#arn:" in app.clipboard)
        group = world.solution_version("us-east-1", job.model).dataset_group_arn
        assert app.clipboard.endswith("#" + group.replace("/", "$") + "/setup")
        name = group.rsplit("/", 1)[1]
        assert app.notices[-1] == f"{app.clipboard}\nOpens its dataset group, {name}, which lists its batch jobs (copied)"
        shown = len(app.notices)
        await pilot.press("o")  # known now: shown at once, without asking again
        assert len(app.notices) == shown + 1 and app.notices[-1] == app.notices[-2]
        await pilot.press("enter", "o")  # the detail's Console row and `o` agree with the monitor
        await wait_for(pilot, lambda: isinstance(app.screen, DetailScreen) and len(app.notices) == shown + 2)
        assert app.notices[-1] == app.notices[-2]
        assert app.clipboard in static_text(app.screen.query_one("#identity"), width=400)
        assert emulator.calls["DescribeSolutionVersion"] == 2


async def test_o_falls_back_to_the_regions_list_when_the_lookup_gets_no_answer(make_app, faults, monkeypatch) -> None:
    monkeypatch.setattr("tui.actions.CONSOLE_LOOKUP_SECONDS", 0.3)
    app = make_app(kinds=["segment"], max_attempts=1)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.table.row_count > 0)
        faults.hang = 1.0  # accepted, never answered
        await pilot.press("o")
        await wait_for(pilot, lambda: any("(no answer in 0.3 s) (copied)" in notice for notice in app.notices))
        assert app.clipboard.endswith("personalize/home?region=us-east-1#datasetGroups")
        assert not app.errors
