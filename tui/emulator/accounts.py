"""Which account a caller is: a stable 12-digit number derived from its access key id.

The emulator serves many accounts, like AWS: each access key id is an account of its own,
except the demo's key, which keeps the home account (123456789012). Every account has jobs
of its own (see `World.for_account`). Worlds write the home account into their ARNs; the
server moves what it sends into the caller's account and what it receives back out of it.
"""

from __future__ import annotations

import hashlib
from typing import Any

from .catalog import ACCOUNT

DEMO_ACCESS_KEY = "batchtop-demo"
_NO_ACCOUNT = "000000000000"  # what another account's ARN becomes: found nowhere


def account_of(access_key_id: str) -> str:
    """The account of `access_key_id`: the home account for the demo's key."""
    if access_key_id == DEMO_ACCESS_KEY:
        return ACCOUNT
    digest = hashlib.sha256(access_key_id.encode("utf-8", "replace")).digest()
    return f"{int.from_bytes(digest[:8], 'big') % 10**12:012d}"


def into_home(value: Any, account: str) -> Any:
    """Request parameters of `account`, as the world reads them: its ARNs name the home
    account, and the home account's own ARNs name no account (they are not the caller's)."""
    return _rewrite(value, ((f":{ACCOUNT}:", f":{_NO_ACCOUNT}:"), (f":{account}:", f":{ACCOUNT}:")))


def out_of_home(value: Any, account: str) -> Any:
    """A response of the world, as `account` sees it: every ARN in that account."""
    return _rewrite(value, ((f":{ACCOUNT}:", f":{account}:"),))


def _rewrite(value: Any, swaps: tuple[tuple[str, str], ...]) -> Any:
    if isinstance(value, str):
        for old, new in swaps:
            value = value.replace(old, new)
        return value
    if isinstance(value, dict):
        return {key: _rewrite(item, swaps) for key, item in value.items()}
    if isinstance(value, list):
        return [_rewrite(item, swaps) for item in value]
    return value
