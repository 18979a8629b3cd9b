"""Tell the user a job finished: a Textual toast, plus the terminal bell or an OSC 9 desktop notification.

Job names and statuses are data: they are cleaned and capped before they reach the toast
(shown as plain text, never markup) or the OSC 9 string (where an ESC or BEL would end
the sequence and let the rest drive the terminal).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, get_args

from .clipboard import passthrough, write_to_terminal
from .config import NotifyMode
from .models import Job, Phase
from .output import osc9
from .sanitize import clean

if TYPE_CHECKING:
    from textual.app import App
    from textual.notifications import SeverityLevel

NAME_MAX = 80
STATUS_MAX = 40
# More jobs than this finishing in one refresh give one summary instead of a toast each.
SUMMARY_ABOVE = 3

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


def announce_finished(app: App, mode: NotifyMode, jobs: Sequence[Job]) -> None:
    """Announce the jobs one refresh found finished: a toast each, or one summary when many.

    The bell or OSC 9 goes out once per call, however many jobs finished.
    """
    if mode not in get_args(NotifyMode):
        raise ValueError(f"unknown notify mode {mode!r}: expected bell, osc9 or off")
    if not jobs:
        return
    if len(jobs) <= SUMMARY_ABOVE:
        for job in jobs:
            _toast(app, finished_message(job), job.kind.label, [job])
        signal = finished_message(jobs[0]) if len(jobs) == 1 else summary_message(jobs)
    else:
        signal = summary_message(jobs)
        _toast(app, signal, "batchtop", jobs)
    if mode == "bell":
        write_to_terminal(app, bell())
    elif mode == "osc9":
        write_to_terminal(app, passthrough(osc9("batchtop", signal)))


def _toast(app: App, message: str, title: str, jobs: Sequence[Job]) -> None:
    """A plain-text toast (`markup=False`: Textual would read "[...]" in names as markup)."""
    severities = {_SEVERITY.get(job.phase, "information") for job in jobs}
    severity: SeverityLevel = next(s for s in ("error", "warning", "information") if s in severities)
    app.notify(message, title=title, severity=severity, markup=False)
