"""The modal dialogs: what they show (snapshots) and what they answer (pilot tests)."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from textual.app import App
from textual.screen import Screen
from textual.widgets import Input, OptionList, Static

from factories import make_job
from tui.dialogs import ConfirmStopScreen, ExportScreen, StatusFilterScreen, stop_refusal
from tui.export import ExportError
from tui.models import Job, JobKind, Phase
from ui_rows import wait_for

SIZE = (120, 40)
ARN = "arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/k3x9q2m8w1zt"


def dialog_job(**changes: object) -> Job:
    fields: dict[str, object] = {
        "arn": ARN,
        "name": "[bold red]nightly[/] \x1b[31membed\x1b]52;c;aGk=\x07-\u202eredro",
        "kind": JobKind.BEDROCK,
        "source": "default/us-east-1/bedrock",
        "status": "InProgress",
        "phase": Phase.RUNNING,
        "created": None,
        "model": "",
        "records": None,
    }
    return make_job(**{**fields, **changes})


class DialogHost(App[None]):
    """Pushes one dialog at start and keeps every answer it returns."""

    def __init__(self, make_dialog: Callable[[], Screen]) -> None:
        super().__init__()
        self._make_dialog = make_dialog
        self.answers: list[object] = []

    def on_mount(self) -> None:
        self.push_screen(self._make_dialog(), self.answers.append)


async def settle(pilot) -> None:
    await pilot.pause()
    await pilot.pause(0.06)


# -- stop confirmation ---------------------------------------------------------------------


def confirm_host() -> DialogHost:
    return DialogHost(lambda: ConfirmStopScreen(dialog_job(), "Bedrock invocation · us-east-1"))


def test_confirm_stop_snapshot(snap_compare) -> None:
    assert snap_compare(confirm_host(), terminal_size=SIZE, run_before=settle)


async def test_at_60x15_the_confirmation_shows_its_warning_and_both_buttons_whole() -> None:
    app = confirm_host()
    async with app.run_test(size=(60, 15)) as pilot:
        await settle(pilot)
        screen = app.screen.region
        for selector in (".dialog-title", ".dialog-warning", "#stop", "#cancel"):
            region = app.screen.query_one(selector).region
            assert region.height > 0 and screen.contains_region(region), selector
        await pilot.press("y")
        assert app.answers == [True]


async def test_confirm_y_answers_true() -> None:
    app = confirm_host()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("y")
        assert app.answers == [True]


async def test_confirm_n_escape_and_enter_on_default_focus_answer_false() -> None:
    for key in ("n", "escape", "enter"):
        app = confirm_host()
        async with app.run_test(size=SIZE) as pilot:
            assert app.screen.focused is not None and app.screen.focused.id == "cancel"
            await pilot.press(key)
            assert app.answers == [False], key


async def test_confirm_buttons_answer() -> None:
    app = confirm_host()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.click("#stop")
        assert app.answers == [True]


async def test_ctrl_c_cancels_the_confirmation_and_does_not_quit() -> None:
    class QuitsOnCtrlC(DialogHost):
        BINDINGS = [("ctrl+c", "quit", "Quit")]

    app = QuitsOnCtrlC(lambda: ConfirmStopScreen(dialog_job(), "Bedrock invocation · us-east-1"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert app.answers == [False]
        assert app.is_running and app.return_code is None
        await pilot.press("ctrl+c")  # with the dialog gone, ctrl+c quits as usual
        await pilot.pause()
        assert app.return_code == 0


def test_stop_refusals_say_why() -> None:
    running = dialog_job()
    assert stop_refusal(running, allow_stop=True) is None
    assert "--allow-stop" in (stop_refusal(running, allow_stop=False) or "")
    personalize = dialog_job(kind=JobKind.PERSONALIZE, status="IN PROGRESS")
    assert "no API to stop" in (stop_refusal(personalize, allow_stop=True) or "")
    finished = dialog_job(status="Failed", phase=Phase.FAILED)
    assert "already finished" in (stop_refusal(finished, allow_stop=True) or "")
    stopping = dialog_job(status="Stopping", phase=Phase.STOPPING)
    assert "already stopping" in (stop_refusal(stopping, allow_stop=True) or "")


# -- export --------------------------------------------------------------------------------


def export_host(path: str = "/tmp/batchtop/jobs.csv") -> DialogHost:
    return DialogHost(lambda: ExportScreen(Path(path)))


def test_export_snapshot(snap_compare) -> None:
    assert snap_compare(export_host(), terminal_size=SIZE, run_before=settle)


async def test_export_enter_returns_path_and_format() -> None:
    app = export_host()
    async with app.run_test(size=SIZE) as pilot:
        assert app.screen.query_one(Input).cursor_blink is False
        await pilot.press("enter")
        assert app.answers == [(Path("/tmp/batchtop/jobs.csv"), "csv")]


async def test_export_ctrl_t_switches_format_and_extension() -> None:
    app = export_host()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+t")
        assert app.screen.query_one(Input).value == "/tmp/batchtop/jobs.json"
        await pilot.press("enter")
        assert app.answers == [(Path("/tmp/batchtop/jobs.json"), "json")]


async def test_export_format_follows_a_typed_extension() -> None:
    app = export_host("/tmp/out")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("end", *".json", "enter")
        assert app.answers == [(Path("/tmp/out.json"), "json")]


async def test_export_refuses_an_empty_path_and_escape_cancels() -> None:
    app = export_host()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+u", "enter")
        assert app.answers == []
        assert "Type a file path" in str(app.screen.query_one("#export-error").render())
        await pilot.press("escape")
        assert app.answers == [None]


async def test_export_ctrl_c_cancels_without_quitting() -> None:
    app = export_host()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+c")
        assert app.answers == [None] and app.return_code is None


# -- status filter -------------------------------------------------------------------------

RAW = ["Failed", "InProgress", "CREATE FAILED", "[b]Weird\x1b[31m"]


def status_host(current: str = "running") -> DialogHost:
    return DialogHost(lambda: StatusFilterScreen(current, RAW))


def test_status_filter_snapshot(snap_compare) -> None:
    assert snap_compare(status_host(), terminal_size=SIZE, run_before=settle)


async def test_status_filter_starts_on_current_and_enter_picks() -> None:
    app = status_host("running")
    async with app.run_test(size=SIZE) as pilot:
        options = app.screen.query_one(OptionList)
        assert options.highlighted_option is not None and options.highlighted_option.id == "phase:running"
        await pilot.press("down", "enter")
        assert app.answers == ["stopping"]


async def test_status_filter_all_and_raw_statuses() -> None:
    app = status_host("")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        assert app.answers == [""]
    app = status_host("CREATE FAILED")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("down", "enter")
        assert app.answers == ["[b]Weird\x1b[31m"]  # the raw value, exactly as the service said it


async def test_status_filter_escape_and_ctrl_c_cancel() -> None:
    for key in ("escape", "ctrl+c"):
        app = status_host()
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press(key)
            assert app.answers == [None], key
            assert app.return_code is None


async def test_export_that_fails_stays_open_with_the_path_as_typed_and_says_why(tmp_path) -> None:
    written: list[tuple[Path, str]] = []

    def write(path: Path, fmt: str) -> int:
        if not path.parent.is_dir():
            raise ExportError(f"cannot write {path}: the folder {path.parent} does not exist")
        path.write_text("x")
        written.append((path, fmt))
        return 3

    missing = tmp_path / "no-such-folder" / "jobs.csv"
    app = DialogHost(lambda: ExportScreen(missing, write))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        error = app.screen.query_one("#export-error", Static)
        await wait_for(pilot, lambda: "does not exist" in str(error.render()))
        assert isinstance(app.screen, ExportScreen) and app.answers == []
        path_input = app.screen.query_one(Input)
        assert path_input.value == str(missing) and path_input.has_focus
        await pilot.press("ctrl+u", *str(tmp_path / "jobs.json"), "enter")
        await wait_for(pilot, lambda: app.answers != [])
        assert app.answers == [(tmp_path / "jobs.json", "json")] and written == app.answers
        assert (tmp_path / "jobs.json").read_text() == "x"
