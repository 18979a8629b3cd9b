"""Finished-job announcements: plain-text toasts, one bell or OSC 9 per refresh, nothing from data escapes."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st
from textual.app import App
from textual.notifications import Notify
from textual.widgets._toast import Toast

from tui.models import Job, JobKind, phase_of
from tui.notify import NAME_MAX, SUMMARY_ABOVE, announce_finished, bell, finished_message, summary_message
from tui.output import OSC9_MAX, osc9

HOSTILE_NAME = "[bold red]pwn[/] \x1b[2J\x1b]52;c;ZXZpbA==\x07 \u202eevil\u2066 \x9b31m"


def make_job(name: str = "nightly-embeddings", status: str = "Completed", kind: JobKind = JobKind.BEDROCK) -> Job:
    return Job(
        arn=f"arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/{abs(hash(name)) % 10**12:012d}",
        name=name,
        kind=kind,
        source="default/us-east-1/bedrock",
        status=status,
        phase=phase_of(status),
    )


@pytest.fixture(autouse=True)
def no_multiplexer(monkeypatch):
    monkeypatch.delenv("TMUX", raising=False)
    monkeypatch.delenv("STY", raising=False)


# --- the strings ----------------------------------------------------------------------------


def test_bell_is_bel():
    assert bell() == "\a"


def test_osc9_is_title_colon_body():
    assert osc9("batchtop", "nightly finished: Completed") == "\x1b]9;batchtop: nightly finished: Completed\x07"
    assert osc9("", "x").startswith("\x1b]9;batchtop: ")


@given(st.text(), st.text())
def test_osc9_never_lets_data_end_or_extend_the_sequence(title, body):
    sequence = osc9(title, body)
    assert sequence.startswith("\x1b]9;") and sequence.endswith("\x07")
    inner = sequence[4:-1]
    assert len(inner) <= OSC9_MAX
    assert not any(unicodedata.category(char) == "Cc" for char in inner)  # no ESC, BEL, C1 (ST, CSI)


def test_osc9_is_never_read_as_a_conemu_command():
    # ConEmu / Windows Terminal treat "OSC 9;4;..." as a progress command
    assert osc9("4;3", "50").startswith("\x1b]9;batchtop: 4;3: ")


def test_finished_message_names_the_job_and_its_raw_status():
    assert finished_message(make_job("nightly", "PartiallyCompleted")) == "nightly finished: PartiallyCompleted"
    assert finished_message(make_job("segments", "CREATE FAILED", JobKind.SEGMENT)) == "segments finished: CREATE FAILED"


def test_finished_message_cleans_and_caps_the_name():
    message = finished_message(make_job(HOSTILE_NAME, "Failed"))
    assert message.startswith("[bold red]pwn[/]")  # markup stays literal text
    assert not any(unicodedata.category(char) in ("Cc", "Cf") for char in message)
    long = finished_message(make_job("n" * 500, "Failed"))
    assert long == "n" * (NAME_MAX - 1) + "… finished: Failed"
    assert finished_message(make_job("\x1b[0m", "Completed")) == "(unnamed job) finished: Completed"


def test_summary_counts_phases_in_order():
    jobs = [make_job(f"j{i}", status) for i, status in enumerate(["Failed", "Completed", "Completed", "Stopped"])]
    assert summary_message(jobs) == "4 jobs finished: 2 succeeded, 1 failed, 1 stopped"


# --- in a running app -------------------------------------------------------------------------


class _App(App[None]):
    pass


async def _run(announce_call) -> tuple[list[Notify], list[str], list[str]]:
    """Run `announce_call(app)`; return the Notify messages, raw terminal writes and toast texts."""
    notes: list[Notify] = []
    app = _App()
    async with app.run_test(notifications=True, message_hook=lambda m: notes.append(m) if isinstance(m, Notify) else None) as pilot:
        written: list[str] = []
        app._driver.write = written.append  # the headless driver writes nowhere: record instead
        announce_call(app)
        await pilot.pause()
        await pilot.pause()  # the toast rack mounts toasts in a later callback
        toasts = [str(toast.render()) for toast in app.screen.query(Toast)]
    return notes, written, toasts


async def test_announce_toasts_plain_text_with_severity_and_no_signal_when_off():
    notes, written, toasts = await _run(lambda app: announce_finished(app, "off", [make_job(HOSTILE_NAME, "Failed")]))
    (note,) = notes
    assert note.notification.markup is False
    assert note.notification.severity == "error"
    assert note.notification.title == "Bedrock invocation"
    assert note.notification.message == finished_message(make_job(HOSTILE_NAME, "Failed"))
    (toast,) = toasts
    assert "[bold red]pwn[/]" in toast  # shown literally, not as red bold text
    assert "\x1b" not in toast
    assert written == []


@pytest.mark.parametrize(
    ("status", "severity"),
    [("Completed", "information"), ("PartiallyCompleted", "warning"), ("Expired", "warning"), ("Failed", "error")],
)
async def test_severity_follows_the_phase(status, severity):
    notes, _, _ = await _run(lambda app: announce_finished(app, "off", [make_job("j", status)]))
    assert notes[0].notification.severity == severity


async def test_bell_mode_rings_once():
    _, written, _ = await _run(lambda app: announce_finished(app, "bell", [make_job("j", "Completed")]))
    assert written == ["\a"]


async def test_osc9_mode_writes_one_clean_desktop_notification():
    _, written, _ = await _run(lambda app: announce_finished(app, "osc9", [make_job(HOSTILE_NAME, "Failed")]))
    (sequence,) = written
    assert sequence == osc9("batchtop", finished_message(make_job(HOSTILE_NAME, "Failed")))
    assert sequence.count("\x1b") == 1 and sequence.count("\x07") == 1


async def test_osc9_in_tmux_goes_through_passthrough(monkeypatch):
    monkeypatch.setenv("TMUX", "/tmp/tmux-0/default,1,0")
    _, written, _ = await _run(lambda app: announce_finished(app, "osc9", [make_job("j", "Completed")]))
    assert written == ["\x1bPtmux;\x1b\x1b]9;batchtop: j finished: Completed\x07\x1b\\"]


async def test_a_few_finished_jobs_get_a_toast_each_and_one_bell():
    jobs = [make_job(f"job-{i}", "Completed") for i in range(SUMMARY_ABOVE)]
    notes, written, _ = await _run(lambda app: announce_finished(app, "bell", jobs))
    assert [n.notification.message for n in notes] == [f"job-{i} finished: Completed" for i in range(SUMMARY_ABOVE)]
    assert written == ["\a"]


async def test_many_finished_jobs_get_one_summary_with_the_worst_severity():
    jobs = [make_job(f"job-{i}", "Completed") for i in range(10)] + [make_job("bad", "Failed")]
    notes, written, _ = await _run(lambda app: announce_finished(app, "osc9", jobs))
    (note,) = notes
    assert note.notification.message == "11 jobs finished: 10 succeeded, 1 failed"
    assert note.notification.severity == "error"
    assert written == [osc9("batchtop", "11 jobs finished: 10 succeeded, 1 failed")]


async def test_nothing_finished_says_nothing_and_unknown_modes_are_refused():
    notes, written, _ = await _run(lambda app: announce_finished(app, "bell", []))
    assert (notes, written) == ([], [])
    with pytest.raises(ValueError, match="unknown notify mode 'loud'"):
        announce_finished(_App(), "loud", [make_job()])  # type: ignore[arg-type]
