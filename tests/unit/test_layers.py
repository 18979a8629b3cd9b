"""The layers hold: the feed, the engine and the widgets load no botocore and no source adapter."""

from __future__ import annotations

import subprocess
import sys

LOWER_LAYERS = ("tui.models", "tui.feed", "tui.refresh", "tui.widgets.job_table", "tui.widgets.source_list",
                "tui.widgets.columns", "tui.widgets.header")


def test_the_feed_engine_and_widgets_import_no_botocore_and_no_adapter() -> None:
    probe = (
        f"import sys\nfor name in {LOWER_LAYERS!r}: __import__(name)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('botocore', 'aiobotocore', 'aioboto3')"
        " or m.startswith('tui.sources')))"
    )
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"


def test_the_headless_commands_and_what_they_write_with_load_no_textual() -> None:
    """`batchtop ls` in a script pays no Textual import (~0.1-0.3 s a run)."""
    probe = (
        "import sys\nimport tui.headless, tui.output, tui.cells, tui.timefmt\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'textual'))"
    )
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"
