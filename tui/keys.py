"""Every key of every screen, once. The bindings, the help screen (`?`) and the command
palette (`ctrl+p`) are all made from this table, so a key cannot be added, changed or
dropped in one of them and not the others.

Each key says where it is bound (`Where`): the monitor screen, its job table, the detail
screen and its scrolling body, the dialogs, the help screen or the app. A new key goes here,
with an `action_<name>` on the class that binds it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from textual.binding import Binding


class Where(str, Enum):
    """The class whose BINDINGS hold a key."""

    MONITOR = "monitor"
    TABLE = "table"
    SOURCES = "source pane"
    DETAIL = "detail"
    SCROLL = "scrolling body"
    DIALOG = "dialog"
    CONFIRM = "confirm dialog"
    EXPORT = "export dialog"
    HELP = "help"
    APP = "app"


@dataclass(frozen=True, slots=True)
class Key:
    """One row of the help screen, and the binding (and palette command) it stands for.

    A key whose `does` is empty shares the row above it (`↑ ↓  j k  move the cursor`).
    """

    keys: str
    """Textual key names, comma-separated (`down,j`); empty for a row that only explains."""
    action: str
    """The action it runs (`cursor_down`, `pick(0)`); empty for a row that only explains."""
    does: str
    """What the help screen says it does."""
    where: Where
    shown: str = ""
    """How the help screen writes the keys (`↑ ↓  j k`); default: the key names."""
    footer: str = ""
    """Its label in the footer; empty: not in the footer."""
    command: str = ""
    """Its name in the command palette; empty: not in the palette."""
    priority: bool = False

    @property
    def label(self) -> str:
        return self.shown or "  ".join(_KEY_NAMES.get(key, key) for key in self.keys.split(","))

    def binding(self) -> Binding:
        return Binding(
            self.keys,
            self.action,
            self.footer or self.does,
            show=bool(self.footer),
            key_display=_KEY_NAMES.get(self.keys.split(",")[0]) if self.footer else None,
            priority=self.priority,
        )


_KEY_NAMES = {
    "question_mark": "?",
    "slash": "/",
    "plus": "+",
    "minus": "-",
    "escape": "Esc",
    "enter": "Enter",
    "backspace": "Backspace",
    "tab": "Tab",
    "pageup": "PgUp",
    "pagedown": "PgDn",
    "home": "Home",
    "end": "End",
    "up": "↑",
    "down": "↓",
    "left": "←",
    "right": "→",
    "space": "Space",
}

M, T, D, SC, DL, H, A = Where.MONITOR, Where.TABLE, Where.DETAIL, Where.SCROLL, Where.DIALOG, Where.HELP, Where.APP

SOURCE_KEYS = 9
"""Sources 1–9 have a number key (1 is All); every source has a palette command."""

SECTIONS: tuple[tuple[str, tuple[Key, ...]], ...] = (
    (
        "Monitor · navigation",
        (
            Key("up,k", "cursor_up", "move the cursor", T, shown="↑ ↓  j k"),
            Key("down,j", "cursor_down", "", T),
            Key("pageup", "page_up", "page up / down", T, shown="PgUp PgDn"),
            Key("pagedown", "page_down", "", T),
            Key("home,g", "first", "first row", T),
            Key("end,G", "last", "the real end, every page (Esc stops)", T),
            Key("enter,d", "select", "describe the job (detail screen)", T, footer="Detail"),
            Key("tab", "next_pane", "next pane (shows the sources pane if hidden)", M),
            Key("h", "toggle_sources", "show / hide the sources pane", M, footer="Sources", command="Show or hide the sources pane"),
            Key("1", "pick(0)", "pick a source (1 is All; every source is in ctrl+p)", M, shown="1 – 9"),
            *(Key(str(number), f"pick({number - 1})", "", M) for number in range(2, SOURCE_KEYS + 1)),
        ),
    ),
    (
        "Monitor · sources pane (Tab to it)",
        (
            Key("up,k", "move(-1)", "move", Where.SOURCES, shown="↑ ↓  j k"),
            Key("down,j", "move(1)", "", Where.SOURCES),
            Key("pageup", "page(-1)", "a page up / down", Where.SOURCES, shown="PgUp PgDn"),
            Key("pagedown", "page(1)", "", Where.SOURCES),
            Key("home,g", "move_to_end(False)", "the first / last line", Where.SOURCES, shown="Home End  g G"),
            Key("end,G", "move_to_end(True)", "", Where.SOURCES),
            Key("enter", "pick", "show the source · open / close a group", Where.SOURCES),
            Key("space", "toggle_group", "open / close the group", Where.SOURCES),
            Key("left", "collapse", "close / open the group (← on a source: to its group)", Where.SOURCES, shown="←  →"),
            Key("right", "expand", "", Where.SOURCES),
        ),
    ),
    (
        "Monitor · filter & sort",
        (
            # priority: handled as it arrives, so the keys typed right after it find the box focused
            Key("slash", "filter_name", "filter by name as you type (!x: not x)", M, footer="Filter", command="Filter by name…", priority=True),
            Key("f", "filter_status", "filter by phase or raw status", M, command="Filter by status…"),
            Key("escape", "clear_filters", "stop End · restore rows · clear filters", M, command="Clear filters"),
            Key("s", "sort", "next sort column", M, footer="Sort"),
            Key("S", "reverse_sort", "reverse the sort", M, command="Reverse the sort"),
        ),
    ),
    (
        "Monitor · live refresh",
        (
            Key("r", "refresh", "refresh now", M, command="Refresh now"),
            Key("p", "pause", "pause / resume live refresh", M, footer="Pause", command="Pause or resume live refresh"),
            Key("p", "resume", "", M, footer="Resume"),  # bound to p while paused, so the footer says so
            Key("plus", "interval(1)", "longer / shorter refresh interval", M, shown="+  -"),
            Key("minus", "interval(-1)", "", M),
        ),
    ),
    (
        "Monitor · actions",
        (
            Key("c", "copy_arn", "copy the ARN (OSC 52, works over SSH)", M, command="Copy the ARN"),
            Key("y", "copy_json", "copy the job's JSON", M, command="Copy the job's JSON"),
            Key("o", "console_url", "show + copy the AWS console URL", M, command="Show the console URL"),
            Key("m", "mark", "mark: notify when the job finishes", M, command="Mark the job: notify when it finishes"),
            Key("ctrl+s", "export", "export the view to CSV or JSON", M, command="Export the view to CSV or JSON"),
            Key("x", "stop", "stop the job (Bedrock, --allow-stop)", M, command="Stop the job under the cursor"),
        ),
    ),
    (
        "Detail",
        (
            Key("escape,backspace,q", "back", "back to the monitor, same job", D, footer="Back"),
            Key("r", "describe_now", "describe again now", D, footer="Refresh"),
            Key("c", "copy_arn", "copy the ARN", D, footer="Copy ARN"),
            Key("y", "copy_json", "copy the full describe JSON", D, footer="Copy JSON"),
            Key("o", "console_url", "show + copy the AWS console URL", D, footer="Console URL"),
            Key("m", "mark", "mark: notify when the job finishes", D, footer="Mark"),
            # in the footer only when stop is enabled; read-only, x says how to enable it
            Key("x", "stop", "stop the job (Bedrock, --allow-stop)", D, footer="Stop"),
            Key("x", "stop_refused", "", D),
        ),
    ),
    (
        "Detail and help · scrolling",
        (
            Key("up,k", "scroll_up", "scroll", SC, shown="↑ ↓  j k"),
            Key("down,j", "scroll_down", "", SC),
            Key("pageup", "page_up", "page up / down", SC, shown="PgUp PgDn"),
            Key("pagedown", "page_down", "", SC),
            Key("home,g", "scroll_home", "top / bottom", SC, shown="Home g  End G"),
            Key("end,G", "scroll_end", "", SC),
            Key("escape,question_mark,q", "close", "close the help", H, footer="Close"),
        ),
    ),
    (
        "Dialogs",
        (
            Key("", "", "confirm / pick", DL, shown="Enter"),
            Key("escape,q", "cancel", "cancel (q types in a text box)", DL, footer="Cancel"),
            Key("ctrl+c", "cancel", "cancel (never quits from a dialog)", DL, priority=True),
            Key("y", "stop", "stop / keep running (stop confirmation)", Where.CONFIRM, shown="y  n", footer="Stop"),
            Key("n", "cancel", "", Where.CONFIRM),
            Key("ctrl+t", "toggle_format", "switch CSV / JSON (export)", Where.EXPORT, footer="CSV/JSON"),
        ),
    ),
    (
        "Global",
        (
            Key("question_mark", "help", "this help (monitor and detail)", M, footer="Help", command="Show the keys"),
            Key("question_mark", "help", "", D),
            Key("", "", "command palette", A, shown="ctrl+p"),
            Key("q", "app.quit", "quit (on any other screen: back)", M, footer="Quit"),
            Key("ctrl+c", "quit", "quit from every screen but a dialog", A),
            Key("ctrl+c", "app.quit", "", H),  # a modal screen: the app's own binding never sees the key
        ),
    ),
)
"""The DESIGN.md keyboard map, grouped as the help screen shows it."""

ALL_KEYS: tuple[Key, ...] = tuple(key for _title, keys in SECTIONS for key in keys)


FOOTER_FIRST = ("Help", "Back", "Quit")
"""A narrow footer cuts its end: these come first."""


def bindings(where: Where) -> list[Binding]:
    """The BINDINGS of the class that binds the keys of `where` (explaining rows left out),
    in footer order: `FOOTER_FIRST`, then the help screen's order."""
    keys = [key for key in ALL_KEYS if key.where is where and key.keys]
    first = [key for label in FOOTER_FIRST for key in keys if key.footer == label]
    return [key.binding() for key in first + [key for key in keys if key not in first]]


def help_rows(keys: tuple[Key, ...]) -> list[tuple[str, str]]:
    """(keys, what they do) for the help screen; keys that share a row add none."""
    return [(key.label, key.does) for key in keys if key.does]


def help_sections() -> list[tuple[str, list[tuple[str, str]]]]:
    """Every section of the help screen, in order."""
    return [(title, help_rows(keys)) for title, keys in SECTIONS]


def commands_of(where: Where) -> list[Key]:
    """The keys of `where` that the command palette offers, in help order."""
    return [key for key in ALL_KEYS if key.where is where and key.command]
