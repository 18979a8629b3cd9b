"""Plain text in a fixed number of terminal cells, the same on screen, in `ls`'s table and in
toasts: measured in cells, cut in the middle keeping the end, and a job's phase in one
vocabulary for every service (`▶ running`).

Pure functions, no Textual: the headless commands use them too.
"""

from __future__ import annotations

from rich.cells import cell_len as rich_cell_len

from .models import Phase
from .sanitize import ELLIPSIS


def status_text(phase: Phase) -> str:
    """`▶ running`: one vocabulary for every service (the raw status is in the status line)."""
    return f"{phase.glyph} {phase.value}"


def cell_len(text: str) -> int:
    """Terminal cells of `text`: its length when it is printable ASCII (every cell of every
    row is measured, and Rich's measure costs ~1 us), else Rich's measure."""
    return len(text) if text.isascii() and text.isprintable() else rich_cell_len(text)


def middle_cut(text: str, width: int) -> str:
    """`doc-embeddings-…-20250527-00015`: cut in the middle, keeping the end that tells runs
    apart (names share prefixes and differ in their dates and counters)."""
    if cell_len(text) <= width:
        return text
    if width <= 1:
        return ELLIPSIS[:width]
    tail = take_cells(text[::-1], width // 2)[::-1]
    head = take_cells(text, width - 1 - cell_len(tail))
    return head + ELLIPSIS + tail


def take_cells(text: str, cells: int) -> str:
    """The longest start of `text` that fits in `cells` terminal cells."""
    if text.isascii():  # one cell per character: the common case, and the cheap one
        return text[: max(cells, 0)]
    taken = 0
    for index, character in enumerate(text):
        taken += cell_len(character)
        if taken > cells:
            return text[:index]
    return text
