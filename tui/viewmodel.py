"""What the monitor shows, worked out from the engine's state: pure functions, no Textual app.

The source pane's rows, the header's state, why the table is empty, titles and the filters
line. Every count comes from the same feeds the table shows, so pane, header and table agree.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .feed import SORT_COLUMNS, holders
from .models import KIND_STATUSES, Filters, JobKind, Phase, Problem, SourceKey
from .refresh import SourceState
from .sanitize import clean
from .widgets.columns import arn_account, sort_word
from .widgets.header import HeaderState
from .widgets.source_list import SourceRow

DESCENDING_FIRST = frozenset({"created", "progress", "duration"})
"""Sort columns whose natural first direction is descending (newest, most progress, longest)."""


def source_title(key: SourceKey) -> str:
    """`Bedrock invocation · us-east-1 (prod)`: a source as the header, dialogs and palette name it."""
    profile = f" ({key.profile})" if key.profile else ""
    return f"{key.label}{profile}"


def filters_text(filters: Filters) -> str:
    """`name ~ "nightly" · status = Failed`, or "" when nothing filters the rows."""
    parts = []
    if filters.name:
        parts.append(f'name ~ "{filters.name}"')
    if filters.status:
        parts.append(f"status = {filters.status}")
    return " · ".join(parts)


def shown_states(states: Sequence[SourceState], key: SourceKey | None) -> list[SourceState]:
    """The sources behind the table: one, or all of them (None)."""
    return [state for state in states if key is None or state.key == key]


def total_counts(states: Sequence[SourceState]) -> dict[Phase, int]:
    total: dict[Phase, int] = {}
    for state in states:
        for phase, count in state.counts.items():
            total[phase] = total.get(phase, 0) + count
    return total


def source_rows(
    states: Sequence[SourceState], *, all_rows: int, all_counts: dict[Phase, int] | None = None, all_held: str = ""
) -> list[SourceRow]:
    """The pane: "All sources" first (`all_rows`: what the All table counts, the rows in date
    order so far, and `all_counts` those rows by phase, a job two sources hold once; without
    it, the sources' counts summed; `all_held`: the loaded rows it does not show yet, and why;
    how many sources are failing), then one row per source."""
    failing = sum(1 for state in states if state.problem)
    rows = [
        SourceRow(
            None,
            "All sources",
            total_counts(states) if all_counts is None else all_counts,
            all_rows,
            all(state.all_loaded for state in states),
            any(state.loading for state in states),
            f"{failing} of {len(states)} sources failing" if failing else None,
            failing=bool(states) and failing == len(states),
            held=all_held,
        )
    ]
    for state in states:
        problem = state.problem
        rows.append(
            SourceRow(
                state.key,
                state.key.kind.label,
                state.counts,
                state.loaded,
                state.all_loaded,
                state.loading,
                pane_problem(problem) if problem else None,
                state.notice,
                source_account(state),
                failing=problem is not None,
                problem_lines=PASSING_PROBLEM_LINES if problem and problem.transient else None,
            )
        )
    return rows


PASSING_PROBLEM_LINES = 2
"""The most lines the pane gives a problem that passes by itself (the header says when it retries)."""
_URL = re.compile(r"https?://([^/\s?#]+)\S*")


def pane_problem(problem: Problem) -> str:
    """A source's problem as the pane says it. In full when the user has to act (access
    denied, expired credentials: the fix is the point); for one that passes by itself
    (offline, throttled, server errors) only what went wrong, an endpoint as host:port:
    the header says when batchtop retries, and a URL would fill the 25-column pane."""
    if not problem.transient:
        return problem.message
    what = problem.message.rpartition(": ")[0] or problem.message
    return _URL.sub(r"\1", what)


def empty_text(states: Sequence[SourceState], key: SourceKey | None, *, started: bool, filters: Filters) -> str:
    """Why the table is empty: the first problem, no match for the filters, or nothing yet."""
    problems = [state.problem for state in shown_states(states, key) if state.problem is not None]
    if problems:
        return f"⚠ {clean(problems[0].message, 300)}"
    if not started:
        return "loading…"
    if filters.active:
        return "no jobs match the filters (Esc clears them)"
    return ""


def all_failing(states: Sequence[SourceState], key: SourceKey | None) -> bool:
    """Is every source behind the table failing? (then its status line promises no more rows)"""
    return all(state.problem is not None for state in shown_states(states, key))


def header_state(
    states: Sequence[SourceState],
    key: SourceKey | None,
    *,
    sort: tuple[str, bool],
    filters: Filters,
    paused: bool,
    interval: float,
    retry_at: float | None,
) -> HeaderState:
    """What the header says: what is shown, how live it is, and what is failing since when."""
    failing = [state for state in states if state.problem is not None]
    last_ok = [state.last_ok for state in shown_states(states, key) if state.last_ok is not None]
    since = [state.last_ok for state in failing if state.last_ok is not None]
    column, descending = sort
    return HeaderState(
        showing="All sources" if key is None else source_title(key),
        filters=filters_text(filters),
        sort="" if (column, descending) == ("created", True) else f"sort {sort_word(column)} {'↓' if descending else '↑'}",
        live=not paused,
        interval=interval,
        last_refresh=max(last_ok) if last_ok else None,
        problem_kinds=tuple(dict.fromkeys(state.problem.kind for state in failing)),  # type: ignore[union-attr]
        failing=len(failing),
        sources=len(states),
        failing_since=min(since) if since else None,
        retry_at=retry_at if failing else None,
        transient=bool(failing) and all(state.problem.transient for state in failing),  # type: ignore[union-attr]
        cached=any(state.cached for state in shown_states(states, key)),
    )


def status_choices(kinds: set[JobKind]) -> list[str]:
    """The raw statuses the status filter offers: those of the job kinds being watched."""
    return list(dict.fromkeys(status for kind in JobKind if kind in kinds for status in KIND_STATUSES[kind]))


def several_places(states: Sequence[SourceState]) -> bool:
    """Do the rows come from more than one (profile, region)? Then the table names it."""
    return len({(state.key.profile, state.key.region) for state in states}) > 1


def source_account(state: SourceState) -> str:
    """The AWS account a source's rows belong to ("" before any): a source lists one
    account's jobs (its profile's), so its first row says which."""
    return arn_account(state.feed[0].arn) if len(state.feed) else ""


def accounts(states: Sequence[SourceState]) -> set[str]:
    """The AWS accounts the loaded rows belong to: O(sources), whatever the rows."""
    return {source_account(state) for state in states} - {""}


def seen_by(states: Sequence[SourceState], arn: str) -> list[SourceKey]:
    """The sources that list the job `arn`: two profiles of one account both do."""
    return [state.key for state in holders(states, arn)]


def next_sort(sort: tuple[str, bool]) -> tuple[str, bool]:
    """`s`: the next sort column, in its natural direction (newest, A→Z, most progress, longest)."""
    column, _descending = sort
    following = SORT_COLUMNS[(SORT_COLUMNS.index(column) + 1) % len(SORT_COLUMNS)]
    return following, following in DESCENDING_FIRST
