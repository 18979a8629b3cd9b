"""Read response documents ourselves, tolerantly, from the raw bytes the service sent.

Two reasons not to use botocore's parsed result for list and describe calls:
- The botocore we get (1.40.61) drops fields its model lacks: Bedrock's
  `modelInvocationType` and the four record counts (DESIGN.md, API facts).
- Its parser fails the whole call on one bad item (a garbage timestamp raises ValueError, a
  string where an object belongs raises AttributeError), and turns a body that is not JSON
  into an empty, successful-looking result.

So `capture_documents` registers a handler on aiobotocore's `before-parse.<service>.<op>`
event. For a successful response it hands the raw body over as a `Body` in
`customized_response_dict` (aiobotocore merges that into the parsed result under
`DOCUMENT_KEY`), then gives the parser an empty object so it has nothing left to choke on.
The body is decoded when it is read (`document_of`, `read_page`): a first page whose bytes
are the very ones of the last refresh is not decoded at all (`FirstPageMemo`). A body that
is not a JSON object is a `MalformedResponse`. `ItemReader` then reads one item field by
field, noting what it could not read.

A value nested deeper than Python's decoder can follow (JSON 3,000 arrays deep) would fail
the whole page with RecursionError: such values are cut at `MAX_DEPTH` and replaced with
`TOO_DEEP`, so only the item holding one gets a note.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import marshal
import re
import reprlib
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping

import botocore.exceptions as bx
from botocore.utils import parse_timestamp

from ..errors import InvalidPageToken, MalformedResponse
from ..models import STAND_IN_PREFIX, Filters, Job, Page
from .filtering import job_matches

DOCUMENT_KEY = "BatchtopDocument"
MAX_DEPTH = 100
TOO_DEEP = ["nested over 100 levels: not read"]
_EMPTY_BODY = b"{}"
_NOTE_VALUE_LENGTH = 40
_JSON_TOKEN = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)  # a string, or a bracket
_TOKEN_VALUE = re.compile(rb'\s*:\s*("(?:[^"\\]|\\.)*")', re.DOTALL)  # after a key: its string value


def _bounded_repr(length: int) -> reprlib.Repr:
    """repr() that stops 3 levels down and cuts long values: safe on any decoded JSON."""
    bounded = reprlib.Repr()
    bounded.maxlevel = 3
    bounded.maxstring = bounded.maxother = bounded.maxlong = length
    return bounded


_SHORT = _bounded_repr(_NOTE_VALUE_LENGTH)
_STABLE = _bounded_repr(4096)  # a stand-in's basis: long enough that distinct names stay distinct


def capture_documents(client: Any, service_id: str, operations: tuple[str, ...]) -> None:
    """Make `client` deliver the raw JSON document of each of `operations` under DOCUMENT_KEY."""
    for operation in operations:
        client.meta.events.register(f"before-parse.{service_id}.{operation}", _take_document)


def _take_document(response_dict: dict, customized_response_dict: dict, **_: Any) -> None:
    if response_dict.get("status_code", 500) >= 300:
        return  # errors: botocore's parser builds the ClientError as usual
    customized_response_dict[DOCUMENT_KEY] = Body(bytes(response_dict.get("body") or _EMPTY_BODY))  # (hashable)
    response_dict["body"] = _EMPTY_BODY


@dataclass(frozen=True, slots=True)
class Body:
    """A successful response's raw bytes, held for the call only, decoded when read."""

    data: bytes

    def document(self) -> dict[str, Any]:
        """The decoded JSON object; anything else is a MalformedResponse."""
        try:
            document = decode_json(self.data)
        except (ValueError, TypeError) as exc:
            raise MalformedResponse(f"response body is not JSON: {exc}") from None
        if not isinstance(document, dict):
            raise MalformedResponse(f"response body is a JSON {type(document).__name__}, not an object")
        return document

    def mark(self, token_field: str) -> tuple[tuple[int, ...], bytes | None]:
        """A small stand-in for the bytes (equal bodies give equal marks: lengths and 64-bit
        hashes), and the raw JSON string of the one `"<token_field>": "…"` the body holds.

        That string is left out of the mark: services seal a new page token at every call
        (a fresh nonce), so a page that did not change still comes back with other bytes
        there. With the token left out, equal marks mean equal bytes before and after it,
        so the token (whatever its length) sits at the same place in both bodies. Two such
        keys, or one whose value is not a string: the whole body is marked, token and all."""
        data = self.data
        key = b'"' + token_field.encode() + b'"'
        at = data.find(key)
        value = _TOKEN_VALUE.match(data, at + len(key)) if at >= 0 and data.find(key, at + 1) < 0 else None
        if value is None:
            return (len(data), hash(data)), None
        start, end = value.span(1)
        view = memoryview(data)
        return (start, len(data) - end, hash(view[:start]), hash(view[end:])), value.group(1)


def decode_json(body: bytes | str) -> Any:
    """`json.loads`, except that values nested deeper than MAX_DEPTH become TOO_DEEP when the
    decoder itself cannot follow them (the cut costs a scan of the body: only then)."""
    try:
        return json.loads(body)
    except RecursionError:
        return json.loads(_cut_deep(body.encode() if isinstance(body, str) else body))


def _cut_deep(body: bytes) -> bytes:
    pieces: list[bytes] = []
    depth, kept_to, cut_from = 0, 0, -1
    marker = json.dumps(TOO_DEEP).encode()
    for token in _JSON_TOKEN.finditer(body):
        char = body[token.start()]
        if char in b"[{":
            depth += 1
            if depth == MAX_DEPTH + 1:
                cut_from = token.start()
        elif char in b"]}":
            if depth == MAX_DEPTH + 1 and cut_from >= 0:
                pieces += (body[kept_to:cut_from], marker)
                kept_to, cut_from = token.end(), -1
            depth -= 1
    pieces.append(body[kept_to:])
    return b"".join(pieces)


def body_of(response: Mapping[str, Any]) -> Body:
    """The raw body of a response produced by a client prepared with `capture_documents`."""
    body = response.get(DOCUMENT_KEY)
    if not isinstance(body, Body):
        raise MalformedResponse("response document missing (the raw-body handler did not run)")
    return body


def document_of(response: Mapping[str, Any]) -> dict[str, Any]:
    """The decoded document of a response produced by a client prepared with `capture_documents`."""
    return body_of(response).document()


async def list_body(client: Any, operation: str, params: dict[str, Any], token: str | None) -> Body:
    """One list call's raw body. Services that answer a bad page token with a plain
    ValidationException (Bedrock, SageMaker) get `InvalidPageToken`, so the listing restarts."""
    try:
        response = await client.call(operation, **params)
    except bx.ClientError as exc:
        if token is not None and exc.response.get("Error", {}).get("Code") == "ValidationException":
            raise InvalidPageToken(str(exc)) from exc
        raise
    return body_of(response)


def read_page(
    memo: FirstPageMemo,
    body: Body,
    field: str,
    job_from: Callable[[Any, str], Job],
    filters: Filters,
    *,
    first: bool,
    token_field: str = "nextToken",
    sort_key: Callable[[Job], Any] | None = None,
) -> Page:
    """A list page: the jobs of its items under `field` that match `filters` (sorted by
    `sort_key` in the filters' order, when given), and its next token. The first page
    (listed again every tick) goes through `memo`."""

    def build(document: Mapping[str, Any]) -> Page:
        items = item_list(document, field)
        if first:
            jobs = memo.read(items, job_from, field)
        else:
            jobs = [job_from(item, f"{field}[{index}]") for index, item in enumerate(items)]
        jobs = [job for job in jobs if job_matches(job, filters)]
        if sort_key is not None:
            jobs.sort(key=sort_key, reverse=filters.newest_first)
        return Page(jobs, next_token_of(document, token_field))

    return memo.page(body, filters, token_field, build) if first else build(body.document())


def item_list(document: Mapping[str, Any], field: str) -> list[Any]:
    """The list of items under `field`; a missing list is an empty page, a non-list is malformed."""
    items = document.get(field)
    if items is None:
        return []
    if not isinstance(items, list):
        raise MalformedResponse(f"{field} is a {type(items).__name__}, not a list")
    return items


def next_token_of(document: Mapping[str, Any], field: str = "nextToken") -> str | None:
    """The opaque next-page token, byte for byte; an empty or non-string token ends the listing."""
    token = document.get(field)
    if token is None or token == "":
        return None
    if not isinstance(token, str):
        raise MalformedResponse(f"{field} is a {type(token).__name__}, not a string")
    return token


def parse_time(value: object) -> dt.datetime:
    """A timestamp as services send it (ISO 8601 string or epoch seconds) → aware UTC datetime.

    Raises ValueError for anything else.
    """
    if isinstance(value, bool) or value is None:
        raise ValueError("not a timestamp")
    if isinstance(value, (int, float)):
        try:
            return dt.datetime.fromtimestamp(value, dt.timezone.utc)
        except (OverflowError, OSError, ValueError) as exc:
            raise ValueError(f"epoch out of range: {exc}") from exc
    if isinstance(value, str) and value.strip():
        try:
            parsed = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            try:
                parsed = parse_timestamp(value.strip())
            except (ValueError, OverflowError, TypeError) as exc:
                raise ValueError(str(exc)) from exc
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=dt.timezone.utc)
        return parsed.astimezone(dt.timezone.utc)
    raise ValueError("not a timestamp")


def iso_time(value: object) -> object:
    """A timestamp field for display as an ISO 8601 string; unreadable values stay as sent."""
    if isinstance(value, str):
        return value
    try:
        return parse_time(value).isoformat().replace("+00:00", "Z")
    except ValueError:
        return value


def _shown(value: object) -> str:
    """A short repr for a note; bounded however large or deep the value is."""
    text = _SHORT.repr(value)
    return text if len(text) <= _NOTE_VALUE_LENGTH else text[: _NOTE_VALUE_LENGTH - 1] + "…"


class ItemReader:
    """Reads fields of one raw item; whatever cannot be read becomes a note, never an exception."""

    def __init__(self, item: object, where: str) -> None:
        self._raw = item
        self._whole = isinstance(item, dict)  # when not, one note says it all
        if isinstance(item, dict):
            self.item: dict[str, Any] = item
            self.notes: list[str] = []
        else:
            self.item = {}
            self.notes = [f"{where} is not an object ({type(item).__name__}): {_shown(item)}"]

    def text(self, field: str, *, required: bool = False) -> str:
        """A string field; scalars of another type are kept as text, with a note."""
        value = self.item.get(field)
        if value is None:
            if required and self._whole:
                self.notes.append(f"no {field}")
            return ""
        if isinstance(value, str):
            return value
        self.notes.append(f"{field} is not a string: {_shown(value)}")
        if isinstance(value, (int, float, bool)):
            return str(value)
        return ""

    def optional_text(self, field: str) -> str | None:
        if self.item.get(field) is None:
            return None
        return self.text(field) or None

    def time(self, field: str, *, required: bool = False) -> dt.datetime | None:
        value = self.item.get(field)
        if value is None:
            if required and self._whole:
                self.notes.append(f"no {field}")
            return None
        try:
            return parse_time(value)
        except ValueError:
            self.notes.append(f"{field} is not a timestamp: {_shown(value)}")
            return None

    def count(self, field: str) -> int | None:
        value = self.item.get(field)
        if value is None:
            return None
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return value
        if isinstance(value, float) and value.is_integer() and value >= 0:
            return int(value)
        self.notes.append(f"{field} is not a count: {_shown(value)}")
        return None

    def identity(self, field: str, *stable_fields: str) -> str:
        """The item's ARN; when missing, a stand-in derived from `stable_fields` (name, creation
        time: values that do not change as the job runs), so the row can still be shown, and
        the same job keeps the same stand-in from one refresh to the next."""
        arn = self.text(field, required=True)
        if arn:
            return arn
        basis = [self.item.get(name) for name in stable_fields] if self.item else [self._raw]
        digest = hashlib.sha1(_STABLE.repr(basis).encode("utf-8", "replace"), usedforsecurity=False).hexdigest()[:16]
        return f"{STAND_IN_PREFIX}{digest}"


_UNREADABLE = object()


def _json_string(raw: bytes) -> str | object:
    """A raw JSON string's text; _UNREADABLE when it does not decode."""
    try:
        return json.loads(raw)
    except ValueError:
        return _UNREADABLE


def fingerprint(item: object) -> int | None:
    """A small stand-in for a raw item: equal items give equal fingerprints (64-bit hash of
    its serialised form). None when it cannot be serialised (nested too deep): read it again."""
    try:
        return hash(marshal.dumps(item))
    except (ValueError, RecursionError):
        return None


class FirstPageMemo:
    """What was read from the last first page: the page itself, by the mark of its raw body,
    and its jobs, by the fingerprint of their raw items.

    Every refresh tick lists the same first page. Most often its bytes are exactly those of
    the last tick (nothing changed at the service): then the page is not decoded or read at
    all, and the very same Jobs come back (~0.7 ms of CPU a call, 1,800 calls a minute at
    300 active sources). When the body changed, most of its items still come back exactly as
    before: fingerprinting an item costs far less than reading it into a Job again
    (validation included), and hands the feed the very same Job, which it compares in no
    time. Only the latest first page is kept, and only marks of its body and fingerprints of
    its items: the raw items themselves cost ~1.3 KB each (40 MB across 300 sources). An
    item's fingerprint covers its ARN, so it alone finds the job (~70 bytes a row).
    """

    def __init__(self, arn_field: str) -> None:
        self._arn_field = arn_field
        self._last: dict[int, Job] = {}
        self._adopted: dict[str, Job] = {}
        self._page: tuple[tuple[int, int], Filters, Page] | None = None

    def adopt(self, jobs: Iterable[Job]) -> None:
        """`jobs` are on screen already (kept from the last run): the next read hands back
        these very objects for items that read equal to them, so the feed and this memo hold
        one copy of each row, not two (20 MB at 40,000 cached rows)."""
        self._adopted = {job.arn: job for job in jobs}
        self._page = None

    def page(
        self, body: Body, filters: Filters, token_field: str, build: Callable[[Mapping[str, Any]], Page]
    ) -> Page:
        """`build(document)` of `body`; without decoding anything when `body` is byte for
        byte the last first page but for its page token (see `Body.mark`), under the same
        filters: then a copy of that page (its very Jobs) with the new token."""
        mark, raw_token = body.mark(token_field)
        last = self._page
        if last is not None and last[0] == mark and last[1] == filters:
            token = last[2].next_token if raw_token is None else _json_string(raw_token)
            if token is not _UNREADABLE:
                return Page(list(last[2].jobs), token or None)  # as next_token_of reads it
        document = body.document()
        page = build(document)
        own = raw_token is None or (token_field in document and document[token_field] == _json_string(raw_token))
        self._page = (mark, filters, page) if own else None  # (else the one such key was an item's)
        return Page(list(page.jobs), page.next_token)

    def read(self, items: list[Any], read_item: Callable[[object, str], Job], where: str) -> list[Job]:
        """`read_item(item, f"{where}[index]")` for each item not seen unchanged last time."""
        last, kept, jobs = self._last, {}, []
        adopted, self._adopted = self._adopted, {}
        for index, item in enumerate(items):
            has_arn = isinstance(item, dict) and isinstance(item.get(self._arn_field), str)
            mark = fingerprint(item) if has_arn else None
            job = last.get(mark) if mark is not None else None
            if job is None:
                job = read_item(item, f"{where}[{index}]")
                known = adopted.get(job.arn)
                if known is not None and known == job:
                    job = known
            if mark is not None:
                kept[mark] = job
            jobs.append(job)
        self._last = kept
        return jobs
