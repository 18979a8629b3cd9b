"""`/` like k9s: the loaded rows narrow as you type (literal, any case, `!` negates), nothing is
fetched; Esc restores the rows loaded before, also without fetching."""

from __future__ import annotations

from tui.widgets.narrow import NarrowedView, name_matcher
from factories import make_job
from ui_rows import ListView, header, wait_for


def list_calls(emulator) -> int:  # noqa: ANN001
    return emulator.calls["ListModelInvocationJobs"]


def arns(table) -> list[str]:  # noqa: ANN001
    return [table.view[index].arn for index in range(table.row_count)]


async def test_rows_narrow_as_you_type_and_esc_restores_them_without_a_list_call(make_app, emulator) -> None:
    app = make_app(kinds=["bedrock"], interval=600.0)
    async with app.run_test(size=(120, 40)) as pilot:
        table = app.table
        await wait_for(pilot, lambda: table.row_count > 0 and app.live.idle)
        await pilot.press("end")  # more than one page loaded: Esc must bring them all back
        await wait_for(pilot, lambda: table.view.all_loaded and app.live.idle, timeout=30)
        before, calls = arns(table), list_calls(emulator)
        await pilot.press("j", "j")
        cursor_job = table.current_job
        word = cursor_job.name.split("-")[0].upper()  # any case

        await pilot.press("slash", *word)
        narrowed = arns(table)
        assert narrowed and len(narrowed) < len(before)
        assert all(word.casefold() in table.view[index].name.casefold() for index in range(table.row_count))
        assert table.current_job is cursor_job  # it matches, so the cursor stays on it
        assert f'loaded names ~ "{word}"' in header(app)
        assert "match · " in table.render_line(table.size.height - 1).text

        await pilot.press("home", "exclamation_mark", "end")  # `!word`: every other row
        assert sorted(arns(table)) == sorted(set(before) - set(narrowed))

        await pilot.press("escape")
        assert arns(table) == before
        assert "loaded names" not in header(app)
        await pilot.pause()
        assert list_calls(emulator) == calls  # typing and Esc fetched nothing


async def test_esc_after_a_service_filter_brings_back_every_loaded_page_and_the_cursor_without_listing_them_again(make_app, emulator) -> None:
    app = make_app(kinds=["bedrock"], interval=600.0)
    async with app.run_test(size=(120, 40)) as pilot:
        table = app.table
        await wait_for(pilot, lambda: table.row_count > 0 and app.live.idle)
        await pilot.press("end")
        await wait_for(pilot, lambda: table.view.all_loaded and app.live.idle, timeout=30)
        before = arns(table)
        assert len(before) > 100  # more than the first page
        word = table.view[len(before) // 2].name.split("-")[0]

        await pilot.press("slash", *word, "enter")  # Enter: the service filters (nameContains)
        await wait_for(pilot, lambda: app.live.engine.filters.name == word and app.live.idle and table.row_count > 1)
        assert len(arns(table)) < len(before)
        calls = list_calls(emulator)
        await pilot.press("j")  # the second match: not the first row once every row is back
        job = table.current_job

        await pilot.press("escape")
        assert app.live.engine.filters.name == ""
        assert arns(table) == before  # at once, before any answer
        assert table.current_job is not None and table.current_job.arn == job.arn  # the cursor kept its job
        await wait_for(pilot, lambda: app.live.idle and list_calls(emulator) > calls)
        assert list_calls(emulator) == calls + 1  # the first page, to bring the rows up to date
        assert set(before) <= set(arns(table))
        assert table.current_job.arn == job.arn


async def test_esc_after_a_service_filter_that_found_a_job_not_loaded_goes_back_to_the_job_before_it(make_app, world) -> None:
    app = make_app(kinds=["bedrock"], interval=600.0)
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.table
        await wait_for(pilot, lambda: table.row_count > 0 and app.live.idle)
        assert not table.view.all_loaded
        await pilot.press("j", "j", "j")
        before = table.current_job
        jobs = world.jobs("bedrock")
        unseen = next(
            job["jobName"] for job in jobs
            if table.view.index_of(job["jobArn"]) is None and sum(job["jobName"] in other["jobName"] for other in jobs) == 1
        )  # fmt: skip

        await pilot.press("slash", *unseen, "enter")  # the service finds it; the loaded rows do not hold it
        await wait_for(pilot, lambda: app.live.engine.filters.name == unseen and app.live.idle and table.row_count > 0)
        await pilot.press("escape")
        assert table.current_job is not None and table.current_job.arn == before.arn


async def test_a_pattern_of_any_characters_is_literal_and_shown_inert(make_app, emulator) -> None:
    app = make_app(kinds=["bedrock"], interval=600.0)
    async with app.run_test(size=(120, 40)) as pilot:
        table = app.table
        await wait_for(pilot, lambda: table.row_count > 0 and app.live.idle)
        await pilot.press("slash", *".*[b]x")
        assert table.row_count == 0
        assert 'loaded names ~ ".*[b]x"' in header(app)
        await pilot.press("escape")
        assert table.row_count > 0


def test_matching_is_literal_case_insensitive_and_negatable() -> None:
    assert name_matcher("NIGHT")("nightly-embeddings")
    assert not name_matcher("!night")("nightly-embeddings") and name_matcher("!night")("daily")
    assert not name_matcher("a.c")("abc") and name_matcher("a.c")("xa.cx")
    jobs = [make_job(number, name=name) for number, name in enumerate(["alpha", "beta", "ALPHABET"])]
    view = NarrowedView(ListView(jobs), "alpha")
    assert [view[i].name for i in range(len(view))] == ["alpha", "ALPHABET"]
    assert view.index_of(jobs[2].arn) == 1 and view.index_of(jobs[1].arn) is None
    assert view.status_line() == "2 match · 3 jobs · all loaded"
