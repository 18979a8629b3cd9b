"""The monitor's view model: pane rows, header state, empty-table text, titles, sort steps.

Pure functions over the engine's source states; the feeds here are stand-ins that hold only
what the view model reads (phase counts, row count, all loaded, rows of one account)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from factories import make_job

from tui.models import STATUS_PHASES, Filters, Job, JobKind, Phase, Problem, ProblemKind, SourceKey
from tui.refresh import SourceState
from tui.widgets.source_list import loaded_text
from tui.viewmodel import (
    all_failing,
    empty_text,
    filters_text,
    header_state,
    accounts,
    next_sort,
    seen_by,
    several_places,
    source_rows,
    source_title,
    status_choices,
)

T0 = dt.datetime(2025, 3, 1, 12, 0, tzinfo=dt.timezone.utc)
DENIED = Problem(ProblemKind.ACCESS_DENIED, "Access denied: grant bedrock:ListModelInvocationJobs.")
OFFLINE = Problem(ProblemKind.NETWORK, "Cannot reach the endpoint \x1b[2J: check the network.")


@dataclass
class Feed:
    counts: dict[Phase, int] = field(default_factory=dict)
    rows: int = 0
    all_loaded: bool = False

    account: str = "123456789012"

    def __len__(self) -> int:
        return self.rows

    def __getitem__(self, index: int) -> Job:
        return make_job(index + 1, arn=f"arn:aws:bedrock:us-east-1:{self.account}:model-invocation-job/{index:012d}")

    def get(self, arn: str) -> Job | None:
        return next((self[index] for index in range(self.rows) if self[index].arn == arn), None)


def state(kind: JobKind = JobKind.BEDROCK, region: str = "us-east-1", profile: str | None = None, **values) -> SourceState:  # noqa: ANN003
    feed = Feed(values.pop("counts", {}), values.pop("rows", 0), values.pop("all_loaded", False), values.pop("account", "123456789012"))
    return SourceState(SourceKey(profile, region, kind), source=None, feed=feed, **values)  # type: ignore[arg-type]


def test_titles_name_the_profile_only_when_there_is_one():
    assert source_title(SourceKey(None, "us-east-1", JobKind.BEDROCK)) == "Bedrock invocation · us-east-1"
    assert source_title(SourceKey("prod", "eu-west-1", JobKind.SEGMENT)).endswith("· eu-west-1 (prod)")


def test_filters_text_lists_what_filters_and_nothing_otherwise():
    assert filters_text(Filters()) == ""
    assert filters_text(Filters(name="nightly", status="Failed")) == 'name ~ "nightly" · status = Failed'


def test_the_all_row_adds_up_every_source_and_counts_the_failing_ones():
    states = [
        state(counts={Phase.RUNNING: 2, Phase.FAILED: 1}, rows=3, all_loaded=True),
        state(JobKind.PERSONALIZE, counts={Phase.RUNNING: 5}, rows=5, loading=True, problem=DENIED, notice="restarted"),
    ]
    every, bedrock, personalize = source_rows(states, all_rows=6)
    assert (every.key, every.title) == (None, "All sources")
    assert every.counts == {Phase.RUNNING: 7, Phase.FAILED: 1}
    assert (every.loaded, every.all_loaded, every.loading) == (6, False, True)  # what the All table counts
    assert every.problem == "1 of 2 sources failing"
    assert (bedrock.key, bedrock.problem, bedrock.all_loaded) == (states[0].key, None, True)
    assert (personalize.problem, personalize.notice) == (DENIED.message, "restarted")


def test_failing_sources_promise_no_more_and_passing_problems_are_short_in_the_pane():
    offline = Problem(ProblemKind.NETWORK, "Cannot reach http://127.0.0.1:1/model-invocation-jobs?sortBy=CreationTime: check the network.")
    states = [state(rows=3, problem=offline), state(JobKind.PERSONALIZE, problem=DENIED)]
    every, bedrock, personalize = source_rows(states, all_rows=3)
    assert [loaded_text(row) for row in (every, bedrock, personalize)] == ["3 loaded", "3 loaded", "0 loaded"]
    assert (bedrock.problem, bedrock.problem_lines) == ("Cannot reach 127.0.0.1:1", 2)  # the header says it retries
    assert (personalize.problem, personalize.problem_lines) == (DENIED.message, None)  # the fix is the point
    every, bedrock, _ = source_rows([states[0], state(JobKind.PERSONALIZE, rows=2)], all_rows=5)
    assert [loaded_text(row) for row in (every, bedrock)] == ["5 loaded · more", "3 loaded"]  # one still loads


def test_empty_text_says_the_first_problem_then_loading_then_no_match():
    fine, failing = state(), state(JobKind.PERSONALIZE, problem=OFFLINE)
    text = empty_text([fine, failing], None, started=True, filters=Filters())
    assert text.startswith("⚠ Cannot reach the endpoint") and "\x1b" not in text
    assert empty_text([fine, failing], fine.key, started=False, filters=Filters()) == "loading…"
    assert empty_text([fine], None, started=True, filters=Filters(name="x")) == "no jobs match the filters (Esc clears them)"
    assert empty_text([fine], None, started=True, filters=Filters()) == ""


def test_header_names_every_kind_of_problem_once_and_retries_only_while_failing():
    states = [
        state(last_ok=T0, problem=OFFLINE),
        state(region="eu-west-1", last_ok=T0 + dt.timedelta(minutes=5)),
        state(JobKind.SEGMENT, problem=DENIED),
        state(JobKind.PERSONALIZE, last_ok=T0 - dt.timedelta(minutes=1), problem=OFFLINE),
    ]
    header = header_state(
        states, None, sort=("created", True), filters=Filters(), paused=False, interval=10.0, retry_at=20.0
    )
    assert header.showing == "All sources" and header.sort == ""
    assert header.problem_kinds == (ProblemKind.NETWORK, ProblemKind.ACCESS_DENIED)
    assert (header.failing, header.sources, header.transient) == (3, 4, False)
    assert header.failing_since == T0 - dt.timedelta(minutes=1)
    assert header.last_refresh == T0 + dt.timedelta(minutes=5)
    assert header.retry_at == 20.0

    fine = header_state(
        [states[1]], states[1].key, sort=("name", False), filters=Filters(status="Failed"), paused=True, interval=5.0, retry_at=20.0
    )
    assert fine.showing == "Bedrock invocation · eu-west-1"
    assert (fine.sort, fine.filters, fine.live, fine.interval) == ("sort name ↑", "status = Failed", False, 5.0)
    assert fine.retry_at is None and fine.problem_kinds == ()


def test_status_choices_follow_the_kinds_watched():
    bedrock = status_choices({JobKind.BEDROCK})
    assert "InProgress" in bedrock and "CREATE FAILED" not in bedrock
    personalize = status_choices({JobKind.PERSONALIZE, JobKind.SEGMENT})
    assert "CREATE FAILED" in personalize and "InProgress" not in personalize
    assert status_choices(set(JobKind)) == bedrock + personalize
    sagemaker = status_choices({JobKind.SAGEMAKER})  # only what a transform job can be
    assert sagemaker == ["InProgress", "Stopping", "Completed", "Failed", "Stopped"]
    assert all(status in STATUS_PHASES for status in status_choices(set(JobKind)))


def test_sort_steps_through_every_column_in_its_natural_direction():
    seen, sort = [], ("created", True)
    for _ in range(10):
        sort = next_sort(sort)
        seen.append(sort)
        if sort[0] == "created":
            break
    assert seen[-1] == ("created", True)
    assert ("name", False) in seen and ("progress", True) in seen


def test_all_failing_reads_only_the_sources_behind_the_table():
    fine, failing = state(), state(JobKind.SEGMENT, problem=DENIED)
    assert not all_failing([fine, failing], None)
    assert all_failing([fine, failing], failing.key)


def test_several_places_means_more_than_one_profile_or_region():
    assert not several_places([state(), state(JobKind.SEGMENT)])
    assert several_places([state(), state(region="eu-west-1")])
    assert several_places([state(), state(profile="prod")])


def test_accounts_come_from_each_source_s_rows_and_a_job_is_seen_by_every_source_holding_it():
    one_ro = state(profile="one-ro", rows=2, account="111111111111")
    one_admin = state(profile="one-admin", rows=2, account="111111111111")
    two = state(profile="two", rows=1, account="222222222222")
    empty = state(profile="three")
    assert accounts([one_ro, one_admin]) == {"111111111111"}
    assert accounts([one_ro, one_admin, two, empty]) == {"111111111111", "222222222222"}
    shared = one_ro.feed[1].arn
    assert seen_by([one_ro, one_admin, two, empty], shared) == [one_ro.key, one_admin.key]
    rows = source_rows([one_ro, two, empty], all_rows=3)
    assert [row.account for row in rows] == ["", "111111111111", "222222222222", ""]
