"""The HTTP endpoint: route a request to its protocol, check SigV4 presence, inject faults.

Any credentials are accepted (a sandbox), but a request must carry a SigV4 `Authorization`
header: the region comes from its credential scope, so one server serves every region.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import re
import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from .accounts import account_of, into_home, out_of_home
from .bedrock import Bedrock
from .catalog import ACCOUNT
from . import faults as damage
from .faults import MEGABYTE, Faults
from .personalize import Personalize
from .protocol import ApiError, Protocol
from .sagemaker import SageMaker
from .world import REGION, World

log = logging.getLogger(__name__)

_CREDENTIAL = re.compile(r"AWS4-HMAC-SHA256\s+Credential=([^/,\s]+)/\d{8}/([^/,\s]+)/([^/,\s]+)/aws4_request")
_MAX_REQUESTS_KEPT = 100_000
_PADDING_CHUNK = 64 * 1024


@dataclass(frozen=True, slots=True)
class RequestRecord:
    """One authenticated call: its operation, its parameters as sent, and its region."""

    operation: str
    params: dict[str, Any] = field(default_factory=dict)
    region: str = ""


class EmulatorServer:
    """`async with EmulatorServer(world) as server:` serves until the block ends."""

    def __init__(self, world: World, faults: Faults | None = None, host: str = "127.0.0.1", port: int = 0) -> None:
        self.world = world
        self.faults = faults if faults is not None else Faults()
        self.host = host
        self.port = port
        self.calls: Counter[str] = Counter()
        self.requests: list[RequestRecord] = []
        self._protocols: tuple[Protocol, ...] = (Personalize(), SageMaker(), Bedrock())
        self._rng = random.Random(world.seed)
        self._call_number = 0
        self._list_number = 0
        self._runner: web.AppRunner | None = None
        self._closing: asyncio.Event | None = None

    @property
    def endpoint_url(self) -> str:
        host = "127.0.0.1" if self.host in ("", "0.0.0.0", "::") else self.host
        return f"http://[{host}]:{self.port}" if ":" in host else f"http://{host}:{self.port}"

    async def start(self) -> None:
        self._closing = asyncio.Event()
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        try:
            await site.start()
        except OSError:
            await self._runner.cleanup()
            raise
        self.port = self._runner.addresses[0][1]

    async def close(self) -> None:
        if self._closing is not None:
            self._closing.set()  # hanging calls end now
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> EmulatorServer:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    # ------------------------------------------------------------ request path

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        for protocol in self._protocols:
            operation = protocol.operation(request)
            if operation is not None:
                break
        else:
            return self._unknown(request)
        listing = protocol.listing(operation)
        try:
            account, region = self._scope(request, protocol)
            world = self.world.for_account(account)
            params = await protocol.params(request, operation)
            self._record(operation, params, region)
            await self._inject_faults(protocol, operation, region)
            if listing is not None:
                self._delete_mid_run(world, region, listing[0])
            if account == ACCOUNT:
                payload = protocol.execute(world, region, operation, params)
            else:
                payload = out_of_home(protocol.execute(world, region, operation, into_home(params, account)), account)
        except ApiError as err:
            return protocol.error(err)
        except Exception:  # a bug must still answer in the service's shape, never hang
            log.exception("emulator failed on %s", operation)
            return protocol.error(protocol.server_error())
        malformed = self.faults.malformed
        if operation in protocol.malformable and malformed and self._rng.random() < malformed:
            return protocol.ok(protocol.malformed(payload, self._rng))
        if listing is None:
            return protocol.ok(json.dumps(payload).encode())
        return await self._damaged_listing(request, protocol, payload, listing[1], listing[2])

    def _delete_mid_run(self, world: World, region: str, kind) -> None:
        every = self.faults.delete_every
        self._list_number += 1
        if every > 0 and self._list_number % every == 0:
            world.delete_unfinished(region, kind, self._rng)

    async def _damaged_listing(
        self, request: web.Request, protocol: Protocol, payload: dict, items_field: str, arn_field: str
    ) -> web.StreamResponse:
        """A list response with the list-level faults applied (missing ARNs, a deeply
        nested item, an oversized body)."""
        faults = self.faults
        items = payload.get(items_field)
        items = items if isinstance(items, list) else []
        if faults.missing_arn > 0:
            damage.strip_arns(items, arn_field, faults.missing_arn, self._rng)
        deep = faults.deep_nesting > 0 and damage.mark_deep(items, self._rng)
        body = json.dumps(payload).encode()
        if deep:
            body = damage.nest_deeply(body, faults.deep_nesting)
        if faults.oversize_mb > 0:
            return await self._oversized(request, protocol.ok(b""), body, faults.oversize_mb, faults.oversize_length)
        return protocol.ok(body)

    async def _oversized(
        self, request: web.Request, template: web.Response, body: bytes, megabytes: float, with_length: bool
    ) -> web.StreamResponse:
        """`body` padded with whitespace to `megabytes`, streamed 64 KB at a time (the
        emulator never holds it whole)."""
        response = web.StreamResponse(headers={k: v for k, v in template.headers.items() if k.lower() != "content-length"})
        total = max(int(megabytes * MEGABYTE), len(body))
        if with_length:
            response.content_length = total
        else:
            response.enable_chunked_encoding()
        try:
            await response.prepare(request)
            await response.write(body)
            padding, left = memoryview(b" " * _PADDING_CHUNK), total - len(body)
            while left > 0:
                await response.write(padding[:left])
                left -= _PADDING_CHUNK
            await response.write_eof()
        except (ConnectionError, RuntimeError):  # the client refused it and hung up: as intended
            pass
        return response

    def _scope(self, request: web.Request, protocol: Protocol) -> tuple[str, str]:
        """The caller's (account, region), from the credential scope of its signature."""
        header = request.headers.get("Authorization", "")
        if not header.startswith("AWS4-HMAC-SHA256"):
            raise protocol.unsigned()
        match = _CREDENTIAL.match(header)
        if match is None:
            raise ApiError("IncompleteSignatureException", "Authorization header requires a valid Credential scope.", 403)
        access_key, region, service = match.groups()
        if service != protocol.service:
            raise ApiError("InvalidSignatureException", f"Credential should be scoped to correct service: '{protocol.service}'.", 403)
        if not REGION.fullmatch(region):
            raise ApiError("InvalidSignatureException", "Credential should be scoped to a valid region.", 403)
        return account_of(access_key), region

    def _record(self, operation: str, params: dict[str, Any], region: str) -> None:
        self.calls[operation] += 1
        if len(self.requests) >= _MAX_REQUESTS_KEPT:
            del self.requests[: _MAX_REQUESTS_KEPT // 2]
        self.requests.append(RequestRecord(operation, params, region))

    async def _inject_faults(self, protocol: Protocol, operation: str, region: str) -> None:
        faults = self.faults
        self._call_number += 1
        if faults.latency > 0:
            await asyncio.sleep(faults.latency)
        hangs = region in faults.hang_in or (faults.hang > 0 and self._rng.random() < faults.hang)
        if hangs and self._closing is not None:
            await self._closing.wait()  # accepted, never answered (until the server closes)
            raise protocol.server_error()
        if faults.expired_token:
            raise protocol.expired_token()
        if (protocol.service, region) in faults.denied:
            raise protocol.denied(operation, region)
        if faults.throttle_every > 0 and self._call_number % faults.throttle_every == 0:
            raise protocol.throttled()
        if faults.error_rate > 0 and self._rng.random() < faults.error_rate:
            raise protocol.server_error()

    def _unknown(self, request: web.Request) -> web.Response:
        if "X-Amz-Target" in request.headers:
            body = {"__type": "UnknownOperationException", "message": "Unknown operation."}
            return web.json_response(body, status=400, content_type="application/x-amz-json-1.1")
        return web.json_response(
            {"message": f"No operation matches {request.method} {request.rel_url.raw_path}"},
            status=404,
            headers={"x-amzn-ErrorType": "UnknownOperationException"},
        )


class EmulatorThread:
    """The same server in a daemon thread with its own event loop (sync tests, the demo)."""

    def __init__(self, world: World, faults: Faults | None = None, host: str = "127.0.0.1", port: int = 0) -> None:
        self.server = EmulatorServer(world, faults=faults, host=host, port=port)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None

    @property
    def endpoint_url(self) -> str:
        return self.server.endpoint_url

    @property
    def calls(self) -> Counter[str]:
        return self.server.calls

    @property
    def requests(self) -> list[RequestRecord]:
        return self.server.requests

    @property
    def world(self) -> World:
        return self.server.world

    @property
    def faults(self) -> Faults:
        return self.server.faults

    def __enter__(self) -> EmulatorThread:
        self._thread = threading.Thread(target=self._serve, name="batchtop-emulator", daemon=True)
        self._thread.start()
        self._ready.wait()
        if self._error is not None:
            raise self._error
        return self

    def _serve(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            loop.run_until_complete(self.server.start())
        except BaseException as exc:  # reported to the thread that called __enter__
            self._error = exc
            self._ready.set()
            loop.close()
            return
        self._ready.set()
        loop.run_forever()
        loop.run_until_complete(self.server.close())
        loop.close()

    def __exit__(self, *exc_info: object) -> None:
        if self._loop is not None and self._thread is not None and self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)
