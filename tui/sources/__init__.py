"""Source adapters: one per job kind, the only code that knows AWS field names.

Adapters are imported when a source is made, not with this package: the feed, the engine and
the widgets never load botocore or an adapter.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..models import JobKind, Source, SourceKey

if TYPE_CHECKING:
    from ..aws import AwsPool

__all__ = ["make_source", "service_operations"]


def service_operations() -> dict[str, frozenset[str]]:
    """The AWS operations each service's adapter calls, by service: the pool's clients are
    built knowing only these (see tui/lean_loader.py)."""
    from . import bedrock, personalize, sagemaker

    return {adapter.SERVICE: frozenset(adapter.OPERATIONS) for adapter in (bedrock, personalize, sagemaker)}


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
        from . import bedrock

        client = pool.slot(key.profile, key.region, bedrock.SERVICE, bedrock.prepare_client)
        return bedrock.BedrockSource(key, client, **sizes)
    if key.kind is JobKind.SAGEMAKER:
        from . import sagemaker

        client = pool.slot(key.profile, key.region, sagemaker.SERVICE, sagemaker.prepare_client)
        return sagemaker.SageMakerSource(key, client, **sizes)
    from . import personalize

    client = pool.slot(key.profile, key.region, personalize.SERVICE, personalize.prepare_client)
    return personalize.PersonalizeSource(key, client, page_size=page_size or personalize.MAX_PAGE_SIZE)
