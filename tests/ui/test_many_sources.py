"""Many sources in one app: a job two sources hold is one row, and the counts agree."""

from __future__ import annotations

import os
from collections import Counter

from ui_rows import pane, wait_for



def _two_profiles_of_one_account() -> list[str]:
    """A read-only and an admin profile with the same keys: one account, seen twice."""
    with open(os.environ["AWS_CONFIG_FILE"], "a") as config:
        for name in ("readonly", "admin"):
            config.write(f"[profile {name}]\nregion = us-east-1\naws_access_key_id = AKIAONEACCOUNT\naws_secret_access_key = x\n\n")
    return ["readonly", "admin"]


async def test_a_job_two_profiles_see_is_one_row_in_every_view_and_count(make_app):
    app = make_app(kinds=["bedrock", "segment"], profiles=_two_profiles_of_one_account(), regions=["us-east-1", "eu-west-1"])
    async with app.run_test(size=(160, 50)) as pilot:
        engine = app.engine
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
        engine = app.engine
        await wait_for(pilot, lambda: all(state.feed.started or state.problem for state in engine.states))
        by_profile = {state.key.profile: state for state in engine.states}
        assert by_profile[good].problem is None and len(by_profile[good].feed) > 0
        assert "AWS profile nosuch is not configured (profiles here: admin, readonly)" in by_profile["nosuch"].problem.message
