"""The detail screen against the emulator over HTTP: summary first, then the describe result;
errors in place of details; live re-describe with rate and ETA; copy, console URL and stop."""

from __future__ import annotations

import asyncio
import datetime as dt
import json

import pytest
from textual.app import App
from textual.binding import Binding
from textual.widgets import Static

from tui.aws import AwsPool
from tui.config import Settings
from tui.live import LiveService
from tui.dialogs import ConfirmStopScreen
from tui.emulator import World
from tui.models import Job, JobDetail, JobKind, Phase
from tui.refresh import RefreshEngine
from tui.screens import detail as detail_module
from tui.screens.detail import DetailScreen
from tui.screens.help import HelpScreen
from tui.models import Filters
from tui.output import ARN_REFUSED
from ui_rows import static_text, wait_for

SIZE = (120, 40)
NOW = dt.datetime(2025, 6, 1, 12, 0, tzinfo=dt.timezone.utc)
HOSTILE_NAME = "[bold red]nightly[/] \x1b[31membed\x1b]52;c;cHduZWQ=\x07 \u202eredro-batch"
HOSTILE_MESSAGE = (
    "[link=https://evil.example]Click[/link] \x1b[2J\x1b[31mValidation failed\x1b[0m "
    "\x1b]52;c;cHduZWQ=\x07\u202egnp.exe\u202c for 3 records.\n"
    + "The input file s3://acme-ml-batch/in/records.jsonl has malformed records; " * 27
)[:2000]


@pytest.fixture
def world() -> World:
    """A small hostile world, frozen at NOW (overrides the shared fixture for this module)."""
    return World(jobs_per_kind=12, seed=3, speed=0, now=NOW, hostile=True)


@pytest.fixture
def failed_arn(world: World) -> str:
    arn = world.submit(
        JobKind.BEDROCK,
        jobName=HOSTILE_NAME,
        vpcConfig={"subnetIds": ["subnet-0a1b2c3d", "subnet-4e5f6a7b"], "securityGroupIds": ["sg-0123abcd"]},
        jobExpirationTime="2025-06-02T12:00:00.000Z",
    )
    world.set_status(
        arn,
        "Failed",
        message=HOSTILE_MESSAGE,
        totalRecordCount=2000,
        processedRecordCount=700,
        successRecordCount=650,
        errorRecordCount=50,
    )
    return arn


@pytest.fixture
def running_arn(world: World) -> str:
    arn = world.submit(JobKind.BEDROCK, jobName="weekly-embeddings")
    world.set_status(arn, "InProgress", totalRecordCount=10_000, processedRecordCount=1_000)
    return arn


class MutableClock:
    def __init__(self, at: dt.datetime) -> None:
        self.at = at

    def __call__(self) -> dt.datetime:
        return self.at


class DetailHost(App[None]):
    """Finds the job in the first Bedrock page (a real summary row) and pushes its detail."""

    def __init__(self, pool: AwsPool, arn: str, *, job: Job | None = None, clock=None, allow_stop: bool = False) -> None:  # noqa: ANN001
        super().__init__()
        self.pool = pool
        self.engine = RefreshEngine(pool.build_sources([], ["us-east-1"], ["bedrock"]), clock=lambda: NOW)
        self.arn = arn
        self.job = job
        self.clock = clock or MutableClock(NOW)
        self.allow_stop = allow_stop
        self.dismissed = 0
        self.notices: list[str] = []
        self.live: LiveService | None = None

    def notify(self, message: str, **options: object) -> None:  # type: ignore[override]
        self.notices.append(message)
        super().notify(message, **options)  # type: ignore[arg-type]

    async def on_mount(self) -> None:
        if self.job is None:
            page = await self.engine.states[0].source.list_page(Filters())
            self.job = next(job for job in page.jobs if job.arn == self.arn)
        self.live = LiveService(self, self.engine, Settings(allow_stop=self.allow_stop), self.clock)
        screen = DetailScreen(self.job, self.live)
        self.push_screen(screen, lambda _result: setattr(self, "dismissed", self.dismissed + 1))

    async def on_unmount(self) -> None:
        await self.pool.close()

    @property
    def detail(self) -> DetailScreen:
        screen = self.screen
        assert isinstance(screen, DetailScreen)
        return screen


def make_host(emulator, arn: str, **options: object) -> DetailHost:  # noqa: ANN001
    return DetailHost(AwsPool.demo(emulator.endpoint_url, max_attempts=1), arn, **options)  # type: ignore[arg-type]


def text_of(static: Static) -> str:
    return static_text(static, SIZE[0])


async def detail_shown(pilot, host: DetailHost) -> None:  # noqa: ANN001
    await wait_for(pilot, lambda: isinstance(host.screen, DetailScreen) and host.detail.detail is not None)
    await pilot.pause()


# -- snapshot ----------------------------------------------------------------------------------


def test_detail_snapshot_of_a_hostile_failed_job(snap_compare, emulator, aws_env, failed_arn) -> None:
    host = make_host(emulator, failed_arn)

    async def described(pilot) -> None:  # noqa: ANN001
        await detail_shown(pilot, host)

    assert snap_compare(host, terminal_size=SIZE, run_before=described)


# -- describe ----------------------------------------------------------------------------------


async def test_summary_shows_at_once_then_describe_replaces_the_loading_line(emulator, aws_env, failed_arn, monkeypatch) -> None:
    summary = Job(
        arn=failed_arn,
        name=HOSTILE_NAME,
        kind=JobKind.BEDROCK,
        source="default/us-east-1/bedrock",
        status="Failed",
        phase=Phase.FAILED,
        message=HOSTILE_MESSAGE,
    )
    host = make_host(emulator, failed_arn, job=summary)
    source = host.engine.states[0].source
    describe, answer = source.describe, asyncio.Event()

    async def slow_describe(arn: str) -> JobDetail:
        """The describe (over HTTP as ever) lands only once the summary has been checked."""
        await answer.wait()
        return await describe(arn)

    monkeypatch.setattr(source, "describe", slow_describe)
    async with host.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(host.screen, DetailScreen))
        await pilot.pause()
        screen = host.detail
        assert screen.detail is None
        assert "loading details…" in text_of(screen.query_one("#detail-state", Static))
        assert not screen.query_one("#all-fields").display
        status = text_of(screen.query_one("#status", Static))
        assert "✖ failed" in status and "[link=https://evil.example]Click[/link]" in status
        assert failed_arn in text_of(screen.query_one("#identity", Static))
        answer.set()
        await detail_shown(pilot, host)
        state = text_of(screen.query_one("#detail-state", Static))
        assert "loading" not in state and "described 12:00:00 UTC" in state
        assert screen.query_one("#all-fields").display
        data = text_of(screen.query_one("#data", Static))
        assert "subnet-0a1b2c3d, subnet-4e5f6a7b" in data and "sg-0123abcd" in data
        assert "s3://" in data
        records = text_of(screen.query_one("#records", Static))
        assert "35.0%" in records and "700 of 2,000 processed · 650 succeeded · 50 failed" in records


async def test_hostile_strings_render_literally_without_escapes(emulator, aws_env, failed_arn) -> None:
    host = make_host(emulator, failed_arn)
    async with host.run_test(size=SIZE) as pilot:
        await detail_shown(pilot, host)
        everything = "".join(text_of(static) for static in host.detail.query(Static))
        assert "\x1b" not in everything and "\u202e" not in everything and "\x07" not in everything
        assert "[bold red]nightly[/] embed" in everything
        assert "Validation failed" in everything
        message = text_of(host.detail.query_one("#status", Static))
        assert message.count("malformed records") >= 20  # all 2,000 characters, wrapped
        assert max(len(line) for line in message.splitlines()) <= SIZE[0]


async def test_describe_not_found_keeps_the_summary_and_says_why(emulator, aws_env) -> None:
    ghost = Job(
        arn="arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/zzzzzzzzzzzz",
        name="gone-job",
        kind=JobKind.BEDROCK,
        source="default/us-east-1/bedrock",
        status="InProgress",
        phase=Phase.RUNNING,
        created=NOW - dt.timedelta(hours=1),
    )
    host = make_host(emulator, ghost.arn, job=ghost)
    async with host.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(host.screen, DetailScreen) and host.detail.problem is not None)
        screen = host.detail
        assert screen.problem.kind == "not_found"
        state = text_of(screen.query_one("#detail-state", Static))
        assert "Details unavailable: Not found" in state and "r tries again" in state
        assert "gone-job" in text_of(screen.query_one("#identity", Static))
        assert "▶ running" in text_of(screen.query_one("#status", Static))
        assert not screen.will_describe_again  # not transient: no retry loop


async def test_access_denied_and_throttling_show_the_error(emulator, aws_env, faults, failed_arn, monkeypatch) -> None:
    monkeypatch.setattr(detail_module, "REDESCRIBE_SECONDS", 0.05)
    host = make_host(emulator, failed_arn)
    async with host.run_test(size=SIZE) as pilot:
        await detail_shown(pilot, host)
        screen = host.detail
        faults.denied = {("bedrock", "us-east-1")}
        screen.action_describe_now()
        await wait_for(pilot, lambda: screen.problem is not None)
        assert screen.problem.kind == "access_denied"
        state = text_of(screen.query_one("#detail-state", Static))
        assert state.startswith("Details unavailable:")
        assert screen.query_one("#all-fields").display  # the last good details stay on screen
        faults.denied = set()
        faults.throttle_every = 1
        screen.action_describe_now()
        await wait_for(pilot, lambda: screen.problem is not None and screen.problem.kind == "throttled")
        assert "Details unavailable" in text_of(screen.query_one("#detail-state", Static))


async def test_running_job_re_describes_itself_and_measures_rate_and_eta(emulator, aws_env, world, running_arn, monkeypatch) -> None:
    monkeypatch.setattr(detail_module, "REDESCRIBE_SECONDS", 0.05)
    clock = MutableClock(NOW)
    host = make_host(emulator, running_arn, clock=clock)
    async with host.run_test(size=SIZE) as pilot:
        await detail_shown(pilot, host)
        screen = host.detail
        assert "measuring" in text_of(screen.query_one("#records", Static))
        calls = emulator.calls["GetModelInvocationJob"]
        # no describe in flight: its answer (the old count) must not land after the clock moved
        await wait_for(pilot, lambda: not screen.describing)
        clock.at = NOW + dt.timedelta(seconds=100)
        world.set_status(running_arn, "InProgress", processedRecordCount=2_000)
        await wait_for(pilot, lambda: "records/s" in text_of(screen.query_one("#records", Static)))
        records = text_of(screen.query_one("#records", Static))
        assert "10.0 records/s" in records  # 1,000 more records in 100 s
        assert "ETA" in records and "13m" in records  # 8,000 left at 10/s
        assert emulator.calls["GetModelInvocationJob"] > calls
        world.set_status(running_arn, "Completed", processedRecordCount=10_000)
        await wait_for(pilot, lambda: screen.job.phase is Phase.SUCCEEDED)
        await pilot.pause(0.2)
        await wait_for(pilot, lambda: not screen.describing)
        finished = emulator.calls["GetModelInvocationJob"]
        await pilot.pause(0.3)
        assert emulator.calls["GetModelInvocationJob"] == finished  # terminal: no more describes
        assert not screen.will_describe_again


async def test_covered_screen_stops_describing_until_it_shows_again(emulator, aws_env, running_arn, monkeypatch) -> None:
    monkeypatch.setattr(detail_module, "REDESCRIBE_SECONDS", 0.05)
    host = make_host(emulator, running_arn)
    async with host.run_test(size=SIZE) as pilot:
        await detail_shown(pilot, host)
        screen = host.detail
        host.push_screen(HelpScreen())
        # The push is immediate, the suspend an event the detail screen handles later: until it
        # has (its timer paused) and the describe in flight has landed, a describe may still start.
        await wait_for(pilot, lambda: screen.covered and not screen.describing)
        covered = emulator.calls["GetModelInvocationJob"]
        await pilot.pause(0.4)
        assert emulator.calls["GetModelInvocationJob"] == covered
        await pilot.press("escape")
        await wait_for(pilot, lambda: emulator.calls["GetModelInvocationJob"] > covered)


async def test_a_job_that_finished_while_covered_shows_as_finished_on_return(emulator, aws_env, world, running_arn, monkeypatch) -> None:
    """Not after the rest of the paused wait: what the screen shows when it is back is true now."""
    monkeypatch.setattr(detail_module, "REDESCRIBE_SECONDS", 600)
    host = make_host(emulator, running_arn)
    async with host.run_test(size=SIZE) as pilot:
        await detail_shown(pilot, host)
        screen = host.detail
        await wait_for(pilot, lambda: screen.will_describe_again and not screen.describing)
        host.push_screen(HelpScreen())
        await wait_for(pilot, lambda: screen.covered)
        world.set_status(running_arn, "Completed", processedRecordCount=10_000)
        await pilot.press("escape")
        await wait_for(pilot, lambda: screen.job.phase is Phase.SUCCEEDED)


# -- keys --------------------------------------------------------------------------------------


async def test_copy_keys_and_back(emulator, aws_env, failed_arn) -> None:
    host = make_host(emulator, failed_arn)
    async with host.run_test(size=SIZE) as pilot:
        await detail_shown(pilot, host)
        await pilot.press("c")
        assert host.clipboard == failed_arn
        await pilot.press("y")
        document = json.loads(host.clipboard)
        assert document["jobArn"] == failed_arn and document["message"] == HOSTILE_MESSAGE
        await pilot.press("o")
        assert host.clipboard.startswith("https://us-east-1.console.aws.amazon.com/bedrock/home?region=us-east-1")
        await pilot.press("backspace")
        await pilot.pause()
        assert host.dismissed == 1 and not isinstance(host.screen, DetailScreen)


async def test_copy_json_falls_back_to_the_summary_and_escape_goes_back(emulator, aws_env, faults, failed_arn) -> None:
    faults.denied = {("bedrock", "us-east-1")}
    summary = Job(arn=failed_arn, name="x", kind=JobKind.BEDROCK, source="default/us-east-1/bedrock", status="Failed", phase=Phase.FAILED)
    host = make_host(emulator, failed_arn, job=summary)
    async with host.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(host.screen, DetailScreen) and host.detail.problem is not None)
        await pilot.press("y")
        assert json.loads(host.clipboard)["arn"] == failed_arn
        await pilot.press("escape")
        await pilot.pause()
        assert host.dismissed == 1


async def test_c_refuses_an_arn_that_is_not_well_formed_and_y_copies_it_inert(emulator, aws_env) -> None:
    hostile_arn = "arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/abc\n`rm -rf ~`\x1b]52;c;ZXZpbA==\x07\u202e"
    summary = Job(arn=hostile_arn, name="x", kind=JobKind.BEDROCK, source="default/us-east-1/bedrock", status="Failed", phase=Phase.FAILED)
    host = make_host(emulator, hostile_arn, job=summary)
    async with host.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(host.screen, DetailScreen))
        await pilot.press("c")
        await wait_for(pilot, lambda: ARN_REFUSED in host.notices)
        assert not host.clipboard
        await pilot.press("y")
        await wait_for(pilot, lambda: bool(host.clipboard))
        assert not any(char in host.clipboard for char in "\x1b\x07\u202e\r")  # escaped, not raw
        assert json.loads(host.clipboard)["arn"] == hostile_arn


class QuittingHost(DetailHost):
    BINDINGS = [Binding("ctrl+c", "quit", "Quit", show=False, system=True)]  # as BatchtopApp's


async def test_q_goes_back_and_ctrl_c_quits(emulator, aws_env, failed_arn) -> None:
    host = QuittingHost(AwsPool.demo(emulator.endpoint_url, max_attempts=1), failed_arn)
    async with host.run_test(size=SIZE) as pilot:
        await detail_shown(pilot, host)
        await pilot.press("q")
        await wait_for(pilot, lambda: host.dismissed == 1)
        assert host.is_running and not isinstance(host.screen, DetailScreen)
        host.push_screen(DetailScreen(host.job, host.live))
        await detail_shown(pilot, host)
        await pilot.press("ctrl+c")
        await wait_for(pilot, lambda: not host.is_running)
        assert host.return_code == 0


async def test_question_mark_opens_the_help_over_the_detail_and_esc_comes_back(emulator, aws_env, failed_arn) -> None:
    host = QuittingHost(AwsPool.demo(emulator.endpoint_url, max_attempts=1), failed_arn)
    async with host.run_test(size=SIZE) as pilot:
        await detail_shown(pilot, host)
        detail = host.screen
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(host.screen, HelpScreen))
        await pilot.press("escape")
        await wait_for(pilot, lambda: host.screen is detail)
        assert host.dismissed == 0


def footer_keys(screen: DetailScreen) -> dict[str, str]:
    """The keys the footer shows, with their action."""
    return {key: active.binding.action for key, active in screen.active_bindings.items() if active.binding.show}


async def test_the_footer_offers_stop_only_when_stop_is_enabled(emulator, aws_env, running_arn) -> None:
    for allow_stop in (False, True):
        host = make_host(emulator, running_arn, allow_stop=allow_stop)
        async with host.run_test(size=SIZE) as pilot:
            await detail_shown(pilot, host)
            assert ("x" in footer_keys(host.detail)) is allow_stop
            assert footer_keys(host.detail)["q"] == "back"


# -- stop --------------------------------------------------------------------------------------


def wire_status(world: World, arn: str) -> str:
    return next(job["status"] for job in world.jobs(JobKind.BEDROCK) if job["jobArn"] == arn)


async def test_stop_without_allow_stop_says_how_and_stops_nothing(emulator, aws_env, world, running_arn) -> None:
    host = make_host(emulator, running_arn)
    async with host.run_test(size=SIZE) as pilot:
        await detail_shown(pilot, host)
        await pilot.press("x")
        await pilot.pause()
        assert not isinstance(host.screen, ConfirmStopScreen)
        assert any("--allow-stop" in notice for notice in host.notices)
        assert wire_status(world, running_arn) == "InProgress"
        assert emulator.calls["StopModelInvocationJob"] == 0


async def test_stop_confirmed_stops_the_job_and_cancel_does_not(emulator, aws_env, world, running_arn) -> None:
    host = make_host(emulator, running_arn, allow_stop=True)
    async with host.run_test(size=SIZE) as pilot:
        await detail_shown(pilot, host)
        await pilot.press("x")
        await wait_for(pilot, lambda: isinstance(host.screen, ConfirmStopScreen))
        await pilot.press("n")
        await pilot.pause()
        assert wire_status(world, running_arn) == "InProgress"
        await pilot.press("x")
        await wait_for(pilot, lambda: isinstance(host.screen, ConfirmStopScreen))
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(host.screen, DetailScreen) and host.detail.job.phase is Phase.STOPPING)
        assert wire_status(world, running_arn) == "Stopping"
        assert emulator.calls["StopModelInvocationJob"] == 1
        assert any("Stop requested" in notice for notice in host.notices)


def test_detail_snapshot_of_a_running_job_with_rate_and_eta(snap_compare, emulator, aws_env, world) -> None:
    arn = world.submit(JobKind.BEDROCK, jobName="weekly-embeddings", jobExpirationTime="2025-06-01T12:30:00.000Z")
    world.set_status(arn, "InProgress", totalRecordCount=50_000, processedRecordCount=12_000, successRecordCount=11_900, errorRecordCount=100)
    clock = MutableClock(NOW)
    host = make_host(emulator, arn, clock=clock)

    async def measured(pilot) -> None:  # noqa: ANN001
        await detail_shown(pilot, host)
        clock.at = NOW + dt.timedelta(seconds=120)
        world.set_status(arn, "InProgress", processedRecordCount=15_000, successRecordCount=14_880, errorRecordCount=120)
        host.detail.action_describe_now()
        await wait_for(pilot, lambda: "records/s" in text_of(host.detail.query_one("#records", Static)))
        await pilot.pause()

    assert snap_compare(host, terminal_size=SIZE, run_before=measured)


async def test_stop_that_fails_says_why_plainly(emulator, aws_env, world, running_arn) -> None:
    host = make_host(emulator, running_arn, allow_stop=True)
    async with host.run_test(size=SIZE) as pilot:
        await detail_shown(pilot, host)
        await pilot.press("x")
        await wait_for(pilot, lambda: isinstance(host.screen, ConfirmStopScreen))
        world.set_status(running_arn, "Completed")  # it finished while the question was up
        await pilot.press("y")
        await wait_for(pilot, lambda: any(notice.startswith("Could not stop") for notice in host.notices))
        assert wire_status(world, running_arn) == "Completed"
