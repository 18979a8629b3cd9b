"""Tell the user a job finished: a Textual toast, plus the terminal bell or an OSC 9 desktop notification.

Marked jobs (`m`) are the ones the user asked about: each is named. Everything else that
finished is folded into at most one toast per refresh (the `toasts` setting), so a busy
account never buries the screen or rings the bell once per job. A toast names its job on a
line of its own, cut in the middle to the toast's width, then the phase in the table's words
(`✖ failed`, not `CREATE FAILED`); toasts stand above the monitor's status lines, never on them.

Job names and statuses are data: they are cleaned and capped before they reach the toast
(shown as plain text, never markup) or the OSC 9 string (where an ESC or BEL would end
the sequence and let the rest drive the terminal).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING, get_args

from .cells import cell_len, middle_cut, status_text
from .clipboard import passthrough, write_to_terminal
from .config import NotifyMode, ToastMode
from .models import Job, Phase
from .output import osc9
from .sanitize import clean

if TYPE_CHECKING:
    from textual.app import App
    from textual.notifications import SeverityLevel

NAME_MAX = 80

TOAST_WIDTH = 44
"""A toast's cells, border and padding included; at most half the screen (TOAST_CSS)."""
NAMED_TIMEOUT = 8.0
"""Seconds a toast about a marked job stays: the user asked about it."""
SUMMARY_TIMEOUT = 4.0
"""Seconds any other finished-job toast stays (the demo finishes jobs every few seconds)."""

TOAST_CSS = f"""
/* Toasts stand above the footer, the cursor row's status line and the counter (Textual keeps
   only the footer's row free), and take two rows fewer (no padding above and below). */
ToastRack {{
    margin-bottom: 3;
}}
Toast {{
    width: {TOAST_WIDTH};
    max-width: 50%;
    padding: 0 1;
}}
"""
"""The app's CSS for toasts: `toast_text_width` follows it."""

_SEVERITY: dict[Phase, SeverityLevel] = {
    Phase.FAILED: "error",
    Phase.PARTIAL: "warning",
    Phase.STOPPED: "warning",
    Phase.EXPIRED: "warning",
}


def toast_text_width(screen_width: int) -> int:
    """The cells a toast's text gets on a screen this wide: TOAST_WIDTH, or half the toast rack
    (the screen less its 2-cell scrollbar) when narrower, less the border and padding (3)."""
    return max(1, min(TOAST_WIDTH, (screen_width - 2) // 2) - 3)


def bell() -> str:
    """The terminal bell."""
    return "\a"


def job_name(job: Job, width: int = NAME_MAX) -> str:
    """The job's name cleaned and cut in the middle to `width` cells, keeping the end that tells
    runs apart (`sneaker-fa…-01494`)."""
    return middle_cut(clean(job.name) or "(unnamed job)", width)


def finished_message(job: Job) -> str:
    """One line (OSC 9): "<name> finished · ✖ failed", the phase in the table's words."""
    return f"{job_name(job)} finished · {status_text(job.phase)}"


def finished_toast(job: Job, width: int) -> str:
    """A toast's text `width` cells wide: the name alone on its first line, cut to fit so it
    never wraps (a wrapped tail read as a count), then "finished · ✖ failed"."""
    return f"{job_name(job, width)}\nfinished · {status_text(job.phase)}"


def phase_counts(jobs: Sequence[Job]) -> list[str]:
    """["9 ✔ succeeded", "3 ✖ failed"]: the phases in their usual order."""
    counts = Counter(job.phase for job in jobs)
    return [f"{counts[phase]} {status_text(phase)}" for phase in Phase if counts[phase]]


def summary_message(jobs: Sequence[Job]) -> str:
    """"12 jobs finished: 9 ✔ succeeded, 3 ✖ failed"."""
    return f"{len(jobs)} jobs finished: {', '.join(phase_counts(jobs))}"


def summary_toast(jobs: Sequence[Job], width: int) -> str:
    """The counts on one line when they fit in `width` cells, else one phase a line."""
    line = " · ".join(phase_counts(jobs))
    return line if cell_len(line) <= width else "\n".join(phase_counts(jobs))


def announce_finished(
    app: App, jobs: Sequence[Job], marked: Collection[str], *, toasts: ToastMode, signal: NotifyMode
) -> None:
    """Announce the jobs one refresh (or page) found finished.

    A marked job is announced by its own name: a toast each, and the bell or an OSC 9 each.
    The others get at most one toast, by `toasts`: "all" every finished job, "marked" only
    the failed ones, "off" none. Announced failures ring too; other jobs never do (a bell per
    job on screen would be noise). The bell rings once per call, however many jobs finished.
    """
    if signal not in get_args(NotifyMode):
        raise ValueError(f"unknown notify mode {signal!r}: expected bell, osc9 or off")
    if toasts not in get_args(ToastMode):
        raise ValueError(f"unknown toasts mode {toasts!r}: expected all, marked or off")
    named = [job for job in jobs if job.arn in marked]
    others = [job for job in jobs if job.arn not in marked]
    if toasts == "marked":
        others = [job for job in others if job.phase is Phase.FAILED]
    elif toasts == "off":
        others = []
    width = toast_text_width(app.size.width)
    signals = []
    for job in named:
        _toast(app, finished_toast(job, width), job.kind.label, [job], NAMED_TIMEOUT)
        signals.append(finished_message(job))
    if len(others) == 1:
        _toast(app, finished_toast(others[0], width), others[0].kind.label, others, SUMMARY_TIMEOUT)
    elif others:
        _toast(app, summary_toast(others, width), f"{len(others)} jobs finished", others, SUMMARY_TIMEOUT)
    failed = [job for job in others if job.phase is Phase.FAILED]
    if failed:
        signals.append(finished_message(failed[0]) if len(failed) == 1 else summary_message(failed))
    if not signals:
        return
    if signal == "bell":
        write_to_terminal(app, bell())
    elif signal == "osc9":
        for text in signals:
            write_to_terminal(app, passthrough(osc9("batchtop", text)))


def _toast(app: App, message: str, title: str, jobs: Sequence[Job], timeout: float) -> None:
    """A plain-text toast (`markup=False`: Textual would read "[...]" in names as markup)."""
    severities = {_SEVERITY.get(job.phase, "information") for job in jobs}
    severity: SeverityLevel = next(s for s in ("error", "warning", "information") if s in severities)
    app.notify(message, title=title, severity=severity, markup=False, timeout=timeout)
