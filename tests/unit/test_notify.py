"""Finished-job announcements: marked jobs by name, others in one toast per the `toasts` setting,
the bell or OSC 9 for marked jobs and failures only, nothing from data escapes."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st
from textual.app import App
from textual.notifications import Notify
from textual.widgets._toast import Toast

from factories import make_job
from tui.models import Job, JobKind
from tui.notify import (
    NAME_MAX,
    announce_finished,
    bell,
    finished_message,
    finished_toast,
    summary_message,
    summary_toast,
    toast_text_width,
)
from tui.output import OSC9_MAX, osc9

HOSTILE_NAME = "[bold red]pwn[/] \x1b[2J\x1b]52;c;ZXZpbA==\x07 \u202eevil\u2066 \x9b31m"


def finished_job(name: str = "nightly-embeddings", status: str = "Completed", kind: JobKind = JobKind.BEDROCK) -> Job:
    return make_job(abs(hash(name)) % 10**6, status, name=name, kind=kind)


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


def test_finished_message_names_the_job_and_its_phase_in_the_tables_words():
    assert finished_message(finished_job("nightly", "PartiallyCompleted")) == "nightly finished · ◐ partial"
    assert finished_message(finished_job("segments", "CREATE FAILED", JobKind.SEGMENT)) == "segments finished · ✖ failed"


def test_finished_message_cleans_and_cuts_the_name_in_the_middle():
    message = finished_message(finished_job(HOSTILE_NAME, "Failed"))
    assert message.startswith("[bold red]pwn[/]")  # markup stays literal text
    assert not any(unicodedata.category(char) in ("Cc", "Cf") for char in message)
    long = finished_message(finished_job("n" * 500 + "-01494", "Failed"))
    assert long == "n" * (NAME_MAX // 2 - 1) + "…" + "n" * (NAME_MAX // 2 - 6) + "-01494 finished · ✖ failed"
    assert finished_message(finished_job("\x1b[0m", "Completed")) == "(unnamed job) finished · ✔ succeeded"


def test_a_toast_gives_the_name_its_own_line_cut_to_the_width_then_the_phase():
    name = "sneaker-fans-20261130-01494"
    assert finished_toast(finished_job(name, "CREATE FAILED", JobKind.SEGMENT), 18) == "sneaker-…130-01494\nfinished · ✖ failed"
    assert finished_toast(finished_job(name, "Completed"), 40) == f"{name}\nfinished · ✔ succeeded"


@pytest.mark.parametrize(("screen", "text"), [(200, 41), (120, 41), (80, 36), (60, 26), (40, 16)])
def test_the_toast_text_width_follows_the_toast_css(screen, text):
    assert toast_text_width(screen) == text  # measured: Textual 8.2.8, TOAST_CSS, content region


def test_summary_counts_phases_in_order():
    jobs = [finished_job(f"j{i}", status) for i, status in enumerate(["Failed", "Completed", "Completed", "Stopped"])]
    assert summary_message(jobs) == "4 jobs finished: 2 ✔ succeeded, 1 ✖ failed, 1 ■ stopped"
    assert summary_toast(jobs, 60) == "2 ✔ succeeded · 1 ✖ failed · 1 ■ stopped"
    assert summary_toast(jobs, 26) == "2 ✔ succeeded\n1 ✖ failed\n1 ■ stopped"  # never a count cut from its phase


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


def marked(*jobs: Job) -> set[str]:
    return {job.arn for job in jobs}


def announce(jobs: list[Job], mark: set[str], toasts: str = "marked", signal: str = "off"):  # noqa: ANN201
    return lambda app: announce_finished(app, jobs, mark, toasts=toasts, signal=signal)  # type: ignore[arg-type]


async def test_a_marked_job_is_named_in_plain_text_with_its_severity():
    job = finished_job(HOSTILE_NAME, "Failed")
    notes, written, toasts = await _run(announce([job], marked(job)))
    (note,) = notes
    assert note.notification.markup is False
    assert note.notification.severity == "error"
    assert note.notification.title == "Bedrock invocation"
    assert note.notification.message == finished_toast(job, toast_text_width(80))  # run_test: 80 columns
    (toast,) = toasts
    assert "[bold red]pwn[/]" in toast  # shown literally, not as red bold text
    assert "\x1b" not in toast
    assert written == []


@pytest.mark.parametrize(
    ("status", "severity"),
    [("Completed", "information"), ("PartiallyCompleted", "warning"), ("Expired", "warning"), ("Failed", "error")],
)
async def test_severity_follows_the_phase(status, severity):
    job = finished_job("j", status)
    notes, _, _ = await _run(announce([job], marked(job)))
    assert notes[0].notification.severity == severity


async def test_every_marked_job_is_named_even_among_many_and_with_toasts_off():
    mine = [finished_job(f"mine-{i}", "Completed") for i in range(5)]
    others = [finished_job(f"other-{i}", "Completed") for i in range(10)]
    notes, written, _ = await _run(announce(others + mine, marked(*mine), toasts="off", signal="bell"))
    assert [n.notification.message for n in notes] == [f"mine-{i}\nfinished · ✔ succeeded" for i in range(5)]
    assert written == ["\a"]  # one bell, however many


async def test_marked_jobs_each_get_a_clean_desktop_notification():
    mine = [finished_job(HOSTILE_NAME, "Failed"), finished_job("nightly", "Completed")]
    _, written, _ = await _run(announce(mine, marked(*mine), signal="osc9"))
    assert written == [osc9("batchtop", finished_message(job)) for job in mine]
    assert all(sequence.count("\x1b") == 1 and sequence.count("\x07") == 1 for sequence in written)


async def test_osc9_in_tmux_goes_through_passthrough(monkeypatch):
    monkeypatch.setenv("TMUX", "/tmp/tmux-0/default,1,0")
    job = finished_job("j", "Completed")
    _, written, _ = await _run(announce([job], marked(job), signal="osc9"))
    assert written == ["\x1bPtmux;\x1b\x1b]9;batchtop: j finished · ✔ succeeded\x07\x1b\\"]


async def test_toasts_all_gives_one_summary_for_the_others_and_rings_only_for_failures():
    jobs = [finished_job(f"job-{i}", "Completed") for i in range(10)] + [finished_job("bad", "Failed")]
    notes, written, _ = await _run(announce(jobs, set(), toasts="all", signal="osc9"))
    (note,) = notes
    assert (note.notification.title, note.notification.message) == ("11 jobs finished", "10 ✔ succeeded · 1 ✖ failed")
    assert note.notification.severity == "error"
    assert written == [osc9("batchtop", "bad finished · ✖ failed")]


async def test_toasts_all_without_failures_toasts_once_and_never_rings():
    jobs = [finished_job(f"job-{i}", "Completed") for i in range(3)]
    notes, written, _ = await _run(announce(jobs, set(), toasts="all", signal="bell"))
    assert [(n.notification.title, n.notification.message) for n in notes] == [("3 jobs finished", "3 ✔ succeeded")]
    assert written == []


async def test_toasts_marked_announces_unmarked_failures_only():
    jobs = [finished_job("ok", "Completed"), finished_job("bad-1", "Failed"), finished_job("bad-2", "CREATE FAILED", JobKind.SEGMENT)]
    notes, written, _ = await _run(announce(jobs, set(), signal="bell"))
    assert [(n.notification.title, n.notification.message) for n in notes] == [("2 jobs finished", "2 ✖ failed")]
    assert written == ["\a"]
    notes, written, _ = await _run(announce(jobs[:1], set(), signal="bell"))
    assert (notes, written) == ([], [])


async def test_toasts_off_says_nothing_about_unmarked_jobs():
    jobs = [finished_job("ok", "Completed"), finished_job("bad", "Failed")]
    notes, written, _ = await _run(announce(jobs, set(), toasts="off", signal="bell"))
    assert (notes, written) == ([], [])


async def test_nothing_finished_says_nothing_and_unknown_modes_are_refused():
    notes, written, _ = await _run(announce([], set(), toasts="all", signal="bell"))
    assert (notes, written) == ([], [])
    with pytest.raises(ValueError, match="unknown notify mode 'loud'"):
        announce_finished(_App(), [finished_job()], set(), toasts="all", signal="loud")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown toasts mode 'some'"):
        announce_finished(_App(), [finished_job()], set(), toasts="some", signal="off")  # type: ignore[arg-type]
