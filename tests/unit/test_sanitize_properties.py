"""Properties of the one sanitiser: whatever AWS sends, nothing in the output can drive a terminal,
and ordinary text (any script, emoji, punctuation, Rich markup) comes through untouched."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st
from rich.text import Text

from tui.sanitize import ELLIPSIS, clean, safe_text

from hostile import ANY_TEXT, assert_inert

# Printable text: letters (any script), marks, digits, punctuation, symbols (emoji), spaces.
PRINTABLE = st.text(st.characters(categories=("L", "M", "N", "P", "S", "Zs")), max_size=60)


@given(ANY_TEXT)
@example("\x1b]52;c;ZXZpbA==\x07")
@example("\x1b\x1b[31m\x9b")
def test_no_output_contains_escapes_controls_bidi_or_invisible_characters(value):
    assert_inert(clean(value))
    assert "\n" not in clean(value)


@given(ANY_TEXT)
def test_keep_newlines_keeps_only_newlines(value):
    output = clean(value, keep_newlines=True)
    assert_inert(output, newlines=True)
    assert output.count("\n") <= value.count("\n") + value.count("\r")


@given(PRINTABLE)
@example("[bold red]not markup[/bold red] [link=https://x]y[/link]")
@example("日本語のジョブ 🚀 ✓ café Ελληνικά עברית العربية")
@example("s3://bucket/prefix/part-0001.jsonl.out?x=1&y=[2]")
@example('{"key": "value", \'q\': `b`} ~!@#$%^&*()_+-=|\\<>,./?')
def test_printable_text_survives_unchanged(value):
    assert clean(value) == value
    assert clean(value, keep_newlines=True) == value


@given(PRINTABLE, PRINTABLE)
def test_printable_lines_survive_with_keep_newlines(first, second):
    assert clean(f"{first}\n{second}", keep_newlines=True) == f"{first}\n{second}"
    assert clean(f"{first}\n{second}") == f"{first} {second}"


@given(
    PRINTABLE,
    st.sampled_from(["\x1b]52;c;", "\x1b]0;", "\x1b]8;;", "\x9d", "\x1bP", "\x1b_", "\x1b^", "\x1bX"]),
    st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=40),
    st.sampled_from(["\x07", "\x1b\\", "\x9c"]),
    PRINTABLE,
)
def test_whole_string_sequences_are_removed_with_their_payload(before, opener, payload, terminator, after):
    assert clean(before + opener + payload + terminator + after) == before + after


@given(
    PRINTABLE,
    st.sampled_from(["\x1b[", "\x9b"]),
    st.text(st.characters(min_codepoint=0x30, max_codepoint=0x3F), max_size=10),
    st.characters(min_codepoint=0x40, max_codepoint=0x7E),
    PRINTABLE,
)
def test_whole_csi_sequences_are_removed(before, opener, params, final, after):
    assert clean(before + opener + params + final + after) == before + after


@given(ANY_TEXT, st.integers(min_value=0, max_value=80))
def test_length_cap_ends_with_an_ellipsis_when_cut(value, cap):
    full = clean(value)
    capped = clean(value, cap)
    assert len(capped) <= cap
    if len(full) <= cap:
        assert capped == full
    elif cap > 0:
        assert capped == full[: cap - 1] + ELLIPSIS


@given(ANY_TEXT)
def test_clean_is_idempotent(value):
    once = clean(value)
    assert clean(once) == once
    kept = clean(value, keep_newlines=True)
    assert clean(kept, keep_newlines=True) == kept


@given(ANY_TEXT, st.one_of(st.none(), st.integers(min_value=1, max_value=40)), st.booleans())
@example("[bold]x[/bold] [red]y", None, False)
def test_safe_text_is_clean_plain_text_without_markup_spans(value, cap, keep_newlines):
    text = safe_text(value, "bold", cap, keep_newlines=keep_newlines)
    assert isinstance(text, Text)
    assert text.plain == clean(value, cap, keep_newlines=keep_newlines)
    assert text.spans == []
    assert text.end == ""


def test_non_strings_are_shown_as_text():
    assert clean(None) == ""
    assert clean(42) == "42"
    assert clean(3.5) == "3.5"
    assert safe_text(None).plain == ""
