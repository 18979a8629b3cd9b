"""Profiles in the test AWS config, each with its own access key: on the emulator, each
access key is an account (`tui.emulator.accounts.account_of`)."""

from __future__ import annotations

import os

THREE_PROFILES = {"one-ro": "AKIAACCOUNTONE", "one-admin": "AKIAACCOUNTONE", "two": "AKIAACCOUNTTWO"}
"""Three profiles of two accounts: a read-only and an admin role of one, and another account."""


def write_profiles(keys: dict[str, str], region: str = "us-east-1") -> list[str]:
    """Add `keys` (profile name → access key id) to the AWS config of `aws_env`; their names."""
    with open(os.environ["AWS_CONFIG_FILE"], "a") as config:
        for name, key in keys.items():
            config.write(f"[profile {name}]\nregion = {region}\naws_access_key_id = {key}\naws_secret_access_key = x\n\n")
    return list(keys)
