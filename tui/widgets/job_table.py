"""The job table: a Line-API view over every loaded job, however many.

Only the rows on screen are ever formatted (`render_line`), each row once per look (an LRU
of strips keyed by everything that changes how the row reads). A data update repaints only
the lines whose look changed; the cursor stays on its job and the viewport on its rows.
Line 0 is the column header; the last two lines say, in full, what the cursor row holds
(the job line: name, raw status, age, message) and how much is loaded (the status line).
They stay put while the rows scroll between them.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Protocol

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.timer import Timer

from ..clock import Clock, system_clock
from ..keys import Where, bindings
from ..models import Job, JobKind, Phase
from ..sanitize import clean
from ..timefmt import Zone
from .columns import (
    GUTTER, Column, cell_len, cell_text, column_offset, duration_text, fit_cells, fit_pieces, layout, message_text, sorted_title,
    widest_texts,
)
from .contrast import readable_style

FLASH_SECONDS = 2.0
_FIXED_LINES = 3  # header, job line, status line


@dataclass(frozen=True, slots=True)
class LineStyles:
    """Every style the table's lines use, each already combined with the table's own (base)
    style, looked up once per theme and focus: a line is built from lookups, not from CSS."""

    base: Style
    cursor: Style
    flash: Style
    muted: Style
    failed: Style
    phase: dict[Phase, Style]
    header: Style
    status: Style
    empty: Style
    job_line: Style
    job_name: Style
    job_muted: Style
    job_failed: Style
    job_phase: dict[Phase, Style]

    @classmethod
    def of(cls, table: JobTable) -> LineStyles:
        """Each component's colour resolved by Textual against the table's background (so
        `$text-muted`, "auto 60%", is a grey, not white), then made readable on the background
        it is drawn on (`contrast.readable_style`)."""
        component = table.get_component_rich_style
        base = readable_style(table.rich_style)
        job_line = readable_style(component("job-table--job-line"))

        def on(ground: Style, name: str) -> Style:
            return readable_style(component(name), ground)

        phases = {phase: f"job-table--{phase.value}" for phase in Phase}
        return cls(
            base=base,
            cursor=readable_style(component("job-table--cursor")),
            flash=readable_style(component("job-table--flash")),
            muted=on(base, "job-table--muted"),
            failed=on(base, "job-table--failed"),
            phase={phase: on(base, name) for phase, name in phases.items()},
            header=readable_style(component("job-table--header")),
            status=readable_style(component("job-table--status")),
            empty=readable_style(component("job-table--muted")),
            job_line=job_line,
            job_name=job_line + Style(bold=True),
            job_muted=on(job_line, "job-table--muted"),
            job_failed=on(job_line, "job-table--failed"),
            job_phase={phase: on(job_line, name) for phase, name in phases.items()},
        )

    def cell(self, key: str, phase: Style, failed: bool) -> Style:
        if key in ("status", "progress"):
            return phase
        if key == "message" and failed:
            return self.failed
        if key in ("created", "duration", "kind", "account", "region", "message"):
            return self.muted
        return self.base


class RowView(Protocol):
    """What the table reads: the engine's view of one source (or of all)."""

    all_loaded: bool

    def __len__(self) -> int: ...

    def __getitem__(self, index: int) -> Job: ...

    def index_of(self, arn: str) -> int | None: ...

    def status_line(self) -> str: ...


class TableMessage(Message):
    """A message from a job table; `control` is the table, so `@on(..., "#id")` can pick one."""

    def __init__(self, table: JobTable) -> None:
        super().__init__()
        self.table = table

    @property
    def control(self) -> JobTable:
        return self.table


class JobTable(ScrollView, can_focus=True, inherit_bindings=False):
    """Rows of jobs with a cursor; posts messages, never calls AWS."""

    BINDINGS = bindings(Where.TABLE)

    DEFAULT_CSS = """
    JobTable {
        overflow-x: hidden;
        overflow-y: auto;
        scrollbar-gutter: stable;
        scrollbar-size-vertical: 1;
        & > .job-table--header { color: $text-muted; text-style: bold; }
        & > .job-table--status { color: $text-muted; }
        & > .job-table--cursor { background: $block-cursor-blurred-background; text-style: bold; }
        & > .job-table--job-line { background: $boost; }
        & > .job-table--flash { background: $warning 25%; }
        & > .job-table--muted { color: $text-muted; }
        & > .job-table--queued { color: $text-warning; }
        & > .job-table--running { color: $text-primary; }
        & > .job-table--stopping { color: $text-warning; }
        & > .job-table--succeeded { color: $text-success; }
        & > .job-table--partial { color: $text-warning; text-style: bold; }
        & > .job-table--failed { color: $text-error; text-style: bold; }
        & > .job-table--stopped { color: $text-muted; }
        & > .job-table--expired { color: $text-muted; }
        & > .job-table--unknown { color: $text-secondary; }
        &:focus > .job-table--cursor { background: $block-cursor-background; color: $block-cursor-foreground; }
    }
    """

    COMPONENT_CLASSES = {
        "job-table--header",
        "job-table--status",
        "job-table--cursor",
        "job-table--job-line",
        "job-table--flash",
        "job-table--muted",
        *(f"job-table--{phase.value}" for phase in Phase),
    }

    cursor: reactive[int] = reactive(0, repaint=False, init=False)

    class NearEnd(TableMessage):
        """The cursor or viewport is within one screen of the last loaded row: load more."""

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, JobTable.NearEnd)

    class EndWanted(TableMessage):
        """End (or `G`) with more rows to come: load every page; the cursor follows the last row."""

    class EndStopped(TableMessage):
        """A movement key (or Esc) while loading to the end: stop after the page in flight."""

    class Selected(TableMessage):
        """Enter (or `d`) on a job: show its detail."""

        def __init__(self, table: JobTable, job: Job) -> None:
            super().__init__(table)
            self.job = job

    def __init__(
        self,
        view: RowView | None = None,
        *,
        clock: Clock = system_clock,
        columns: list[str] | None = None,
        zone: Zone = "local",
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._view = view
        self._clock = clock
        self._wanted_columns = columns
        self.zone: Zone = zone
        """The time zone of the CREATED column (the header names it)."""
        self.kinds: frozenset[JobKind] = frozenset()
        self.several_places = False
        self.several_accounts = False
        """The rows come from more than one AWS account: the ACCOUNT column is shown."""
        self.empty_text = ""
        """What an empty table says instead of "loading…" (set by the screen: why it is empty)."""
        self.failing = False
        """Every source shown is failing (set by the screen): nothing more can load just now."""
        self.sort_marker: tuple[str, bool] = ("created", True)
        """(column, descending): the header shows ↓ or ↑ after that column's title."""
        self.marked: set[str] = set()
        self.to_end = False
        """End was pressed and more rows are coming: the cursor follows the last row."""
        self._end_note: str | None = None
        self._stopped_on: str | None = None
        """The job under the cursor when End was stopped (Esc), while the cursor stays on it:
        the page in flight lands below it and the cursor follows to the new last row; no more
        pages load by themselves until the cursor moves (Esc stopped them)."""
        self._flashed: set[str] = set()
        self._cursor_moved = False  # since the view was shown (see keeping_position)
        self._flash_timer: Timer | None = None
        self._strips: LRUCache[Hashable, Strip] = LRUCache(1024)
        self._cells: LRUCache[Hashable, list[str]] = LRUCache(1024)
        self._rendered: dict[int, Hashable] = {}
        self._warmed_top: int | None = None
        self._styles: dict[bool, LineStyles] = {}
        self._layout_key: tuple[object, ...] = ()
        self._widest: tuple[tuple[str, int], ...] = ()
        self._widest_seen: tuple[int, ...] = ()
        self._updates = 0  # data updates (`keeping_position`): the rows on screen may read otherwise
        self._columns: tuple[Column, ...] = ()
        self._now = clock()
        self._paint_frame = self._frame()
        self._update_virtual_size()

    # -- what is shown -------------------------------------------------------------------

    @property
    def view(self) -> RowView | None:
        return self._view

    @view.setter
    def view(self, view: RowView | None) -> None:
        """Swap the view as part of an update: use inside `keeping_position`."""
        self._view = view

    def show_view(self, view: RowView | None, *, kinds: frozenset[JobKind], several_places: bool) -> None:
        """Show another source (or the same one re-filtered): back to the top.

        `kinds` and `several_places` pick the columns (progress for Bedrock, kind and
        account/region when they differ between rows).
        """
        self._view = view
        self.kinds = kinds
        self.several_places = several_places
        self.to_end = False
        self._stopped_on = None
        self._flashed.clear()
        self._widest, self._widest_seen = (), ()
        self.set_reactive(JobTable.cursor, 0)
        self._cursor_moved = False
        self._update_virtual_size()
        self.scroll_to(y=0, animate=False, immediate=True)
        self.refresh()
        self.check_near_end()

    def show_accounts(self, several: bool) -> None:
        """Show the ACCOUNT column or not (accounts are known once rows arrive): repaints
        only when that changes."""
        if several != self.several_accounts:
            self.several_accounts = several
            self.refresh()

    @contextmanager
    def keeping_position(self) -> Iterator[None]:
        """Around a data update: the cursor stays on its job, the viewport on its rows.

        Inside the block the caller applies the update (and may set `view`). Afterwards
        the cursor and the top row are found again by ARN and only the lines whose look
        changed are repainted. At the very top, the viewport stays at the top, so new
        jobs show up there; a cursor not moved (nor the view scrolled) since the view was
        shown stays on the first row: while hundreds of sources' first pages land above it,
        it stays on the newest job.
        """
        old_cursor, old_top = self.cursor, self.scroll_offset.y
        fresh = not self._cursor_moved and old_top == 0  # shown, and neither moved nor scrolled
        cursor_arn = None if fresh else self._arn_at(old_cursor)
        top_arn = self._arn_at(old_top)
        yield
        self._updates += 1
        count = len(self._view) if self._view is not None else 0
        cursor = self._find(cursor_arn, old_cursor, count)
        top = 0 if old_top == 0 else self._find(top_arn, old_top, count)
        height = self.data_height
        if old_top <= old_cursor < old_top + height:  # a visible cursor stays visible
            if cursor < top:
                top = cursor
            elif height and cursor >= top + height:
                top = cursor - height + 1
        top = max(0, min(top, count - height))
        self.set_reactive(JobTable.cursor, cursor)
        if top != old_top:
            self.set_reactive(JobTable.scroll_y, float(top))
            self.set_reactive(JobTable.scroll_target_y, float(top))
            if self.show_vertical_scrollbar:
                self.vertical_scrollbar.position = top
        self._update_virtual_size()
        self.sync_lines()

    def flash(self, arns: set[str]) -> None:
        """Mark changed rows for a moment; one timer clears them all."""
        if not arns:
            return
        self._flashed |= arns
        if self._flash_timer is not None:
            self._flash_timer.stop()
        self._flash_timer = self.set_timer(FLASH_SECONDS, self._end_flash)
        self.sync_lines()

    def _end_flash(self) -> None:
        self._flash_timer = None
        self._flashed.clear()
        self.sync_lines()

    def set_marked(self, arns: set[str]) -> None:
        self.marked = set(arns)
        self.sync_lines()

    def sync_lines(self, lines: Iterable[int] | None = None) -> None:
        """Repaint what differs from the screen: whole lines, or just the time cell when only
        a job's age moved on (fewer bytes to the terminal than a whole row).

        `lines` limits the comparison to those lines (a cursor move); default: every line.
        """
        self._now = self._clock()
        frame = self._frame()
        width, columns, height = frame[0], frame[1], frame[3]
        regions = []
        for y in range(height) if lines is None else lines:
            old, new = self._rendered.get(y), self._line_key(y, frame)
            if old != new:
                regions += [Region(x, y, cells, 1) for x, cells in _changed_spans(old, new, columns, width)]
        if regions:
            self.refresh(*regions)  # once: each call also drops the widget's cached styles and sizes

    # -- reading -------------------------------------------------------------------------

    @property
    def data_height(self) -> int:
        return max(0, self.scrollable_content_region.height - _FIXED_LINES)

    @property
    def row_count(self) -> int:
        return len(self._view) if self._view is not None else 0

    @property
    def current_job(self) -> Job | None:
        if self._view is None or not 0 <= self.cursor < len(self._view):
            return None
        return self._view[self.cursor]

    def visible_arns(self) -> set[str]:
        """ARNs of the rows on screen now."""
        if self._view is None:
            return set()
        top = self.scroll_offset.y
        bottom = min(len(self._view), top + self.data_height)
        return {self._view[index].arn for index in range(top, bottom)}

    @property
    def near_end(self) -> bool:
        """True when more rows should be loaded: within a screen of the last loaded row
        (not while the cursor stays where End was stopped)."""
        if self._view is None or self._view.all_loaded or self._held_at_end():
            return False
        height = self.data_height
        lowest = max(self.cursor, self.scroll_offset.y + height - 1)
        return lowest >= self.row_count - max(1, height)

    def check_near_end(self) -> None:
        if self.near_end:
            self.post_message(self.NearEnd(self))

    def _arn_at(self, index: int) -> str | None:
        if self._view is None or not 0 <= index < len(self._view):
            return None
        return self._view[index].arn

    def _find(self, arn: str | None, fallback: int, count: int) -> int:
        found = self._view.index_of(arn) if arn is not None and self._view is not None else None
        index = fallback if found is None else found
        return max(0, min(index, count - 1))

    # -- cursor and keys -----------------------------------------------------------------

    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, self.row_count - 1))

    def watch_cursor(self, old: int, new: int) -> None:
        """A scroll repaints every line anyway; otherwise only the old and new cursor lines
        and the status line ("N of M") can differ, so only they are looked at."""
        self._cursor_moved = True
        if not self._held_at_end():
            self._stopped_on = None
        top = self.scroll_offset.y
        self._scroll_to_cursor()
        if self.scroll_offset.y == top and self.size.height:
            job_line = self.size.height - 2
            rows = {line for line in (old - top + 1, new - top + 1) if 0 < line < job_line}
            self.sync_lines(rows | {job_line, job_line + 1})
        self.check_near_end()

    def _scroll_to_cursor(self) -> None:
        top, height = self.scroll_offset.y, self.data_height
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif height and self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True)

    def go_to(self, arn: str | None) -> bool:
        """The cursor on the job `arn`, if the table shows it (False when it does not)."""
        index = self._view.index_of(arn) if arn is not None and self._view is not None else None
        if index is not None:
            self.cursor = index
        return index is not None

    def follow_end(self) -> None:
        """After each page while loading to the end: the cursor on the new last row. The
        page in flight when End was stopped (Esc) is followed too, unless the cursor moved."""
        if self._held_at_end():
            self.cursor = self.row_count - 1
            self._stopped_on = self._arn_at(self.cursor)
            return
        if not self.to_end:
            return
        self.cursor = self.row_count - 1
        if self._view is None or self._view.all_loaded:
            self.end_stopped()

    def _held_at_end(self) -> bool:
        """Is the cursor still on the job it was on when End was stopped?"""
        return self._stopped_on is not None and self._arn_at(self.cursor) == self._stopped_on

    def stop_end(self) -> bool:
        """Stop loading to the end (a movement key, Esc); True when it was loading."""
        if not self.to_end:
            return False
        self._stopped_on = self._arn_at(self.cursor)
        self.end_stopped()
        self.post_message(self.EndStopped(self))
        return True

    def set_end_note(self, note: str | None) -> None:
        """What End's status line adds (a failed page it will ask for again), None for nothing."""
        if note != self._end_note:
            self._end_note = note
            self.sync_lines()

    def end_stopped(self) -> None:
        """Loading to the end is over (the end was reached, a page failed, or it was stopped)."""
        if self.to_end:
            self.to_end = False
            self.sync_lines()

    def action_cursor_up(self) -> None:
        self.stop_end()
        self.cursor -= 1

    def action_cursor_down(self) -> None:
        self.stop_end()
        self.cursor += 1

    def action_page_up(self) -> None:
        self.stop_end()
        page = max(1, self.data_height - 1)
        self.scroll_to(y=self.scroll_offset.y - page, animate=False, immediate=True)
        self.cursor -= page

    def action_page_down(self) -> None:
        self.stop_end()
        page = max(1, self.data_height - 1)
        self.scroll_to(y=self.scroll_offset.y + page, animate=False, immediate=True)
        self.cursor += page

    def action_first(self) -> None:
        self.stop_end()
        self.cursor = 0

    def action_last(self) -> None:
        """The last row: the last loaded one now, and, while more exist, every page until the
        end (the cursor follows; Esc or a movement key stops)."""
        self.cursor = self.row_count - 1
        if self._view is not None and not self._view.all_loaded and not self.to_end:
            self.to_end = True
            self.sync_lines()
            self.post_message(self.EndWanted(self))

    def action_select(self) -> None:
        job = self.current_job
        if job is not None:
            self.post_message(self.Selected(self, job))

    def on_click(self, event: events.Click) -> None:
        index = self.scroll_offset.y + event.y - 1
        if 1 <= event.y <= self.data_height and index < self.row_count:
            if index == self.cursor and event.chain > 1:
                self.action_select()
            self.cursor = index

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if round(old_value) != round(new_value):
            self.check_near_end()

    def on_focus(self) -> None:
        self.sync_lines()

    def on_blur(self) -> None:
        self.sync_lines()

    def on_resize(self) -> None:
        self._update_virtual_size()
        self._scroll_to_cursor()
        self.check_near_end()  # taller, or sized for the first time: the rows may not fill it

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()
        self._rendered.clear()
        self._styles.clear()

    # -- rendering -----------------------------------------------------------------------

    def _update_virtual_size(self) -> None:
        """More (or fewer) rows. A layout runs only when the scrollbar appears or goes: it
        repaints the whole screen, and the scrollbar it updates only a frame later."""
        size = Size(0, self.row_count + _FIXED_LINES)
        if size == self.virtual_size:
            return
        overflows = size.height > self.container_size.height
        if not self.container_size or overflows != self.show_vertical_scrollbar:
            self.virtual_size = size
            return
        self.set_reactive(JobTable.virtual_size, size)
        if overflows:
            self.vertical_scrollbar.window_virtual_size = size.height

    def _layout(self, width: int, top: int) -> tuple[Column, ...]:
        widest = self._widest_shown(top)
        key = (width, self.kinds, self.several_places, self.several_accounts, widest)
        if key != self._layout_key:
            self._layout_key = key
            self._columns = layout(
                width,
                kinds=self.kinds,
                several_places=self.several_places,
                several_accounts=self.several_accounts,
                wanted=self._wanted_columns,
                widest=dict(widest) if widest else None,
            )
        return self._columns

    def _widest_shown(self, top: int) -> tuple[tuple[str, int], ...]:
        """The widest texts of the rows this view has shown (`columns.widest_texts`), which
        the columns are fitted to. They only grow, so columns do not shift back and forth
        while scrolling; measured only when other rows are on screen or the data changed
        (a cursor move inside the screen measures nothing)."""
        view = self._view
        if view is None or not len(view):
            return self._widest
        seen = (top, len(view), self.data_height, self._updates)
        if seen != self._widest_seen:
            self._widest_seen = seen
            rows = (view[index] for index in range(top, min(len(view), top + self.data_height)))
            self._widest = tuple(widest_texts(rows, dict(self._widest)).items())
        return self._widest

    def _frame(self) -> tuple[int, tuple[Column, ...], int, int, bool]:
        """What every line of one paint shares: width, columns, top row, height, focus."""
        width, top = self.scrollable_content_region.width, self.scroll_offset.y
        return (
            width,
            self._layout(width, top),
            top,
            self.size.height,
            self.has_focus,
        )

    def _line_key(self, y: int, frame: tuple[int, tuple[Column, ...], int, int, bool]) -> Hashable:
        """Everything that decides how line `y` looks; equal keys render equal strips."""
        width, columns, top, height, focused = frame
        if y == 0:
            return ("header", width, columns, self.sort_marker)
        if y == height - 1:
            return ("status", width, self._status_text(width))
        if y == height - 2:
            job = self.current_job
            return ("job", width, job, job and duration_text(job, self._now))
        index = top + y - 1
        if self._view is None or index >= len(self._view):
            return ("empty", width, self._empty_text() if y == 1 else "")
        job = self._view[index]
        cursor = index == self.cursor
        return (
            "row",
            width,
            job,
            cursor,
            cursor and focused,
            job.arn in self._flashed,
            job.arn in self.marked,
            columns,
            duration_text(job, self._now),
        )

    def render_lines(self, crop: Region) -> list[Strip]:
        self._now = self._clock()
        self._paint_frame = self._frame()
        lines = super().render_lines(crop)
        top = self._paint_frame[2]
        if top != self._warmed_top:
            self._warmed_top = top
            self.call_after_refresh(self._warm_page_below, self._paint_frame)
        return lines

    def _warm_page_below(self, frame: tuple[int, tuple[Column, ...], int, int, bool]) -> None:
        """Once a frame that scrolled is out: the cell texts of the page below, so a PgDn only
        styles rows whose texts are made (the texts are ~3/4 of a fresh row's cost). Runs only
        when the table scrolled, never at idle; skipped when the table moved on meanwhile."""
        if self._view is None or frame != self._frame():
            return
        _width, columns, top, _height, _focused = frame
        below = top + self.data_height
        for index in range(below, min(below + self.data_height, len(self._view))):
            job = self._view[index]
            self._row_cells(job, columns, duration_text(job, self._now))

    def render_line(self, y: int) -> Strip:
        key = self._line_key(y, self._paint_frame)
        self._rendered[y] = key
        strip = self._strips.get(key)
        if strip is None:
            strip = self._build_strip(key)
            self._strips[key] = strip
        return strip

    def _build_strip(self, key: Hashable) -> Strip:
        """The strip of one line key, built straight as segments from the frame's styles."""
        kind, width, *rest = key  # type: ignore[misc]
        if kind == "row":
            return self._row_strip(width, *rest)
        styles = self._line_styles()
        if kind == "header":
            columns, (sorted_by, descending) = rest
            arrow = "↓" if descending else "↑"
            titles = (sorted_title(column, arrow) if column.key == sorted_by else column.title for column in columns)
            text = " " * GUTTER + " ".join(f"{title[: column.width]:<{column.width}}" for title, column in zip(titles, columns))
            return _one_style(text, styles.header, width)
        if kind == "status":
            return _one_style(" " + rest[0], styles.status, width)
        if kind == "job":
            job, age = rest
            return self._job_line(job, age, styles, width)
        return _one_style(" " + rest[0], styles.empty, width)

    def _row_strip(
        self, width: int, job: Job, cursor: bool, _focused: bool, flashed: bool, marked: bool,
        columns: tuple[Column, ...], time_text: str,
    ) -> Strip:
        """One job row, built straight as segments (the cost of PgDn is ~40 of these): each cell
        is fitted to its column's cells, styled by a lookup in the frame's `LineStyles`."""
        styles = self._line_styles()
        marker = ("›" if cursor else " ") + ("*" if marked else " ")
        cells = self._row_cells(job, columns, time_text)
        if cursor:  # one colour on the cursor's background, readable in every theme
            segments = [Segment(marker + " ".join(cells), styles.cursor)]
        else:
            failed = job.phase in (Phase.FAILED, Phase.PARTIAL)
            phase = styles.phase[job.phase]
            # The marker and first cell flash (cheap to clear again). A separator takes the
            # style of the cell before it (a space shows only the background, which they
            # share), so cells of one style are one segment: fewer bytes, less to composite.
            texts, style = [marker], styles.flash if flashed else styles.base
            segments = []
            for number, (column, cell) in enumerate(zip(columns, cells)):
                if number:
                    cell_style = styles.cell(column.key, phase, failed)
                    if style is styles.flash:
                        segments.append(Segment("".join(texts), style))
                        texts, style = [], styles.base
                    texts.append(" ")
                    if cell_style is not style:
                        segments.append(Segment("".join(texts), style))
                        texts, style = [], cell_style
                texts.append(cell)
            segments.append(Segment("".join(texts), style))
        length = GUTTER + sum(column.width for column in columns) + max(0, len(columns) - 1)
        if length == width:  # the columns fill the width (columns.layout): nothing to cut or pad
            return Strip(segments, width)
        return Strip(segments, length).crop_extend(0, width, styles.base)

    def _row_cells(self, job: Job, columns: tuple[Column, ...], time_text: str) -> list[str]:
        """A row's cell texts, each fitted to its column, shared by every look of the row: the
        cursor reaching a row on screen restyles texts already made."""
        key = (job, columns, time_text)
        cells = self._cells.get(key)
        if cells is None:
            cells = self._cells[key] = [
                fit_cells(time_text if column.key == "duration" else cell_text(job, column.key, column.width, self._now, self.zone), column.width)
                for column in columns
            ]
        return cells

    def _line_styles(self) -> LineStyles:
        """The styles of the table's lines, looked up once per theme and focus (not per line)."""
        styles = self._styles.get(self.has_focus)
        if styles is None:
            styles = self._styles[self.has_focus] = LineStyles.of(self)
        return styles

    def _job_line(self, job: Job | None, age: str | None, styles: LineStyles, width: int) -> Strip:
        """`▶ doc-embeddings-20250527-00015 · InProgress · 3h22m · message`: the cursor row in
        full, so nothing has to fit in a cell to be read."""
        if job is None:
            return _one_style(" ", styles.job_line, width)
        phase = styles.job_phase[job.phase]
        pieces = [(" ", styles.job_line), (f"{job.phase.glyph} ", phase), (clean(job.name, 500), styles.job_name),
                  (" · ", styles.job_muted), (clean(job.status, 100) or "no status", phase)]
        if age:
            pieces.append((f" · {age}", styles.job_muted))
        message = message_text(job)
        if message:
            failed = job.phase in (Phase.FAILED, Phase.PARTIAL)
            pieces += [(" · ", styles.job_muted), (clean(message, 1000), styles.job_failed if failed else styles.job_line)]
        segments = [Segment(text, style) for text, style in fit_pieces(pieces, width)]
        return Strip(segments).extend_cell_length(width, styles.job_line)

    def _status_text(self, width: int) -> str:
        if self._view is None:
            return "loading…"
        if self.to_end:
            note = f" · {self._end_note}" if self._end_note else ""
            return f"loading · {len(self._view):,} so far{note} · Esc stops"
        if self.failing and not self._view.all_loaded:
            counts = f"{len(self._view):,} loaded · nothing more can load while the source fails"
        else:
            counts = self._view.status_line()
        position = f"{self.cursor + 1:,} of {len(self._view):,}" if len(self._view) else ""
        return fit_status(counts, position, width - 1)  # the line starts with a blank

    def _empty_text(self) -> str:
        if self.empty_text:
            return self.empty_text
        if self._view is None or not self._view.all_loaded:
            return "loading…"
        return "no jobs here"


def fit_status(counts: str, position: str, width: int) -> str:
    """`100,000 jobs · all loaded  ·  1 of 100,000` in `width` cells: the position stays
    whole (cut, it reads as another number: `1 of 10…`); the counts give up their last
    words first (`all loaded`, then `100,000 jobs`), then are cut at the end."""
    parts = counts.split(" · ")
    text = "  ·  ".join(filter(None, (counts, position)))
    while cell_len(text) > width and len(parts) > 1:
        parts.pop()
        text = "  ·  ".join(filter(None, (" · ".join(parts), position)))
    room = width - cell_len(position) - 5
    if cell_len(text) > width and position:
        text = f"{fit_cells(parts[0], room).rstrip()}  ·  {position}" if room > 1 else position
    return text


def _one_style(text: str, style: Style, width: int) -> Strip:
    """A line of one style in exactly `width` cells (cut with an ellipsis, or padded)."""
    return Strip([Segment(fit_cells(text, width), style)], max(0, width))


def _changed_spans(old: Hashable | None, new: Hashable, columns: tuple[Column, ...], width: int) -> list[tuple[int, int]]:
    """(x, cells) to repaint when line key `old` becomes `new`.

    Terminals receive a repainted span from the start of the widget's line to the span's
    end, so a flash ending repaints the marker and first cell, an age ticking only the time
    cell's line up to it; anything else repaints the whole line.
    """
    same_row = isinstance(old, tuple) and old[0] == new[0] == "row" and old[1:5] == new[1:5] and old[7] == new[7]  # type: ignore[index]
    if not same_row:
        return [(0, width)]
    spans = []
    if old[5:7] != new[5:7]:  # type: ignore[index]  flashed, marked
        spans.append((0, GUTTER + columns[0].width))
    if old[8] != new[8]:  # type: ignore[index]  time text
        spans.append(column_offset(columns, "duration") or (0, width))
    return spans
