"""The source pane: "All", then each source grouped by profile (and account) and region,
with its counts; groups open and close like a tree.

A few lines per source, rebuilt from the engine's source states after each change and
repainted only when the text differs. A group's header counts its sources and stays shown
when it is closed; which groups are closed survives every refresh. Problems show in place,
in red and with a glyph, so a failing source reads without colour too.
"""

from __future__ import annotations

from collections.abc import Sequence, Set as AbstractSet
from dataclasses import dataclass

from rich.style import Style
from rich.text import Text
from textual import events
from textual.containers import VerticalScroll
from textual.geometry import Region
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from ..keys import SOURCE_KEYS, Where, bindings
from ..models import Phase, SourceKey
from ..sanitize import clean
from .columns import DONE, PHASE_ORDER, counts_text


HIDDEN_WIDTH = 30
MANY_SOURCES = 24
"""Above this many sources the pane opens with its top groups closed (a header per profile,
or per region): 400 sources open are ~1,300 lines nobody reads, redrawn as rows land."""


@dataclass(frozen=True, slots=True)
class SourceRow:
    """What the pane shows for one entry (None key = "All")."""

    key: SourceKey | None
    title: str
    counts: dict[Phase, int]
    loaded: int
    all_loaded: bool
    loading: bool = False
    problem: str | None = None
    notice: str | None = None
    account: str = ""
    """The AWS account its rows belong to ("" until rows arrive)."""
    failing: bool = False
    """Every source behind the line is failing: nothing more can load until one recovers."""
    problem_lines: int | None = None
    """The most lines `problem` may take in the pane (None: as many as it needs)."""
    held: str = ""
    """Rows loaded but not shown yet, and why ("All": `16 more loaded, waiting for older
    pages`); then `loaded` counts the rows shown."""


GroupId = tuple[str, ...]
"""("profile", name) or ("region", profile name, region): stable across refreshes."""


@dataclass(frozen=True, slots=True, eq=False)
class Group:
    """A header over some sources: a profile (with its account), or a region in it. A group
    is its `id`: the same group when its title or counts change."""

    id: GroupId
    title: str
    depth: int
    entries: tuple[int, ...]
    """The entry indexes (1… in `rows`) of the sources under it, at any depth."""
    collapsible: bool = True

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Group) and other.id == self.id

    def __hash__(self) -> int:
        return hash(self.id)


Item = int | Group
"""One navigable line of the pane: an entry index (0 = All) or a group's header."""


def outline(rows: Sequence[SourceRow], collapsed: AbstractSet[GroupId] = frozenset()) -> list[Item]:
    """The pane top to bottom: "All", then the sources under their groups, leaving out the
    sources (and subgroups) of collapsed groups.

    Several profiles: a group per profile (named with its account once its rows say it),
    and inside a profile with several regions a group per region. One profile: a group per
    region when there are several; with one region the pane stays flat, a plain heading
    naming the profile and region (nothing to collapse).
    """
    places: dict[str | None, dict[str, list[int]]] = {}
    for index, row in enumerate(rows):
        if row.key is not None:
            places.setdefault(row.key.profile, {}).setdefault(row.key.region, []).append(index)
    items: list[Item] = [0] if rows else []
    several_profiles = len(places) > 1
    for profile, regions in places.items():
        name = profile or "default"
        if several_profiles:
            entries = tuple(index for members in regions.values() for index in members)
            account = next((rows[index].account for index in entries if rows[index].account), "")
            place = [name, account] + (list(regions) if len(regions) == 1 else [])
            group = Group(("profile", name), " · ".join(filter(None, place)), 0, entries)
            items.append(group)
            if group.id in collapsed:
                continue
        for region, members in regions.items():
            if several_profiles and len(regions) == 1:
                items += members
                continue
            depth = 1 if several_profiles else 0
            title = region if several_profiles else f"{name} · {region}"
            group = Group(("region", name, region), title, depth, tuple(members), collapsible=several_profiles or len(regions) > 1)
            items.append(group)
            if not (group.collapsible and group.id in collapsed):
                items += members
    return items


def loaded_text(row: SourceRow) -> str:
    """How much of a source is loaded: `1,000 loaded · more`, `40 · all loaded` or `loading…`;
    a failing source promises no more (`0 loaded`), as the table's status line says."""
    if row.all_loaded:
        return f"{row.loaded:,} · all loaded"
    if row.loading and not row.loaded:
        return "loading…"
    if row.failing:
        return f"{row.loaded:,} loaded"
    return f"{row.loaded:,} {'shown' if row.held else 'loaded'} · more"


def compact_counts(row: SourceRow) -> str:
    """A group's counts on one line, in the table's glyphs: `400+ ▶44 ◷4 ✖27 ◐21 ✔304`
    (`+`: more can load; ✔ every quietly finished job: succeeded, stopped, expired)."""
    if not row.loaded:
        return "loading…" if row.loading else "0 loaded"
    parts = [f"{row.loaded:,}{'' if row.all_loaded or row.failing else '+'}"]
    parts += [f"{phase.glyph}{row.counts[phase]:,}" for phase in PHASE_ORDER if phase not in DONE and row.counts.get(phase)]
    done = sum(row.counts.get(phase, 0) for phase in DONE)
    if done:
        parts.append(f"{Phase.SUCCEEDED.glyph}{done:,}")
    return " ".join(parts)


def group_row(rows: Sequence[SourceRow], group: Group) -> SourceRow:
    """A group's line of counts: its sources' summed (sources of one profile never hold the
    same job, so nothing is counted twice), and how many of them are failing."""
    members = [rows[index] for index in group.entries]
    counts: dict[Phase, int] = {}
    for row in members:
        for phase, count in row.counts.items():
            counts[phase] = counts.get(phase, 0) + count
    failing = sum(1 for row in members if row.problem)
    return SourceRow(
        None,
        group.title,
        counts,
        sum(row.loaded for row in members),
        all(row.all_loaded for row in members),
        any(row.loading for row in members),
        f"{failing} of {len(members)} sources failing" if failing else None,
        failing=failing == len(members),
    )


class SourceList(Widget, can_focus=True):
    """Pick what the table shows: ↑↓ to move, Enter to pick (or 1–9 anywhere); on a group's
    header Enter or Space opens or closes it, and ← → close and open groups as in a tree."""

    BINDINGS = bindings(Where.SOURCES)

    DEFAULT_CSS = """
    SourceList {
        height: auto;
        width: 1fr;
        padding: 0 1 0 0;
        & > .source-list--heading { color: $text-muted; text-style: bold; }
        & > .source-list--title { text-style: bold; }
        & > .source-list--shown { color: $text-accent; text-style: bold; }
        & > .source-list--highlight { background: $block-cursor-blurred-background; }
        & > .source-list--counts { color: $text-muted; }
        & > .source-list--problem { color: $text-error; }
        &:focus > .source-list--highlight { background: $block-cursor-background; color: $block-cursor-foreground; }
    }
    """
    COMPONENT_CLASSES = {
        "source-list--heading",
        "source-list--title",
        "source-list--shown",
        "source-list--highlight",
        "source-list--counts",
        "source-list--problem",
    }

    shown: reactive[int] = reactive(0, layout=True)
    """The entry the table shows (the cursor follows it when it changes)."""

    class Picked(Message):
        """The user picked entry `index` (0 = All)."""

        def __init__(self, source_list: SourceList, index: int) -> None:
            super().__init__()
            self.source_list = source_list
            self.index = index

        @property
        def control(self) -> SourceList:
            return self.source_list

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._rows: tuple[SourceRow, ...] = ()
        self._collapsed: set[GroupId] = set()
        self._items: list[Item] = []
        self._cursor: Item = 0
        """The highlighted line: an entry index or a group (kept across refreshes by identity)."""
        self._lines: list[Item | None] = []  # the item of each rendered line (None: a plain heading)

    @property
    def rows(self) -> tuple[SourceRow, ...]:
        return self._rows

    @property
    def items(self) -> list[Item]:
        """The lines that can be highlighted, top to bottom (collapsed groups' sources left out)."""
        return self._items

    @property
    def highlighted(self) -> Item:
        return self._cursor

    @property
    def collapsed(self) -> frozenset[GroupId]:
        return frozenset(self._collapsed)

    def set_rows(self, rows: Sequence[SourceRow]) -> None:
        """Show new states; repaints only when something the pane shows changed."""
        rows = tuple(rows)
        if isinstance(self.parent, SourcePane):
            self.parent.set_class(len(rows) <= 2, "-single")  # "All" and one source: nothing to pick
        if rows != self._rows:
            first, self._rows = not self._rows, rows
            if first and len(rows) - 1 > MANY_SOURCES:
                self._collapsed = {group.id for group in self.groups if group.depth == 0}
            self._regroup()

    def _regroup(self) -> None:
        """The items again (rows or collapsed groups changed); the cursor keeps its line."""
        self._items = outline(self._rows, self._collapsed)
        if self._cursor not in self._items:
            self._cursor = self._holder(self._cursor)
        self.refresh(layout=True)

    def _holder(self, item: Item) -> Item:
        """The line that shows `item` now: itself, or the innermost visible group holding it."""
        if item in self._items:
            return item
        entries = item.entries if isinstance(item, Group) else (item,)
        groups = [line for line in self._items if isinstance(line, Group) and set(entries) <= set(line.entries)]
        return max(groups, key=lambda group: group.depth) if groups else 0

    def watch_shown(self, shown: int) -> None:
        """A source picked by key or palette inside a closed group opens it, to show the marker."""
        closed = {group.id for group in self.groups if shown in group.entries and group.id in self._collapsed}
        if closed:
            self._collapsed -= closed
            self._regroup()
        self._move_to(shown)

    @property
    def groups(self) -> list[Group]:
        """Every group that can be closed, whether open or closed now (none when the pane is flat)."""
        return [item for item in outline(self._rows) if isinstance(item, Group) and item.collapsible]

    def collapse_all(self) -> None:
        """Close every group: one header per profile (or region) with its counts."""
        self._collapsed = {group.id for group in self.groups}
        self._regroup()

    def expand_all(self) -> None:
        self._collapsed = set()
        self._regroup()

    def _move_to(self, item: Item) -> None:
        self._cursor = self._holder(item)
        self.refresh()
        self.call_after_refresh(self._scroll_to_cursor)

    def _scroll_to_cursor(self) -> None:
        lines = [y for y, line in enumerate(self._lines) if line == self._cursor]
        if lines and isinstance(self.parent, SourcePane):
            self.parent.scroll_to_region(Region(0, lines[0], self.size.width, len(lines)), animate=False, immediate=True)

    def action_move(self, step: int) -> None:
        items = self._items
        if items:
            position = items.index(self._cursor) if self._cursor in items else 0
            self._move_to(items[max(0, min(position + step, len(items) - 1))])

    def action_page(self, step: int) -> None:
        """PgUp / PgDn: the selection moves by what the pane shows (two lines a source)."""
        shown = self.parent.size.height if isinstance(self.parent, SourcePane) else self.size.height
        self.action_move(step * max(1, shown // 2))

    def action_move_to_end(self, last: bool) -> None:
        """Home / End: the selection on the first or the last line, scrolled into view."""
        if self._items:
            self._move_to(self._items[-1 if last else 0])

    def action_pick(self) -> None:
        """Enter: show the highlighted source; on a group's header, open or close it."""
        if isinstance(self._cursor, Group):
            self.toggle_group(self._cursor)
        else:
            self.post_message(self.Picked(self, self._cursor))

    def action_toggle_group(self) -> None:
        """Space: open or close the highlighted group (on a source: the group it is in)."""
        cursor = self._cursor
        group = cursor if isinstance(cursor, Group) else self._parent_of(cursor)
        if group is not None:
            self.toggle_group(group)
            self._move_to(group)

    def action_collapse(self) -> None:
        """←: close the highlighted group; on a source or a closed group, go to its parent."""
        cursor = self._cursor
        if isinstance(cursor, Group) and cursor.collapsible and cursor.id not in self._collapsed:
            self.toggle_group(cursor)
            return
        parent = self._parent_of(cursor)
        if parent is not None:
            self._move_to(parent)

    def action_expand(self) -> None:
        """→: open the highlighted group; on an open group, go to its first line."""
        cursor = self._cursor
        if not isinstance(cursor, Group):
            return
        if cursor.id in self._collapsed:
            self.toggle_group(cursor)
        else:
            self.action_move(1)

    def toggle_group(self, group: Group) -> None:
        """Open a closed group or close an open one; it stays so across refreshes."""
        if not group.collapsible:
            return
        self._collapsed ^= {group.id}
        self._regroup()

    def _parent_of(self, item: Item) -> Group | None:
        """The innermost visible group that holds `item` (None: at the top level)."""
        entries = set(item.entries) if isinstance(item, Group) else {item}
        depth = item.depth if isinstance(item, Group) else 99
        groups = [
            line for line in self._items
            if isinstance(line, Group) and line.depth < depth and line.collapsible and entries <= set(line.entries)
        ]  # fmt: skip
        return max(groups, key=lambda group: group.depth) if groups else None

    def on_click(self, event: events.Click) -> None:
        if 0 <= event.y < len(self._lines) and self._lines[event.y] is not None:
            self._cursor = self._lines[event.y]  # type: ignore[assignment]
            self.action_pick()

    def render(self) -> Text:
        text, self._lines = self._build()
        return text

    def _build(self) -> tuple[Text, list[Item | None]]:
        style = self.get_component_rich_style
        width = max(8, self.size.width) if self.size.width else HIDDEN_WIDTH  # hidden: as if shown
        console = self.app.console
        text = Text(end="")
        lines: list[Item | None] = []

        def line(item: Item | None, content: Text, prefix: str = "", most: int | None = None) -> None:
            """Add `content` after `prefix`, wrapped to the pane with a hanging indent, in at most
            `most` lines (the last one cut with `…`)."""
            pieces = list(content.wrap(console, width - len(prefix), overflow="fold"))
            if most is not None and len(pieces) > most:
                pieces = pieces[:most]
                pieces[-1].rstrip()
                pieces[-1].truncate(width - len(prefix) - 1)
                pieces[-1].append("…")
            for number, piece in enumerate(pieces):
                piece.rstrip()
                if lines:
                    text.append("\n")
                text.append(prefix if number == 0 else " " * len(prefix), content.style)
                text.append_text(piece)
                lines.append(item)

        def details(item: Item, row: SourceRow, indent: str) -> None:
            for packed in _pack([loaded_text(row), row.held, *counts_text(row.counts).split(" · ")], width - len(indent)):
                line(item, Text(packed, style("source-list--counts")), indent)
            if row.problem:
                line(item, Text(f"⚠ {clean(row.problem, 300)}", style("source-list--problem")), indent, row.problem_lines)
            if row.notice:
                line(item, Text(f"ℹ {clean(row.notice, 200)}", style("source-list--counts")), indent)

        rows = self._rows
        for item in self._items:
            highlight = style("source-list--highlight") if item == self._cursor else Style()
            if isinstance(item, Group):
                heading = Text(clean(item.title, 80), style("source-list--heading") + highlight)
                if not item.collapsible:
                    line(None, heading)
                    continue
                glyph = "+" if item.id in self._collapsed else "−"
                line(item, heading, " " * item.depth + glyph + " ")
                summary = group_row(rows, item)
                indent = "   "
                line(item, Text(compact_counts(summary), style("source-list--counts")), indent)
                if summary.problem and item.id in self._collapsed:  # open, its sources say it
                    line(item, Text(f"⚠ {summary.problem}", style("source-list--problem")), indent)
                continue
            row = rows[item]
            number = f"{item + 1} " if item < SOURCE_KEYS else "  "
            marker = "▸" if item == self.shown else " "
            title_style = style("source-list--shown" if item == self.shown else "source-list--title") + highlight
            line(item, Text(clean(row.title, 60), title_style), f"{marker}{number}")
            details(item, row, "   ")
        return text, lines


def _pack(items: list[str], width: int) -> list[str]:
    """Join `a · b · c` into lines of at most `width`, breaking only between items."""
    lines: list[str] = []
    for item in filter(None, items):
        if lines and len(lines[-1]) + 3 + len(item) <= width:
            lines[-1] += " · " + item
        else:
            lines.append(item)
    return lines


class SourcePane(VerticalScroll, can_focus=False):
    """Scrolls the source list when there are many sources; the list itself takes the focus.

    It hides itself when there is one source or the terminal is narrow (the screen's CSS
    says when); `toggle` overrides that either way until it is toggled again.
    """

    def toggle(self) -> bool:
        """Show the pane if it is hidden, else hide it; True when it is now shown."""
        show = not self.display
        self.choose(show)
        return show

    def choose(self, show: bool | None) -> None:
        """Shown or hidden whatever the size (None: as the screen's CSS says)."""
        self.set_class(show is True, "-user-shown")
        self.set_class(show is False, "-user-hidden")

    @property
    def chosen(self) -> bool | None:
        """What the user chose with `toggle` (None: nothing, the CSS decides)."""
        return True if self.has_class("-user-shown") else False if self.has_class("-user-hidden") else None
