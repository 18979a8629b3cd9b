"""The source pane's outline: sources grouped by profile (with its account) and region, and
what a closed group leaves out. Pure: no app."""

from __future__ import annotations

from tui.models import JobKind, Phase, SourceKey
from tui.widgets.source_list import Group, SourceRow, compact_counts, group_row, outline


def rows(*places: tuple[str | None, str], kinds=(JobKind.BEDROCK, JobKind.PERSONALIZE), account: str = "") -> list[SourceRow]:  # noqa: ANN001
    every = [SourceRow(None, "All sources", {}, 0, False)]
    for profile, region in places:
        for kind in kinds:
            every.append(SourceRow(SourceKey(profile, region, kind), kind.label, {Phase.RUNNING: 1, Phase.SUCCEEDED: 2}, 3, True,
                                   account=account if profile != "two" else "222222222222"))
    return every


def shape(items: list) -> list:  # noqa: ANN001
    return [(item.depth, item.title, item.collapsible) if isinstance(item, Group) else item for item in items]


def test_one_profile_in_one_region_stays_flat_under_a_plain_heading():
    assert shape(outline(rows((None, "us-east-1")))) == [0, (0, "default · us-east-1", False), 1, 2]


def test_one_profile_in_several_regions_groups_by_region():
    assert shape(outline(rows(("prod", "us-east-1"), ("prod", "eu-west-1")))) == [
        0, (0, "prod · us-east-1", True), 1, 2, (0, "prod · eu-west-1", True), 3, 4,
    ]


def test_several_profiles_group_by_profile_with_its_account_then_by_region():
    places = [(profile, region) for profile in ("one-ro", "two") for region in ("us-east-1", "eu-west-1")]
    items = outline(rows(*places, account="111111111111"))
    assert shape(items) == [
        0,
        (0, "one-ro · 111111111111", True), (1, "us-east-1", True), 1, 2, (1, "eu-west-1", True), 3, 4,
        (0, "two · 222222222222", True), (1, "us-east-1", True), 5, 6, (1, "eu-west-1", True), 7, 8,
    ]
    assert items[1].entries == (1, 2, 3, 4)
    closed = outline(rows(*places), {("profile", "one-ro"), ("region", "two", "eu-west-1")})
    assert shape(closed) == [0, (0, "one-ro", True), (0, "two · 222222222222", True), (1, "us-east-1", True), 5, 6, (1, "eu-west-1", True)]


def test_a_profile_in_one_region_names_the_region_in_its_header():
    assert shape(outline(rows(("a", "us-east-1"), ("b", "us-east-1")))) == [
        0, (0, "a · us-east-1", True), 1, 2, (0, "b · us-east-1", True), 3, 4,
    ]


def test_a_group_counts_its_sources_in_one_line():
    every = rows(("a", "us-east-1"), ("b", "us-east-1"))
    group = outline(every)[1]
    assert compact_counts(group_row(every, group)) == "6 ▶2 ✔4"
    failing = [row if row.key is None or row.key.kind is JobKind.BEDROCK else SourceRow(row.key, row.title, {}, 0, False, problem="x")
               for row in every]
    summary = group_row(failing, group)
    assert compact_counts(summary) == "3+ ▶1 ✔2" and summary.problem == "1 of 2 sources failing"


def test_a_group_whose_sources_all_fail_promises_no_more():
    every = rows(("a", "us-east-1"))
    group = outline(every)[1]
    failing = [row if row.key is None else SourceRow(row.key, row.title, row.counts, 3, False, problem="x", failing=True) for row in every]
    summary = group_row(failing, group)
    assert summary.failing and compact_counts(summary) == "6 ▶2 ✔4"  # no `+`: nothing more can load
