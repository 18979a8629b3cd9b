"""Console URLs: the right page per kind and region, and nothing an ARN says can escape the URL."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from factories import make_job
from tui.console_url import ArnParts, console_url, dataset_group_name, parse_arn
from tui.models import Job, JobKind, Phase

BEDROCK_ARN = "arn:aws:bedrock:eu-west-1:123456789012:model-invocation-job/abcdefgh1234"
INFERENCE_ARN = "arn:aws:personalize:ap-southeast-2:123456789012:batch-inference-job/nightly-recs"
SEGMENT_ARN = "arn:aws:personalize:us-west-2:123456789012:batch-segment-job/cohorts"

SAFE_URL = re.compile(r"https://[a-z0-9.-]+/[a-z]+/home(\?region=[a-z0-9-]+)?#[A-Za-z0-9/_.~%?=:$-]+")
ALLOWED_HOSTS = re.compile(
    r"([a-z]{2}(-[a-z]+)+-\d+\.)?console\.aws\.amazon\.com|console\.amazonaws\.cn|console\.amazonaws-us-gov\.com"
)


def job_at(arn: str, kind: JobKind, source: str = "default/us-east-1/bedrock") -> Job:
    return make_job(arn=arn, name="n", kind=kind, source=source)


def test_bedrock_links_to_the_jobs_details_page_in_its_region():
    url = console_url(job_at(BEDROCK_ARN, JobKind.BEDROCK))
    assert url == (
        "https://eu-west-1.console.aws.amazon.com/bedrock/home?region=eu-west-1"
        "#/batch-inference/details?arn=arn%3Aaws%3Abedrock%3Aeu-west-1%3A123456789012"
        "%3Amodel-invocation-job%2Fabcdefgh1234"
    )
    fragment = urlsplit(url).fragment
    assert parse_qs(fragment.split("?", 1)[1]) == {"arn": [BEDROCK_ARN]}


def test_personalize_links_to_the_regions_dataset_groups():
    assert console_url(job_at(INFERENCE_ARN, JobKind.PERSONALIZE)) == (
        "https://ap-southeast-2.console.aws.amazon.com/personalize/home?region=ap-southeast-2#datasetGroups"
    )
    assert console_url(job_at(SEGMENT_ARN, JobKind.SEGMENT)).startswith(
        "https://us-west-2.console.aws.amazon.com/personalize/home?region=us-west-2#"
    )


GROUP = "arn:aws:personalize:ap-southeast-2:123456789012:dataset-group/retail-prod_2"
GROUP_PAGE = (
    "https://ap-southeast-2.console.aws.amazon.com/personalize/home?region=ap-southeast-2"
    "#arn:aws:personalize:ap-southeast-2:123456789012:dataset-group$retail-prod_2/setup"
)


def test_personalize_links_to_its_dataset_group_when_known():
    assert console_url(job_at(INFERENCE_ARN, JobKind.PERSONALIZE), GROUP) == GROUP_PAGE
    segment = job_at(SEGMENT_ARN.replace("us-west-2", "ap-southeast-2"), JobKind.SEGMENT)
    assert console_url(segment, GROUP) == GROUP_PAGE
    assert dataset_group_name(segment, GROUP) == "retail-prod_2"
    china = "arn:aws-cn:personalize:cn-north-1:123456789012:batch-inference-job/x"
    china_group = "arn:aws-cn:personalize:cn-north-1:123456789012:dataset-group/recs"
    assert console_url(job_at(china, JobKind.PERSONALIZE), china_group) == (
        "https://console.amazonaws.cn/personalize/home?region=cn-north-1"
        "#arn:aws-cn:personalize:cn-north-1:123456789012:dataset-group$recs/setup"
    )


def test_the_group_is_ignored_for_other_kinds():
    assert console_url(job_at(BEDROCK_ARN, JobKind.BEDROCK), GROUP) == console_url(job_at(BEDROCK_ARN, JobKind.BEDROCK))


@pytest.mark.parametrize(
    "group",
    [
        "",
        "retail-prod",
        GROUP.replace("ap-southeast-2", "us-east-1"),  # another region than the job's
        GROUP.replace("123456789012", "210987654321"),  # another account
        GROUP.replace("aws:", "aws-cn:", 1),  # another partition
        GROUP.replace(":personalize:", ":forecast:"),
        GROUP.replace("dataset-group/", "solution/"),
        GROUP + "/setup",
        GROUP.replace("retail-prod_2", "x" * 64),  # longer than a name may be
        GROUP.replace("retail-prod_2", "-leading-dash"),
        GROUP + "\x1b]8;;https://evil\x07",
        GROUP + "#x?region=evil&y",
        GROUP + "/../../home",
        GROUP + " @evil.com",
        GROUP.replace("retail-prod_2", "[bold red]x[/]"),
        GROUP.replace("retail-prod_2", "批处理"),
    ],
)
def test_a_group_that_is_not_the_jobs_own_well_formed_group_opens_the_regions_list(group):
    job = job_at(INFERENCE_ARN, JobKind.PERSONALIZE)
    assert dataset_group_name(job, group) is None
    assert console_url(job, group) == (
        "https://ap-southeast-2.console.aws.amazon.com/personalize/home?region=ap-southeast-2#datasetGroups"
    )


def test_other_partitions_use_their_console_host():
    gov = "arn:aws-us-gov:bedrock:us-gov-west-1:123456789012:model-invocation-job/abcdefgh1234"
    assert console_url(job_at(gov, JobKind.BEDROCK)).startswith(
        "https://console.amazonaws-us-gov.com/bedrock/home?region=us-gov-west-1#/batch-inference/details?arn="
    )
    china = "arn:aws-cn:personalize:cn-north-1:123456789012:batch-inference-job/x"
    assert console_url(job_at(china, JobKind.PERSONALIZE)) == (
        "https://console.amazonaws.cn/personalize/home?region=cn-north-1#datasetGroups"
    )


def test_a_malformed_arn_falls_back_to_the_list_page_of_the_sources_region():
    job = job_at("not-an-arn", JobKind.BEDROCK, source="team/a/eu-central-1/bedrock")
    assert console_url(job) == "https://eu-central-1.console.aws.amazon.com/bedrock/home?region=eu-central-1#/batch-inference"
    nowhere = job_at("arn:aws:bedrock:EVIL.example.com:1:x", JobKind.BEDROCK, source="p/not a region/bedrock")
    assert console_url(nowhere) == "https://console.aws.amazon.com/bedrock/home#/batch-inference"


def test_a_hostile_resource_is_only_ever_percent_encoded():
    arn = "arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/x\x1b]8;;https://evil\x07&region=x#y @evil.com"
    url = console_url(job_at(arn, JobKind.BEDROCK))
    assert SAFE_URL.fullmatch(url), url
    assert urlsplit(url).netloc == "us-east-1.console.aws.amazon.com"
    assert unquote(url.rsplit("arn=", 1)[1]) == arn


def test_parse_arn_gives_region_and_account():
    assert parse_arn(INFERENCE_ARN) == ArnParts(
        "aws", "personalize", "ap-southeast-2", "123456789012", "batch-inference-job/nightly-recs"
    )
    assert parse_arn("arn:aws:bedrock:us-east-1:12345:model-invocation-job/x") is None  # account not 12 digits
    assert parse_arn("arn:aws:bedrock:us-east-1\n:123456789012:x") is None


@given(
    arn=st.one_of(st.text(), st.builds(lambda tail: BEDROCK_ARN[:-12] + tail, st.text())),
    source=st.text(),
    kind=st.sampled_from(list(JobKind)),
    group=st.one_of(st.none(), st.text(), st.builds(lambda tail: GROUP[:-13] + tail, st.text())),
)
def test_any_arn_source_and_group_give_a_plain_ascii_console_url(arn, source, kind, group):
    url = console_url(job_at(arn, kind, source), group)
    assert SAFE_URL.fullmatch(url), url
    assert ALLOWED_HOSTS.fullmatch(urlsplit(url).netloc)
    assert "$" not in url or url.endswith(f"#{group.replace('/', '$')}/setup")


@given(name=st.from_regex(r"[a-zA-Z0-9][a-zA-Z0-9_-]{0,62}", fullmatch=True))
def test_every_legal_group_name_gives_its_page(name):
    job = job_at(INFERENCE_ARN, JobKind.PERSONALIZE)
    url = console_url(job, GROUP[:-13] + name)
    assert url == GROUP_PAGE.replace("retail-prod_2", name)
    assert SAFE_URL.fullmatch(url)
