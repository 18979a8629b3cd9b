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

What is not frozen still makes garbage while the user moves: every frame of the job table
makes strips that refer to themselves, so the young collections come round inside key
presses (a gen-1 walk of 3-8 ms every few PgDn presses, a full one of 20-36 ms every ~100;
measured with 100,000 rows loaded). `QuietCollector` runs them in the gaps instead: right
after the app has been quiet for a moment, which is after the frame a key caused is out and,
for a person pressing keys, before the next one.
"""

from __future__ import annotations

import asyncio
import gc
import time

FREEZE_EVERY_ROWS = 1000
RECLAIM_EVERY = 10
FREEZE_DELAY = 0.05
"""Seconds between the frame that shows new rows and the freeze: the collection holds the
GIL, and Textual writes the frame to the terminal from another thread."""

QUIET_AFTER = 0.03
"""Seconds without a message to the app before `QuietCollector` collects: a key's frame is
out within ~10-20 ms (the collection holds the GIL, which the thread writing the frame
needs), and a person's next key rarely comes sooner; a held key repeats every ~33 ms, and
then the backstop threshold below decides."""
BACKSTOP_YOUNG = 10_000
"""The young generation's threshold while `QuietCollector` runs (CPython's is 700): high
enough that one key press seldom reaches it, low enough to bound what piles up when keys
come too fast for a quiet moment."""
WORTH_COLLECTING = 700
"""Fewer new tracked objects than this (CPython's own threshold) are left for the next
quiet moment: a timer tick at idle collects nothing."""


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


class QuietCollector:
    """Collects the young generations when the app goes quiet, not in the middle of a frame.

    `poke()` on every message the app handles; `QUIET_AFTER` seconds after the last one, a
    collection of the generation CPython would have chosen runs, if enough new objects are
    there to be worth it. Automatic collections stay on with a higher threshold as a
    backstop. Costs nothing at idle: no message, no timer.
    """

    def __init__(self, quiet: float = QUIET_AFTER, backstop: int = BACKSTOP_YOUNG) -> None:
        self.quiet = quiet
        self.backstop = backstop
        self._saved: tuple[int, int, int] | None = None
        self._last = 0.0
        self._handle: asyncio.TimerHandle | None = None

    def start(self) -> None:
        young, middle, old = self._saved = gc.get_threshold()
        gc.set_threshold(max(young, self.backstop), middle, old)

    def stop(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None
        if self._saved is not None:
            gc.set_threshold(*self._saved)
            self._saved = None

    def poke(self) -> None:
        """Something happened: collect once the app has been quiet for `quiet` seconds."""
        self._last = time.monotonic()
        if self._handle is None and self._saved is not None:
            self._handle = asyncio.get_running_loop().call_later(self.quiet, self._collect)

    def _collect(self) -> None:
        self._handle = None
        wait = self._last + self.quiet - time.monotonic()
        if wait > 0:  # more came meanwhile: wait for quiet again
            self._handle = asyncio.get_running_loop().call_later(wait, self._collect)
            return
        young, middle, old = gc.get_count()
        if young < WORTH_COLLECTING:
            return
        _, middle_threshold, old_threshold = gc.get_threshold()
        generation = 0
        if middle + 1 >= middle_threshold:
            generation = 2 if old + 1 >= old_threshold else 1
        gc.collect(generation)
