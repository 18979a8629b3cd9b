"""Where the .tcss files live: `styles/` in a checkout, `tui/styles/` inside the wheel."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent

SHORT_DIALOG = [(0, "-short"), (24, "-tall")]
"""A dialog screen's VERTICAL_BREAKPOINTS: under 24 rows dialogs.tcss drops their margins and
draws one-line buttons, so the warning and the buttons stay on screen (60×15 cut them off)."""


def stylesheet(name: str) -> Path:
    """The absolute path of `styles/<name>`, wherever batchtop is installed or checked out."""
    for folder in (_PACKAGE / "styles", _PACKAGE.parent / "styles"):
        path = folder / name
        if path.is_file():
            return path
    return _PACKAGE.parent / "styles" / name
