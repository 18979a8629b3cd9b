"""Hostile text for property tests: real escape sequences, controls and bidi characters mixed
with anything, and the check that an output holds none of them."""

from __future__ import annotations

import unicodedata

from hypothesis import strategies as st

BIDI_CONTROLS = {chr(c) for c in range(0x202A, 0x202F)} | {chr(c) for c in range(0x2066, 0x206A)} | {
    "\u200e",
    "\u200f",
    "\u061c",
}
ZERO_WIDTH = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u180e"}
CONTROL_LIKE = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}

# Text as a terminal attacker would write it: real escape sequences mixed with anything.
ESCAPES = st.sampled_from(
    [
        "\x1b",
        "\x07",
        "\x1b[2J",
        "\x1b[31;1m",
        "\x9b2J",
        "\x1b]0;title\x07",
        "\x1b]52;c;ZXZpbA==\x07",
        "\x1b]8;;https://evil.example\x1b\\",
        "\x9d52;c;ZXZpbA==\x9c",
        "\x1bP+q544e\x1b\\",
        "\x90$q\"p\x9c",
        "\x1b_Gf=100;AAAA\x1b\\",
        "\x1b(0",
        "\x1bc",
        "\x1b[?1049h",
        "\r\n",
        "\t",
        "\u202e",
        "\u2066",
        "\u200b",
        "\ufeff",
        "\u2028",
        "\x00",
        "\x7f",
        "\x85",
        "\udc80",
        "\U000e0041",  # a tag character: invisible, beyond the BMP
        "=cmd|' /C calc'!A0",
        "@SUM(A1)",
        "+1",
        "-2+3",
    ]
)
HOSTILE_TEXT = st.lists(st.one_of(ESCAPES, st.text(max_size=8)), max_size=12).map("".join)
ANY_TEXT = st.one_of(st.text(), HOSTILE_TEXT)


def assert_inert(output: str, *, newlines: bool = False) -> None:
    """No control (C0, C1, DEL), surrogate, bidi, zero-width or other invisible character;
    newlines only where `newlines` allows them."""
    for char in output:
        if newlines and char == "\n":
            continue
        assert unicodedata.category(char) not in CONTROL_LIKE, f"{char!r} in {output!r}"
        assert char not in BIDI_CONTROLS and char not in ZERO_WIDTH, f"{char!r} in {output!r}"
    assert "\x1b" not in output and "\x07" not in output and "\r" not in output
