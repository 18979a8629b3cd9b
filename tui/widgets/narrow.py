"""`/` narrows the loaded rows as you type, like k9s: literal, case-insensitive, `!` negates.

`NarrowedView` is a view over another view (the engine's, which it never changes): the rows
whose name matches, in the same order. Clearing it shows the rows that were loaded before,
without fetching anything. Pure Python, no Textual.
"""

from __future__ import annotations

from collections.abc import Callable

from ..models import Job
from .job_table import RowView


def narrows(pattern: str) -> bool:
    """Does `pattern` leave rows out? Not when empty, nor a lone `!` (not… nothing yet)."""
    return pattern.removeprefix("!") != ""


def name_matcher(pattern: str) -> Callable[[str], bool]:
    """`nightly` keeps names containing it (any case); `!nightly` keeps the others. Every
    character is literal: `.*`, `[b]` or an escape match only themselves."""
    negate = pattern.startswith("!")
    needle = (pattern[1:] if negate else pattern).casefold()
    if negate:
        return lambda name: needle not in name.casefold()
    return lambda name: needle in name.casefold()


class NarrowedView:
    """The rows of `base` whose name matches `pattern`; `refilter` after `base` changed."""

    def __init__(self, base: RowView, pattern: str) -> None:
        self.base = base
        self.pattern = pattern
        self._matches = name_matcher(pattern)
        self._rows: list[Job] = []
        self._index: dict[str, int] = {}
        self.refilter()

    def refilter(self) -> None:
        """Match the base view's rows again (new pages, a refresh): O(rows), ~30 ms at 100k."""
        matches = self._matches
        self._rows = [job for job in (self.base[index] for index in range(len(self.base))) if matches(job.name)]
        self._index = {job.arn: index for index, job in enumerate(self._rows)}

    @property
    def all_loaded(self) -> bool:
        return self.base.all_loaded

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, index: int) -> Job:
        return self._rows[index]

    def index_of(self, arn: str) -> int | None:
        return self._index.get(arn)

    def status_line(self) -> str:
        """`12 match · 4,563 loaded · more below`."""
        return f"{len(self._rows):,} match · {self.base.status_line()}"
