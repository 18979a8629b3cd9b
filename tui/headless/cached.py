"""`batchtop ls --cached`: the jobs the local cache holds, without a single network call (a
script on a host whose credentials have expired still gets the last known state).

The cached sources are picked by the same flags and config as a live `ls` (kinds, profiles,
regions), read from each source id: nothing asks AWS, not even which region a profile uses.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable

from ..cache import JobCache, cache_path
from ..config import Settings
from ..feed import created_key
from ..models import Filters, Job, JobKind, SourceKey, split_source_id
from ..output import arn_account
from ..sources.filtering import job_matches
from .common import EXIT_FAILED, EXIT_OK, say


def list_cached(
    settings: Settings,
    filters: Filters,
    limit: int | None,
    write: Callable[[SourceKey, Job], None],
    accounts: Callable[[set[str]], None] = lambda _accounts: None,
) -> int:
    """Write the cached jobs of the configured sources, newest first, each job once (two
    profiles of one account cache the same jobs); 1 when there is no usable cache.
    `accounts` hears the accounts the rows come from before the first row."""
    path = cache_path()
    if not path.exists():
        say(f"no job cache yet at {path}: run batchtop once to fill it")
        return EXIT_FAILED
    cache = JobCache(path, on_problem=say)
    try:
        if not cache.enabled:
            return EXIT_FAILED
        keys = [key for key in map(_key_of, cache.sources()) if key is not None and _wanted(key, settings)]
        listings = [[(key, job) for job in cache.load(key.id).jobs if job_matches(job, filters)] for key in keys]
    finally:
        cache.close()
    accounts({account for listing in listings if listing and (account := arn_account(listing[0][1].arn))})
    order = created_key(newest_first=True)
    shown: set[str] = set()
    for key, job in heapq.merge(*listings, key=lambda row: order(row[1])):
        if limit is not None and len(shown) >= limit:
            break
        if job.arn not in shown:
            shown.add(job.arn)
            write(key, job)
    return EXIT_OK


_KINDS = {kind.value: kind for kind in JobKind}


def _key_of(source: str) -> SourceKey | None:
    parts = split_source_id(source)
    if parts is None or parts[2] not in _KINDS:
        return None
    profile, region, kind = parts
    return SourceKey(None if profile == "default" else profile, region, _KINDS[kind])


def _wanted(key: SourceKey, settings: Settings) -> bool:
    if key.kind not in settings.kinds:
        return False
    if settings.profiles and (key.profile or "default") not in settings.profiles:
        return False
    return not settings.regions or key.region in settings.regions
