"""SageMaker transform jobs in the monitor: the pane counts them by phase, the table shows one row
per job, `x` stops one after confirmation, and the detail screen shows every describe field."""

from __future__ import annotations

from collections import Counter

from tui.dialogs import ConfirmStopScreen
from tui.models import JobKind, Phase, phase_of
from tui.screens.detail import DetailScreen
from tui.widgets.source_list import SourceList
from ui_rows import pane, wait_for


def first_page_counts(world) -> Counter:  # noqa: ANN001
    return Counter(phase_of(item["TransformJobStatus"]) for item in world.jobs("sagemaker")[:100])


async def test_the_pane_shows_the_new_kind_with_its_phase_counts(make_app, world) -> None:
    app = make_app()  # every kind: SageMaker is one of "all"
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.table.row_count > 0 and app.live.idle)
        rows = app.screen.query_one(SourceList).rows
        sagemaker = next(row for row in rows if row.key is not None and row.key.kind is JobKind.SAGEMAKER)
        expected = first_page_counts(world)
        assert sagemaker.title.startswith("SageMaker transform") and sagemaker.loaded == 100
        assert {phase: count for phase, count in sagemaker.counts.items() if count} == dict(expected)
        text = pane(app)
        assert "SageMaker transform" in text
        assert f"{expected[Phase.RUNNING]} running · {expected[Phase.FAILED]} failed" in text
        await pilot.press(str(1 + rows.index(sagemaker)))
        table = app.table
        await wait_for(pilot, lambda: table.row_count == 100)
        arns = [table.view[index].arn for index in range(table.row_count)]
        assert arns == [item["TransformJobArn"] for item in world.jobs("sagemaker")[:100]]  # one row each


async def test_x_stops_a_transform_job_after_confirmation(make_app, world, emulator) -> None:
    app = make_app(kinds=["sagemaker"], allow_stop=True)
    async with app.run_test(size=(120, 40)) as pilot:
        table = app.table
        await wait_for(pilot, lambda: table.row_count > 0 and app.live.idle)
        table.cursor = next(i for i in range(table.row_count) if table.view[i].phase is Phase.RUNNING)
        job = table.current_job
        await pilot.press("x")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmStopScreen))
        assert emulator.calls["StopTransformJob"] == 0  # nothing happens before the answer
        await pilot.press("y")
        await wait_for(pilot, lambda: emulator.calls["StopTransformJob"] == 1)
        status = next(item["TransformJobStatus"] for item in world.jobs("sagemaker") if item["TransformJobArn"] == job.arn)
        assert status == "Stopping"
        await pilot.press("r")
        await wait_for(pilot, lambda: table.view[table.view.index_of(job.arn)].phase is Phase.STOPPING)


def test_detail_snapshot_of_a_failed_transform_job(snap_compare, make_app, world) -> None:
    app = make_app(kinds=["sagemaker"])
    loaded = world.jobs("sagemaker")[:100]  # the first page: the row is in the table
    failed = max((item for item in loaded if item["TransformJobStatus"] == "Failed"), key=len)  # the most fields

    async def described(pilot) -> None:  # noqa: ANN001
        table = app.table
        await wait_for(pilot, lambda: table.row_count > 0 and app.live.idle)
        table.cursor = table.view.index_of(failed["TransformJobArn"])
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, DetailScreen) and app.screen.detail is not None)
        await pilot.pause()

    assert snap_compare(app, terminal_size=(120, 50), run_before=described)
