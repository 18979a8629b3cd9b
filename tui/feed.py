"""The loaded rows of each source, in display order, and the views the job table reads.

Pure Python: no Textual, no aioboto3. A monitor may hold 100,000 rows and page through
them a thousand at a time, so everything here is incremental: appending a page or
inserting a few new jobs at the top never re-sorts or re-indexes every row, and a row's
position by ARN is O(1).

A feed keeps its rows sorted by creation time (newest first unless the filters ask
otherwise), which is the service's own listing order. A page that continues the listing
appends; a job already loaded (pages shift when jobs are submitted while the user pages)
is updated in place, never shown twice; a terminal job never goes back to an active state.
A row the service sent without an ARN (a stand-in, see `Job.stand_in`) never sits beside the
same job listed under its real ARN, and a job that no longer exists is removed.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator, Protocol, Sequence

from .models import Job, Phase

_INF = math.inf
SORT_COLUMNS = ("created", "name", "status", "progress", "model", "duration")

SortKey = Callable[[Job], float]


def _newest_first_key(job: Job) -> float:
    created = job.created or job.listed_at
    return -created.timestamp() if created is not None else _INF


def _oldest_first_key(job: Job) -> float:
    created = job.created or job.listed_at
    return created.timestamp() if created is not None else _INF


def created_key(newest_first: bool) -> SortKey:
    """The display-order key: smaller comes first. Jobs without a creation time go last."""
    return _newest_first_key if newest_first else _oldest_first_key


_FEW_INSERTS = 16
"""Inserts one by one up to this many, merged in one pass above it (`_OrderedRows.insert_many`,
`SortedView._insert_many`)."""


class _OrderedRows:
    """Jobs in key order with O(1) position by ARN.

    Positions are stored as `seq - head`: inserting at the top only moves `head`, appending
    only adds a key, and an insert or removal in the middle renumbers the shorter side.
    """

    __slots__ = ("_key", "_rows", "_seq", "_head")

    def __init__(self, key: SortKey) -> None:
        self._key = key
        self._rows: list[Job] = []
        self._seq: dict[str, int] = {}
        self._head = 0

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, index: int) -> Job:
        return self._rows[index]

    def __iter__(self) -> Iterator[Job]:
        return iter(self._rows)

    def index_of(self, arn: str) -> int | None:
        seq = self._seq.get(arn)
        return None if seq is None else seq - self._head

    def get(self, arn: str) -> Job | None:
        seq = self._seq.get(arn)
        return None if seq is None else self._rows[seq - self._head]

    def clear(self) -> None:
        self._rows = []
        self._seq = {}
        self._head = 0

    def append(self, job: Job) -> None:
        """Add a job known to sort at or after the last row."""
        self._seq[job.arn] = self._head + len(self._rows)
        self._rows.append(job)

    def between(self, low: float, high: float) -> list[Job]:
        """Rows whose key is in (low, high]."""
        start = bisect_right(self._rows, low, key=self._key)
        return self._rows[start : bisect_right(self._rows, high, key=self._key, lo=start)]

    def at(self, value: float) -> list[Job]:
        """Rows whose key is `value`."""
        start = bisect_left(self._rows, value, key=self._key)
        return self._rows[start : bisect_right(self._rows, value, key=self._key, lo=start)]

    def count_at(self, value: float) -> int:
        """How many rows have the key `value` (two bisects, no copy)."""
        start = bisect_left(self._rows, value, key=self._key)
        return bisect_right(self._rows, value, key=self._key, lo=start) - start

    def count_after(self, value: float) -> int:
        """How many rows have a key above `value` (one bisect, no copy)."""
        return len(self._rows) - bisect_right(self._rows, value, key=self._key)

    def insert_sorted(self, job: Job) -> None:
        """Insert where the key says, after rows with an equal key."""
        rows, key = self._rows, self._key
        value = key(job)
        if not rows or value >= key(rows[-1]):
            self.append(job)
        elif value < key(rows[0]):
            self._insert(0, job)
        else:
            self._insert(bisect_right(rows, value, key=key), job)

    def insert_many(self, jobs: list[Job]) -> None:
        """Insert jobs whose ARNs are not here, each after the rows with an equal key. A few go
        in one by one; more are merged in one pass and the positions renumbered once (a first
        page landing in place among 40,000 rows: one by one, each insert renumbered half)."""
        if len(jobs) <= _FEW_INSERTS:
            for job in jobs:
                self.insert_sorted(job)
            return
        key, rows = self._key, self._rows
        merged: list[Job] = []
        start = 0
        for job in sorted(jobs, key=key):
            position = bisect_right(rows, key(job), lo=start, key=key)
            merged += rows[start:position]
            merged.append(job)
            start = position
        merged += rows[start:]
        self._rows, self._head = merged, 0
        self._seq = {job.arn: index for index, job in enumerate(merged)}

    def replace(self, position: int, job: Job) -> None:
        """Swap in a newer version of the job at `position` (same ARN, same key)."""
        self._rows[position] = job

    def remove(self, arn: str) -> Job:
        rows, seq = self._rows, self._seq
        position = seq.pop(arn) - self._head
        count = len(rows)
        if position < count - 1 - position:
            for index in range(position):
                seq[rows[index].arn] += 1
            self._head += 1
        else:
            for index in range(position + 1, count):
                seq[rows[index].arn] -= 1
        return rows.pop(position)

    def _insert(self, position: int, job: Job) -> None:
        rows, seq = self._rows, self._seq
        count = len(rows)
        if position < count - position:
            self._head -= 1
            for index in range(position):
                seq[rows[index].arn] -= 1
        else:
            for index in range(position, count):
                seq[rows[index].arn] += 1
        seq[job.arn] = self._head + position
        rows.insert(position, job)


@dataclass(slots=True)
class FeedChange:
    """What one merge did to a feed: the views and the refresh delta are built from it."""

    inserted: list[Job] = field(default_factory=list)
    replaced: list[tuple[Job, Job]] = field(default_factory=list)  # (old, new)
    removed: list[Job] = field(default_factory=list)

    def extend(self, other: FeedChange) -> None:
        self.inserted.extend(other.inserted)
        self.replaced.extend(other.replaced)
        self.removed.extend(other.removed)


class JobFeed:
    """One source's loaded rows in display order, indexed by ARN, with the next-page token.

    `started` turns true when the first page is merged: before that there is nothing to
    page from. Counts by phase and the set of active (non-terminal) ARNs are kept as rows
    come and go, so a refresh knows what to describe without scanning every row. Stand-ins
    are counted but never active: they have no ARN to describe them by.
    """

    __slots__ = ("newest_first", "key", "next_token", "started", "counts", "_rows", "_active", "_stand_ins")

    def __init__(self, newest_first: bool = True) -> None:
        self.reset(newest_first)

    def reset(self, newest_first: bool | None = None) -> None:
        """Forget every row and the token (filters changed, or the listing restarts)."""
        if newest_first is not None:
            self.newest_first = newest_first
            self.key = created_key(newest_first)
        self.next_token: str | None = None
        self.started = False
        self.counts: dict[Phase, int] = dict.fromkeys(Phase, 0)
        self._rows = _OrderedRows(self.key)
        self._active: set[str] = set()
        self._stand_ins: set[str] = set()

    @property
    def all_loaded(self) -> bool:
        return self.started and self.next_token is None

    @property
    def active_arns(self) -> frozenset[str]:
        """Loaded jobs that may still change: the ones a refresh describes."""
        return frozenset(self._active)

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, index: int) -> Job:
        return self._rows[index]

    def __iter__(self) -> Iterator[Job]:
        return iter(self._rows)

    def index_of(self, arn: str) -> int | None:
        return self._rows.index_of(arn)

    def get(self, arn: str) -> Job | None:
        return self._rows.get(arn)

    def between(self, low: float, high: float) -> list[Job]:
        """Rows whose display key is in (low, high]."""
        return self._rows.between(low, high)

    def undated(self) -> int:
        """Rows at the end without a creation time (see `created_key`)."""
        return self._rows.count_at(_INF)

    def count_after(self, value: float) -> int:
        """Rows whose display key is above `value`."""
        return self._rows.count_after(value)

    def place(self) -> str | None:
        """Where its jobs live, as their ARNs say (service, region, account, kind), from its
        first row with a real ARN: two feeds can hold the same job only if they agree."""
        arn = next((job.arn for job in self._rows if not job.stand_in), None)
        return None if arn is None else arn.rpartition("/")[0]

    def frontier_key(self) -> float:
        """The key of the oldest loaded row that has a creation time; -inf when none has."""
        key = self.key
        for job in reversed(self._rows):
            value = key(job)
            if value != _INF:
                return value
        return -_INF

    def start(self, jobs: Iterable[Job], next_token: str | None) -> FeedChange:
        """(Re)start the listing from its first page(s): drops every loaded row."""
        self.reset()
        change = self.merge(jobs)
        self.next_token = next_token
        self.started = True
        return change

    def merge_page(self, jobs: Iterable[Job], next_token: str | None) -> FeedChange:
        """Merge the page that continues the listing and move the token on."""
        change = self.merge(jobs)
        self.next_token = next_token
        self.started = True
        return change

    def merge(self, jobs: Iterable[Job]) -> FeedChange:
        """Update loaded jobs in place and insert the others where their creation time puts them.

        `jobs` come in the service's listing order: a job whose creation time could not be
        read is placed by its neighbours' (see `Job.listed_at`).
        """
        change = FeedChange()
        for job in _placed(list(jobs)):
            self._upsert(job, change, insert=True)
        return change

    def update(self, jobs: Iterable[Job]) -> FeedChange:
        """Update loaded jobs in place; ignore the others (describes, pages from a stale token)."""
        change = FeedChange()
        for job in jobs:
            self._upsert(job, change, insert=False)
        return change

    def remove(self, arns: Iterable[str]) -> FeedChange:
        """Drop the rows of jobs that no longer exist (ARNs not loaded are ignored)."""
        change = FeedChange()
        for arn in arns:
            if self._rows.index_of(arn) is not None:
                change.removed.append(self._drop(arn))
        return change

    def sweep_stand_ins(self, listed: Sequence[Job], next_token: str | None) -> FeedChange:
        """After the first page was listed again: drop the stand-ins it covered but no longer
        holds (their job came back with its ARN, or went). `listed` is that page, in order."""
        if not self._stand_ins:
            return FeedChange()
        if next_token is None:
            limit = _INF
        elif listed:
            limit = self.key(listed[-1])
        else:
            return FeedChange()
        kept = {job.arn for job in listed}
        stale = [arn for arn in self._stand_ins if arn not in kept and self.key(self._rows.get(arn)) <= limit]
        return self.remove(stale)

    def _upsert(self, job: Job, change: FeedChange, insert: bool) -> None:
        rows = self._rows
        position = rows.index_of(job.arn)
        if position is None:
            if insert and not (job.stand_in and self._twins(job)):
                for twin in self._twins(job) if self._stand_ins else ():
                    change.removed.append(self._drop(twin.arn))  # the ARN came back
                rows.insert_sorted(job)
                self._count(job, 1)
                change.inserted.append(job)
            return
        old = rows[position]
        if job.order_time is None and old.order_time is not None:  # it stays where it was
            job = dataclasses.replace(job, listed_at=old.order_time)
        if old == job or (old.phase.terminal and not job.phase.terminal):
            return
        if self.key(old) == self.key(job):
            rows.replace(position, job)
        else:
            rows.remove(job.arn)
            rows.insert_sorted(job)
        self._count(old, -1)
        self._count(job, 1)
        change.replaced.append((old, job))

    def _twins(self, job: Job) -> list[Job]:
        """The other kind of row for the same job: for a stand-in, the rows listed under a
        real ARN with its name and creation time; for a real job, such stand-ins."""
        if job.created is None:
            return []
        return [
            row
            for row in self._rows.at(self.key(job))
            if row.stand_in != job.stand_in and row.name == job.name and row.created == job.created
        ]

    def _drop(self, arn: str) -> Job:
        job = self._rows.remove(arn)
        self.counts[job.phase] -= 1
        self._active.discard(arn)
        self._stand_ins.discard(arn)
        return job

    def _count(self, job: Job, step: int) -> None:
        self.counts[job.phase] += step
        if job.stand_in:
            self._stand_ins.add(job.arn)
        elif job.phase.terminal:
            self._active.discard(job.arn)
        elif step > 0:
            self._active.add(job.arn)


def _placed(jobs: list[Job]) -> list[Job]:
    """Jobs in listing order, each one without a creation time given its nearest listed
    neighbour's (the one before it, else the one after it) as `listed_at`."""
    if all(job.created is not None for job in jobs):
        return jobs
    times = [job.order_time for job in jobs]
    placed = []
    for index, job in enumerate(jobs):
        if job.order_time is None:
            before = next((time for time in reversed(times[:index]) if time is not None), None)
            near = before or next((time for time in times[index + 1 :] if time is not None), None)
            if near is not None:
                job = dataclasses.replace(job, listed_at=near)
                times[index] = near
        placed.append(job)
    return placed


# ---------------------------------------------------------------- views


class Member(Protocol):
    """What a view needs to know about each source it shows (refresh.SourceState)."""

    feed: JobFeed
    loading: bool
    problem: object | None
    overdue: bool


def frontier(members: Iterable[Member]) -> tuple[float, Member | None]:
    """How far down the merged view may show rows, and the source holding it back.

    A source with more pages bounds the view at its oldest loaded row: rows of other
    sources below that point stay hidden until it pages past them, so a page never lands
    above rows the user already scrolled past; a source whose first page is still coming
    holds the view at the top. Sources that are all loaded, failing sources that have
    loaded nothing, and sources whose first page is `overdue` (one slow endpoint must not
    keep every other's rows off the screen) do not hold it back: when such a first page
    comes, the engine has the view merged anew (`reloaded`), down to the frontier it sets.
    """
    limit, holder = _INF, None
    for member in members:
        feed = member.feed
        if feed.all_loaded or (member.problem is not None and not len(feed)) or (member.overdue and not feed.started):
            continue
        value = feed.frontier_key()
        if holder is None or value < limit:
            limit, holder = value, member
    return limit, holder


def holders(members: Iterable[Member], arn: str) -> list[Member]:
    """The sources that hold the job `arn` (two profiles of one account both do).

    Asked of each feed's ARN index when someone wants to know (the detail screen), so a
    job seen once or twice costs no memory per row, at any number of rows.
    """
    return [member for member in members if member.feed.get(arn) is not None]


def status_line(count: int, all_loaded: bool, loading: bool, client_sorted: bool, held: str = "") -> str:
    """The table's status line: how much is loaded and whether more is coming. `held`: the
    loaded rows the view does not show yet, and why (see `MergedView.held`): then `count`
    says "shown", so the two add up to what the sources say they loaded."""
    if all_loaded:
        return f"{count:,} {'job' if count == 1 else 'jobs'} · all loaded"
    if client_sorted:
        return f"sorted · {count:,} loaded · loading…" if loading else f"sorted · {count:,} loaded (more not loaded)"
    if held:
        return f"{count:,} shown · {held}" + (" · loading…" if loading else "")
    if loading:
        return f"{count:,} loaded · loading…"
    return f"{count:,} loaded · more below"


def held_text(held: int, newest_first: bool = True) -> str:
    """`16 more loaded, waiting for older pages`: rows a source loaded that the All view
    holds back until the source holding it back pages past them ("" when there are none)."""
    if not held:
        return ""
    return f"{held:,} more loaded, waiting for {'older' if newest_first else 'newer'} pages"


class _View:
    """Common read side of every view: the table only uses these members."""

    members: tuple[Member, ...]
    client_sorted = False
    held = 0
    """Rows the members loaded that this view does not show (yet): see `MergedView.held`."""
    held_reason = ""
    """Why they are not shown, after their number (see `held_text`)."""

    @property
    def all_loaded(self) -> bool:
        return all(member.feed.all_loaded for member in self.members)

    @property
    def loading(self) -> bool:
        return any(member.loading for member in self.members)

    def status_line(self) -> str:
        return status_line(len(self), self.all_loaded, self.loading, self.client_sorted, self.held_reason)

    def __iter__(self) -> Iterator[Job]:
        return (self[index] for index in range(len(self)))

    def _held(self, arn: str) -> Job | None:
        """The job as a member still holds it (another source of the same account), or None."""
        for member in self.members:
            job = member.feed.get(arn)
            if job is not None:
                return job
        return None


class FeedView(_View):
    """One source in creation order: the feed itself, nothing to maintain."""

    def __init__(self, member: Member) -> None:
        self.members = (member,)
        self._feed = member.feed

    def __len__(self) -> int:
        return len(self._feed)

    def __getitem__(self, index: int) -> Job:
        return self._feed[index]

    def index_of(self, arn: str) -> int | None:
        return self._feed.index_of(arn)

    @property
    def counts(self) -> dict[Phase, int]:
        return self._feed.counts

    def undated(self) -> int:
        """Rows at the end without a creation time (see `created_key`)."""
        return self._feed.undated()

    def apply(self, changes: dict[Member, FeedChange], reloaded: set[Member]) -> None:
        """Nothing to do: the feed is the view."""


class MergedView(_View):
    """Every source in creation order (the "All" view), down to the frontier (see `frontier`).

    A job is its ARN: when two sources hold the same job (two profiles of one account), it
    is one row, showing the version that arrived last, and it leaves only when no source
    holds it any more. `counts` counts the rows shown, by phase.

    Paging only moves the frontier down, so it appends; a refresh inserts its few new
    jobs in place. The whole merge is redone only when a source's listing restarts.
    """

    def __init__(self, members: Sequence[Member], newest_first: bool) -> None:
        self.members = tuple(members)
        self.newest_first = newest_first
        self._key = created_key(newest_first)
        self._rows = _OrderedRows(self._key)
        self._shown = -_INF
        self._held_count: int | None = None  # counted when asked, until the next change
        self.counts: dict[Phase, int] = dict.fromkeys(Phase, 0)
        self.rebuild()

    @property
    def held(self) -> int:  # type: ignore[override]
        """Rows the sources loaded below the frontier, not shown until the source holding the
        view back pages past them (a job two sources hold counted once). The pane and the
        status line say so, so "All" adds up with the sources' own counts."""
        if self._held_count is None:
            self._held_count = 0 if self._shown == _INF else self._count_held()
        return self._held_count

    def _count_held(self) -> int:
        """A source that shares no job with another (another account, region or kind) is
        counted with one bisect; only sources that may list the same jobs (two profiles of
        one account) have the ARNs they hold back compared (90,000 rows: 170 ms otherwise)."""
        places: dict[str | None, list[Member]] = {}
        for member in self.members:
            places.setdefault(member.feed.place(), []).append(member)
        held = 0
        for place, members in places.items():
            if place is not None and len(members) == 1:
                held += members[0].feed.count_after(self._shown)
            else:
                below = {job.arn for member in members for job in member.feed.between(self._shown, _INF)}
                held += sum(1 for arn in below if self._rows.index_of(arn) is None)
        return held

    @property
    def held_reason(self) -> str:  # type: ignore[override]
        return held_text(self.held, self.newest_first)

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, index: int) -> Job:
        return self._rows[index]

    def index_of(self, arn: str) -> int | None:
        return self._rows.index_of(arn)

    def undated(self) -> int:
        """Rows at the end without a creation time (see `created_key`)."""
        return self._rows.count_at(_INF)

    def rebuild(self) -> None:
        self._rows.clear()
        self.counts = dict.fromkeys(Phase, 0)
        self._shown = -_INF
        self._held_count = None
        self._extend()

    def apply(self, changes: dict[Member, FeedChange], reloaded: set[Member]) -> None:
        self._held_count = None
        if reloaded & set(self.members):
            self.rebuild()
            return
        placing: dict[str, Job] = {}  # ARN -> the new row to insert, once every change is read
        for member in self.members:
            change = changes.get(member)
            if change is None:
                continue
            for _, new in change.replaced:
                self._place(new, placing)
            for job in change.inserted:
                self._place(job, placing)
            for job in change.removed:
                held = self._held(job.arn)
                if held is not None:
                    self._place(held, placing)
                elif job.arn in placing:
                    self._count(placing.pop(job.arn), -1)
                elif self._rows.index_of(job.arn) is not None:
                    self._drop(job.arn)
        self._rows.insert_many(list(placing.values()))
        self._extend()

    def _place(self, job: Job, placing: dict[str, Job]) -> None:
        """Show `job` as the row for its ARN, where its key puts it (if the view reaches there):
        in place of its row if its key is the same, else into `placing`."""
        rows, key = self._rows, self._key
        earlier = placing.pop(job.arn, None)
        if earlier is not None:
            self._count(earlier, -1)
        position = rows.index_of(job.arn)
        if position is not None:
            old = rows[position]
            if another_copy(old, job):
                return
            if key(old) == key(job):
                rows.replace(position, job)
                self._count(old, -1)
                self._count(job, 1)
                return
            self._drop(job.arn)
        if key(job) <= self._shown:
            placing[job.arn] = job
            self._count(job, 1)

    def _drop(self, arn: str) -> None:
        self._count(self._rows.remove(arn), -1)

    def _count(self, job: Job, step: int) -> None:
        self.counts[job.phase] += step

    def _extend(self) -> None:
        """Show the rows that a frontier moved down has uncovered (never moves back up)."""
        limit, _ = frontier(self.members)
        if limit <= self._shown:
            return
        runs = [member.feed.between(self._shown, limit) for member in self.members]
        runs = [run for run in runs if run]
        uncovered = runs[0] if len(runs) == 1 else sorted(itertools.chain(*runs), key=self._key)
        rows = self._rows
        for job in uncovered:
            if rows.index_of(job.arn) is None:  # a job two sources hold is one row
                rows.append(job)
                self._count(job, 1)
        self._shown = limit


class ReversedView(_View):
    """A listing view's rows the other way round (`S` on the creation order): nothing is
    fetched, sorted or copied, so it is made at once at any number of rows, and the rows
    stay the listing view's (kept up to date by the engine). Rows without a creation time
    stay last, as in either order.

    Its last row is the listing's first, the newest job: nothing more can come below it (a
    refresh brings newer jobs; older ones, not loaded yet, would go above its first row, and
    the listing loads them in its own order). So `all_loaded` is true for it: the table
    pages nothing while it shows, and End is its last row; the status line says whether
    older jobs remain unloaded.
    """

    def __init__(self, base: FeedView | MergedView) -> None:
        self.base = base
        self.members = base.members

    all_loaded = True

    def __len__(self) -> int:
        return len(self.base)

    def __getitem__(self, index: int) -> Job:
        count = len(self.base)
        index = _in_range(index, count)
        dated = count - self.base.undated()
        return self.base[dated - 1 - index if index < dated else index]

    def index_of(self, arn: str) -> int | None:
        position = self.base.index_of(arn)
        if position is None:
            return None
        dated = len(self.base) - self.base.undated()
        return dated - 1 - position if position < dated else position

    @property
    def counts(self) -> dict[Phase, int]:
        return self.base.counts

    @property
    def held(self) -> int:  # type: ignore[override]
        return self.base.held

    @property
    def held_reason(self) -> str:  # type: ignore[override]
        return self.base.held_reason

    def status_line(self) -> str:
        count, base = len(self), self.base
        if base.all_loaded:
            return status_line(count, True, False, False)
        return f"{count:,} {'shown' if base.held else 'loaded'} · older jobs load in newest-first order"

    def apply(self, changes: dict[Member, FeedChange], reloaded: set[Member]) -> None:
        """Nothing to do: the engine brings the base view up to date."""


def _in_range(index: int, count: int) -> int:
    """A row index as a list takes it (negative from the end), checked against `count` rows."""
    if index < 0:
        index += count
    if not 0 <= index < count:
        raise IndexError("view index out of range")
    return index


def another_copy(shown: Job, job: Job) -> bool:
    """Is `job` what `shown` says, only listed by another source (two profiles of one account
    refreshing the same job)? Then the row stays as it is: it does not flip between sources."""
    return job.source != shown.source and dataclasses.replace(job, source=shown.source) == shown


_PHASE_RANK = {phase: rank for rank, phase in enumerate(Phase)}


def _duration_key(job: Job) -> tuple[int, float]:
    """Finished jobs by how long they ran; unfinished ones after them, oldest the longest."""
    if job.created is None:
        return (-1, 0.0)
    ended = job.ended or (job.updated if job.phase.terminal else None)
    if ended is not None:
        return (0, (ended - job.created).total_seconds())
    return (1, -job.created.timestamp())


def _progress_key(job: Job) -> float:
    fraction = job.records.fraction if job.records is not None else None
    return -1.0 if fraction is None else fraction


_PRIMARY_KEYS: dict[str, Callable[[Job], object]] = {
    "name": lambda job: job.name.casefold(),
    "status": lambda job: (_PHASE_RANK[job.phase], job.status),
    "progress": _progress_key,
    "model": lambda job: job.model.casefold(),
    "duration": _duration_key,
}


class SortedView(_View):
    """Loaded rows sorted on the client by another column; ties keep creation order.

    Rows are stored ascending by (column, creation order, ARN) next to their keys, so a page
    is merged in with bisects and slices, and a position is found with one bisect. A job two
    sources hold is one row (the version that arrived last); `counts` counts the rows, by phase.
    """

    client_sorted = True

    def __init__(self, members: Sequence[Member], column: str, descending: bool, newest_first: bool) -> None:
        self.members = tuple(members)
        self._primary = _PRIMARY_KEYS[column]
        self._created = created_key(newest_first)
        self._tie_sign = -1.0 if descending else 1.0
        self._descending = descending
        self._keys: list[tuple] = []
        self._rows: list[Job] = []
        self._key_of: dict[str, tuple] = {}  # ARN -> the key its row is stored under
        self.counts: dict[Phase, int] = dict.fromkeys(Phase, 0)
        self.rebuild()

    def _sort_key(self, job: Job) -> tuple:
        return (self._primary(job), self._tie_sign * self._created(job), job.arn)

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, index: int) -> Job:
        count = len(self._rows)
        index = _in_range(index, count)
        return self._rows[count - 1 - index if self._descending else index]

    def index_of(self, arn: str) -> int | None:
        key = self._key_of.get(arn)
        position = None if key is None else self._position(key)
        if position is None:
            return None
        return len(self._rows) - 1 - position if self._descending else position

    def _position(self, key: tuple) -> int | None:
        position = bisect_left(self._keys, key)
        if position < len(self._keys) and self._keys[position] == key:
            return position
        return None

    def rebuild(self) -> None:
        unique = {job.arn: job for member in reversed(self.members) for job in member.feed}  # the first source's wins
        pairs = sorted(((self._sort_key(job), job) for job in unique.values()), key=lambda pair: pair[0])
        self._keys = [key for key, _ in pairs]
        self._rows = [job for _, job in pairs]
        self._key_of = {job.arn: key for key, job in pairs}
        self.counts = dict.fromkeys(Phase, 0)
        for job in self._rows:
            self.counts[job.phase] += 1

    def apply(self, changes: dict[Member, FeedChange], reloaded: set[Member]) -> None:
        if reloaded & set(self.members):
            self.rebuild()
            return
        latest: dict[str, Job | None] = {}  # ARN -> the version to show; None: no source holds it
        for member in self.members:
            change = changes.get(member)
            if change is None:
                continue
            for _, new in change.replaced:
                latest[new.arn] = new
            for job in change.inserted:
                latest[job.arn] = job
            for job in change.removed:
                latest[job.arn] = self._held(job.arn)
        incoming: list[tuple[tuple, Job]] = []
        for arn, job in latest.items():
            stored = self._key_of.get(arn)
            position = None if stored is None else self._position(stored)
            if job is not None and position is not None and another_copy(self._rows[position], job):
                continue
            self._key_of.pop(arn, None)
            new_key = None if job is None else self._sort_key(job)
            if position is not None:
                self.counts[self._rows[position].phase] -= 1
                if new_key == stored:
                    self._rows[position] = job  # type: ignore[assignment]
                    self._key_of[arn] = stored  # type: ignore[assignment]
                    self.counts[job.phase] += 1  # type: ignore[union-attr]
                    continue
                del self._keys[position]
                del self._rows[position]
            if job is not None and new_key is not None:
                incoming.append((new_key, job))
                self._key_of[arn] = new_key
                self.counts[job.phase] += 1
        if incoming:
            incoming.sort(key=lambda pair: pair[0])
            self._insert_many(incoming)

    def _insert_many(self, incoming: list[tuple[tuple, Job]]) -> None:
        keys, rows = self._keys, self._rows
        if len(incoming) <= _FEW_INSERTS:
            for key, job in incoming:
                position = bisect_right(keys, key)
                keys.insert(position, key)
                rows.insert(position, job)
            return
        merged_keys: list[tuple] = []
        merged_rows: list[Job] = []
        start = 0
        for key, job in incoming:
            position = bisect_right(keys, key, lo=start)
            merged_keys += keys[start:position]
            merged_rows += rows[start:position]
            merged_keys.append(key)
            merged_rows.append(job)
            start = position
        merged_keys += keys[start:]
        merged_rows += rows[start:]
        self._keys, self._rows = merged_keys, merged_rows
