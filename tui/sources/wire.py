"""Read response documents ourselves, tolerantly, from the raw bytes the service sent.

Two reasons not to use botocore's parsed result for list and describe calls:
- The botocore we get (1.40.61) drops fields its model lacks: Bedrock's
  `modelInvocationType` and the four record counts (DESIGN.md, API facts).
- Its parser fails the whole call on one bad item (a garbage timestamp raises ValueError, a
  string where an object belongs raises AttributeError), and turns a body that is not JSON
  into an empty, successful-looking result.

So `capture_documents` registers a handler on aiobotocore's `before-parse.<service>.<op>`
event. For a successful response it decodes the raw JSON body and hands the document over in
`customized_response_dict` (aiobotocore merges that into the parsed result under
`DOCUMENT_KEY`), then gives the parser an empty object so it has nothing left to choke on.
A body that is not a JSON object arrives as a `MalformedResponse` under the same key.
`ItemReader` then reads one item field by field, noting what it could not read.

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
from typing import Any, Callable, Iterable, Mapping

import botocore.exceptions as bx
from botocore.utils import parse_timestamp

from ..errors import InvalidPageToken, MalformedResponse
from ..models import STAND_IN_PREFIX, Job

DOCUMENT_KEY = "BatchtopDocument"
MAX_DEPTH = 100
TOO_DEEP = ["nested over 100 levels: not read"]
_EMPTY_BODY = b"{}"
_NOTE_VALUE_LENGTH = 40
_JSON_TOKEN = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)  # a string, or a bracket


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
    body = response_dict.get("body") or b"{}"
    try:
        document = decode_json(body)
    except (ValueError, TypeError) as exc:
        document = MalformedResponse(f"response body is not JSON: {exc}")
    else:
        if not isinstance(document, dict):
            document = MalformedResponse(f"response body is a JSON {type(document).__name__}, not an object")
    customized_response_dict[DOCUMENT_KEY] = document
    response_dict["body"] = _EMPTY_BODY


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


def document_of(response: Mapping[str, Any]) -> dict[str, Any]:
    """The raw document of a response produced by a client prepared with `capture_documents`."""
    document = response.get(DOCUMENT_KEY)
    if isinstance(document, MalformedResponse):
        raise document
    if not isinstance(document, dict):
        raise MalformedResponse("response document missing (the raw-body handler did not run)")
    return document


async def list_document(client: Any, operation: str, params: dict[str, Any], token: str | None) -> dict[str, Any]:
    """One list call's raw document. Services that answer a bad page token with a plain
    ValidationException (Bedrock, SageMaker) get `InvalidPageToken`, so the listing restarts."""
    try:
        response = await client.call(operation, **params)
    except bx.ClientError as exc:
        if token is not None and exc.response.get("Error", {}).get("Code") == "ValidationException":
            raise InvalidPageToken(str(exc)) from exc
        raise
    return document_of(response)


def page_items(
    memo: FirstPageMemo, document: Mapping[str, Any], field: str, job_from: Callable[[Any, str], Job], first: bool
) -> list[Job]:
    """The jobs of a list page; the first page (listed again every tick) through `memo`."""
    items = item_list(document, field)
    if first:
        return memo.read(items, job_from, field)
    return [job_from(item, f"{field}[{index}]") for index, item in enumerate(items)]


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


def fingerprint(item: object) -> int | None:
    """A small stand-in for a raw item: equal items give equal fingerprints (64-bit hash of
    its serialised form). None when it cannot be serialised (nested too deep): read it again."""
    try:
        return hash(marshal.dumps(item))
    except (ValueError, RecursionError):
        return None


class FirstPageMemo:
    """The jobs read from the last first page, by the fingerprint of their raw item.

    Every refresh tick lists the same first page, and most of its items come back exactly as
    before: fingerprinting an item costs far less than reading it into a Job again
    (validation included), and hands the feed the very same Job, which it compares in no
    time. Only the latest first page is kept, and only fingerprints of its items: the raw
    items themselves cost ~1.3 KB each (40 MB across 300 sources). An item's fingerprint
    covers its ARN, so it alone finds the job (~70 bytes a row).
    """

    def __init__(self, arn_field: str) -> None:
        self._arn_field = arn_field
        self._last: dict[int, Job] = {}
        self._adopted: dict[str, Job] = {}

    def adopt(self, jobs: Iterable[Job]) -> None:
        """`jobs` are on screen already (kept from the last run): the next read hands back
        these very objects for items that read equal to them, so the feed and this memo hold
        one copy of each row, not two (20 MB at 40,000 cached rows)."""
        self._adopted = {job.arn: job for job in jobs}

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
