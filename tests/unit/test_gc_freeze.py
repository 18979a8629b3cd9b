"""RowFreezer: freezes on the first rows, then once per `every_rows`; thaw gives everything back."""

from __future__ import annotations

import gc

from tui.gc_freeze import RowFreezer


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
