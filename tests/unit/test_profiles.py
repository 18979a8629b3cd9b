"""Choosing profiles: globs expand to configured profiles; names that exist nowhere are refused."""

from __future__ import annotations

import pytest

from tui.aws import ProfileSelectionError, select_profiles

KNOWN = ["dev", "prod-eu", "prod-us", "staging"]


def test_globs_expand_in_order_and_plain_names_stay_known_or_not() -> None:
    assert select_profiles(["prod-*", "dev", "nosuch", "prod-us"], KNOWN) == ["prod-eu", "prod-us", "dev", "nosuch"]
    assert select_profiles(["*"], KNOWN) == KNOWN
    assert select_profiles([None, "nosuch"], KNOWN) == [None, "nosuch"]


def test_a_glob_matching_nothing_or_only_unknown_names_is_refused_naming_what_exists() -> None:
    with pytest.raises(ProfileSelectionError, match=r"'qa-\*' matches no AWS profile \(profiles here: dev, prod-eu"):
        select_profiles(["prod-*", "qa-*"], KNOWN)
    with pytest.raises(ProfileSelectionError, match=r"no AWS profile named nosuch, other \(profiles here: dev"):
        select_profiles(["nosuch", "other"], KNOWN)
    with pytest.raises(ProfileSelectionError, match="profiles here: none"):
        select_profiles(["*"], [])


def test_an_unreadable_aws_config_refuses_nothing() -> None:
    assert select_profiles(["nosuch", "prod-*"], None) == ["nosuch"]
