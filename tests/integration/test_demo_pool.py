"""The demo's clients read nothing of the user's AWS setup, and the process environment is
left as it was (the demo used to rewrite os.environ for the whole process)."""

from __future__ import annotations

import os

from tui.aws import AwsPool
from tui.models import Filters, JobKind


async def test_the_demo_pool_ignores_the_users_profile_region_and_files(emulator, monkeypatch, tmp_path) -> None:
    config = tmp_path / "config"
    config.write_text("[default]\nregion = ap-south-1\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-such-file"))
    monkeypatch.setenv("AWS_PROFILE", "no-such-profile")  # a normal session raises ProfileNotFound
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    before = dict(os.environ)
    async with AwsPool.demo(emulator.endpoint_url) as pool:
        (source,) = pool.build_sources([], [], [JobKind.BEDROCK])
        page = await source.list_page(Filters())
    assert source.key.region == "us-east-1"
    assert len(page.jobs) > 0
    assert dict(os.environ) == before
