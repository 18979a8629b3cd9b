"""The local store's writes while the app runs: saves queued behind a busy writer collapse
into one with the newest rows, and a listing still paging through the cache keeps the token
saved with the rows."""

from __future__ import annotations

import datetime as dt
import threading

from factories import make_job
from tui.cache import JobCache
from tui.local import CACHE_TOKEN, LocalStore
from tui.models import Filters, Job, JobDetail, JobKind, Page, Phase, Source, SourceKey
from tui.refresh import Delta, RefreshEngine

KEY = SourceKey(None, "us-east-1", JobKind.BEDROCK)
T0 = dt.datetime(2025, 6, 1, 12, 0, tzinfo=dt.timezone.utc)


class Unreachable(Source):
    """A source these tests never call."""

    def __init__(self, key: SourceKey) -> None:
        self.key = key

    async def list_page(self, filters: Filters, token: str | None = None) -> Page:
        raise AssertionError("no network in this test")

    async def describe(self, arn: str) -> JobDetail:
        raise AssertionError("no network in this test")


def job(index: int) -> Job:
    return make_job(index, "Completed", arn=f"arn:{index}", name=f"job-{index}", source=KEY.id,
                    created=T0 - dt.timedelta(minutes=index), model="", records=None)


def test_saves_queued_behind_a_busy_writer_collapse_into_the_newest(local_dirs) -> None:
    local = LocalStore()
    engine = RefreshEngine(local.wrap([Unreachable(KEY)]))
    saves: list[int] = []
    save = local.cache.save
    local.cache.save = lambda source, jobs, **listing: saves.append(len(jobs)) or save(source, jobs, **listing)  # type: ignore[method-assign]
    gate = threading.Event()
    local.cache.submit(gate.wait)  # the writer is busy
    feed = engine.states[0].feed
    for count in range(1, 6):
        feed.start([job(index) for index in range(count)], "next-page")
        local.remember(engine, Delta(sources={KEY}))
    gate.set()
    local.close()

    assert saves == [5]
    kept = JobCache()
    assert [j.name for j in kept.load(KEY.id).jobs] == [f"job-{index}" for index in range(5)]
    assert kept.load(KEY.id).next_token == "next-page"
    kept.close()


def test_while_paging_through_the_cache_the_saved_token_stays(local_dirs) -> None:
    earlier = JobCache()
    earlier.save(KEY.id, [job(index) for index in range(3)], next_token="service-token", all_loaded=False)
    earlier.close()

    local = LocalStore()
    engine = RefreshEngine(local.wrap([Unreachable(KEY)]))
    engine.states[0].feed.start([job(0), job(9)], f"{CACHE_TOKEN}somewhere")
    local.remember(engine, Delta(sources={KEY}))
    local.close()

    kept = JobCache()
    listing = kept.load(KEY.id)
    assert listing.next_token == "service-token" and len(listing.jobs) == 4
    kept.close()
