"""Every cell of the job table reads in every built-in theme: text against its background at
WCAG's 4.5:1 at least, measured on the colours of the rendered segments (normal rows, the
focused and the unfocused cursor row, the cursor's status line)."""

from __future__ import annotations

from rich.color import Color as RichColor
from rich.segment import Segment
from textual.app import App, ComposeResult
from textual.widgets import Input

from tui.clock import fixed_clock
from tui.models import JobKind
from tui.widgets.job_table import JobTable
from factories import T0, make_job
from ui_rows import ListView

STATUSES = ["InProgress", "Failed", "Completed", "Submitted", "PartiallyCompleted", "Stopped", "Expired", "Stopping", "odd"]


def luminance(color: RichColor) -> float:
    def linear(channel: int) -> float:
        value = channel / 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = color.get_truecolor()
    return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)


def ratio(foreground: RichColor, background: RichColor) -> float:
    light, dark = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def unreadable(segments: list[Segment]) -> list[tuple[str, float]]:
    """The texts drawn under 4.5:1 (ANSI themes use the terminal's colours: only a text in
    the very colour of its background counts there; the default foreground on the default
    background is the terminal's own pair)."""
    found = []
    for segment in segments:
        style = segment.style
        if not segment.text.strip() or style is None:
            continue
        assert style.color is not None and style.bgcolor is not None, segment
        if style.color.is_system_defined or style.bgcolor.is_system_defined or style.color.is_default:
            if style.color == style.bgcolor and not style.color.is_default:
                found.append((segment.text, 1.0))
            continue
        contrast = ratio(style.color, style.bgcolor)
        if contrast < 4.5:
            found.append((segment.text.strip(), round(contrast, 2)))
    return found


class ThemedTable(App[None]):
    def __init__(self, view: ListView) -> None:
        super().__init__()
        self.view = view

    def compose(self) -> ComposeResult:
        yield JobTable(self.view, clock=fixed_clock(T0))
        yield Input()  # somewhere else to put the focus: the unfocused cursor row


async def test_every_column_and_the_cursor_row_read_in_every_built_in_theme() -> None:
    places = ["default/us-east-1/bedrock", "prod/eu-west-1/personalize"]
    jobs = [
        make_job(number, status=status, message=f"message {number}", source=places[number % 2],
                 kind=JobKind.PERSONALIZE if number % 2 else JobKind.BEDROCK)
        for number, status in enumerate(STATUSES)
    ]
    app = ThemedTable(ListView(jobs))
    async with app.run_test(size=(220, len(jobs) + 4)) as pilot:
        table = app.query_one(JobTable)
        table.show_view(table.view, kinds=frozenset(JobKind), several_places=True)
        table.show_accounts(True)
        table.focus()
        await pilot.pause()
        shown = table.render_line(0).text.split()
        assert {"CREATED", "TIME", "REGION", "KIND", "ACCOUNT", "MESSAGE"} <= set(shown), shown
        problems: dict[str, list] = {}
        for theme in sorted(app.available_themes):
            app.theme = theme
            for focus in (table, app.query_one(Input)):
                focus.focus()
                await pilot.pause()
                for y in range(table.size.height):  # the rows, the cursor (row 1), the header and status lines
                    found = unreadable(list(table.render_line(y)))
                    if found:
                        problems.setdefault(theme, []).append((y, table.has_focus, found))
        assert not problems, problems
