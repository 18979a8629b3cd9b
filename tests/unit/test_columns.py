"""The table's columns: widths that use the terminal, names cut in the middle, one status vocabulary."""

from __future__ import annotations

import pytest

from tui.models import JobKind, Phase
from factories import T0, make_job

from tui.widgets.columns import GUTTER, arn_account, cell_text, fit_pieces, layout, middle_cut, place_text, region_code, status_text

ALL_KINDS = frozenset(JobKind)


@pytest.mark.parametrize("width", [40, 60, 79, 89, 119, 169, 199, 249])
def test_columns_fill_the_width_exactly(width: int) -> None:
    columns = layout(width, kinds=ALL_KINDS, several_places=True)
    assert GUTTER + sum(column.width for column in columns) + len(columns) - 1 == width
    assert all(len(column.title) <= column.width or column.key == "name" for column in columns)


def test_message_grows_without_a_cap_and_names_first_get_room() -> None:
    wide = {column.key: column.width for column in layout(249, kinds=ALL_KINDS, several_places=False)}
    assert wide["message"] > 64 and wide["name"] >= 40
    narrow = {column.key: column.width for column in layout(79, kinds=ALL_KINDS, several_places=False)}
    assert list(narrow)[:2] == ["name", "status"] and "created" in narrow and "duration" in narrow
    assert narrow["name"] >= 24


def test_without_a_message_column_the_spare_width_goes_to_the_name() -> None:
    columns = {c.key: c.width for c in layout(150, kinds=ALL_KINDS, several_places=False, wanted=["name", "status"])}
    assert columns == {"name": 150 - GUTTER - 1 - 11, "status": 11}


@pytest.mark.parametrize(
    ("name", "width", "cut"),
    [
        ("doc-embeddings-20250527-00015", 40, "doc-embeddings-20250527-00015"),
        ("doc-embeddings-nightly-run-20250527-00015", 31, "doc-embeddings-…-20250527-00015"),
        ("abcdef", 1, "…"),
        ("abcdef", 0, ""),
        ("漢字漢字漢字漢字", 7, "漢字…字"),
    ],
)
def test_names_are_cut_in_the_middle_keeping_their_end(name: str, width: int, cut: str) -> None:
    assert middle_cut(name, width) == cut


def test_status_is_the_phase_for_every_service() -> None:
    assert status_text(Phase.RUNNING) == "▶ running"
    assert max(len(status_text(phase)) for phase in Phase) <= 11


def test_the_account_column_shows_by_default_only_for_several_accounts() -> None:
    one = [column.key for column in layout(200, kinds=ALL_KINDS, several_places=True)]
    several = [column.key for column in layout(200, kinds=ALL_KINDS, several_places=True, several_accounts=True)]
    assert "account" not in one and "region" in one
    assert several.index("account") == several.index("region") - 1


def test_a_column_the_config_names_is_shown_whatever_the_rows() -> None:
    wanted = ["name", "account", "region", "kind", "progress"]
    columns = layout(150, kinds=frozenset({JobKind.SAGEMAKER}), several_places=False, wanted=wanted)
    assert [column.key for column in columns] == wanted
    assert [column.title for column in columns][1:3] == ["ACCOUNT", "REGION"]


def test_the_account_cell_is_the_arn_s_account_or_blank() -> None:
    job = make_job(1, arn="arn:aws:bedrock:eu-west-1:210987654321:model-invocation-job/abc")
    assert cell_text(job, "account", 12, T0) == "210987654321"
    assert arn_account("arn:aws:bedrock:eu-west-1:\x1b[2J:job/x") == arn_account("not an arn") == ""


@pytest.mark.parametrize(
    ("width", "fitted"),
    [
        (19, [(" ", "base"), ("✖ ", "phase"), ("embed-7", "bold"), (" · ", "muted"), ("Failed", "phase")]),
        (18, [(" ", "base"), ("✖ ", "phase"), ("embed-7", "bold"), (" · ", "muted"), ("Fail…", "phase")]),
        (14, [(" ", "base"), ("✖ ", "phase"), ("embed-7", "bold"), (" · ", "muted"), ("…", "phase")]),
        (12, [(" ", "base"), ("✖ ", "phase"), ("embed-7", "bold"), (" …", "muted")]),
        (10, [(" ", "base"), ("✖ ", "phase"), ("embed-…", "bold")]),
        (1, [("…", "base")]),
        (0, []),
    ],
)
def test_a_line_of_styled_pieces_is_cut_with_an_ellipsis_in_the_style_it_cuts(width: int, fitted: list) -> None:
    pieces = [(" ", "base"), ("✖ ", "phase"), ("embed-7", "bold"), ("", "muted"), (" · ", "muted"), ("Failed", "phase")]
    assert fit_pieces(pieces, width) == fitted


def test_wide_characters_are_cut_whole() -> None:
    assert fit_pieces([("名前名前", "name")], 6) == [("名前…", "name")]


def test_a_place_keeps_its_region_whole_where_the_column_is_narrow() -> None:
    assert region_code("us-east-1") == "use1" and region_code("ap-southeast-2") == "apse2"
    assert region_code("eu-central-1") == "euc1" and region_code("us-gov-west-1") == "usgw1"
    assert place_text("prod", "us-east-1", 24) == "prod/us-east-1"
    assert place_text("default", "us-east-1", 12) == "us-east-1"
    assert place_text("default", "ap-southeast-2", 12) == "apse2"
    assert place_text("bench-07", "eu-west-1", 12) == "ben…-07/euw1"
    assert place_text("one-ro", "us-east-2", 12) == "one-ro/use2"
    for profile, region in (("a-very-long-profile-name", "us-east-1"), ("p", "ap-northeast-3"), ("default", "x")):
        for width in range(1, 30):
            text = place_text(profile, region, width)
            assert len(text) <= width, (profile, region, width, text)
    assert place_text("one-ro", "us-east-1", 12) != place_text("one-ro", "us-east-2", 12)


def fitted(width: int, widest: dict[str, int], **options: object) -> dict[str, int]:
    options = {"kinds": ALL_KINDS, "several_places": False} | options
    return {column.key: column.width for column in layout(width, widest=widest, **options)}  # type: ignore[arg-type]


def cut_while_blank(widths: dict[str, int], widest: dict[str, int]) -> tuple[set[str], set[str]]:
    """(columns cut, measured columns wider than both their widest text and their title)."""
    cut = {key for key, width in widths.items() if widest.get(key, 0) > width}
    blank = {key for key, width in widths.items() if key in widest and widest[key] < width and width > len(key)}
    return cut, blank


@pytest.mark.parametrize("width", [80, 93, 120, 200, 250])
def test_no_column_keeps_blank_width_while_another_is_cut(width: int) -> None:
    """F19/F20: running rows (no message) and long names; regions 9 letters wide."""
    widest = {"name": 47, "model": 41, "message": 0, "region": 9}
    widths = fitted(width, widest, several_places=True)
    cut, blank = cut_while_blank(widths, widest)
    assert not (cut and blank), (width, widths)
    assert GUTTER + sum(widths.values()) + len(widths) - 1 == width
    assert "message" not in widths or not cut


def test_a_name_gets_its_whole_width_before_message_and_region_take_slack() -> None:
    """F19 at 120 columns with the pane (93 for the table): names of 30 are not cut to 20 for
    a MESSAGE that is blank on every row, and REGION is as wide as its regions."""
    widths = fitted(93, {"name": 30, "model": 41, "message": 0, "region": 9}, kinds=frozenset({JobKind.BEDROCK}))
    assert widths["name"] == 30 and "message" not in widths  # MODEL is cut: a blank column would waste cells
    roomy = fitted(140, {"name": 30, "model": 41, "message": 0}, kinds=frozenset({JobKind.BEDROCK}))
    assert roomy["name"] == 30 and roomy["model"] == 41 and roomy["message"] >= len("MESSAGE")
    failures = fitted(89, {"name": 39, "model": 44, "message": 167}, kinds=frozenset({JobKind.BEDROCK}))
    assert "message" not in failures and failures["name"] >= 32  # the job line shows the cursor's message
    places = fitted(140, {"name": 30, "model": 20, "message": 50, "region": 9}, several_places=True)
    assert places["name"] == 30 and places["region"] == 9


def test_at_250_columns_the_name_is_as_wide_as_its_longest_text_and_the_rest_goes_to_model_and_message() -> None:
    """F20: NAME was 64 for names of 47 while MODEL and MESSAGE were cut."""
    widest = {"name": 47, "model": 41, "message": 200, "region": 9}
    widths = fitted(249, widest)
    assert widths["name"] == 47 and widths["model"] == 41
    assert widths["message"] == 249 - GUTTER - (len(widths) - 1) - sum(w for key, w in widths.items() if key != "message")


def test_a_very_long_name_takes_what_the_other_columns_leave() -> None:
    widths = fitted(249, {"name": 300, "model": 41, "message": 0, "region": 9})
    assert "message" not in widths and widths["model"] == 41
    assert widths["name"] == 249 - GUTTER - (len(widths) - 1) - sum(w for key, w in widths.items() if key != "name")


@pytest.mark.parametrize("width", range(80, 140))
def test_the_bar_and_the_year_come_whole_or_not_at_all(width: int) -> None:
    """A DONE column of 10 showed ` 23%` and 6 blank cells while NAME and MODEL were cut."""
    widths = fitted(width, {"name": 47, "model": 41, "message": 0}, kinds=frozenset({JobKind.BEDROCK}))
    assert widths["progress"] in (5, 11) and widths.get("created", 11) in (11, 16), widths
