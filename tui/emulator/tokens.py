"""Page tokens: opaque, long, and bound to the query that issued them.

A token carries the listing cursor (creation time, job id of the last job returned), not
an offset, so jobs submitted while a client pages shift nothing and cause no duplicate or
gap. The cursor is encrypted with a keystream and authenticated with an HMAC over the
query's scope (operation, region, filters), so a tampered token, or one from another
query, is rejected the way the real services reject it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets

_NONCE = 16
_MAC = 32
_PAYLOAD = 272  # padded plaintext: tokens come out ~430 characters, like real AWS tokens


class InvalidToken(Exception):
    """The token was not issued by this emulator for this query."""


def _keystream(secret: bytes, nonce: bytes, length: int) -> bytes:
    blocks = (hashlib.sha256(secret + nonce + i.to_bytes(4, "big")).digest() for i in range(length // 32 + 1))
    return b"".join(blocks)[:length]


def _xor(data: bytes, stream: bytes) -> bytes:
    return bytes(a ^ b for a, b in zip(data, stream))


class PageTokens:
    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def _mac(self, scope: str, body: bytes) -> bytes:
        return hmac.new(self._secret, scope.encode() + b"\0" + body, hashlib.sha256).digest()

    def issue(self, scope: str, cursor: tuple[float, str]) -> str:
        plain = json.dumps({"v": 1, "c": repr(cursor[0]), "i": cursor[1]}, separators=(",", ":")).encode()
        plain = plain.ljust(_PAYLOAD, b" ")
        nonce = secrets.token_bytes(_NONCE)
        body = nonce + _xor(plain, _keystream(self._secret, nonce, len(plain)))
        return base64.b64encode(body + self._mac(scope, body)).decode("ascii")

    def read(self, scope: str, token: str) -> tuple[float, str]:
        try:
            raw = base64.b64decode(token.encode("ascii"), validate=True)
        except (binascii.Error, UnicodeEncodeError, ValueError) as exc:
            raise InvalidToken("not a token") from exc
        if len(raw) != _NONCE + _PAYLOAD + _MAC:
            raise InvalidToken("wrong length")
        body, mac = raw[:-_MAC], raw[-_MAC:]
        if not hmac.compare_digest(mac, self._mac(scope, body)):
            raise InvalidToken("not issued for this query")
        nonce, cipher = body[:_NONCE], body[_NONCE:]
        payload = json.loads(_xor(cipher, _keystream(self._secret, nonce, len(cipher))))
        return float(payload["c"]), str(payload["i"])
