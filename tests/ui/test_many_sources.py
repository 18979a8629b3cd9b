"""Many sources in one app: a job two sources hold is one row, and the counts agree."""

from __future__ import annotations

import json
from collections import Counter

from accounts import THREE_PROFILES, write_profiles
from ui_rows import palette_choice, pane, static_text, wait_for

from textual.widgets import Input, Static

from tui.dialogs import ExportScreen
from tui.emulator.accounts import account_of
from tui.screens.detail import DetailScreen
from tui.widgets.source_list import Group, SourceList

ONE, TWO = account_of("AKIAACCOUNTONE"), account_of("AKIAACCOUNTTWO")
"""The accounts of THREE_PROFILES' keys on the emulator (one-ro and one-admin share ONE)."""


def _two_profiles_of_one_account() -> list[str]:
    """A read-only and an admin profile with the same keys: one account, seen twice."""
    return write_profiles({"readonly": "AKIAONEACCOUNT", "admin": "AKIAONEACCOUNT"})


async def test_a_job_two_profiles_see_is_one_row_in_every_view_and_count(make_app):
    app = make_app(kinds=["bedrock", "segment"], profiles=_two_profiles_of_one_account(), regions=["us-east-1", "eu-west-1"])
    async with app.run_test(size=(160, 50)) as pilot:
        engine = app.live.engine
        await wait_for(pilot, lambda: all(state.feed.started for state in engine.states) and len(app.table.view or []) > 0)
        merged = engine.view(None)
        arns = [job.arn for job in merged]
        assert len(arns) == len(set(arns)) > 0
        held = {job.arn for state in engine.states for job in state.feed}
        assert sum(len(state.feed) for state in engine.states) == 2 * len(held)  # every job is held twice
        assert sum(merged.counts.values()) == len(merged)
        all_row = pane(app).splitlines()
        assert any(f"{len(merged):,}" in line for line in all_row)

        engine.set_sort("name", False)  # the client-sorted view holds every loaded job
        by_name = engine.view(None)
        arns = [job.arn for job in by_name]
        assert Counter(arns).most_common(1)[0][1] == 1
        assert set(arns) == held
        assert sum(by_name.counts.values()) == len(held)
        assert by_name.index_of(arns[5]) == 5



async def test_an_unknown_profile_among_good_ones_is_a_failing_source_with_its_fix(make_app):
    good = _two_profiles_of_one_account()[0]
    app = make_app(kinds=["bedrock"], profiles=[good, "nosuch"], regions=["us-east-1"])
    async with app.run_test(size=(160, 50)) as pilot:
        engine = app.live.engine
        await wait_for(pilot, lambda: all(state.feed.started or state.problem for state in engine.states))
        by_profile = {state.key.profile: state for state in engine.states}
        assert by_profile[good].problem is None and len(by_profile[good].feed) > 0
        assert "AWS profile nosuch is not configured (profiles here: admin, readonly)" in by_profile["nosuch"].problem.message


async def test_three_profiles_of_two_accounts_show_each_account_s_jobs_once(make_app):
    profiles = write_profiles(THREE_PROFILES)
    assert len({ONE, TWO, "123456789012"}) == 3
    app = make_app(kinds=["bedrock", "personalize"], profiles=profiles, regions=["us-east-1", "eu-west-1"])
    async with app.run_test(size=(160, 50)) as pilot:
        engine = app.live.engine
        await wait_for(pilot, lambda: all(state.feed.started for state in engine.states))
        held = {profile: {job.arn for state in engine.states if state.key.profile == profile for job in state.feed}
                for profile in profiles}
        assert held["one-ro"] == held["one-admin"]
        assert {arn.split(":")[4] for arn in held["one-ro"]} == {ONE}
        assert {arn.split(":")[4] for arn in held["two"]} == {TWO}
        names = {profile: {job.name for state in engine.states if state.key.profile == profile for job in state.feed}
                 for profile in profiles}
        assert names["one-ro"] != names["two"]  # each account has jobs of its own

        merged = [job.arn for job in engine.view(None)]
        assert len(merged) == len(set(merged))
        engine.set_sort("name", False)
        every = [job.arn for job in engine.view(None)]
        assert sorted(every) == sorted(held["one-ro"] | held["two"])

        job = next(job for job in engine.view(None) if TWO in job.arn and ":bedrock:" in job.arn)
        detail = await engine.source_for(job).describe(job.arn)  # the account's ARN goes back in
        assert detail.job.arn == job.arn and detail.job.name == job.name


async def test_three_profiles_of_two_accounts_name_each_row_s_account_and_a_shared_job_s_profiles(make_app):
    profiles = write_profiles(THREE_PROFILES)
    app = make_app(kinds=["bedrock", "personalize"], profiles=profiles, regions=["us-east-1", "eu-west-1"])
    async with app.run_test(size=(200, 50)) as pilot:
        engine = app.live.engine
        await wait_for(pilot, lambda: all(state.feed.started for state in engine.states))
        await wait_for(pilot, lambda: "ACCOUNT" in app.table.render_line(0).text)
        view = app.table.view
        header = app.table.render_line(0).text
        start = header.index("ACCOUNT")
        shown = [app.table.render_line(y).text[start : start + 12] for y in range(1, 40)]
        assert {ONE, TWO} <= set(shown)
        for y, cell in enumerate(shown, start=1):
            job = view[y - 1]
            assert cell == job.arn.split(":")[4]  # each row its own account

        shared = next(index for index, job in enumerate(view) if f":{ONE}:" in job.arn)
        app.table.cursor = shared
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, DetailScreen))
        identity = app.screen.query_one("#identity", Static)
        await wait_for(pilot, lambda: "Seen by" in static_text(identity))
        region = view[shared].arn.split(":")[3]
        assert f"one-ro · {region}" in static_text(identity) and f"one-admin · {region}" in static_text(identity)
        assert "two ·" not in static_text(identity)

        await pilot.press("escape")
        only = next(index for index, job in enumerate(view) if f":{TWO}:" in job.arn)
        app.table.cursor = only
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, DetailScreen))
        identity = app.screen.query_one("#identity", Static)
        assert "Seen by" not in static_text(identity) and "two" in static_text(identity)


def three_profiles_app(make_app):  # noqa: ANN001, ANN201
    """3 profiles of 2 accounts × 2 regions × 2 kinds: 12 sources, the pane grouped."""
    profiles = write_profiles(THREE_PROFILES)
    return make_app(kinds=["bedrock", "personalize"], profiles=profiles, regions=["us-east-1", "eu-west-1"])


def headers(source_list: SourceList) -> list[str]:
    return [item.title for item in source_list.items if isinstance(item, Group)]


async def test_the_pane_groups_sources_by_profile_and_region_and_groups_close_and_open_by_key(make_app, emulator):
    app = three_profiles_app(make_app)
    async with app.run_test(size=(120, 40)) as pilot:
        engine = app.live.engine
        await wait_for(pilot, lambda: all(state.feed.started for state in engine.states) and app.live.idle)
        sources = app.screen.query_one(SourceList)
        await wait_for(pilot, lambda: f"two · {TWO}" in headers(sources))
        assert headers(sources) == [f"one-ro · {ONE}", "us-east-1", "eu-west-1", f"one-admin · {ONE}", "us-east-1",
                                    "eu-west-1", f"two · {TWO}", "us-east-1", "eu-west-1"]
        assert f"− one-ro · {ONE}" in pane(app)

        await pilot.press("tab")
        assert sources.has_focus
        await pilot.press("down", "enter")  # the one-ro header: closed, its four sources gone from the pane
        assert sources.collapsed == {("profile", "one-ro")}
        assert not {1, 2, 3, 4} & set(sources.items) and 5 in sources.items
        assert f"+ one-ro · {ONE}" in pane(app) and "Bedrock invocation" in pane(app)

        calls = sum(emulator.calls.values())
        await pilot.press("r")  # a refresh keeps it closed
        await wait_for(pilot, lambda: sum(emulator.calls.values()) > calls and app.live.idle)
        await pilot.pause()
        assert sources.collapsed == {("profile", "one-ro")} and sources.highlighted == sources.items[1]

        await pilot.press("right", "right", "right", "left")  # open, to us-east-1, to its first source, back to us-east-1
        assert sources.collapsed == set() and sources.highlighted == sources.items[2]
        await pilot.press("left", "space")  # us-east-1 closed, then opened
        assert sources.collapsed == set()
        await pilot.press("left")
        assert sources.collapsed == {("region", "one-ro", "us-east-1")}

        await pilot.press("2")  # a source inside a closed group, picked by its number: the group opens
        assert sources.shown == 1 and sources.collapsed == set() and app.table.view is engine.view(engine.states[0].key)
        assert sources.has_focus and sources.highlighted == 1  # the cursor follows the source shown
        await pilot.press("down", "space")  # on a source, Space closes its group
        assert sources.collapsed == {("region", "one-ro", "us-east-1")}

        await pilot.press("ctrl+p", *"close every")
        await wait_for(pilot, lambda: palette_choice(app) == "Close every source group")
        await pilot.press("enter")
        await wait_for(pilot, lambda: len(sources.collapsed) == 9)
        assert sources.items == [0, *(item for item in sources.items if isinstance(item, Group))]
        assert [item.depth for item in sources.items[1:]] == [0, 0, 0]  # one header per profile


def test_snapshot_of_the_grouped_source_pane(snap_compare, make_app) -> None:
    """Three profiles of two accounts: one profile closed, one region of another closed.
    Bedrock only, each source's jobs in one page: how far a source paged while the app
    started (which depends on the machine's load) cannot change the picture."""
    app = make_app(kinds=["bedrock"], profiles=write_profiles(THREE_PROFILES), regions=["us-east-1", "eu-west-1"],
                   page_size=1000)

    async def grouped(pilot) -> None:  # noqa: ANN001
        engine = app.live.engine
        await wait_for(pilot, lambda: all(state.feed.all_loaded for state in engine.states) and app.live.idle)
        sources = app.screen.query_one(SourceList)
        await wait_for(pilot, lambda: all(" · " in title for title in headers(sources)[::3]))
        await pilot.press("tab", "down", "enter", "down", "down", "left")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(120, 40), run_before=grouped)


async def test_the_export_of_three_profiles_holds_each_job_once_with_its_account(make_app, tmp_path):
    app = three_profiles_app(make_app)
    async with app.run_test(size=(120, 40)) as pilot:
        engine = app.live.engine
        await wait_for(pilot, lambda: all(state.feed.started for state in engine.states) and app.live.idle)
        shown = [job.arn for job in app.table.view]
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ExportScreen))
        target = tmp_path / "jobs.json"
        app.screen.query_one("#export-path", Input).value = str(target)
        await pilot.press("enter")
        await wait_for(pilot, lambda: not isinstance(app.screen, ExportScreen) and target.exists())
        rows = json.loads(target.read_text(encoding="utf-8"))
        assert [row["arn"] for row in rows] == shown and len(set(shown)) == len(shown)
        assert {row["account"] for row in rows} == {ONE, TWO}
        assert sum(app.table.view.counts.values()) == len(rows)  # the All pane's count


async def test_many_sources_open_with_one_closed_header_per_profile(make_app):
    """3 profiles × 3 regions × 3 kinds = 27 sources: the pane opens with a header per profile
    (its account and counts), every source a key press away."""
    profiles = write_profiles(THREE_PROFILES)
    app = make_app(kinds=["bedrock", "personalize", "segment"], profiles=profiles,
                   regions=["us-east-1", "eu-west-1", "us-west-2"])
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: all(state.feed.started for state in app.live.engine.states) and app.live.idle)
        sources = app.screen.query_one(SourceList)
        assert sources.collapsed == {("profile", name) for name in profiles}
        assert [item for item in sources.items if not isinstance(item, Group)] == [0]
        assert [item.title.split(" · ")[0] for item in sources.items[1:]] == profiles
        await pilot.press("tab", "down", "down", "right")  # the second profile opens
        assert sources.collapsed == {("profile", profiles[0]), ("profile", profiles[2])}
        await pilot.press("5")  # a source of a closed profile, picked by its number: shown, its group open
        assert sources.shown == 4 and sources.collapsed == {("profile", profiles[2])}


async def test_home_end_and_pages_move_the_sources_selection_and_tab_shows_a_hidden_pane(make_app) -> None:
    app = three_profiles_app(make_app)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.table.row_count > 0 and app.live.idle)
        sources = app.screen.query_one(SourceList)
        assert not sources.parent.display  # hidden under 100 columns
        await pilot.press("tab")
        assert sources.parent.display and sources.has_focus
        await pilot.press("end")
        await pilot.pause()
        assert sources.highlighted == sources.items[-1] != sources.items[0]
        assert sources.parent.scroll_offset.y > 0  # scrolled to it
        await pilot.press("home")
        await pilot.pause()
        assert sources.highlighted == sources.items[0] and sources.parent.scroll_offset.y == 0
        await pilot.press("pagedown")
        assert sources.items.index(sources.highlighted) > 1
