"""Faults injected through the emulator, observed in the running monitor, then cleared.

Each test runs the real app (pilot) on the real aioboto3 clients over HTTP, flips one of the
emulator's `Faults` at runtime (or stops the server), and asserts what the user sees: the
header and the failing source's row in the source pane. Then it clears the fault and waits,
without touching a key, for the next scheduled refresh to bring everything back.
botocore's own retries are off (`max_attempts=1`) so a fault reaches the screen at once.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest

from tui.emulator import EmulatorThread
from tui.emulator.tokens import PageTokens
from tui.models import JobKind
from tui.refresh import TOKEN_REJECTED
from tui.models import Page
from tui.widgets.source_list import SourceList
from ui_rows import header, pane, screen_lines, wait_for

LOADED = re.compile(r"\b[1-9][\d,]* (loaded · more|· all loaded)")
"""A source's pane line once rows have come: how many depends on how far "All" paged ahead."""

SHORT = 0.1
"""A refresh interval short enough to watch the retries happen (the app's minimum is 2 s)."""

SSO_PROFILE = "night"
SSO_CONFIG = f"""
[profile {SSO_PROFILE}]
sso_session = batchtop-test-corp
sso_account_id = 123456789012
sso_role_name = ReadOnly

[sso-session batchtop-test-corp]
sso_start_url = https://batchtop-test-corp.awsapps.com/start
sso_region = us-east-1
sso_registration_scopes = sso:account:access
"""
STATIC_CONFIG = f"""
[profile {SSO_PROFILE}]
aws_access_key_id = AKIANIGHTSHIFTKEY
aws_secret_access_key = fresh-after-login
"""


@pytest.fixture
def expired_sso(aws_env) -> Path:
    """Profile `night` signs in through AWS SSO and has no valid session (no cached token).

    Returns the AWS config file: a test rewrites it to stand for the user fixing their setup.
    """
    config = Path(aws_env["AWS_CONFIG_FILE"])
    config.write_text(SSO_CONFIG)
    return config


def pane_lines(app, index: int) -> list[str]:  # noqa: ANN001
    """The pane's lines of entry `index` (0 = All), as shown, stripped."""
    source_list = app.screen.query_one(SourceList)
    lines = source_list.render().plain.split("\n")
    return [line.strip() for line, entry in zip(lines, source_list._lines) if entry == index]


def source_row(app, index: int) -> str:  # noqa: ANN001
    """The pane's lines of entry `index` (0 = All), unwrapped into one line of words."""
    return " ".join(" ".join(pane_lines(app, index)).split())


def says(row: str, sentence: str) -> bool:
    """Does the pane row say `sentence`? (wrapping may break a long word anywhere)"""
    return "".join(sentence.split()) in "".join(row.split())


def problem(app) -> str | None:  # noqa: ANN001
    return next((state.problem.kind for state in app.live.engine.states if state.problem), None)


def crashes(app) -> list[str]:  # noqa: ANN001
    """Toasts of workers that raised: a fault must never get that far."""
    return app.errors


async def recovers_by_itself(pilot, app, clear) -> None:  # noqa: ANN001
    """Clear the fault: the next timed refresh (no key pressed) brings everything back.

    The interval drops to 0.1 s first (as the command palette sets it), which re-arms the
    timer without a refresh, so the wait is short; a throttled or offline monitor still
    waits out its backoff.
    """
    app.live.set_interval_seconds(SHORT)
    clear()
    await wait_for(pilot, lambda: problem(app) is None and app.table.row_count > 0)
    assert "⚠" not in header(app) and "⚠" not in pane(app)
    assert crashes(app) == []


def table_lines(app) -> list[str]:  # noqa: ANN001
    """The job table's lines as it renders them."""
    table = app.table
    return [table.render_line(y).text for y in range(table.size.height)]


def list_calls(emulator) -> int:  # noqa: ANN001
    return emulator.calls["ListModelInvocationJobs"]


async def test_throttling_says_so_stretches_the_interval_and_never_piles_up(make_app, emulator, faults, monkeypatch) -> None:
    app = make_app(kinds=["bedrock"], max_attempts=1)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.table.row_count > 0)
        rows = app.table.row_count

        # `r` pressed again and again while a throttled call is in flight: one more call, not five.
        # The call is held (not slowed) until the keys are in, so the test never races it.
        source = app.live.engine.states[0].source
        list_page, answer = source.list_page, asyncio.Event()

        async def slow_list_page(*args: object, **kwargs: object) -> Page:
            await answer.wait()
            return await list_page(*args, **kwargs)

        monkeypatch.setattr(source, "list_page", slow_list_page)
        faults.throttle_every = 1
        before = list_calls(emulator)
        await pilot.press(*"rrrrr")
        assert app.live.refreshing and list_calls(emulator) == before
        answer.set()
        await wait_for(pilot, lambda: problem(app) == "throttled" and not app.live.refreshing)
        assert list_calls(emulator) - before == 2

        retry = re.search(r"⚠ throttled since 12:00 · retrying in (\d+) s", header(app))
        assert retry and 32 <= int(retry[1]) <= 48, header(app)  # 10 s doubled twice, ±20 % jitter
        assert source_row(app, 1).endswith("⚠ AWS is throttling requests")  # the header says when it retries
        assert app.live.engine.next_delay(10.0) > 10.0
        assert app.table.row_count == rows  # the last data stays on screen

        # at a 0.1 s interval, a throttled monitor backs off instead of calling ten times a second
        app.live.set_interval_seconds(SHORT)
        before = list_calls(emulator)
        await pilot.pause(1.0)
        assert list_calls(emulator) - before <= 2
        assert "⚠ throttled" in header(app)

        await recovers_by_itself(pilot, app, lambda: setattr(faults, "throttle_every", 0))
        assert app.live.engine.next_delay(SHORT) == SHORT
        assert app.table.row_count == rows


async def test_endpoint_down_shows_offline_since_and_retrying_then_recovers_when_it_is_back(
    make_app, emulator, world, faults
) -> None:
    app = make_app(kinds=["bedrock"], max_attempts=1)
    port = emulator.server.port
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.table.row_count > 0)
        rows = app.table.row_count
        emulator.__exit__(None, None, None)  # the endpoint goes away: connections are refused
        await pilot.press("r")
        await wait_for(pilot, lambda: problem(app) == "network")
        offline = re.search(r"⚠ offline since 12:00 · retrying in (\d+) s", header(app))
        assert offline and 16 <= int(offline[1]) <= 24, header(app)
        assert source_row(app, 1).endswith(f"⚠ Cannot reach 127.0.0.1:{port}")  # the header says when it retries
        assert app.table.row_count == rows

        with EmulatorThread(world, faults=faults, port=port) as back:
            await recovers_by_itself(pilot, app, lambda: None)
            assert back.calls["ListModelInvocationJobs"] >= 1
        assert app.table.row_count == rows


async def test_sources_that_cannot_load_promise_no_more_and_name_the_host_in_two_lines(make_app, emulator) -> None:
    """Every source offline from the start: neither a source nor "All" says `· more` (the table's
    status line says nothing more can load), and the 25-column pane gives the problem two lines,
    the endpoint as host:port, not its whole request URL."""
    app = make_app(kinds=["bedrock", "personalize"], max_attempts=1)
    port = emulator.server.port
    emulator.__exit__(None, None, None)
    async with app.run_test(size=(120, 30)) as pilot:
        states = app.live.engine.states
        await wait_for(pilot, lambda: all(state.problem is not None for state in states) and app.live.started)
        await pilot.pause()
        assert "nothing more can load" in screen_lines(app)[-2]
        assert source_row(app, 0) == "▸1 All sources 0 loaded ⚠ 2 of 2 sources failing"
        for index in (1, 2):
            lines = pane_lines(app, index)
            assert lines[1] == "0 loaded", lines
            problem = lines[lines.index(next(line for line in lines if line.startswith("⚠"))) :]
            assert " ".join(problem) == f"⚠ Cannot reach 127.0.0.1:{port}" and len(problem) <= 2, lines
        assert "more" not in pane(app)


async def test_server_errors_say_so_and_recover(make_app, faults) -> None:
    app = make_app(kinds=["bedrock", "personalize"], max_attempts=1)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.table.row_count > 0)
        faults.error_rate = 1.0
        await pilot.press("r")
        await wait_for(pilot, lambda: problem(app) == "service")
        assert re.search(r"⚠ service errors \(2 of 2\) since 12:00 · retrying in \d+ s · every 10s  ", header(app)), header(app)
        for index in (1, 2):
            row = source_row(app, index)
            assert "⚠ AWS had a server error (" in row and "batchtop retries" not in row  # the header says so
        assert "2 of 2 sources failing" in source_row(app, 0)
        await recovers_by_itself(pilot, app, lambda: setattr(faults, "error_rate", 0.0))


async def test_malformed_responses_become_noted_rows_or_a_clear_message_never_a_crash(make_app, world, faults) -> None:
    faults.malformed = 1.0  # every list response: truncated JSON, or one job with fields missing or mistyped
    app = make_app(kinds=["bedrock"], max_attempts=1)
    seen_message = seen_note = False
    async with app.run_test(size=(160, 40)) as pilot:  # wide enough for the message column
        await wait_for(pilot, lambda: app.live.started)
        # Only `r` refreshes here: a timed refresh landing mid-check would swap the row being read.
        app.live.set_interval_seconds(600)
        for _ in range(15):
            await wait_for(pilot, lambda: app.live.idle)
            if problem(app) == "malformed":
                seen_message = True
                assert "⚠ malformed responses" in header(app)
                row = source_row(app, 1)
                assert "⚠ The service sent a response batchtop cannot read (response body is not JSON" in row
                assert "it will retry; check the endpoint if this persists." in row
            view = app.table.view
            noted = [index for index in range(len(view)) if view[index].notes]
            if noted:
                seen_note = True
                job = view[noted[0]]
                rows = len(view)
                app.table.cursor = noted[0]
                if app.table.near_end:  # the next page lands below it (the row used to sink under it)
                    await wait_for(pilot, lambda: len(app.table.view) > rows or app.table.view.all_loaded)
                await pilot.pause()
                assert app.table.current_job.arn == job.arn and app.table.cursor == noted[0]  # it never sinks
                note = ("⚠ " + job.notes[0])[:10]  # the message column is narrow: its start
                assert job.message or any(note in line for line in screen_lines(app)), job.notes
            if seen_message and seen_note:
                break
            await pilot.press("r")
        assert seen_message and seen_note
        assert crashes(app) == []

        await recovers_by_itself(pilot, app, lambda: setattr(faults, "malformed", 0.0))
        await pilot.press("r")
        await wait_for(pilot, lambda: not app.live.refreshing)
        view = app.table.view
        assert not any(view[index].notes for index in range(len(view)))
        truth = [job["jobArn"] for job in world.jobs(JobKind.BEDROCK)]
        assert [view[index].arn for index in range(len(view))] == truth[: len(view)]


async def test_expired_credentials_name_the_fix_and_are_picked_up_again_without_restart(make_app, faults) -> None:
    app = make_app(kinds=["bedrock", "personalize"], max_attempts=1)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.table.row_count > 0)
        rows = app.table.row_count
        faults.expired_token = True
        await pilot.press("r")
        await wait_for(pilot, lambda: problem(app) == "expired_token")
        assert "⚠ credentials expired (2 of 2 sources) since 12:00" in header(app)
        assert "retrying" not in header(app)  # not transient: the user has to act
        for index in (1, 2):
            assert says(
                source_row(app, index),
                "⚠ The AWS credentials of the default AWS profile have expired: "
                "run `aws sso login` or refresh them in ~/.aws/credentials.",
            )
        assert app.table.row_count == rows
        await recovers_by_itself(pilot, app, lambda: setattr(faults, "expired_token", False))
        assert app.table.row_count == rows


async def test_access_denied_in_one_region_leaves_the_other_working(make_app, faults) -> None:
    faults.denied = {("bedrock", "eu-west-1")}
    app = make_app(kinds=["bedrock"], regions=["us-east-1", "eu-west-1"], max_attempts=1)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.table.row_count > 0 and problem(app) is not None)
        assert "⚠ access denied (1 of 2 sources)" in header(app)
        allowed, denied = source_row(app, 1), source_row(app, 2)
        assert "100 loaded · more" in allowed and "⚠" not in allowed
        assert says(
            denied,
            "⚠ Access denied: the default AWS profile may not call bedrock:ListModelInvocationJobs here: "
            "grant that IAM permission, or choose another --profile or --region.",
        )
        assert "1 of 2 sources failing" in source_row(app, 0)
        view = app.table.view
        assert {view[index].source for index in range(len(view))} == {"default/us-east-1/bedrock"}

        await pilot.press("3")
        assert app.table.row_count == 0 and "Bedrock invocation · eu-west-1" in header(app)
        await recovers_by_itself(pilot, app, lambda: faults.denied.clear())
        assert {app.table.view[index].source for index in range(app.table.row_count)} == {"default/eu-west-1/bedrock"}
        await pilot.press("1")
        assert "⚠" not in source_row(app, 2)
        assert app.table.row_count > 100
        assert {job.source for job in app.table.view} == {"default/us-east-1/bedrock", "default/eu-west-1/bedrock"}


async def test_a_rejected_page_token_restarts_the_listing_with_a_notice(make_app, world) -> None:
    app = make_app(kinds=["bedrock"], max_attempts=1, page_size=50)
    async with app.run_test(size=(120, 40)) as pilot:
        table = app.table
        await wait_for(pilot, lambda: table.row_count > 0)
        await pilot.press("pagedown")  # one more page (End would load them all)
        await wait_for(pilot, lambda: table.row_count >= 100 and not app.live.paging)
        world.tokens = PageTokens(b"a new secret: every token issued so far is now invalid")
        await pilot.press("end")
        await wait_for(pilot, lambda: app.live.engine.states[0].notice is not None)
        assert TOKEN_REJECTED == "page token rejected: listing restarted"
        assert f"ℹ {TOKEN_REJECTED}" in source_row(app, 1)
        assert any(TOKEN_REJECTED in notice for notice in app.notices)  # a toast too
        assert problem(app) is None and "⚠" not in header(app)
        for _ in range(20):
            if table.view.all_loaded:
                break
            await pilot.press("end")
            await wait_for(pilot, lambda: not app.live.paging)
        truth = [job["jobArn"] for job in world.jobs(JobKind.BEDROCK)]
        assert [table.view[index].arn for index in range(table.row_count)] == truth
        assert crashes(app) == []


async def test_an_expired_sso_session_names_the_exact_login_and_recovers_without_restart(
    make_app, expired_sso
) -> None:
    app = make_app(kinds=["bedrock"], profiles=[None, SSO_PROFILE], max_attempts=1)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.table.row_count > 0 and problem(app) is not None)
        assert "⚠ SSO session expired (1 of 2 sources)" in header(app)
        assert "⚠" not in source_row(app, 1) and LOADED.search(source_row(app, 1))
        assert says(source_row(app, 2), f"⚠ AWS SSO session expired for profile {SSO_PROFILE}: run `aws sso login --profile {SSO_PROFILE}`.")
        # the user fixes the profile (as `aws sso login` would): the next refresh reads it again
        await recovers_by_itself(pilot, app, lambda: expired_sso.write_text(STATIC_CONFIG))
        assert LOADED.search(source_row(app, 2))  # its first page, and maybe more: "All" pages ahead
        view = app.table.view
        assert {view[index].source for index in range(len(view))} == {
            "default/us-east-1/bedrock",
            f"{SSO_PROFILE}/us-east-1/bedrock",
        }


def error_state(make_app, faults):  # noqa: ANN001, ANN201
    """Four sources: one fine, one denied its region, two whose SSO session expired."""
    faults.denied = {("bedrock", "eu-west-1")}
    return make_app(kinds=["bedrock"], regions=["us-east-1", "eu-west-1"], profiles=[None, SSO_PROFILE], max_attempts=1)


def test_snapshot_of_the_monitor_in_an_error_state(snap_compare, make_app, faults, expired_sso) -> None:
    app = error_state(make_app, faults)

    async def failed(pilot) -> None:  # noqa: ANN001
        await wait_for(pilot, lambda: app.table.row_count > 0 and sum(bool(s.problem) for s in app.live.engine.states) == 3)
        await pilot.pause()

    assert snap_compare(app, terminal_size=(120, 40), run_before=failed)


@pytest.mark.parametrize("size", [(60, 15), (80, 24)], ids=["60x15", "80x24"])
async def test_small_terminals_render_an_error_state(make_app, faults, expired_sso, size) -> None:
    """No traceback, and the header line still says what is wrong (at 60 columns the source
    pane is hidden: the header is the only place that can)."""
    app = error_state(make_app, faults)
    async with app.run_test(size=size) as pilot:
        await wait_for(pilot, lambda: app.table.row_count > 0 and sum(bool(s.problem) for s in app.live.engine.states) == 3)
        await pilot.pause()
        assert "⚠ access denied" in screen_lines(app)[0]
        await pilot.press("5", "G", "tab", "down", "enter", "question_mark")
        await pilot.pause()
        await pilot.press("escape", "1", "enter")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert crashes(app) == []
        assert "⚠ access denied" in screen_lines(app)[0]


async def test_sources_failing_in_different_ways_are_all_named_in_the_header(make_app, faults, expired_sso) -> None:
    app = error_state(make_app, faults)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: sum(bool(state.problem) for state in app.live.engine.states) == 3)
        assert "⚠ access denied, SSO session expired (3 of 4 sources)" in header(app)
        assert "3 of 4 sources failing" in source_row(app, 0)
