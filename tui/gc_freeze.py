"""Keep the garbage collector's pauses short while tens of thousands of rows are loaded.

CPython's full collection walks every object the cyclic collector tracks, and it comes
round whenever enough objects have survived since the last one: with 100,000 rows loaded
(two tracked objects each) beside botocore's service models and Textual's widgets, that is
an 80-110 ms stall in the middle of a key press or a refresh. Rows never form garbage
cycles, so each walk finds nothing.

`gc.freeze()` moves every object alive now into a permanent generation that no collection
walks; reference counting still frees them (rows dropped when the listing restarts go as
before). The risk is a leak: an object frozen while alive that later becomes part of a
garbage cycle is never collected. Textual makes such objects all the time: every Strip
refers to itself through its caches, so the strips on screen or in the job table's cache
at a freeze leak once they are replaced (measured: ~60 KB per freeze). So:
- a full collection runs right before each freeze, so nothing already garbage is frozen;
  it walks only what arrived since the last freeze (a few ms);
- freezes happen only after many rows arrived (the first rows, then every `every_rows`),
  so their number grows with rows loaded, never with time left open;
- every `reclaim_every`-th freeze first unfreezes everything, so that collection walks the
  whole heap once (~0.1 s at 100,000 rows, once per 10,000 rows loaded) and takes back what
  earlier freezes caught: the leak never exceeds what `reclaim_every` freezes can catch.
  `thaw` does the same when the monitor closes.
"""

from __future__ import annotations

import gc

FREEZE_EVERY_ROWS = 1000
RECLAIM_EVERY = 10
FREEZE_DELAY = 0.05
"""Seconds between the frame that shows new rows and the freeze: the collection holds the
GIL, and Textual writes the frame to the terminal from another thread."""


def freeze_startup() -> None:
    """Freeze what start-up made (modules, classes, the clients' service models and endpoint
    tables): it lives as long as the process, and a full collection walking it in the middle
    of start-up costs ~45 ms before the first rows. No collection first (it would delay the
    first rows too): before the UI exists almost nothing is garbage (measured: 5 objects).
    A client retired later (credentials renewed) is taken back by a `RowFreezer` reclaim."""
    gc.freeze()


class RowFreezer:
    """Counts rows as they land and freezes the heap once enough have (and on the first rows)."""

    def __init__(self, every_rows: int = FREEZE_EVERY_ROWS, reclaim_every: int = RECLAIM_EVERY) -> None:
        self.every_rows = every_rows
        self.reclaim_every = reclaim_every
        self._pending = every_rows  # nothing is frozen yet: the first rows freeze
        self._freezes = 0

    def due(self, rows: int) -> bool:
        """Count `rows` that just landed; True (once) when it is time to `freeze`."""
        self._pending += rows
        if self._pending < self.every_rows:
            return False
        self._pending = 0
        return True

    def freeze(self) -> None:
        """Collect what is garbage now (every `reclaim_every` times, frozen garbage too), then
        exempt everything alive from future collections."""
        self._freezes += 1
        if self._freezes % self.reclaim_every == 0:
            gc.unfreeze()
        gc.collect()
        gc.freeze()

    def thaw(self) -> None:
        """Hand every frozen object back to the collector (the rows' owner is closing)."""
        self._pending = self.every_rows
        gc.unfreeze()
