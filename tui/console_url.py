"""The AWS console page for a job, built only from validated parts of its ARN.

ARNs come from the service (or a hostile endpoint): the region and partition are used
only when they look like a region and a partition, and an ARN only ever appears
percent-encoded (a Personalize dataset group's only once it is a well-formed ARN of the job's
account and region, keeping the `:` and `$` its console route spells), so the URL is plain
ASCII that cannot carry an escape sequence, a second query parameter or a different host.
The UI may put it in an OSC 8 hyperlink as is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

from .models import Job, JobKind, split_source_id

_ARN = re.compile(
    r"arn:(?P<partition>aws(?:-[a-z]+)*):(?P<service>[a-z0-9-]+):"
    r"(?P<region>[a-z]{2}(?:-[a-z]+)+-\d+):(?P<account>\d{12}):(?P<resource>.+)",
    re.DOTALL,
)
_REGION = re.compile(r"[a-z]{2}(?:-[a-z]+)+-\d+")
_TRANSFORM_JOB_NAME = re.compile(r"[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}")
_PERSONALIZE_NAME = re.compile(r"[a-zA-Z0-9][a-zA-Z0-9_-]{0,62}")  # the API's Name: 1-63 characters

# Console hosts outside the commercial partition have no per-region subdomain.
_CONSOLE_HOSTS = {"aws-cn": "console.amazonaws.cn", "aws-us-gov": "console.amazonaws-us-gov.com"}


@dataclass(frozen=True, slots=True)
class ArnParts:
    """The fields of a well-formed ARN (`arn:partition:service:region:account:resource`)."""

    partition: str
    service: str
    region: str
    account: str
    resource: str


def parse_arn(arn: str) -> ArnParts | None:
    """Split a regional ARN into its parts; None when it is not one (malformed or hostile)."""
    found = _ARN.fullmatch(arn)
    return ArnParts(**found.groupdict()) if found else None


def console_url(job: Job, dataset_group_arn: str | None = None) -> str:
    """The console page that shows `job`, or its closest list page.

    Bedrock, SageMaker: the job's own details page. Personalize: its batch job pages sit under
    its dataset group, which the job's ARN does not name. Given the group's ARN (the job's
    solution version names it), the group's page, which lists its batch jobs; else the
    region's dataset groups. No public source shows the route of a batch job's own page; the
    group's is the one AWS's own solution links to (aws-solutions/maintaining-personalized-
    experiences-with-machine-learning, source/aws_lambda/sns_notification/handler.py):
    `#<the group's ARN, its "/" written "$">/setup`.
    """
    parts = parse_arn(job.arn)
    region = parts.region if parts else _region_of_source(job.source)
    partition = parts.partition if parts else "aws"
    if job.kind is JobKind.BEDROCK:
        home = _home(partition, region, "bedrock")
        if parts and parts.service == "bedrock" and parts.resource.startswith("model-invocation-job/"):
            return f"{home}#/batch-inference/details?arn={quote(job.arn, safe='')}"
        return f"{home}#/batch-inference"
    if job.kind is JobKind.SAGEMAKER:
        home = _home(partition, region, "sagemaker")
        if parts and parts.service == "sagemaker" and parts.resource.startswith("transform-job/"):
            # the page is named by the job's name; the ARN spells it in lower case
            name = job.name if _TRANSFORM_JOB_NAME.fullmatch(job.name) else parts.resource.split("/", 1)[1]
            return f"{home}#/transform-jobs/{quote(name, safe='')}"
        return f"{home}#/transform-jobs"
    home = _home(partition, region, "personalize")
    if dataset_group_arn is not None and dataset_group_name(job, dataset_group_arn) is not None:
        return f"{home}#{quote(dataset_group_arn.replace('/', '$'), safe=':$')}/setup"
    return f"{home}#datasetGroups"


def dataset_group_name(job: Job, dataset_group_arn: str) -> str | None:
    """The name in `dataset_group_arn` when it is a well-formed dataset group ARN of the job's
    own partition, region and account, its name as the API allows names; else None (the
    console link then opens the region's dataset groups)."""
    own, group = parse_arn(job.arn), parse_arn(dataset_group_arn)
    if own is None or group is None or group.service != "personalize":
        return None
    if (group.partition, group.region, group.account) != (own.partition, own.region, own.account):
        return None
    kind, _, name = group.resource.partition("/")
    return name if kind == "dataset-group" and _PERSONALIZE_NAME.fullmatch(name) else None


def _home(partition: str, region: str | None, service: str) -> str:
    if region is None:  # the console opens in the user's last region
        return f"https://console.aws.amazon.com/{service}/home"
    host = _CONSOLE_HOSTS.get(partition, f"{region}.console.aws.amazon.com")
    return f"https://{host}/{service}/home?region={region}"


def _region_of_source(source: str) -> str | None:
    """The region in a source id `profile/region/kind`, when it looks like one."""
    parts = split_source_id(source)
    if parts is not None and _REGION.fullmatch(parts[1]):
        return parts[1]
    return None
