"""The one helper for untrusted strings: everything AWS sends is shown through here.

Job names, failure messages and S3 URIs are data, never instructions to the terminal:
whole escape sequences (CSI, OSC, DCS, ...) are removed, then any remaining C0/C1 control,
bidi override/isolate and invisible format character. The result is wrapped in a
`rich.text.Text`, so Rich markup in the data shows literally.
"""

from __future__ import annotations

import re
import unicodedata

from rich.style import Style
from rich.text import Text

ELLIPSIS = "…"

# ESC-introduced sequences, removed whole so no payload leaks through as text:
#   CSI  ESC [ params final      OSC ESC ] ... (BEL | ST)     DCS/SOS/PM/APC ESC P|X|^|_ ... ST
#   and two-character escapes (ESC + one char). The 8-bit C1 forms are handled the same way.
_ESCAPE_SEQUENCE = re.compile(
    r"""
    (?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?                      # CSI
  | (?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f]).*?(?:\x07|\x1b\\|\x9c|$)  # OSC, DCS, SOS, PM, APC
  | \x1b[ -/]*[0-~]?                                       # other ESC sequences (nF, Fp, Fe, Fs)
    """,
    re.VERBOSE | re.DOTALL,
)

# Characters that are never shown: C0/C1 controls (tab, newline handled first), DEL,
# bidi embeddings/overrides/isolates/marks, zero-width and other invisible format characters.
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
_WHITESPACE = re.compile(r"[\t\n\r\v\f]")


def is_invisible(char: str) -> bool:
    """A control, DEL, surrogate, private-use, unassigned, bidi or other format character, or a
    line/paragraph separator: never shown on screen, and escaped in JSON (tui/output.py)."""
    return unicodedata.category(char) in _INVISIBLE_CATEGORIES


def clean(value: object, max_length: int | None = None, *, keep_newlines: bool = False) -> str:
    """Return `value` as a string safe to print: no escapes, controls or invisible marks.

    Tabs (and newlines, unless `keep_newlines`) become spaces. `max_length` caps the result
    in characters, ending with an ellipsis when cut.
    """
    text = "" if value is None else str(value)
    if text.isascii() and text.isprintable():
        cleaned = text
    else:
        text = _ESCAPE_SEQUENCE.sub("", text)
        if keep_newlines:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
            lines = (_WHITESPACE.sub(" ", line) for line in text.split("\n"))
            cleaned = "\n".join("".join(c for c in line if not is_invisible(c)) for line in lines)
        else:
            text = _WHITESPACE.sub(" ", text)
            cleaned = "".join(c for c in text if not is_invisible(c))
    if max_length is not None and len(cleaned) > max_length:
        cleaned = cleaned[: max_length - 1] + ELLIPSIS if max_length > 0 else ""
    return cleaned


def safe_text(
    value: object,
    style: str | Style = "",
    max_length: int | None = None,
    *,
    keep_newlines: bool = False,
) -> Text:
    """`clean` the value and wrap it in a Text: the only way AWS data reaches the screen."""
    return Text(clean(value, max_length, keep_newlines=keep_newlines), style=style, end="")
