"""UI fixtures: the monitor app on the emulator, with a fixed clock and times shown in UTC."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from tui.app import BatchtopApp
from tui.aws import AwsPool
from tui.clock import fixed_clock
from tui.config import Settings
from tui.local import LocalStore
from tui.refresh import RefreshEngine
from tui.widgets.job_table import JobTable


@pytest.fixture(autouse=True)
def utc_display(monkeypatch: pytest.MonkeyPatch) -> None:
    """Creation times render in the local zone: make it UTC so screens are reproducible."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()


class MonitorApp(BatchtopApp):
    """The real app on an emulator pool, closing the pool's clients when it ends."""

    def __init__(self, pool: AwsPool, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.pool = pool
        self.notices: list[str] = []
        """Every toast's text, in order (read by tests instead of Textual's private list)."""
        self.errors: list[str] = []
        """The texts of the toasts with severity "error"."""

    def notify(self, message: str, **options: object) -> None:  # type: ignore[override]
        self.notices.append(message)
        if options.get("severity") == "error":
            self.errors.append(message)
        super().notify(message, **options)  # type: ignore[arg-type]

    async def on_unmount(self) -> None:
        await self.pool.close()

    @property
    def table(self) -> JobTable:
        return self.screen.query_one(JobTable)


@pytest.fixture
def make_app(emulator, aws_env, fixed_now) -> Callable[..., MonitorApp]:
    """Build the monitor app against `emulator`: `make_app(kinds=["bedrock"], regions=[...])`.

    `max_attempts` is botocore's (1: a fault reaches the screen at once, no retry delays);
    `page_size` sets both page sizes (None: each service's default). `profiles` are watched
    through the real credential chain (aws_env's config file and variables; None in the list is
    the default chain) instead of the demo's dummy credentials. `local`: the job cache and saved
    state, as `batchtop` opens them at start-up (None: nothing kept, as in most tests);
    `engine_options`: more arguments for the RefreshEngine (call_timeout, monotonic, …).
    """

    def build(
        *,
        kinds: list[str] | None = None,
        regions: list[str] | None = None,
        profiles: list[str | None] | None = None,
        max_attempts: int = 3,
        page_size: int | None = None,
        local: LocalStore | None = None,
        engine_options: dict[str, object] | None = None,
        **settings: object,
    ) -> MonitorApp:
        if profiles is None:
            pool = AwsPool.demo(emulator.endpoint_url, max_attempts=max_attempts)
        else:
            pool = AwsPool(emulator.endpoint_url, max_attempts=max_attempts)
        sources = pool.build_sources(
            profiles or [], regions or ["us-east-1"], kinds, first_page_size=page_size, page_size=page_size
        )
        engine = RefreshEngine(
            local.wrap(sources) if local else sources, clock=fixed_clock(fixed_now), **(engine_options or {})
        )
        if local is not None:
            local.restore(engine)
        return MonitorApp(pool, engine, Settings(**settings), fixed_clock(fixed_now), local=local)

    return build

