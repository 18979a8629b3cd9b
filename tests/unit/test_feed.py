"""JobFeed and the views the table reads: order, dedupe, positions, counts, status lines."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st


import tui.feed as feed_module
from factories import make_job
from tui.feed import FeedView, JobFeed, MergedView, ReversedView, SortedView, frontier, held_text, status_line
from tui.models import STAND_IN_PREFIX, Job, Phase, RecordCounts

T0 = dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc)


def job(n: int, status: str = "InProgress", source: str = "a", **fields) -> Job:
    """Job number n, created n minutes after T0 (bigger n = newer)."""
    defaults = dict(arn=f"arn:{source}:{n}", name=f"job-{n:05d}", source=source,
                    created=T0 + dt.timedelta(minutes=n), model="", records=None)
    return make_job(n, status, **{**defaults, **fields})


def newest_first(numbers) -> list[int]:
    return sorted(numbers, reverse=True)


@dataclass(eq=False)
class Member:
    feed: JobFeed
    loading: bool = False
    problem: object | None = None
    overdue: bool = False


def arns(view) -> list[str]:
    return [view[index].arn for index in range(len(view))]


def assert_indexed(view) -> None:
    for position in range(len(view)):
        assert view.index_of(view[position].arn) == position


# ---------------------------------------------------------------- JobFeed


def test_pages_append_in_listing_order_and_track_the_token():
    feed = JobFeed()
    feed.start([job(n) for n in (9, 8, 7)], "t1")
    assert not feed.all_loaded
    feed.merge_page([job(n) for n in (6, 5)], None)
    assert [j.arn for j in feed] == [f"arn:a:{n}" for n in (9, 8, 7, 6, 5)]
    assert feed.all_loaded and feed.next_token is None
    assert_indexed(feed)


def test_a_shifted_page_updates_loaded_jobs_in_place_and_never_duplicates():
    feed = JobFeed()
    feed.start([job(n) for n in (9, 8, 7)], "t1")
    # two jobs were submitted while the user read page 1: page 2 starts with 8 and 7 again
    change = feed.merge_page([job(8, "Completed"), job(7), job(6), job(5)], "t2")
    assert [j.arn for j in feed] == [f"arn:a:{n}" for n in (9, 8, 7, 6, 5)]
    assert [j.arn for j in change.inserted] == ["arn:a:6", "arn:a:5"]
    assert [(old.status, new.status) for old, new in change.replaced] == [("InProgress", "Completed")]
    assert feed.get("arn:a:8").status == "Completed"


def test_a_refresh_inserts_new_jobs_where_they_belong():
    feed = JobFeed()
    feed.start([job(n) for n in (9, 7, 5)], "t1")
    change = feed.merge([job(12), job(11), job(9), job(8)])
    assert [j.arn for j in feed] == [f"arn:a:{n}" for n in (12, 11, 9, 8, 7, 5)]
    assert {j.arn for j in change.inserted} == {"arn:a:12", "arn:a:11", "arn:a:8"}
    assert change.replaced == []  # job 9 came back unchanged
    assert_indexed(feed)


def test_update_only_touches_loaded_jobs():
    feed = JobFeed()
    feed.start([job(2)], None)
    change = feed.update([job(2, "Completed"), job(3)])
    assert len(feed) == 1 and feed.index_of("arn:a:3") is None
    assert len(change.replaced) == 1 and change.inserted == []


def test_a_terminal_job_never_goes_back_to_an_active_state():
    feed = JobFeed()
    feed.start([job(1, "Completed")], None)
    change = feed.merge([job(1, "InProgress")])
    assert feed.get("arn:a:1").status == "Completed"
    assert change.replaced == []


def test_unknown_statuses_survive_and_stay_watched():
    feed = JobFeed()
    feed.start([job(1, "Hibernating")], None)
    assert feed.get("arn:a:1").status == "Hibernating"
    assert feed.counts[Phase.UNKNOWN] == 1
    assert feed.active_arns == {"arn:a:1"}


def test_counts_and_active_jobs_follow_every_change():
    feed = JobFeed()
    feed.start([job(3, "Submitted"), job(2, "InProgress"), job(1, "Completed")], "t")
    feed.merge([job(3, "InProgress"), job(4, "Failed")])
    feed.merge_page([job(0, "Stopped")], None)
    feed.update([job(2, "PartiallyCompleted")])
    assert feed.counts == {
        **dict.fromkeys(Phase, 0),
        Phase.RUNNING: 1,
        Phase.PARTIAL: 1,
        Phase.SUCCEEDED: 1,
        Phase.FAILED: 1,
        Phase.STOPPED: 1,
    }
    assert feed.active_arns == {"arn:a:3"}


def test_a_job_without_creation_time_stays_where_the_service_listed_it():
    """Not at the bottom: there it would sink below every later page, dragging the cursor."""
    feed = JobFeed(newest_first=False)
    feed.start([job(1), job(2), job(9, created=None)], "t")
    feed.merge_page([job(0), job(5), job(7)], None)
    assert [j.arn for j in feed] == [f"arn:a:{n}" for n in (0, 1, 2, 9, 5, 7)]
    feed.update([job(9, "Completed", created=None)])  # a describe that still cannot read it
    assert [j.arn for j in feed] == [f"arn:a:{n}" for n in (0, 1, 2, 9, 5, 7)]
    assert feed.get("arn:a:9").created is None  # placed, never shown as a creation time
    assert feed.frontier_key() == job(7).created.timestamp()
    assert_indexed(feed)


def test_a_page_whose_first_job_has_no_creation_time_places_it_by_the_next_one():
    feed = JobFeed()
    feed.start([job(9, created=None), job(8), job(7)], "t")
    feed.merge_page([job(3, created=None)], None)  # no neighbour at all: it goes last
    assert [j.arn for j in feed] == [f"arn:a:{n}" for n in (9, 8, 7, 3)]
    assert_indexed(feed)


def test_a_changed_creation_time_moves_the_row():
    feed = JobFeed()
    feed.start([job(n) for n in (5, 4, 3)], None)
    feed.merge([job(4, created=T0 + dt.timedelta(minutes=10))])
    assert [j.arn for j in feed] == ["arn:a:4", "arn:a:5", "arn:a:3"]
    assert_indexed(feed)


def stand_in(n: int, status: str = "InProgress", source: str = "a") -> Job:
    """Job n as a list item without its ARN reads (see sources/wire.py)."""
    return job(n, status, source, arn=f"{STAND_IN_PREFIX}{source}{n}")


def test_a_stand_in_for_a_listed_job_is_not_inserted():
    feed = JobFeed()
    feed.start([job(n) for n in (9, 8, 7)], "t1")
    change = feed.merge([job(9), stand_in(8), job(7)])  # 8 briefly came without its ARN
    assert [j.arn for j in feed] == ["arn:a:9", "arn:a:8", "arn:a:7"]
    assert not change.inserted and not change.removed and len(feed) == 3
    assert feed.counts[Phase.RUNNING] == 3


def test_a_stand_in_gives_way_when_the_arn_comes_back():
    feed = JobFeed()
    feed.start([job(9), stand_in(8), job(7)], "t1")  # first seen without its ARN
    assert feed.index_of(stand_in(8).arn) == 1
    assert feed.active_arns == {"arn:a:9", "arn:a:7"}  # a stand-in cannot be described
    change = feed.merge([job(9), job(8), job(7)])
    assert [j.arn for j in feed] == ["arn:a:9", "arn:a:8", "arn:a:7"]
    assert [j.arn for j in change.removed] == [stand_in(8).arn] and [j.arn for j in change.inserted] == ["arn:a:8"]
    assert feed.counts[Phase.RUNNING] == 3 and "arn:a:8" in feed.active_arns


def test_stand_ins_the_first_page_no_longer_lists_are_swept():
    feed = JobFeed()
    odd = job(8, arn=f"{STAND_IN_PREFIX}x", name="")  # no name either: it cannot be matched
    feed.start([job(9), odd, job(7), job(3)], "t1")
    feed.merge_page([job(2), stand_in(1)], "t2")
    page = [job(9), job(8), job(7)]
    change = feed.merge(page)
    change.extend(feed.sweep_stand_ins(page, "t-next"))
    assert [j.arn for j in change.removed] == [odd.arn]  # page one covers 9..7; the paged stand-in stays
    assert [j.arn for j in feed] == ["arn:a:9", "arn:a:8", "arn:a:7", "arn:a:3", "arn:a:2", stand_in(1).arn]
    assert sum(feed.counts.values()) == 6


def test_remove_drops_rows_counts_and_active_jobs():
    feed = JobFeed()
    feed.start([job(9), job(8, "Completed"), job(7)], None)
    change = feed.remove(["arn:a:9", "arn:a:8", "arn:a:nothing"])
    assert [j.arn for j in change.removed] == ["arn:a:9", "arn:a:8"]
    assert [j.arn for j in feed] == ["arn:a:7"] and feed.active_arns == {"arn:a:7"}
    assert feed.counts[Phase.RUNNING] == 1 and feed.counts[Phase.SUCCEEDED] == 0
    assert_indexed(feed)


def test_removed_rows_leave_every_view():
    a, b = two_sources()
    merged = MergedView([a, b], newest_first=True)
    by_name = SortedView([a, b], "name", False, True)
    gone = [a.feed[0].arn, a.feed[3].arn, b.feed[1].arn]
    view_changes = {a: a.feed.remove(gone), b: b.feed.remove(gone)}
    merged.apply(view_changes, set())
    by_name.apply(view_changes, set())
    assert arns(merged) == brute_force_all([a, b]) and not set(gone) & set(arns(merged))
    assert sorted(arns(by_name)) == sorted(j.arn for m in (a, b) for j in m.feed)
    assert_indexed(merged)
    assert_indexed(by_name)


def test_reset_forgets_rows_token_and_counts():
    feed = JobFeed()
    feed.start([job(1)], "t")
    feed.reset(newest_first=False)
    assert len(feed) == 0 and not feed.started and not feed.all_loaded
    assert sum(feed.counts.values()) == 0 and not feed.newest_first


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["merge", "page", "move", "finish"]), st.lists(st.integers(0, 300), max_size=30)), max_size=25))
def test_positions_order_and_counts_stay_exact_under_any_sequence(operations):
    feed = JobFeed()
    feed.start([], "t")
    for operation, numbers in operations:
        if operation == "merge":
            feed.merge([job(n) for n in numbers])
        elif operation == "page":
            feed.merge_page([job(n) for n in newest_first(set(numbers))], "t")
        elif operation == "move":
            feed.merge([job(n, created=T0 + dt.timedelta(minutes=(n * 7) % 301)) for n in numbers])
        else:
            feed.update([job(n, "Completed") for n in numbers])
        keys = [feed.key(j) for j in feed]
        assert keys == sorted(keys)
        assert len({j.arn for j in feed}) == len(feed)
        assert_indexed(feed)
        assert feed.counts == {**dict.fromkeys(Phase, 0), **Counter(j.phase for j in feed)}
        assert feed.active_arns == {j.arn for j in feed if not j.phase.terminal}


# ---------------------------------------------------------------- the "All" view


def two_sources() -> tuple[Member, Member]:
    """a: every even minute 100..0, loaded down to 60, more to come; b: odd minutes, all loaded."""
    a, b = Member(JobFeed()), Member(JobFeed())
    a.feed.start([job(n, source="a") for n in range(100, 59, -2)], "a-t1")
    b.feed.start([job(n, source="b") for n in range(99, 0, -2)], None)
    return a, b


def brute_force_all(members) -> list[str]:
    limit, _ = frontier(members)
    rows = [j for m in members for j in m.feed if m.feed.key(j) <= limit]
    return [j.arn for j in sorted(rows, key=members[0].feed.key)]


def test_all_view_shows_rows_only_down_to_the_frontier():
    a, b = two_sources()
    view = MergedView([a, b], newest_first=True)
    assert view[len(view) - 1].created == job(60).created  # b's 59 .. 1 wait below a's frontier
    assert arns(view) == brute_force_all([a, b])
    assert frontier([a, b])[1] is a
    assert_indexed(view)


def test_all_view_paging_only_appends_below_what_was_shown():
    a, b = two_sources()
    view = MergedView([a, b], newest_first=True)
    shown = arns(view)
    change = a.feed.merge_page([job(n, source="a") for n in range(58, 19, -2)], "a-t2")
    view.apply({a: change}, set())
    assert arns(view)[: len(shown)] == shown
    assert arns(view) == brute_force_all([a, b])
    change = a.feed.merge_page([job(n, source="a") for n in range(18, -1, -2)], None)
    view.apply({a: change}, set())
    assert len(view) == 101 and view.all_loaded
    assert_indexed(view)


def test_all_view_refresh_inserts_new_jobs_at_the_top_and_hides_ones_below_the_frontier():
    a, b = two_sources()
    view = MergedView([a, b], newest_first=True)
    change_b = b.feed.merge([job(150, source="b"), job(-5, source="b")])  # -5: older than a's frontier
    change_a = a.feed.merge([job(100, "Completed", source="a")])
    view.apply({a: change_a, b: change_b}, set())
    assert view[0].arn == "arn:b:150"
    assert view.index_of("arn:b:-5") is None
    assert view[view.index_of("arn:a:100")].status == "Completed"
    assert arns(view) == brute_force_all([a, b])


def test_all_view_ignores_failing_sources_that_loaded_nothing():
    a, b = two_sources()
    denied = Member(JobFeed(), problem="access denied")
    view = MergedView([a, b, denied], newest_first=True)
    assert arns(view) == brute_force_all([a, b])


def test_all_view_counts_the_loaded_rows_it_holds_back_once_each():
    a, b = two_sources()
    view = MergedView([a, b], newest_first=True)
    assert len(view) + view.held == len(a.feed) + len(b.feed)  # b's rows older than a's oldest wait
    assert view.held == 30 and view.held_reason == "30 more loaded, waiting for older pages"
    assert view.status_line() == f"{len(view)} shown · 30 more loaded, waiting for older pages"
    twin = Member(JobFeed())  # a second profile of b's account: the same jobs, counted once
    twin.feed.start(list(b.feed), None)
    assert MergedView([a, b, twin], newest_first=True).held == 30
    apart = [Member(JobFeed()) for _ in range(2)]  # other regions: counted by bisects, the same number
    for member, source in zip(apart, (a, b)):
        member.feed.start([dataclasses.replace(j, arn=f"arn:{j.source}/{j.arn}") for j in source.feed], source.feed.next_token)
    assert [m.feed.place() for m in apart] == ["arn:a", "arn:b"] and MergedView(apart, newest_first=True).held == 30
    while a.feed.next_token is not None:
        view.apply({a: a.feed.merge_page([job(n, source="a") for n in range(58, -1, -2)], None)}, set())
    assert view.held == 0 and view.status_line() == f"{len(view)} jobs · all loaded"


def test_all_view_rebuilds_when_a_listing_restarts():
    a, b = two_sources()
    view = MergedView([a, b], newest_first=True)
    change = a.feed.start([job(n, source="a") for n in range(100, 89, -2)], "again")
    view.apply({a: change}, {a})
    assert arns(view) == brute_force_all([a, b])


# ---------------------------------------------------------------- client-side sort


def test_sorted_view_orders_loaded_rows_and_finds_any_row():
    feed = JobFeed()
    feed.start([job(n, name=f"n{(n * 37) % 11}") for n in range(30, 0, -1)], "t")
    member = Member(feed)
    for descending in (False, True):
        view = SortedView([member], "name", descending, newest_first=True)
        names = [view[i].name for i in range(len(view))]
        assert names == sorted(names, reverse=descending)
        # ties keep creation order (newest first) in both directions
        for i in range(len(view) - 1):
            if view[i].name == view[i + 1].name:
                assert view[i].created > view[i + 1].created
        assert_indexed(view)
        assert view.status_line() == "sorted · 30 loaded (more not loaded)"


def test_sorted_view_follows_pages_and_updates():
    feed = JobFeed()
    feed.start([job(n) for n in range(50, 30, -1)], "t")
    member = Member(feed)
    view = SortedView([member], "status", False, newest_first=True)
    change = feed.merge_page([job(n, "Completed" if n % 3 else "Failed") for n in range(30, 10, -1)], "t2")
    view.apply({member: change}, set())
    change = feed.update([job(n, "Stopped") for n in range(50, 40, -1)])
    view.apply({member: change}, set())
    expected = sorted(feed, key=lambda j: (list(Phase).index(j.phase), j.status, -j.created.timestamp()))
    assert arns(view) == [j.arn for j in expected]
    assert_indexed(view)


def test_sorted_view_by_progress_and_duration():
    feed = JobFeed()
    ended = lambda minutes: T0 + dt.timedelta(minutes=minutes)  # noqa: E731
    feed.start(
        [
            job(4, records=RecordCounts(total=10, processed=5)),
            job(3, "Completed", ended=ended(100), records=RecordCounts(total=10, processed=10)),
            job(2, "Completed", ended=ended(5)),
            job(1),
        ],
        None,
    )
    member = Member(feed)
    progress = SortedView([member], "progress", True, newest_first=True)
    assert arns(progress)[:2] == ["arn:a:3", "arn:a:4"]
    duration = SortedView([member], "duration", True, newest_first=True)
    assert arns(duration) == ["arn:a:1", "arn:a:4", "arn:a:3", "arn:a:2"]  # running first, oldest longest


def test_sorted_all_view_covers_every_loaded_row():
    a, b = two_sources()
    view = SortedView([a, b], "name", False, newest_first=True)
    assert len(view) == len(a.feed) + len(b.feed)
    assert_indexed(view)


def test_reversed_view_reads_its_base_backwards_and_keeps_undated_rows_last():
    feed = JobFeed()
    feed.start([job(n) for n in range(10, 0, -1)], "t")
    feed.merge_page([job(0, arn="arn:undated", created=None)], None)  # a page with no time to place it by
    view = ReversedView(FeedView(Member(feed)))
    assert arns(view) == [f"arn:a:{n}" for n in range(1, 11)] + ["arn:undated"]
    assert view[-1].arn == "arn:undated" and view[0].arn == "arn:a:1"
    assert_indexed(view)
    assert view.index_of("arn:nowhere") is None
    with pytest.raises(IndexError):
        view[11]


# ---------------------------------------------------------------- status lines


def test_status_lines():
    assert status_line(1200, False, True, False) == "1,200 loaded · loading…"
    assert status_line(5000, True, False, False) == "5,000 jobs · all loaded"
    assert status_line(1, True, False, True) == "1 job · all loaded"
    assert status_line(1200, False, False, True) == "sorted · 1,200 loaded (more not loaded)"
    assert status_line(1200, False, True, True) == "sorted · 1,200 loaded · loading…"
    assert status_line(1200, False, False, False) == "1,200 loaded · more below"
    held = held_text(16)
    assert status_line(384, False, False, False, held) == "384 shown · 16 more loaded, waiting for older pages"
    assert status_line(384, False, True, False, held) == "384 shown · 16 more loaded, waiting for older pages · loading…"
    assert held_text(0) == "" and held_text(2, newest_first=False) == "2 more loaded, waiting for newer pages"


def test_views_report_loading_and_all_loaded():
    a, b = two_sources()
    a.loading = True
    assert MergedView([a, b], True).status_line() == "41 shown · 30 more loaded, waiting for older pages · loading…"
    assert FeedView(b).status_line() == "50 jobs · all loaded"


# ---------------------------------------------------------------- cost at 100,000 rows


def test_paging_and_refreshing_stay_cheap_at_100k_rows(monkeypatch):
    """Counted in sort-key calls, not seconds (time is for bench/): a page or a refresh must never
    re-sort or re-scan the 70,000 rows already shown."""
    calls = Counter()
    newest_first_key = feed_module._newest_first_key

    def counted_key(job: Job) -> float:
        calls["key"] += 1
        return newest_first_key(job)

    monkeypatch.setattr(feed_module, "_newest_first_key", counted_key)
    a, b = Member(JobFeed()), Member(JobFeed())
    a.feed.start([job(n, source="a") for n in range(200_000, 150_000, -1)], "more")
    b.feed.start([job(n, source="b") for n in range(199_999, 99_999, -2)], None)
    view = MergedView([a, b], newest_first=True)
    assert len(view) > 70_000
    pages = iter([[job(n, source="a") for n in range(top, top - 1000, -1)] for top in range(149_999, 139_999, -1000)])
    new_jobs = iter([[job(n, source="a"), job(n + 1, source="a")] for n in range(200_001, 200_021, 2)])

    def page() -> None:
        view.apply({a: a.feed.merge_page(next(pages), "more")}, set())

    def refresh() -> None:
        view.apply({a: a.feed.merge(next(new_jobs))}, set())

    for _ in range(5):
        calls.clear()
        page()  # a 1,000-row page: a few key calls per new row
        assert calls["key"] < 10 * 1000, calls
        calls.clear()
        refresh()  # two new jobs at the top: a few bisects
        assert calls["key"] < 200, calls
    assert view[0].arn == "arn:a:200010"
    assert arns(view)[:3] == ["arn:a:200010", "arn:a:200009", "arn:a:200008"]
    assert view.index_of(view[60_000].arn) == 60_000
    assert view.index_of(view[len(view) - 1].arn) == len(view) - 1


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(1, 400), min_size=3, max_size=3),
    st.lists(st.tuples(st.sampled_from(["page", "refresh", "finish", "delete"]), st.integers(0, 2), st.integers(1, 40)), max_size=30),
)
def test_all_view_always_equals_a_merge_down_to_the_frontier(sizes, operations):
    """Three sources with their own ground truth, paged and refreshed in any order."""
    truths = [[job(n, source=name) for n in range(size * (i + 1), 0, -(i + 1))] for i, (name, size) in enumerate(zip("abc", sizes))]
    members = [Member(JobFeed()) for _ in truths]
    loaded = [min(10, len(truth)) for truth in truths]
    for member, truth in zip(members, truths):
        member.feed.start(truth[:10], "more" if len(truth) > 10 else None)
    view = MergedView(members, newest_first=True)
    newest = 10_000
    for operation, which, count in operations:
        member, truth = members[which], truths[which]
        before = arns(view)
        if operation == "page":
            if member.feed.all_loaded:
                continue
            rows = truth[loaded[which] : loaded[which] + count]
            loaded[which] += len(rows)
            change = member.feed.merge_page(rows, "more" if loaded[which] < len(truth) else None)
        elif operation == "refresh":
            fresh = [job(newest + k, source="abc"[which]) for k in range(count % 3)]
            newest += 3
            change = member.feed.merge(fresh)
        elif operation == "delete":
            change = member.feed.remove(j.arn for j in list(member.feed)[:-1][::count])  # the frontier row stays
        else:
            change = member.feed.update([replace_status(j) for j in list(member.feed)[:count]])
        view.apply({member: change}, set())
        assert arns(view) == brute_force_all(members)
        if operation == "page":
            assert arns(view)[: len(before)] == before
        assert_indexed(view)


def test_a_late_first_page_lands_in_place_among_many_rows_in_one_merge():
    """An overdue source's first page lands among the rows shown: every row where its time
    puts it, a job both sources hold once, each position indexed (one merge, not 100 inserts
    that each renumber half the rows)."""
    a, b = Member(JobFeed()), Member(JobFeed(), overdue=True)
    a.feed.start([job(n, source="a") for n in range(3000, 0, -3)], None)
    view = MergedView([a, b], newest_first=True)
    shared = job(2997, source="a")  # the same ARN, listed by b too
    page = [job(n, source="b") for n in range(2999, 2700, -3)] + [replace_status(shared)]
    b.overdue = False
    view.apply({b: b.feed.start(newest_first_jobs(page), None)}, set())
    expected = sorted({j.arn: j for j in [*a.feed, *b.feed]}.values(), key=a.feed.key)
    assert arns(view) == [j.arn for j in expected]
    assert view[view.index_of(shared.arn)].status == "Completed"  # the version that came last
    assert view.counts == {**dict.fromkeys(Phase, 0), **Counter(j.phase for j in expected)}
    assert_indexed(view)


def newest_first_jobs(jobs: list[Job]) -> list[Job]:
    return sorted(jobs, key=lambda j: j.created, reverse=True)


def replace_status(row: Job) -> Job:
    return job(int(row.arn.rsplit(":", 1)[1]), "Completed", source=row.source)


@pytest.mark.parametrize("sorted_by", [None, "name"])
def test_a_job_two_sources_hold_keeps_its_row_until_its_data_changes(sorted_by):
    """Two profiles of one account refresh the same job in turn: the row does not flip between
    them when the second says the same; it takes the first version that says something new."""
    a, b = Member(JobFeed()), Member(JobFeed())
    shared = dict(arn="arn:shared:1")
    a.feed.start([job(1, source="a", **shared)], None)
    b.feed.start([job(1, source="b", **shared)], None)
    view = MergedView([a, b], newest_first=True) if sorted_by is None else SortedView([a, b], sorted_by, False, True)
    assert len(view) == 1 and view[0].source == "a"
    progressed = RecordCounts(total=10, processed=5)
    view.apply({a: a.feed.merge([job(1, source="a", records=progressed, **shared)])}, set())
    view.apply({b: b.feed.merge([job(1, source="b", records=progressed, **shared)])}, set())
    assert (view[0].source, view[0].records) == ("a", progressed) and sum(view.counts.values()) == 1
    view.apply({b: b.feed.merge([job(1, "Completed", source="b", records=progressed, **shared)])}, set())
    assert (view[0].source, view[0].status) == ("b", "Completed") and view.index_of("arn:shared:1") == 0
    assert sum(view.counts.values()) == 1 and view.counts[Phase.SUCCEEDED] == 1
