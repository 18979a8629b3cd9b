"""The one-line header: what is shown, the filters, what is wrong; on the right, live or
paused, how fresh, and the time zone every time on screen is in.

Idle cost matters (the monitor stays open for days): each part repaints only when its
text changes, and the age is coarse ("just now", "40s ago", "5m ago"), so a healthy live
monitor shows the same header refresh after refresh and sends nothing to the terminal.
The retry countdown is the one thing that ticks each second, and only while a source is
failing and a retry is due.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.timer import Timer
from textual.widgets import Static

from ..sanitize import clean
from ..timefmt import Zone, format_duration, zone_info, zone_name

_PROBLEM_PHRASES = {
    "sso_expired": "SSO session expired",
    "no_credentials": "no AWS credentials",
    "expired_token": "credentials expired",
    "access_denied": "access denied",
    "throttled": "throttled",
    "network": "offline",
    "service": "service errors",
    "not_found": "not found",
    "malformed": "malformed responses",
    "invalid_token": "page token rejected",
}


@dataclass(frozen=True, slots=True)
class HeaderState:
    """Everything the header says, gathered by the monitor after each change."""

    showing: str
    filters: str = ""
    sort: str = ""
    live: bool = True
    interval: float = 10.0
    last_refresh: dt.datetime | None = None
    problem_kinds: tuple[str, ...] = ()  # each kind of problem once, in source order
    failing: int = 0
    sources: int = 0
    failing_since: dt.datetime | None = None
    retry_at: float | None = None  # `time.monotonic()` of the next retry while failing
    transient: bool = False  # the problem goes away by itself (offline, throttled): say when we retry
    cached: bool = False  # rows from the local cache that no list call has confirmed yet


def describe_problem(state: HeaderState, retry_in: float | None = None, zone: Zone = "local") -> str:
    """`⚠ offline since 12:03 · retrying in 20 s` (or empty when all is well).

    Sources failing in different ways are all named: `⚠ access denied, SSO session expired
    (3 of 4 sources)`, so the count never lends one problem to the others. `retry_in` is
    the seconds left before the next retry (said when the problem may go away by itself).
    """
    if not state.problem_kinds:
        return ""
    text = "⚠ " + ", ".join(dict.fromkeys(_PROBLEM_PHRASES.get(kind, "errors") for kind in state.problem_kinds))
    if state.sources > 1:
        text += f" ({state.failing} of {state.sources} sources)"
    if state.failing_since is not None:
        text += f" since {state.failing_since.astimezone(zone_info(zone)):%H:%M}"
    if retry_in is not None and state.live and (state.transient or retry_in > state.interval):
        text += f" · retrying in {math.ceil(retry_in)} s" if retry_in > 0 else " · retrying…"
    return text


def age_text(last: dt.datetime | None, now: dt.datetime, fresh_for: float = 10.0) -> str:
    """Coarse age of the last refresh: "just now" for `fresh_for` seconds, then 10 s steps,
    then minutes. A live monitor passes about one interval, so the text holds still between
    refreshes that arrive on time."""
    if last is None:
        return "not updated yet"
    seconds = (now - last).total_seconds()
    if seconds < fresh_for:
        return "updated just now"
    if seconds < 60:
        return f"updated {int(seconds) // 10 * 10}s ago"
    return f"updated {format_duration(seconds)} ago"


def interval_text(seconds: float) -> str:
    """`10s`, `0.1s`, or `5m` from a minute up (the header and the palette say it alike)."""
    return f"{seconds:g}s" if seconds < 60 else format_duration(seconds)


NARROW = 100


class MonitorHeader(Horizontal):
    """Left: what, problem, filters, sort, live. Right (never cut): paused, age, zone."""

    DEFAULT_CSS = """
    MonitorHeader {
        height: 1;
        background: $panel;
        & > #header-main { width: 1fr; height: 1; text-wrap: nowrap; text-overflow: ellipsis; }
        & > #header-age { width: auto; height: 1; color: $text-muted; padding: 0 1; }
    }
    """

    def __init__(self, *, zone: Zone = "local", id: str | None = None) -> None:
        super().__init__(id=id)
        self.zone: Zone = zone
        self._state: HeaderState | None = None
        self._shown: dict[str, Content] = {}
        self._countdown: Timer | None = None
        self._now: dt.datetime | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="header-main")
        yield Static("", id="header-age")

    @property
    def text(self) -> str:
        """The header as plain text (tests, screen readers of the future)."""
        return "  ".join(content.plain for content in self._shown.values())

    @property
    def counting_down(self) -> bool:
        """True while the retry countdown ticks (only while a retry is due)."""
        return self._countdown is not None

    def show(self, state: HeaderState, now: dt.datetime) -> None:
        """Show `state`; user text (filters) is plain `Content`, never markup.

        The problem comes right after what is shown: a narrow terminal cuts the end of the
        left part, and the error must not be what it cuts. Paused, the age and the zone sit
        on the right, which is never cut.
        """
        self._state = state
        self._show_main()
        self.tick(now)
        due = state.retry_at is not None and state.live and bool(state.problem_kinds)
        if due and self._countdown is None and self.is_mounted:
            self._countdown = self.set_interval(1.0, self._show_main)
        elif not due and self._countdown is not None:
            self._countdown.stop()
            self._countdown = None

    def _show_main(self) -> None:
        state = self._state
        if state is None:
            return
        retry_in = None if state.retry_at is None else max(0.0, state.retry_at - time.monotonic())
        name = " " if self.narrow else " batchtop · "
        parts: list[str | tuple[str, str]] = [(name + clean(state.showing, 60), "bold")]
        problem = describe_problem(state, retry_in, self.zone)
        if problem:
            parts += [" · ", (problem, "bold $text-error")]
        if state.cached:
            parts += [" · ", ("cached · refreshing…", "italic $text-warning")]
        if state.filters:
            parts.append((" · " + clean(state.filters, 80), "$text-accent"))
        if state.sort:
            parts.append(" · " + state.sort)
        if state.live:
            parts.append(f" · live · every {interval_text(state.interval)}")
        self._set("header-main", Content.assemble(*parts))

    @property
    def narrow(self) -> bool:
        """Under 100 columns the header says less, so the problem and "paused" still fit."""
        return self.size.width < NARROW

    def on_resize(self) -> None:
        self._show_main()
        if self._now is not None:
            self.tick(self._now)

    def tick(self, now: dt.datetime) -> None:
        """Recompute the age; repaints only when the coarse text changed."""
        self._now = now
        if self._state is not None:
            state = self._state
            fresh_for = min(state.interval, 60.0) + 10.0 if state.live else 10.0
            age = age_text(state.last_refresh, now, fresh_for)
            if self.narrow:
                age = age.removeprefix("updated ")
            paused: list[str | tuple[str, str]] = [] if state.live else [("paused", "bold reverse"), " · "]
            self._set("header-age", Content.assemble(*paused, f"{age} · {zone_name(self.zone, now)}"))

    def _set(self, part: str, content: Content) -> None:
        if self._shown.get(part) == content:
            return
        self._shown[part] = content
        if self.is_mounted:
            self.query_one(f"#{part}", Static).update(content)

    def on_mount(self) -> None:
        for part, content in self._shown.items():
            self.query_one(f"#{part}", Static).update(content)
