"""Textual's footer, except that a key which does not fit whole is not shown at all.

At 60 columns Textual's footer clipped the last key it could not fit ("s S", a lone "o"),
which reads as a broken key. Whenever the footer's width or its keys change, the keys are
measured in order and those past the room left of the palette key are hidden. Nothing
runs at idle.
"""

from __future__ import annotations

from textual.events import Resize
from textual.geometry import Size
from textual.widget import Widget
from textual.widgets import Footer


TRAILING_BLANK = 1
"""Every key ends in one blank cell (its description's padding, or its margin when compact):
a key may lose that cell to the palette key's border and still read whole."""


class FittingFooter(Footer):
    """A footer that shows only the keys that fit whole, and the palette key always."""

    async def recompose(self) -> None:
        await super().recompose()
        self._fit(self.size.width)

    def on_resize(self, event: Resize) -> None:
        self._fit(event.size.width)

    def _fit(self, width: int) -> None:
        if not width:
            return  # not laid out yet: the first Resize fits it
        keys = list(self.query("FooterKey"))
        room = width - sum(_cells(key) for key in keys if key.has_class("-command-palette"))
        for key in keys:
            if not key.has_class("-command-palette"):
                room -= _cells(key)
                key.display = room >= -TRAILING_BLANK


def _cells(key: Widget) -> int:
    """The cells `key` takes in the footer's row: its text, padding, border and margin."""
    return key.get_content_width(Size(0, 0), Size(0, 0)) + key.styles.gutter.width + key.styles.margin.width
