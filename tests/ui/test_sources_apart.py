"""Sources refresh apart: a source that hangs holds back no other's first page or refresh, and
a source with no active job is listed less often, yet at once on `r`."""

from __future__ import annotations

from collections import Counter

from ui_rows import wait_for

from tui.models import Phase

REGIONS = ["us-east-1", "eu-west-1", "us-west-2"]


def list_calls_by_region(emulator) -> Counter[str]:  # noqa: ANN001
    return Counter(record.region for record in emulator.server.requests if record.operation == "ListModelInvocationJobs")


async def test_a_hanging_endpoint_holds_back_no_other_source(make_app, world, emulator, faults) -> None:
    faults.hang_in = {"eu-west-1"}
    app = make_app(kinds=["bedrock"], regions=REGIONS, engine_options={"call_timeout": 600.0})
    async with app.run_test(size=(160, 50)) as pilot:
        engine = app.live.engine
        by_region = {state.key.region: state for state in engine.states}
        hanging, good = by_region.pop("eu-west-1"), list(by_region.values())
        await wait_for(pilot, lambda: all(state.feed.started for state in good) and app.table.row_count > 0)
        assert hanging.call is not None and not hanging.feed.started  # still waiting for its answer
        assert {job.source for job in app.table.view} == {state.key.id for state in good}  # "All" waits no more

        job = next(job for job in good[0].feed if job.phase is Phase.RUNNING)
        world.set_status(job.arn, "Completed")
        app.live.set_interval_seconds(0.2)  # timed refreshes, while the hanging call is still out
        await wait_for(pilot, lambda: good[0].feed.get(job.arn).phase is Phase.SUCCEEDED)
        view = app.table.view
        assert view[view.index_of(job.arn)].phase is Phase.SUCCEEDED
        assert hanging.call is not None and list_calls_by_region(emulator)["eu-west-1"] == 1  # never two at once
        assert list_calls_by_region(emulator)["us-east-1"] >= 2


async def test_a_source_with_no_active_job_is_listed_less_often_and_at_once_on_r(make_app, world, emulator) -> None:
    for job in world.jobs("bedrock", "eu-west-1"):
        if job["status"] not in ("Completed", "Failed", "Stopped", "PartiallyCompleted", "Expired"):
            world.set_status(job["jobArn"], "Completed")
    now = [0.0]  # the engine's clock: quiet periods pass only when the test says so
    app = make_app(kinds=["bedrock"], regions=REGIONS, engine_options={"monotonic": lambda: now[0]})
    async with app.run_test(size=(160, 50)) as pilot:
        engine = app.live.engine
        quiet = next(state for state in engine.states if state.key.region == "eu-west-1")
        await wait_for(pilot, lambda: app.live.idle)
        assert engine.quiet(quiet) and not any(engine.quiet(state) for state in engine.states if state is not quiet)

        app.live.set_interval_seconds(0.2)
        before = list_calls_by_region(emulator)
        await wait_for(pilot, lambda: list_calls_by_region(emulator)["us-east-1"] >= before["us-east-1"] + 3)
        assert list_calls_by_region(emulator)["eu-west-1"] == before["eu-west-1"]  # its quiet period has not passed

        now[0] += 1.2  # six intervals of 0.2 s: the quiet source is due at the next tick
        await wait_for(pilot, lambda: list_calls_by_region(emulator)["eu-west-1"] == before["eu-west-1"] + 1)

        new = world.submit("bedrock", "eu-west-1")
        app.live.set_interval_seconds(600)
        await wait_for(pilot, lambda: app.live.idle)
        await pilot.press("r")  # every source now, quiet or not
        await wait_for(pilot, lambda: quiet.feed.get(new) is not None)
        assert not engine.quiet(quiet)  # a queued job: listed at every interval again
