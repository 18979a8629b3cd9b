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
from .columns import cell_len, middle_cut
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


def describe_problem(state: HeaderState, retry_in: float | None = None, zone: Zone = "local", *, brevity: int = 0) -> str:
    """`⚠ offline since 12:03 · retrying in 20 s` (or empty when all is well).

    Sources failing in different ways are all named: `⚠ access denied, SSO session expired
    (3 of 4 sources)`, so the count never lends one problem to the others. `retry_in` is
    the seconds left before the next retry (said when the problem may go away by itself).
    A header short of room says less, never the countdown: `brevity` 1 counts `(4 of 4)`,
    2 also leaves out since when.
    """
    if not state.problem_kinds:
        return ""
    text = "⚠ " + ", ".join(dict.fromkeys(_PROBLEM_PHRASES.get(kind, "errors") for kind in state.problem_kinds))
    if state.sources > 1:
        text += f" ({state.failing} of {state.sources})" if brevity else f" ({state.failing} of {state.sources} sources)"
    if state.failing_since is not None and brevity < 2:
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
_FILTER_LEAST = 16
"""Cells of the filter text kept before "live" and the interval give way (the text is on
the input line anyway while it is typed)."""


@dataclass(slots=True)
class _Piece:
    """One part of the header's left side after what is shown: its forms, longest first."""

    forms: list[str]
    style: str = ""
    form: int = 0
    cut_to: int | None = None  # cells, when the text is cut in the middle

    @property
    def text(self) -> str:
        text = self.forms[self.form] if self.form < len(self.forms) else ""
        return text if self.cut_to is None else middle_cut(text, self.cut_to)


def fit_pieces_to(pieces: list[_Piece], room: int) -> None:
    """Make `pieces` (problem, cached, filters, sort, live) fit in `room` cells, giving up
    the least useful words first: the sort goes (its column's title has the arrow), the
    filter text is cut in the middle (to 16 cells, more if there is room), "live · " goes,
    the problem is said shorter (`describe_problem`'s brevity; the countdown stays), the
    interval goes, then the filter. What still does not fit is cut at the end."""
    problem, _cached, filters, sort, live = pieces

    def used() -> int:
        return sum(cell_len(piece.text) + 3 for piece in pieces if piece.text)

    full_filter = cell_len(filters.text)
    steps = [(sort, "form", 1), (filters, "cut_to", min(full_filter, _FILTER_LEAST)), (live, "form", 1),
             (problem, "form", 1), (live, "form", 2), (problem, "form", 2), (filters, "form", 1)]
    for piece, field, value in steps:
        if used() <= room:
            break
        setattr(piece, field, value)
    if filters.cut_to is not None and filters.text:  # give the filter back what is left
        filters.cut_to = max(filters.cut_to, min(full_filter, filters.cut_to + room - used()))


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
        return "  ".join(self._shown[part].plain for part in ("header-main", "header-age") if part in self._shown)

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
        self.tick(now)  # first: the left part fits beside the right one
        self._show_main()
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
        showing = (name + clean(state.showing, 60), "bold")
        pieces = [
            _Piece([describe_problem(state, retry_in, self.zone, brevity=brevity) for brevity in range(3)], "bold $text-error"),
            _Piece(["cached · refreshing…" if state.cached else ""], "italic $text-warning"),
            _Piece([clean(state.filters, 300)], "$text-accent"),
            _Piece([state.sort]),
            _Piece([f"live · every {interval_text(state.interval)}", f"every {interval_text(state.interval)}"]
                   if state.live else [""]),
        ]
        fit_pieces_to(pieces, self._room_for_main() - cell_len(showing[0]))
        parts: list[str | tuple[str, str]] = [showing]
        for piece in pieces:
            if piece.text:
                parts += [" · ", (piece.text, piece.style)]
        self._set("header-main", Content.assemble(*parts))

    def _room_for_main(self) -> int:
        """Cells the left part has beside the right one (which is never cut)."""
        if not self.size.width:
            return 1_000
        age = self._shown.get("header-age")
        return self.size.width - (age.cell_length + 2 if age is not None else 0)  # padding 0 1

    @property
    def narrow(self) -> bool:
        """Under 100 columns the header says less, so the problem and "paused" still fit."""
        return self.size.width < NARROW

    def on_resize(self) -> None:
        if self._now is not None:
            self.tick(self._now)
        self._show_main()

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
            before = self._shown.get("header-age")
            if self._set("header-age", Content.assemble(*paused, f"{age} · {zone_name(self.zone, now)}")):
                if before is None or before.cell_length != self._shown["header-age"].cell_length:
                    self._show_main()  # the left part has another width to fit in

    def _set(self, part: str, content: Content) -> bool:
        """Show `content` in `part`; True when that changed what is shown."""
        if self._shown.get(part) == content:
            return False
        self._shown[part] = content
        if self.is_mounted:
            self.query_one(f"#{part}", Static).update(content)
        return True

    def on_mount(self) -> None:
        for part, content in self._shown.items():
            self.query_one(f"#{part}", Static).update(content)
