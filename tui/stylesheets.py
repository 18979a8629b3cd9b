"""Where the .tcss files live: `styles/` in a checkout, `tui/styles/` inside the wheel."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def stylesheet(name: str) -> Path:
    """The absolute path of `styles/<name>`, wherever batchtop is installed or checked out."""
    for folder in (_PACKAGE / "styles", _PACKAGE.parent / "styles"):
        path = folder / name
        if path.is_file():
            return path
    return _PACKAGE.parent / "styles" / name
