"""The detail screen draws a job's progress history: kept by one run in the cache, read back
by the next, with the rate and ETA over that history and a stall said plainly."""

from __future__ import annotations

import datetime as dt

from textual.app import App

from tui.aws import AwsPool
from tui.cache import JobCache
from tui.clock import fixed_clock
from tui.config import Settings
from tui.live import LiveService
from tui.local import LocalStore
from tui.models import Filters, Job, JobKind, Phase, RecordCounts
from tui.refresh import RefreshEngine
from tui.screens.detail import DetailScreen
from ui_rows import wait_for

SIZE = (120, 40)
SOURCE = "default/us-east-1/bedrock"


class HistoryHost(App[None]):
    """Pushes the detail screen of one job with the history a restarted batchtop reads."""

    def __init__(self, pool: AwsPool, arn: str, local: LocalStore, now: dt.datetime) -> None:
        super().__init__()
        self.pool, self.arn, self.local, self.now = pool, arn, local, now
        self.engine = RefreshEngine(pool.build_sources([], ["us-east-1"], ["bedrock"]), clock=fixed_clock(now))

    async def on_mount(self) -> None:
        page = await self.engine.states[0].source.list_page(Filters())
        job = next(job for job in page.jobs if job.arn == self.arn)
        live = LiveService(self, self.engine, Settings(), fixed_clock(self.now), local=self.local)
        self.push_screen(DetailScreen(job, live))

    async def on_unmount(self) -> None:
        await self.pool.close()


def test_history_survives_a_restart_and_draws_with_a_fixed_clock(snap_compare, emulator, aws_env, world, fixed_now) -> None:
    arn = world.submit(JobKind.BEDROCK, jobName="weekly-embeddings")
    world.set_status(arn, "InProgress", totalRecordCount=50_000, processedRecordCount=21_000, successRecordCount=20_950, errorRecordCount=50)
    ramp = [(minute, (minute + 120) * 280) for minute in range(-120, -47, 4)]
    stuck = [(minute, 21_000) for minute in range(-47, 0, 5)]  # no progress for the last 47 minutes
    moment = {"at": fixed_now}
    earlier = JobCache(clock=lambda: moment["at"])  # a run that watched it for two hours
    for minute, processed in ramp + stuck:
        moment["at"] = fixed_now + dt.timedelta(minutes=minute)
        counts = RecordCounts(50_000, processed, processed - 50, 50)
        earlier.save(SOURCE, [Job(arn, "weekly-embeddings", JobKind.BEDROCK, SOURCE, "InProgress", Phase.RUNNING, records=counts)])
    earlier.close()

    local = LocalStore()  # the next start reads it back
    host = HistoryHost(AwsPool.demo(emulator.endpoint_url, max_attempts=1), arn, local, fixed_now)

    async def described(pilot) -> None:  # noqa: ANN001
        await wait_for(pilot, lambda: isinstance(host.screen, DetailScreen) and host.screen.detail is not None)
        await pilot.pause()

    try:
        assert snap_compare(host, terminal_size=SIZE, run_before=described)
    finally:
        local.close()
