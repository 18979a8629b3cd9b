"""Theme colours made readable: a text colour moved toward black or white, only as far as it
takes to reach WCAG's 4.5:1 against its background.

Some built-in themes pair colours that are hard to read (gruvbox's cream on its sage
cursor, 2.4:1; green or amber text on a light grey). Styles are looked up once per theme,
so this costs nothing per line. ANSI themes name the terminal's own colours, whose values
batchtop cannot know: they are left as they are.
"""

from __future__ import annotations

from rich.color import Color as RichColor
from rich.style import Style
from textual.color import Color

READABLE = 4.5
"""WCAG 2's minimum contrast for normal text."""

_BLACK, _WHITE = Color(0, 0, 0), Color(255, 255, 255)


def luminance(color: Color) -> float:
    """WCAG 2's relative luminance of an opaque colour (0 black … 1 white)."""

    def linear(channel: int) -> float:
        value = channel / 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(color.r) + 0.7152 * linear(color.g) + 0.0722 * linear(color.b)


def contrast(one: Color, two: Color) -> float:
    """WCAG 2's contrast ratio of two opaque colours, 1 (the same) to 21 (black on white)."""
    light, dark = sorted((luminance(one), luminance(two)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def readable(color: Color, background: Color, minimum: float = READABLE) -> Color:
    """`color`, or the nearest blend of it toward black or white that reads on `background`.

    It moves the way it already leans (a light text gets lighter) when that extreme can reach
    `minimum`, else the other way; one of the two always reaches 4.5:1."""
    if contrast(color, background) >= minimum:
        return color
    lighter = luminance(color) >= luminance(background)
    toward = _WHITE if lighter else _BLACK
    if contrast(toward, background) < minimum:
        toward = _BLACK if lighter else _WHITE
    low, high = 0.0, 1.0  # the least blend that reads, to within 1/256
    for _ in range(8):
        middle = (low + high) / 2
        if contrast(color.blend(toward, middle), background) >= minimum:
            high = middle
        else:
            low = middle
    return color.blend(toward, high).clamped


def readable_style(style: Style, on: Style | None = None) -> Style:
    """`style`'s attributes and colour drawn on the background of `on` (default: its own),
    the colour made readable there."""
    ground = style if on is None else on + style.without_color
    foreground, background = style.color or ground.color, ground.bgcolor
    if foreground is None or background is None or _terminal_defined(foreground) or _terminal_defined(background):
        return ground if foreground is None else ground + Style(color=foreground)
    legible = readable(Color.from_rich_color(foreground), Color.from_rich_color(background))
    return ground + Style(color=legible.rich_color)


def _terminal_defined(color: RichColor) -> bool:
    """An ANSI colour (or the terminal's default): its value is the terminal's to choose."""
    return color.is_system_defined or color.is_default
