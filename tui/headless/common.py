"""What the headless commands share: exit statuses, stderr sentences, settings read exactly as
the app reads them, the clients and sources they build, and the job an ARN names."""

from __future__ import annotations

import argparse
import os
import sys

from botocore.exceptions import ClientError, ProfileNotFound

from ..aws import AwsPool, ProfileSelectionError, is_glob, select_profiles
from ..config import FlagError, Settings, config_path, load_settings, merge_flags
from ..console_url import parse_arn
from ..errors import classify, known_profiles
from ..models import JobDetail, JobKind, Problem, ProblemKind, Source, SourceKey
from ..sanitize import clean
from ..sources import bedrock, make_source, sagemaker

EXIT_OK = 0
EXIT_FAILED = 1  # the job ended failed/stopped/expired/partial, or a source failed
EXIT_USAGE = 2  # a flag, the config path, an ARN or a profile on the command line is wrong
EXIT_NOT_FOUND = 3  # the job does not exist, or the service rejected the request as invalid
EXIT_ACCESS = 4  # no, expired or rejected credentials, or access denied
EXIT_TIMEOUT = 124
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141

_CREDENTIAL_KINDS = frozenset(
    {ProblemKind.SSO_EXPIRED, ProblemKind.NO_CREDENTIALS, ProblemKind.EXPIRED_TOKEN, ProblemKind.ACCESS_DENIED}
)

_RESOURCE_KINDS = {
    ("bedrock", "model-invocation-job"): JobKind.BEDROCK,
    ("personalize", "batch-inference-job"): JobKind.PERSONALIZE,
    ("personalize", "batch-segment-job"): JobKind.SEGMENT,
    ("sagemaker", "transform-job"): JobKind.SAGEMAKER,
}
_ARN_EXAMPLES = (
    "arn:aws:bedrock:REGION:ACCOUNT:model-invocation-job/ID or "
    "arn:aws:personalize:REGION:ACCOUNT:batch-inference-job/NAME or …:batch-segment-job/NAME or "
    "arn:aws:sagemaker:REGION:ACCOUNT:transform-job/NAME"
)


class UsageError(Exception):
    """A mistake on the command line: one line on stderr that names it, and exit status 2."""

    def report(self, command: str) -> int:
        print(f"batchtop {command}: error: {clean(str(self), 400)}", file=sys.stderr, flush=True)
        return EXIT_USAGE


def say(message: str) -> None:
    """One sentence on stderr, cleaned (it may quote what a service sent)."""
    print(f"batchtop: {clean(message)}", file=sys.stderr, flush=True)


def silence_stdout() -> None:
    """After the reader went away (`| head`), make the interpreter's final flush a no-op."""
    try:
        sys.stdout = open("/dev/null", "w")  # noqa: SIM115 - lives until exit
    except OSError:
        pass


def headless_settings(args: argparse.Namespace) -> Settings:
    """The config file and the flags, merged exactly as the app merges them.

    A broken file is reported on stderr and its bad parts default; a bad flag, an unknown
    profile or `--demo` is a UsageError. Flags that only steer the monitor (`--interval`, `--notify`, …)
    are not merged here: `wait` reads its own `--interval`.
    """
    if args.demo:  # without this, `batchtop --demo ls` would quietly list the real account
        raise UsageError(
            "--demo is for the monitor; to script against the emulator, run `batchtop emulate` "
            "and export the variables it prints"
        )
    settings, problems = load_settings(config_path(args.config))
    for problem in problems:
        say(f"warning: {problem}")
    flags = argparse.Namespace(profile=args.profile, region=args.region, source=args.source, timezone=args.timezone)
    try:
        settings = merge_flags(settings, flags)
    except FlagError as error:
        raise UsageError(str(error)) from None
    check_profiles(settings.profiles)
    return settings


def check_profiles(profiles: list[str]) -> None:
    """Refuse a profile the AWS config does not define (given, or the default chain's
    AWS_PROFILE), naming the ones it does."""
    known = known_profiles()
    chain = os.environ.get("AWS_PROFILE") or os.environ.get("AWS_DEFAULT_PROFILE")
    for profile in profiles or ([chain] if chain else []):
        if known is not None and profile not in known and not is_glob(profile):
            raise UsageError(classify(ProfileNotFound(profile=profile)).message)
    try:
        select_profiles(profiles, known)  # a glob that matches nothing
    except ProfileSelectionError as error:
        raise UsageError(str(error)) from None


def first_profile(settings: Settings) -> str | None:
    """The first profile the settings name (globs expanded), else the default chain."""
    return candidate_profiles(settings)[0]


def candidate_profiles(settings: Settings) -> list[str | None]:
    """The profiles `describe` and `wait` try, in order: the configured ones with their globs
    expanded (as the monitor and `ls` do), else the default chain."""
    try:
        return select_profiles(settings.profiles, known_profiles()) or [None]
    except ProfileSelectionError:  # check_profiles has already refused it
        return [None]


class NotVisible(Exception):
    """No profile tried could describe the job; `problem` and `cause` are the first one's."""

    def __init__(self, problem: Problem, cause: BaseException) -> None:
        super().__init__(problem.message)
        self.problem, self.cause = problem, cause


def sources_for_arn(pool: AwsPool, arn: str, settings: Settings) -> list[Source]:
    """A source for the job `arn` names per candidate profile; a UsageError if it names none."""
    return [source_for_arn(pool, arn, settings, profile) for profile in candidate_profiles(settings)]


async def describe_with_first(sources: list[Source], arn: str) -> tuple[Source, JobDetail]:
    """Describe `arn` with each source (one per profile) in turn until one can: a job is
    visible only to profiles of its account, and a read-only role may be denied what an admin
    role sees.

    A transient failure (throttled, offline) is raised as it is, for the caller to retry.
    When every profile fails for good: NotVisible, with the first profile's problem."""
    first: NotVisible | None = None
    for source in sources:
        try:
            return source, await source.describe(arn)
        except Exception as exc:
            problem = classify(exc, source.key.profile)
            if permanent_exit(problem, exc) is None:
                raise
            first = first or NotVisible(problem, exc)
    assert first is not None  # there is a source per candidate profile, and at least one
    raise first


def build_sources(pool: AwsPool, settings: Settings) -> list[Source]:
    """One source per (profile, region, kind) of the settings, asking for the biggest pages."""
    return pool.build_sources(
        settings.profiles,
        settings.regions,
        settings.kinds,
        first_page_size=bedrock.MAX_PAGE_SIZE,
        page_size=bedrock.MAX_PAGE_SIZE,
    )


def key_for_arn(arn: str, profile: str | None) -> SourceKey | None:
    """The (profile, region, kind) that holds the job named by `arn`; None if not a job ARN."""
    parts = parse_arn(arn.strip())
    if parts is None:
        return None
    kind = _RESOURCE_KINDS.get((parts.service, parts.resource.split("/", 1)[0]))
    if kind is None or "/" not in parts.resource:
        return None
    return SourceKey(profile, parts.region, kind)


def source_for_arn(pool: AwsPool, arn: str, settings: Settings, profile: str | None) -> Source:
    """The source of `profile` that can describe the job `arn` names; a UsageError if it names
    none.

    With `--source sagemaker` alone, `arn` may be a transform job's name (the API's own key),
    in the first of --region, else the profile's region."""
    key = key_for_arn(arn, profile)
    if key is None and settings.kinds == [JobKind.SAGEMAKER] and sagemaker.JOB_NAME.fullmatch(arn.strip()):
        region = settings.regions[0] if settings.regions else pool.default_region(profile)
        key = SourceKey(profile, region, JobKind.SAGEMAKER)
    if key is None:
        raise UsageError(
            f"not a batch job ARN: {clean(arn, 120)!r} (expected {_ARN_EXAMPLES}; "
            "or, with --source sagemaker, a transform job name)"
        )
    return make_source(pool, key)


def permanent_exit(problem: Problem, exc: BaseException) -> int | None:
    """The exit status for a failure that retrying cannot fix, or None for a transient one."""
    if isinstance(exc, ProfileNotFound):
        return EXIT_USAGE
    if problem.kind in _CREDENTIAL_KINDS:
        return EXIT_ACCESS
    if problem.kind is ProblemKind.NOT_FOUND or _rejected(problem, exc):
        return EXIT_NOT_FOUND
    return None


def _rejected(problem: Problem, exc: BaseException) -> bool:
    """A 4xx the service will answer the same way every time (ValidationException, …)."""
    if problem.kind is not ProblemKind.SERVICE or not isinstance(exc, ClientError):
        return False
    status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0
    return 400 <= status < 500


def failure_exit(problem: Problem, exc: BaseException) -> int:
    """The exit status of a command that stops at its first failure."""
    return permanent_exit(problem, exc) or EXIT_FAILED


def describe_key(key: SourceKey) -> str:
    """"Bedrock invocation · us-east-1 (profile prod)": which source a sentence is about."""
    profile = f" (profile {key.profile})" if key.profile else ""
    return f"{key.label}{profile}"
