"""Fault injection: a mutable dataclass the server reads on every request."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Faults:
    """What goes wrong, and how often. Flip fields at runtime; the next request sees them.

    throttle_every: every Nth call (counted across operations) is throttled; 0 = never.
    error_rate: fraction of calls answered with a 5xx.
    latency: seconds added to every call.
    expired_token: every call fails with ExpiredTokenException.
    denied: {(service, region)}, e.g. {("bedrock", "eu-west-1")}: AccessDeniedException there.
    malformed: fraction of list/describe responses with broken JSON or missing/mistyped fields.
    """

    throttle_every: int = 0
    error_rate: float = 0.0
    latency: float = 0.0
    expired_token: bool = False
    denied: set[tuple[str, str]] = field(default_factory=set)
    malformed: float = 0.0
