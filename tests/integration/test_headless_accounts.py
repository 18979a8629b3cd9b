"""`batchtop ls` over three profiles of two accounts on the emulator: every job once, in every
format, and the ACCOUNT column names each row's account (the live ls and --cached alike)."""

from __future__ import annotations

import asyncio
import csv
import io
import json

from accounts import THREE_PROFILES, write_profiles

from tui.__main__ import main
from tui.aws import AwsPool
from tui.cache import JobCache
from tui.models import Filters
from tui.emulator.accounts import account_of

ONE, TWO = account_of("AKIAACCOUNTONE"), account_of("AKIAACCOUNTTWO")
ARGS = ["ls", "--source", "bedrock", "--region", "us-east-1,eu-west-1"]


def ls(capsys, *argv: str) -> str:  # noqa: ANN001
    assert main([*ARGS, *argv]) == 0
    return capsys.readouterr().out


def test_ls_prints_a_job_two_profiles_see_once_in_every_format_with_its_account(aws_env, capsys):
    profiles = ",".join(write_profiles(THREE_PROFILES))
    rows = json.loads(ls(capsys, "--profile", profiles, "--format", "json"))
    arns = [row["arn"] for row in rows]
    assert len(arns) == len(set(arns)) > 0
    assert {row["account"] for row in rows} == {ONE, TWO}
    assert all(row["arn"].split(":")[4] == row["account"] for row in rows)
    alone = json.loads(ls(capsys, "--profile", "one-ro,two", "--format", "json"))
    assert sorted(row["arn"] for row in alone) == sorted(arns)  # the admin profile added no row

    lines = [json.loads(line) for line in ls(capsys, "--profile", profiles, "--format", "jsonl").splitlines()]
    assert [row["arn"] for row in lines] == arns
    table = list(csv.DictReader(io.StringIO(ls(capsys, "--profile", profiles, "--format", "csv"))))
    assert [(row["arn"], row["account"]) for row in table] == [(row["arn"], row["account"]) for row in rows]

    text = ls(capsys, "--profile", profiles).splitlines()
    assert text[0].split()[:5] == ["CREATED", "(UTC)", "KIND", "PROFILE", "ACCOUNT"]
    assert len(text) - 1 == len(arns)
    assert [line.split()[4] for line in text[1:]] == [row["account"] for row in rows]


def test_ls_of_one_account_has_no_account_column(aws_env, capsys):
    profiles = ",".join(write_profiles({"readonly": "AKIAACCOUNTONE", "admin": "AKIAACCOUNTONE"}))
    text = ls(capsys, "--profile", profiles).splitlines()
    assert "ACCOUNT" not in text[0] and "PROFILE" in text[0]
    arns = [line.split()[-1] for line in text[1:]]
    assert len(arns) == len(set(arns)) > 0


def test_ls_cached_prints_a_job_two_profiles_cached_once(aws_env, emulator, capsys):
    profiles = write_profiles(THREE_PROFILES)

    async def fill(cache: JobCache) -> None:
        """Each profile's first page, as the monitor keeps it."""
        async with AwsPool(emulator.endpoint_url) as pool:
            for source in pool.build_sources(profiles, ["us-east-1"], ["bedrock"]):
                cache.save(source.key.id, (await source.list_page(Filters())).jobs)

    cache = JobCache()
    asyncio.run(fill(cache))
    cache.close()
    rows = json.loads(ls(capsys, "--cached", "--profile", ",".join(profiles), "--format", "json"))
    arns = [row["arn"] for row in rows]
    assert len(arns) == len(set(arns)) > 0
    assert {row["account"] for row in rows} == {ONE, TWO}
    text = ls(capsys, "--cached", "--profile", ",".join(profiles)).splitlines()
    assert "ACCOUNT" in text[0] and len(text) - 1 == len(arns)


def test_describe_and_wait_find_the_profile_that_sees_the_job(aws_env, capsys):
    write_profiles(THREE_PROFILES)
    rows = json.loads(ls(capsys, "--profile", "two", "--format", "json"))
    job = next(row for row in rows if row["phase"] in ("succeeded", "failed", "stopped", "expired", "partial"))
    # the first profile's account cannot see account two's job: the next profile can
    assert main(["describe", job["arn"], "--profile", "one-ro,two", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["jobArn"] == job["arn"]
    assert main(["describe", job["arn"], "--profile", "one-*,t*", "--format", "json"]) == 0  # globs too
    capsys.readouterr()
    assert main(["wait", job["arn"], "--profile", "one-ro,two", "--timeout", "60"]) in (0, 1)
    assert capsys.readouterr().out.strip() == job["status"]
    # no profile sees it: the first profile's answer (not found), exit 3
    assert main(["describe", job["arn"], "--profile", "one-ro,one-admin"]) == 3
    assert "Traceback" not in capsys.readouterr().err
