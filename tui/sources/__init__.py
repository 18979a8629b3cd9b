"""Source adapters: one per job kind, the only code that knows AWS field names."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..models import JobKind
from . import bedrock, personalize
from .base import Filters, Page, Source, SourceKey, StopNotSupported
from .bedrock import BedrockSource
from .filtering import is_known_status, job_matches, resolve_status, valid_statuses
from .personalize import PersonalizeSource

if TYPE_CHECKING:
    from ..aws import AwsPool

__all__ = [
    "BedrockSource",
    "Filters",
    "Page",
    "PersonalizeSource",
    "Source",
    "SourceKey",
    "StopNotSupported",
    "is_known_status",
    "job_matches",
    "make_source",
    "resolve_status",
    "valid_statuses",
]


def make_source(
    pool: AwsPool,
    key: SourceKey,
    *,
    first_page_size: int | None = None,
    page_size: int | None = None,
) -> Source:
    """The adapter for `key`, on the pool's shared client for its (profile, region, service)."""
    sizes = {name: value for name, value in (("first_page_size", first_page_size), ("page_size", page_size)) if value}
    if key.kind is JobKind.BEDROCK:
        client = pool.slot(key.profile, key.region, bedrock.SERVICE, bedrock.prepare_client)
        return BedrockSource(key, client, **sizes)
    client = pool.slot(key.profile, key.region, personalize.SERVICE, personalize.prepare_client)
    return PersonalizeSource(key, client, page_size=page_size or personalize.MAX_PAGE_SIZE)
