"""Keep the garbage collector's pauses short while tens of thousands of rows are loaded.

CPython's full collection walks every object the cyclic collector tracks, and it comes
round whenever enough objects have survived since the last one: with 100,000 rows loaded
(two tracked objects each) beside botocore's service models and Textual's widgets, that is
an 80-110 ms stall in the middle of a key press or a refresh. None of those objects form
garbage cycles, so each walk finds nothing.

`gc.freeze()` moves every object alive now into a permanent generation that no collection
walks; reference counting still frees them (rows dropped when the listing restarts go as
before). The risk is a leak: a garbage cycle that is frozen is never collected. It is kept
small and bounded:
- a full collection runs right before each freeze, so nothing that is garbage already gets
  frozen; after the first freeze it walks only what arrived since the last one (a few ms);
- freezes happen only after many rows arrived (the first rows, then every `every_rows`),
  so they grow with rows loaded, not with time left open, and what they catch is mostly
  rows. An object alive at a freeze that later becomes cyclic garbage (a toast shown at
  that moment) stays until `thaw`, which the monitor calls when it closes.
"""

from __future__ import annotations

import gc

FREEZE_EVERY_ROWS = 1000
FREEZE_DELAY = 0.05
"""Seconds between the frame that shows new rows and the freeze: the collection holds the
GIL, and Textual writes the frame to the terminal from another thread."""


def freeze_startup() -> None:
    """Freeze what start-up made (modules, classes, the clients' service models and endpoint
    tables): it lives as long as the process, and a full collection walking it in the middle
    of start-up costs ~45 ms before the first rows. No collection first (it would delay the
    first rows too): after the imports and the clients almost nothing is garbage (measured:
    5 objects)."""
    gc.freeze()


class RowFreezer:
    """Counts rows as they land and freezes the heap once enough have (and on the first rows)."""

    def __init__(self, every_rows: int = FREEZE_EVERY_ROWS) -> None:
        self.every_rows = every_rows
        self._pending = every_rows  # nothing is frozen yet: the first rows freeze

    def due(self, rows: int) -> bool:
        """Count `rows` that just landed; True (once) when it is time to `freeze`."""
        self._pending += rows
        if self._pending < self.every_rows:
            return False
        self._pending = 0
        return True

    @staticmethod
    def freeze() -> None:
        """Collect what is garbage now, then exempt everything alive from future collections."""
        gc.collect()
        gc.freeze()

    def thaw(self) -> None:
        """Hand every frozen object back to the collector (the rows' owner is closing)."""
        self._pending = self.every_rows
        gc.unfreeze()
