"""Many sources in one app: a job two sources hold is one row, and the counts agree."""

from __future__ import annotations

from collections import Counter

from accounts import THREE_PROFILES, write_profiles
from ui_rows import pane, static_text, wait_for

from textual.widgets import Static

from tui.emulator.accounts import account_of
from tui.screens.detail import DetailScreen



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
    one, two = account_of("AKIAACCOUNTONE"), account_of("AKIAACCOUNTTWO")
    assert len({one, two, "123456789012"}) == 3
    app = make_app(kinds=["bedrock", "personalize"], profiles=profiles, regions=["us-east-1", "eu-west-1"])
    async with app.run_test(size=(160, 50)) as pilot:
        engine = app.live.engine
        await wait_for(pilot, lambda: all(state.feed.started for state in engine.states))
        held = {profile: {job.arn for state in engine.states if state.key.profile == profile for job in state.feed}
                for profile in profiles}
        assert held["one-ro"] == held["one-admin"]
        assert {arn.split(":")[4] for arn in held["one-ro"]} == {one}
        assert {arn.split(":")[4] for arn in held["two"]} == {two}
        names = {profile: {job.name for state in engine.states if state.key.profile == profile for job in state.feed}
                 for profile in profiles}
        assert names["one-ro"] != names["two"]  # each account has jobs of its own

        merged = [job.arn for job in engine.view(None)]
        assert len(merged) == len(set(merged))
        engine.set_sort("name", False)
        every = [job.arn for job in engine.view(None)]
        assert sorted(every) == sorted(held["one-ro"] | held["two"])

        job = next(job for job in engine.view(None) if two in job.arn and ":bedrock:" in job.arn)
        detail = await engine.source_for(job).describe(job.arn)  # the account's ARN goes back in
        assert detail.job.arn == job.arn and detail.job.name == job.name


async def test_three_profiles_of_two_accounts_name_each_row_s_account_and_a_shared_job_s_profiles(make_app):
    profiles = write_profiles(THREE_PROFILES)
    one, two = account_of("AKIAACCOUNTONE"), account_of("AKIAACCOUNTTWO")
    app = make_app(kinds=["bedrock", "personalize"], profiles=profiles, regions=["us-east-1", "eu-west-1"])
    async with app.run_test(size=(200, 50)) as pilot:
        engine = app.live.engine
        await wait_for(pilot, lambda: all(state.feed.started for state in engine.states))
        await wait_for(pilot, lambda: "ACCOUNT" in app.table.render_line(0).text)
        view = app.table.view
        header = app.table.render_line(0).text
        start = header.index("ACCOUNT")
        shown = [app.table.render_line(y).text[start : start + 12] for y in range(1, 40)]
        assert {one, two} <= set(shown)
        for y, cell in enumerate(shown, start=1):
            job = view[y - 1]
            assert cell == job.arn.split(":")[4]  # each row its own account

        shared = next(index for index, job in enumerate(view) if f":{one}:" in job.arn)
        app.table.cursor = shared
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, DetailScreen))
        identity = app.screen.query_one("#identity", Static)
        await wait_for(pilot, lambda: "Seen by" in static_text(identity))
        region = view[shared].arn.split(":")[3]
        assert f"one-ro · {region}" in static_text(identity) and f"one-admin · {region}" in static_text(identity)
        assert "two ·" not in static_text(identity)

        await pilot.press("escape")
        only = next(index for index, job in enumerate(view) if f":{two}:" in job.arn)
        app.table.cursor = only
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, DetailScreen))
        identity = app.screen.query_one("#identity", Static)
        assert "Seen by" not in static_text(identity) and "two" in static_text(identity)
