"""Time from an input (key, data change) to the frame that shows it, in a headless Textual app.

Headless Textual composes every frame like a real terminal app does (the screen's update
timer → `Compositor.render_update` → `App._display`), but its `_display` drops the result.
`FrameProbe` wraps `App._display` so each frame is also turned into the exact bytes a real
driver would write (`CompositorUpdate.render_segments`), and stamps the time. A measurement
is: settle the app (no pending messages, no frame for a while), take t0, inject the input
the way the driver does (a `Key` event posted to the app, no pilot sleeps), then wait until
frames stop coming; the result is the time of the last frame of the burst minus t0. It
includes key dispatch, bindings, the widget's work, layout, compositing and rendering to
terminal bytes; it excludes only the write() to a terminal. `gc_seconds` says how much
of it the garbage collector took (its pauses grow with the number of live objects).
"""

from __future__ import annotations

import asyncio
import gc
import time
from typing import Awaitable, Callable

from textual import events
from textual._compositor import CompositorUpdate
from textual.app import App
from textual.pilot import Pilot


class FrameProbe:
    """Wraps `app._display`: counts frames and the bytes they would write."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.frames: list[float] = []
        self.bytes = 0
        self.gc_seconds = 0.0  # garbage-collector pauses inside the last measurement
        self.first_frame_seconds = 0.0  # the first frame of the last measurement's burst
        self._gc_started = 0.0
        self._gc_total = 0.0
        gc.callbacks.append(self._on_gc)
        self._new_frame = asyncio.Event()
        original = app._display

        def display(screen, renderable) -> None:  # type: ignore[no-untyped-def]
            if renderable is not None and not app._batch_count:
                if isinstance(renderable, CompositorUpdate):
                    self.bytes += len(renderable.render_segments(app.console).encode())
                self.frames.append(time.perf_counter())
                self._new_frame.set()
            original(screen, renderable)

        app._display = display  # type: ignore[method-assign]

    def _on_gc(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._gc_started = time.perf_counter()
        else:
            self._gc_total += time.perf_counter() - self._gc_started

    async def settle(self, pilot: Pilot, quiet: float = 0.03) -> None:
        """Wait until nothing is queued and no frame came for `quiet` seconds."""
        await pilot.pause()
        while True:
            count = len(self.frames)
            await asyncio.sleep(quiet)
            if len(self.frames) == count:
                return

    async def time_to_frame(
        self,
        pilot: Pilot,
        action: Callable[[], object],
        timeout: float = 120.0,
        quiet: float = 0.03,
    ) -> float | None:
        """Seconds from `action()` to the last frame of the burst it caused; None: no frame."""
        await self.settle(pilot, quiet)
        count = len(self.frames)
        self._new_frame.clear()
        gc_before = self._gc_total
        start = time.perf_counter()
        result = action()
        if isinstance(result, Awaitable):
            await result
        try:
            await asyncio.wait_for(self._wait_new(count), timeout)
        except asyncio.TimeoutError:
            return None
        while True:
            seen = len(self.frames)
            gc_seen = self._gc_total
            await asyncio.sleep(quiet)
            if len(self.frames) == seen:
                break
        self.gc_seconds = gc_seen - gc_before
        self.first_frame_seconds = self.frames[count] - start
        return self.frames[-1] - start

    async def _wait_new(self, count: int) -> None:
        while len(self.frames) == count:
            self._new_frame.clear()
            await self._new_frame.wait()


def post_key(app: App, key: str) -> None:
    """Send a key the way the terminal driver does (App._press_keys without its sleeps)."""
    event = events.Key(key, key if len(key) == 1 else None)
    event.set_sender(app)
    assert app._driver is not None
    app._driver.send_message(event)
