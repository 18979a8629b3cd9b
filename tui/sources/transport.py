"""The HTTP session under every client: a response body over MAX_BODY is refused, not read.

aiobotocore reads each whole body into memory before any hook sees it (a 200 MB body took the
app to 1.7 GB). This session, plugged in through AioConfig's `http_session_cls`, reads bodies
itself: a Content-Length over the limit is refused unread, and a body without one is read
only up to the limit. Either way the connection is dropped and the call raises
`ResponseTooLarge`, which botocore does not retry and `errors.classify` turns into a sentence.
"""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
from aiobotocore.awsrequest import AioAWSResponse
from aiobotocore.httpsession import AIOHTTPSession
from botocore.exceptions import ConnectionClosedError, ReadTimeoutError

from ..errors import ResponseTooLarge

MAX_BODY = 20 * 1024 * 1024  # bytes: a list page of 1,000 jobs is about 1 MB
_CHUNK = 256 * 1024


class _ReadBody:
    """What AioAWSResponse reads `content` from: the bytes already read."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    async def read(self) -> bytes:
        return self._data


class CappedHTTPSession(AIOHTTPSession):
    """aiobotocore's aiohttp session, reading response bodies within MAX_BODY."""

    max_body = MAX_BODY

    async def send(self, request: Any) -> AioAWSResponse:
        if request.stream_output:  # a streaming operation reads its own body (none of ours)
            return await super().send(request)
        request.stream_output = True  # the parent leaves the body unread: it is read below
        try:
            response = await super().send(request)
        finally:
            request.stream_output = False
        data = await self._read_within_limit(response.raw, request.url)
        return AioAWSResponse(response.url, response.status_code, response.headers, _ReadBody(data))

    async def _read_within_limit(self, raw: aiohttp.ClientResponse, url: str) -> bytes:
        limit = self.max_body
        if raw.content_length is not None and raw.content_length > limit:
            raw.close()
            raise ResponseTooLarge(raw.content_length, limit, announced=True)
        chunks: list[bytes] = []
        size = 0
        try:
            while chunk := await raw.content.read(_CHUNK):
                size += len(chunk)
                if size > limit:
                    raw.close()
                    raise ResponseTooLarge(size, limit, announced=False)
                chunks.append(chunk)
        except (aiohttp.ServerTimeoutError, asyncio.TimeoutError) as exc:  # as the parent maps them
            raw.close()
            raise ReadTimeoutError(endpoint_url=url, error=exc) from exc
        except aiohttp.ClientPayloadError as exc:
            raw.close()
            raise ConnectionClosedError(error=exc, request=None, endpoint_url=url) from exc
        return b"".join(chunks)
