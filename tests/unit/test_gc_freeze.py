"""RowFreezer: freezes on the first rows, then once per `every_rows`; thaw gives everything back.
QuietCollector: collects young garbage once the app is quiet, never sooner, never at idle."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import time
import weakref
from collections.abc import Iterator

from tui.gc_freeze import QuietCollector, RowFreezer


def test_first_rows_then_every_n_rows_are_due() -> None:
    freezer = RowFreezer(every_rows=1000)
    assert freezer.due(300)  # the first rows, however few
    assert not freezer.due(600)
    assert not freezer.due(0)
    assert freezer.due(400)  # 1,000 since the last time
    assert not freezer.due(999)
    assert freezer.due(1)


def test_freeze_collects_garbage_first_and_thaw_unfreezes() -> None:
    class Node:
        def __init__(self) -> None:
            self.other: Node | None = None

    freezer = RowFreezer()
    try:
        cycle = Node()
        cycle.other = Node()
        cycle.other.other = cycle
        del cycle  # garbage now: the freeze must not keep it
        kept = [Node()]
        freezer.freeze()
        assert gc.get_freeze_count() > 0
        assert sum(isinstance(obj, Node) for obj in gc.get_objects()) == 0  # frozen objects are not listed
        assert kept[0] is not None
    finally:
        freezer.thaw()
    assert gc.get_freeze_count() == 0
    assert sum(isinstance(obj, Node) for obj in gc.get_objects()) == 1  # only `kept`'s node, back in a generation
    assert freezer.due(0)  # after a thaw the next rows freeze again


def test_every_nth_freeze_reclaims_cycles_that_became_garbage_while_frozen() -> None:
    class Node:
        def __init__(self) -> None:
            self.other: Node | None = None

    def nodes() -> int:
        gc.unfreeze()  # count frozen ones too, then put things back as they were
        count = sum(isinstance(obj, Node) for obj in gc.get_objects())
        gc.freeze()
        return count

    freezer = RowFreezer(reclaim_every=2)
    try:
        cycle = Node()
        cycle.other = Node()
        cycle.other.other = cycle
        freezer.freeze()  # frozen while alive
        del cycle  # garbage now, but frozen: no collection sees it
        gc.collect()
        assert nodes() == 2
        freezer.freeze()  # the second freeze reclaims first
        assert nodes() == 0
    finally:
        freezer.thaw()


class _Collections:
    """Every collection while in use: (time.monotonic() at its start, generation)."""

    def __init__(self) -> None:
        self.seen: list[tuple[float, int]] = []

    def __call__(self, phase: str, info: dict) -> None:
        if phase == "start":
            self.seen.append((time.monotonic(), info["generation"]))

    def __enter__(self) -> _Collections:
        gc.callbacks.append(self)
        return self

    def __exit__(self, *exc: object) -> None:
        gc.callbacks.remove(self)


def _young_cycles(count: int) -> weakref.ref:
    """`count` two-node cycles, garbage at once; a weak reference to one node tells when they go."""

    class Node:
        other: object = None

    first = None
    for _ in range(count):
        node, partner = Node(), Node()
        node.other, partner.other = partner, node
        first = first or node
    return weakref.ref(first)


@contextlib.contextmanager
def _running(collector: QuietCollector) -> Iterator[QuietCollector]:
    """The collector started on a clean slate (nothing young left to collect), stopped after."""
    collector.start()
    gc.collect()
    try:
        yield collector
    finally:
        collector.stop()


async def _until(condition, seconds: float = 10.0) -> None:  # noqa: ANN001 - a predicate
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        await asyncio.sleep(0.01)


async def test_the_quiet_collector_collects_young_garbage_only_once_the_app_is_quiet() -> None:
    with _running(QuietCollector(quiet=1.0)) as collector, _Collections() as collections:
        node = _young_cycles(500)  # ~1,000-2,000 tracked objects: over the minimum, under the backstop
        collector.poke()
        await asyncio.sleep(0.05)
        last_poke = time.monotonic()
        collector.poke()  # more happened: the quiet moment starts again
        assert node() is not None and collections.seen == []
        await _until(lambda: node() is None)
    assert node() is None
    assert collections.seen and collections.seen[0][0] >= last_poke + 1.0


async def test_the_quiet_collector_leaves_a_few_new_objects_and_does_nothing_unpoked() -> None:
    with _running(QuietCollector(quiet=0.05)) as collector, _Collections() as collections:
        few = _young_cycles(10)
        collector.poke()
        await asyncio.sleep(0.3)
        assert few() is not None  # not worth a collection yet
        many = _young_cycles(500)
        await asyncio.sleep(0.3)  # nothing poked: no timer runs, nothing is collected
        assert many() is not None and collections.seen == []


def test_the_quiet_collector_raises_the_young_threshold_and_puts_it_back() -> None:
    before = gc.get_threshold()
    collector = QuietCollector(backstop=12_345)
    collector.start()
    assert gc.get_threshold() == (max(before[0], 12_345), *before[1:])
    collector.stop()
    assert gc.get_threshold() == before
