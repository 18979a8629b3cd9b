"""Fault injection: a mutable dataclass the server reads on every request, and the damage
each list-level fault does to a response (the server decides when to apply it)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

MEGABYTE = 1024 * 1024
_DEEP_MARK = "\x00batchtop-deep\x00"


@dataclass
class Faults:
    """What goes wrong, and how often. Flip fields at runtime; the next request sees them.

    throttle_every: every Nth call (counted across operations) is throttled; 0 = never.
    error_rate: fraction of calls answered with a 5xx.
    latency: seconds added to every call.
    expired_token: every call fails with ExpiredTokenException.
    denied: {(service, region)}, e.g. {("bedrock", "eu-west-1")}: AccessDeniedException there.
    malformed: fraction of list/describe responses with broken JSON or missing/mistyped fields.
    delete_every: every Nth list call first deletes one unfinished job of the kind and region
        it lists (a job deleted mid-run: later lists and describes no longer know it); 0 = never.
    missing_arn: fraction of list items sent without their ARN field.
    hang: fraction of calls accepted and never answered (1 = every call) until the server closes.
    hang_in: regions where every call is accepted and never answered (one endpoint down
        among many that answer), e.g. {"eu-west-1"}.
    oversize_mb: list responses are padded with whitespace to this many megabytes; 0 = off.
    oversize_length: send Content-Length with an oversized body (False: chunked, so the
        client learns the size only as it reads).
    deep_nesting: one item of each list response has its jobName nested this many JSON
        arrays deep; 0 = off.
    """

    throttle_every: int = 0
    error_rate: float = 0.0
    latency: float = 0.0
    expired_token: bool = False
    denied: set[tuple[str, str]] = field(default_factory=set)
    malformed: float = 0.0
    delete_every: int = 0
    missing_arn: float = 0.0
    hang: float = 0.0
    hang_in: set[str] = field(default_factory=set)
    oversize_mb: float = 0.0
    oversize_length: bool = True
    deep_nesting: int = 0


def strip_arns(items: list, arn_field: str, rate: float, rng: random.Random) -> None:
    """Remove the ARN field from each item with probability `rate`."""
    for item in items:
        if isinstance(item, dict) and rng.random() < rate:
            item.pop(arn_field, None)


def mark_deep(items: list, rng: random.Random) -> bool:
    """Pick one item to carry a deeply nested jobName (filled in by `nest_deeply`)."""
    candidates = [item for item in items if isinstance(item, dict)]
    if not candidates:
        return False
    rng.choice(candidates)["jobName"] = _DEEP_MARK
    return True


def nest_deeply(body: bytes, depth: int) -> bytes:
    """Replace the mark with `depth` nested arrays, as text: no JSON encoder would write them."""
    mark = f'"{_DEEP_MARK}"'.replace("\x00", "\\u0000").encode()
    return body.replace(mark, b"[" * depth + b"]" * depth, 1)
