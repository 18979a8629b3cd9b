"""Job actions — copy the ARN or the JSON, the console URL, mark, stop, export — in one home.

The monitor and the detail screen both call these with the job under their cursor, so a
key does the same thing, with the same words, wherever it is pressed. Stop keeps its rules
(`stop_refusal`) and always asks first; the stop call runs in a worker that only calls AWS,
and its outcome is reported on the App's message queue (so does the dataset group lookup
behind a Personalize job's console URL). Names from AWS are cleaned before
they reach a toast; toasts are plain text.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING

from .clipboard import copy_to_clipboard
from .console_url import dataset_group_name
from .dialogs import ConfirmStopScreen, ExportScreen, stop_refusal
from .models import Job, JobDetail, Problem, ProblemKind, Source
from .output import ARN_REFUSED, clipboard_arn, console_link, job_json
from .sanitize import clean
from .timefmt import in_zone
from .viewmodel import source_title

if TYPE_CHECKING:
    from .live import LiveService

NAME_MAX = 80
CONSOLE_LOOKUP_SECONDS = 5.0
"""How long `o` waits for a Personalize job's dataset group before it opens the region's list."""
_LOOKUP_FAILURES = {
    ProblemKind.ACCESS_DENIED: "access denied to personalize:DescribeSolutionVersion",
    ProblemKind.THROTTLED: "AWS is throttling requests",
    ProblemKind.NOT_FOUND: "its solution version no longer exists",
    ProblemKind.MALFORMED: "the service's answer could not be read",
    ProblemKind.NETWORK: "the endpoint could not be reached",
    ProblemKind.SSO_EXPIRED: "the AWS credentials are not valid",
    ProblemKind.EXPIRED_TOKEN: "the AWS credentials are not valid",
    ProblemKind.NO_CREDENTIALS: "the AWS credentials are not valid",
}
"""Why a dataset group lookup failed, in the words of the `o` message."""


class JobActions:
    """What a screen can do to a job; `live` gives the sources, the marks and the settings."""

    def __init__(self, live: LiveService) -> None:
        self.live = live
        self.app = live.app

    def copy_arn(self, job: Job) -> None:
        """Only a well-formed ARN: what a service calls an ARN may carry a newline or a command."""
        arn = clipboard_arn(job.arn)
        if arn is None:
            self.app.notify(ARN_REFUSED, severity="warning", markup=False)
            return
        copy_to_clipboard(self.app, arn)
        self.app.notify(f"Copied the ARN of {_name(job)}", markup=False)

    def copy_json(self, job: Job, detail: JobDetail | None = None) -> None:
        """The describe result when there is one, else the summary row."""
        copy_to_clipboard(self.app, job_json(job, detail))
        what = "describe result" if detail is not None else "summary"
        self.app.notify(f"Copied the {what} of {_name(job)} as JSON", markup=False)

    def copy_console_url(self, job: Job, after: Callable[[], None] | None = None) -> None:
        """`o`: show and copy the job's console URL. A Personalize job's pages sit under its
        dataset group, which is looked up first (once per solution version, in a worker, for
        at most CONSOLE_LOOKUP_SECONDS); `after` runs once its URL is shown."""
        if not job.kind.in_dataset_group:
            self._show_console_url(console_link(job), "")
            return
        try:
            source = self.live.engine.source_for(job)
        except KeyError:  # the source is gone: the region's list is all there is to open
            self._show_dataset_group_link(job, None, "its source is no longer shown", after)
            return
        known = source.known_dataset_group(job)
        if known is not None:
            self._show_dataset_group_link(job, known, None, after)
        else:
            lookup = self._look_up_dataset_group(job, source, after)
            self.app.run_worker(lookup, name="console-url", group="console-url", exit_on_error=False)

    async def _look_up_dataset_group(self, job: Job, source: Source, after: Callable[[], None] | None) -> None:
        from .errors import classify

        group, why = None, None
        try:
            group = await asyncio.wait_for(source.dataset_group(job), CONSOLE_LOOKUP_SECONDS)
        except TimeoutError:
            why = f"no answer in {CONSOLE_LOOKUP_SECONDS:g} s"
        except Exception as exc:  # noqa: BLE001 - said in the message, never raised
            kind = classify(exc, source.key.profile).kind
            why = _LOOKUP_FAILURES.get(kind, "the lookup failed")
        else:
            why = None if group is not None else "the job names no solution version"
        self.app.call_later(self._show_dataset_group_link, job, group, why, after)

    def _show_dataset_group_link(
        self, job: Job, group: str | None, why: str | None, after: Callable[[], None] | None
    ) -> None:
        url = console_link(job, group)
        name = dataset_group_name(job, group) if group is not None else None
        if name is not None:
            says = f"Opens its dataset group, {name}, which lists its batch jobs"
        else:
            why = why or "the service named no well-formed dataset group for it"
            says = f"Opens the region's dataset groups: the job's own is not known ({why})"
        self._show_console_url(url, f"{says} ")
        if after is not None:
            after()

    def _show_console_url(self, url: str, says: str) -> None:
        copy_to_clipboard(self.app, url)
        self.app.notify(f"{url}\n{says}(copied)", title="Console URL", markup=False, timeout=10)

    def toggle_mark(self, job: Job) -> None:
        """`m`: be told by name when this job finishes (again: no longer)."""
        marked = self.live.marked
        if job.arn in marked:
            marked.discard(job.arn)
            self.app.notify(f"No longer watching {_name(job)}", markup=False)
        elif job.phase.terminal:
            self.app.notify(f"{_name(job)} has already finished ({job.phase.value}).", markup=False)
        else:
            marked.add(job.arn)
            self.app.notify(f"You will be told when {_name(job)} finishes.", markup=False)
        self.live.remember_state()

    def export(self, jobs: list[Job]) -> None:
        """`ctrl+s`: ask where and in which format; the dialog writes the rows (in a thread) and
        stays open, with the path as typed, when they cannot be written there."""
        from .export import default_export_path, export_rows

        zone = self.live.settings.timezone
        default = default_export_path(in_zone(self.live.clock(), zone), "csv")
        self.app.push_screen(ExportScreen(default, lambda path, fmt: export_rows(jobs, path, fmt, zone=zone)))  # type: ignore[arg-type]

    def stop(self, job: Job, after: Callable[[], None] | None = None) -> None:
        """`x`: refuse with a sentence, or ask, then stop; `after` runs once AWS has answered."""
        refusal = stop_refusal(job, self.live.settings.allow_stop)
        if refusal is not None:
            self.app.notify(refusal, severity="warning", markup=False)
            return
        try:
            label = source_title(self.live.engine.source_for(job).key)
        except KeyError:  # the source is gone: still name the job's own source id
            label = job.source

        def confirmed(answer: bool | None) -> None:
            if answer:
                self.app.run_worker(self._stop(job, after), name="stop", group="stop", exit_on_error=False)

        self.app.push_screen(ConfirmStopScreen(job, label), confirmed)

    async def _stop(self, job: Job, after: Callable[[], None] | None) -> None:
        from .errors import classify

        source = None
        try:
            source = self.live.engine.source_for(job)
            await source.stop(job.arn)
        except Exception as exc:  # noqa: BLE001 - shown to the user, never raised
            self.app.call_later(self._stopped, job, classify(exc, source.key.profile if source else None), after)
        else:
            self.app.call_later(self._stopped, job, None, after)

    def _stopped(self, job: Job, problem: Problem | None, after: Callable[[], None] | None) -> None:
        if problem is None:
            self.app.notify(f"Stop requested for {_name(job)}", markup=False)
        else:
            self.app.notify(f"Could not stop {_name(job)}: {problem.message}", severity="error", markup=False)
        self.live.refresh_now()  # show the job as the service now sees it, stopping or not
        if after is not None:
            after()


def _name(job: Job) -> str:
    return clean(job.name, NAME_MAX)
