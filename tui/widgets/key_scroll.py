"""A vertical scroll that also answers vim's keys (j/k, g/G): the detail's body, the help."""

from __future__ import annotations

from textual.containers import VerticalScroll

from ..keys import Where, bindings


class KeyScroll(VerticalScroll):
    """Arrows, PgUp/PgDn, Home/End and j/k/g/G scroll it (keys from `tui/keys.py`)."""

    BINDINGS = bindings(Where.SCROLL)
