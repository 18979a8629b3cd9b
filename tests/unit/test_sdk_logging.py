"""botocore and aiobotocore log whole tracebacks (e.g. when an SSO token cannot be refreshed);
after `silence_sdk_logging`, which `batchtop` runs first for the monitor and every command,
none of it reaches stderr, while batchtop's own sentence does."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_sdk_log_records_never_reach_stderr():
    script = textwrap.dedent(
        """
        import logging, sys
        from tui.errors import silence_sdk_logging
        silence_sdk_logging()
        for name in ("aiobotocore.credentials", "botocore.credentials", "botocore.hooks", "aioboto3"):
            try:
                raise RuntimeError("token expired")
            except RuntimeError:
                logging.getLogger(name).warning("Refreshing temporary credentials failed", exc_info=True)
        print("batchtop: one sentence", file=sys.stderr)
        """
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    assert result.stderr == "batchtop: one sentence\n"
