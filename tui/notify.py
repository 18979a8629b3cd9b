"""Tell the user a job finished: a Textual toast, plus the terminal bell or an OSC 9 desktop notification.

Marked jobs (`m`) are the ones the user asked about: each is named. Everything else that
finished is folded into at most one toast per refresh (the `toasts` setting), so a busy
account never buries the screen or rings the bell once per job.

Job names and statuses are data: they are cleaned and capped before they reach the toast
(shown as plain text, never markup) or the OSC 9 string (where an ESC or BEL would end
the sequence and let the rest drive the terminal).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING, get_args

from .clipboard import passthrough, write_to_terminal
from .config import NotifyMode, ToastMode
from .models import Job, Phase
from .output import osc9
from .sanitize import clean

if TYPE_CHECKING:
    from textual.app import App
    from textual.notifications import SeverityLevel

NAME_MAX = 80
STATUS_MAX = 40

_SEVERITY: dict[Phase, SeverityLevel] = {
    Phase.FAILED: "error",
    Phase.PARTIAL: "warning",
    Phase.STOPPED: "warning",
    Phase.EXPIRED: "warning",
}


def bell() -> str:
    """The terminal bell."""
    return "\a"


def finished_message(job: Job) -> str:
    """"<name> finished: <raw status>", the name and status cleaned and capped."""
    name = clean(job.name, NAME_MAX) or "(unnamed job)"
    return f"{name} finished: {clean(job.status, STATUS_MAX) or job.phase.value}"


def summary_message(jobs: Sequence[Job]) -> str:
    """"12 jobs finished: 9 succeeded, 3 failed", phases in their usual order."""
    counts = Counter(job.phase for job in jobs)
    parts = ", ".join(f"{counts[phase]} {phase.value}" for phase in Phase if counts[phase])
    return f"{len(jobs)} jobs finished: {parts}"


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
    signals = []
    for job in named:
        _toast(app, finished_message(job), job.kind.label, [job])
        signals.append(finished_message(job))
    if others:
        message = finished_message(others[0]) if len(others) == 1 else summary_message(others)
        _toast(app, message, others[0].kind.label if len(others) == 1 else "batchtop", others)
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


def _toast(app: App, message: str, title: str, jobs: Sequence[Job]) -> None:
    """A plain-text toast (`markup=False`: Textual would read "[...]" in names as markup)."""
    severities = {_SEVERITY.get(job.phase, "information") for job in jobs}
    severity: SeverityLevel = next(s for s in ("error", "warning", "information") if s in severities)
    app.notify(message, title=title, severity=severity, markup=False)
