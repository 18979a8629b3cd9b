"""One emulated job: a light stored record, and everything else derived from it on demand.

A world holds up to hundreds of thousands of jobs, so each stored job keeps only what
cannot be recomputed: its id, name, creation time and status path (and, for jobs that
live through the emulated time, when each status starts). Models, S3 URIs, record totals
and messages come from a `random.Random` seeded by the job id whenever a response is
built, so the same job always says the same thing.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from bisect import bisect_right
from dataclasses import dataclass

from ..models import JobKind
from . import catalog

# Bedrock statuses
SUBMITTED, VALIDATING, SCHEDULED, IN_PROGRESS = "Submitted", "Validating", "Scheduled", "InProgress"
STOPPING, STOPPED, COMPLETED, PARTIAL = "Stopping", "Stopped", "Completed", "PartiallyCompleted"
FAILED, EXPIRED = "Failed", "Expired"
BEDROCK_STATUSES = (
    SUBMITTED, IN_PROGRESS, COMPLETED, FAILED, STOPPING, STOPPED, PARTIAL, EXPIRED, VALIDATING, SCHEDULED,
)
BEDROCK_TERMINAL = frozenset({STOPPED, COMPLETED, PARTIAL, FAILED, EXPIRED})
BEDROCK_STOPPABLE = frozenset({SUBMITTED, VALIDATING, SCHEDULED, IN_PROGRESS})

# Personalize statuses (a free string in the API; these are the ones the service uses)
PENDING, P_IN_PROGRESS, ACTIVE, CREATE_FAILED = "PENDING", "IN PROGRESS", "ACTIVE", "CREATE FAILED"
CREATE_PENDING, CREATE_IN_PROGRESS = "CREATE PENDING", "CREATE IN_PROGRESS"

STOP_SECONDS = 6.0  # emulated seconds a job spends in Stopping

# Status paths, shared tuples so 100k jobs cost one pointer each.
B_DONE = (SUBMITTED, VALIDATING, SCHEDULED, IN_PROGRESS, COMPLETED)
B_PARTIAL = (SUBMITTED, VALIDATING, SCHEDULED, IN_PROGRESS, PARTIAL)
B_FAILED_RUN = (SUBMITTED, VALIDATING, SCHEDULED, IN_PROGRESS, FAILED)
B_FAILED_VALIDATION = (SUBMITTED, VALIDATING, FAILED)
B_EXPIRED = (SUBMITTED, VALIDATING, SCHEDULED, EXPIRED)
B_STOPPED = (SUBMITTED, VALIDATING, SCHEDULED, IN_PROGRESS, STOPPING, STOPPED)
P_DONE = (PENDING, P_IN_PROGRESS, ACTIVE)
P_DONE_OLD = (CREATE_PENDING, CREATE_IN_PROGRESS, ACTIVE)
P_FAILED_RUN = (PENDING, P_IN_PROGRESS, CREATE_FAILED)
P_FAILED_EARLY = (PENDING, CREATE_FAILED)
S_DONE = (IN_PROGRESS, COMPLETED)
S_FAILED = (IN_PROGRESS, FAILED)
S_STOPPED = (IN_PROGRESS, STOPPING, STOPPED)

# (cumulative weight, path): how finished jobs ended, and how live ones will.
BEDROCK_FINISHED_MIX = ((0.76, B_DONE), (0.85, B_PARTIAL), (0.89, B_FAILED_VALIDATION), (0.92, B_FAILED_RUN),
                        (0.97, B_STOPPED), (1.0, B_EXPIRED))
BEDROCK_LIVE_MIX = ((0.84, B_DONE), (0.92, B_PARTIAL), (0.95, B_FAILED_VALIDATION), (0.98, B_FAILED_RUN),
                    (1.0, B_EXPIRED))
PERSONALIZE_MIX = ((0.84, P_DONE), (0.90, P_DONE_OLD), (0.96, P_FAILED_RUN), (1.0, P_FAILED_EARLY))
SAGEMAKER_FINISHED_MIX = ((0.82, S_DONE), (0.94, S_FAILED), (1.0, S_STOPPED))
SAGEMAKER_LIVE_MIX = ((0.88, S_DONE), (1.0, S_FAILED))
SAGEMAKER_TERMINAL = frozenset({COMPLETED, FAILED, STOPPED})

SAFE_NAME = re.compile(r"[a-zA-Z0-9][a-zA-Z0-9\-_]{0,62}")
# The API's TransformJobName, `[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}` within 1-63 characters, spelled so
# that it matches in a fraction of the time (100,000 names are checked when a world starts).
TRANSFORM_NAME = re.compile(r"[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?")


def pick(mix: tuple[tuple[float, tuple[str, ...]], ...], roll: float) -> tuple[str, ...]:
    for threshold, path in mix:
        if roll < threshold:
            return path
    return mix[-1][1]


class EmuJob:
    """A stored job. `times` holds when each status of `path` starts; None means the job
    finished before the world started (its timeline is derived on demand)."""

    __slots__ = ("jid", "name", "created", "path", "times", "extra", "frozen")

    def __init__(self, jid: str, name: str, created: float, path: tuple[str, ...],
                 times: tuple[float, ...] | None = None) -> None:
        self.jid = jid
        self.name = name
        self.created = created
        self.path = path
        self.times = times
        self.extra: dict | None = None  # wire fields set by submit()/set_status()
        # record counts fixed by stop/set_status; () means "none reported"
        self.frozen: tuple[int, ...] | None = None

    def status_at(self, t: float) -> str:
        if self.times is None:
            return self.path[-1]
        return self.path[max(bisect_right(self.times, t) - 1, 0)]


def sort_key(job: EmuJob) -> tuple[float, str]:
    return (job.created, job.jid)


def created_of(job: EmuJob) -> float:
    return job.created


def to_millis(ts: float) -> float:
    """Creation times are kept to the millisecond, the precision both APIs send, so a
    timestamp a client read back compares equal to the stored one."""
    return round(ts * 1000) / 1000


def iso(ts: float) -> str:
    """ISO 8601 UTC with milliseconds, as Bedrock sends it."""
    return dt.datetime.fromtimestamp(ts, dt.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def epoch(ts: float) -> float:
    """Epoch seconds with milliseconds, as Personalize sends it."""
    return round(ts, 3)


def arn_of(kind: JobKind, region: str, job: EmuJob) -> str:
    if kind is JobKind.BEDROCK:
        return f"arn:aws:bedrock:{region}:{catalog.ACCOUNT}:model-invocation-job/{job.jid}"
    if kind is JobKind.SAGEMAKER:
        return f"arn:aws:sagemaker:{region}:{catalog.ACCOUNT}:transform-job/{transform_slug(job)}"
    resource = "batch-inference-job" if kind is JobKind.PERSONALIZE else "batch-segment-job"
    return f"arn:aws:personalize:{region}:{catalog.ACCOUNT}:{resource}/{slug_of(job)}"


def slug_of(job: EmuJob) -> str:
    """The ARN suffix of a Personalize job: its name when that is a legal name, else its id."""
    return job.name if SAFE_NAME.fullmatch(job.name) else f"job-{job.jid}"


def transform_slug(job: EmuJob) -> str:
    """The ARN suffix of a transform job: its name in lower case, as SageMaker writes ARNs
    (names are unique regardless of case), or its id when the name is not a legal name."""
    return job.name.lower() if TRANSFORM_NAME.fullmatch(job.name) else f"job-{job.jid}"


def _hostile_text(rng: random.Random) -> str:
    if rng.random() < 0.25:
        return catalog.hostile_long(rng.randrange(1 << 16))
    return " ".join(rng.sample(catalog.HOSTILE, 2))


def hostile_name(rng: random.Random, seq: int) -> str:
    """A job name that tries to break a terminal (hostile worlds only)."""
    return f"{_hostile_text(rng)}-{seq}"


# ---------------------------------------------------------------- Bedrock


@dataclass(slots=True)
class BedrockSpec:
    """What a Bedrock job was submitted with, and how long each stage takes (emulated seconds)."""

    model_id: str
    invocation_type: str
    role_arn: str
    input_uri: str
    output_uri: str
    kms_key: str | None
    vpc: dict | None
    timeout_hours: int
    client_token: str | None
    total: int
    stage_seconds: dict[str, float]
    error_fraction: float
    fail_point: float
    message_roll: int
    hostile_message: str | None


def bedrock_spec(job: EmuJob, region: str, hostile: bool) -> BedrockSpec:
    rng = random.Random(job.jid)
    model = rng.choice(catalog.BEDROCK_MODELS).format(region=region)
    bucket = rng.choice(catalog.BUCKETS).format(region=region)
    folder = job.name if SAFE_NAME.fullmatch(job.name) else job.jid
    total = int(10 ** rng.uniform(2.0, 4.7))
    throughput = rng.uniform(0.5, 6.0)  # records per second: batch inference is slow
    stages = {
        SUBMITTED: rng.uniform(5, 45),
        VALIDATING: rng.uniform(20, 240),
        SCHEDULED: rng.uniform(30, 900),
        IN_PROGRESS: total / throughput,
        STOPPING: STOP_SECONDS,
    }
    timeout = rng.choice((24, 24, 24, 48, 72, 168))
    return BedrockSpec(
        model_id=model,
        invocation_type="Converse" if rng.random() < 0.3 else "InvokeModel",
        role_arn=f"arn:aws:iam::{catalog.ACCOUNT}:role/{rng.choice(catalog.BEDROCK_ROLES)}",
        input_uri=f"s3://{bucket}/bedrock/input/{folder}/records.jsonl",
        output_uri=f"s3://{bucket}/bedrock/output/{folder}/",
        kms_key=(f"arn:aws:kms:{region}:{catalog.ACCOUNT}:key/{rng.getrandbits(128):032x}"
                 if rng.random() < 0.15 else None),
        vpc=({"subnetIds": [f"subnet-0{rng.getrandbits(64):016x}"[:24] for _ in range(2)],
              "securityGroupIds": [f"sg-0{rng.getrandbits(64):016x}"[:20]]}
             if rng.random() < 0.1 else None),
        timeout_hours=timeout,
        client_token=f"{rng.getrandbits(128):032x}" if rng.random() < 0.6 else None,
        total=total,
        stage_seconds=stages,
        error_fraction=rng.uniform(0.01, 0.3),
        fail_point=rng.uniform(0.05, 0.9),
        message_roll=rng.randrange(1 << 16),
        hostile_message=_hostile_text(rng) if hostile and rng.random() < 0.6 else None,
    )


def stage_durations(path: tuple[str, ...], spec_seconds: dict[str, float], timeout_hours: int,
                    fail_point: float) -> list[float]:
    """Emulated seconds spent in each non-final status of `path`."""
    out = []
    for status in path[:-1]:
        seconds = spec_seconds[status]
        if status == SCHEDULED and path[-1] == EXPIRED:
            seconds = timeout_hours * 3600.0
        elif status in (IN_PROGRESS, P_IN_PROGRESS, CREATE_IN_PROGRESS) and path[-1] in (FAILED, STOPPED, CREATE_FAILED):
            seconds *= fail_point
        out.append(seconds)
    return out


def finished_timeline(job: EmuJob, durations: list[float], world_start: float) -> tuple[float, ...]:
    """Status start times of a job that finished before the world started (squeezed to fit)."""
    total = sum(durations)
    room = world_start - 1.0 - job.created
    scale = min(1.0, room / total) if total > 0 and room > 0 else (1.0 if room > 0 else 0.0)
    times, t = [job.created], job.created
    for seconds in durations:
        t += seconds * scale
        times.append(t)
    return tuple(times)


def live_timeline(created: float, durations: list[float], now: float, rate: float,
                  progress: float) -> tuple[float, ...]:
    """Status start times of a job live at `now`: the part before `now` at 1x, the rest at `rate`x.

    A job that would have finished by `now` waited longer before its last stage (queues are
    like that) and is `progress` (0..1) of the way through that stage now.
    """
    durations = list(durations)
    age = now - created
    if sum(durations) <= age:
        last = durations[-1]
        slack = age - sum(durations[:-1]) - progress * last
        if len(durations) > 1:
            durations[-2] += slack
        else:
            durations[-1] = age + (1.0 - progress) * last
    times, offset = [created], 0.0
    for seconds in durations:
        offset += seconds
        times.append(created + offset if offset <= age else now + (offset - age) / rate)
    return tuple(times)


def bedrock_counts(job: EmuJob, spec: BedrockSpec, status: str, times: tuple[float, ...],
                   t: float) -> tuple[int, int, int, int] | None:
    """(total, processed, success, error) at time t; None before validation counted the records."""
    if job.frozen is not None:
        return job.frozen or None
    if status in (SUBMITTED, VALIDATING) or job.path == B_FAILED_VALIDATION:
        return None
    total = spec.total
    if status == SCHEDULED or IN_PROGRESS not in job.path:
        return (total, 0, 0, 0)
    final = job.path[-1]
    reach = total if final in (COMPLETED, PARTIAL) else int(total * spec.fail_point)
    errors_share = 0.0 if final == COMPLETED else spec.error_fraction
    if status == IN_PROGRESS:
        i = job.path.index(IN_PROGRESS)
        start, end = times[i], times[i + 1]
        fraction = 0.0 if end <= start else max(0.0, min(1.0, (t - start) / (end - start)))
        processed = int(reach * fraction)
    else:
        processed = reach
    errors = int(processed * errors_share)
    if final == PARTIAL and status == PARTIAL:
        errors = max(errors, 1)
    return (total, processed, processed - errors, errors)


def bedrock_message(job: EmuJob, spec: BedrockSpec, status: str, counts) -> str | None:
    if spec.hostile_message is not None:
        return spec.hostile_message
    fill = {"input": spec.input_uri, "output": spec.output_uri, "model": spec.model_id, "hours": spec.timeout_hours}
    if status == FAILED:
        if IN_PROGRESS in job.path:
            return catalog.BEDROCK_RUN_FAILURE.format(**fill)
        failures = catalog.BEDROCK_VALIDATION_FAILURES
        return failures[spec.message_roll % len(failures)].format(**fill)
    if status == PARTIAL and counts:
        return catalog.BEDROCK_PARTIAL.format(errors=f"{counts[3]:,}", total=f"{counts[0]:,}", **fill)
    if status == EXPIRED:
        return catalog.BEDROCK_EXPIRED.format(**fill)
    if status in (STOPPING, STOPPED):
        return catalog.BEDROCK_STOPPED
    return None


def bedrock_timeline(job: EmuJob, spec: BedrockSpec, world_start: float) -> tuple[float, ...]:
    if job.times is not None:
        return job.times
    durations = stage_durations(job.path, spec.stage_seconds, spec.timeout_hours, spec.fail_point)
    return finished_timeline(job, durations, world_start)


def bedrock_wire(job: EmuJob, region: str, t: float, world_start: float, hostile: bool) -> dict:
    """The job as GetModelInvocationJob (and each list summary) returns it, in model order."""
    spec = bedrock_spec(job, region, hostile)
    times = bedrock_timeline(job, spec, world_start)
    index = max(bisect_right(times, t) - 1, 0) if job.times is not None else len(times) - 1
    status = job.path[index]
    counts = bedrock_counts(job, spec, status, times, t)
    wire: dict = {
        "jobArn": arn_of(JobKind.BEDROCK, region, job),
        "jobName": job.name,
        "modelId": spec.model_id,
    }
    if spec.client_token:
        wire["clientRequestToken"] = spec.client_token
    wire["roleArn"] = spec.role_arn
    wire["status"] = status
    message = bedrock_message(job, spec, status, counts)
    if message is not None:
        wire["message"] = message
    wire["submitTime"] = iso(job.created)
    wire["lastModifiedTime"] = iso(times[index])
    if status in BEDROCK_TERMINAL:
        wire["endTime"] = iso(times[index])
    wire["inputDataConfig"] = {"s3InputDataConfig": {"s3InputFormat": "JSONL", "s3Uri": spec.input_uri}}
    output: dict = {"s3Uri": spec.output_uri}
    if spec.kms_key:
        output["s3EncryptionKeyId"] = spec.kms_key
    wire["outputDataConfig"] = {"s3OutputDataConfig": output}
    if spec.vpc:
        wire["vpcConfig"] = spec.vpc
    wire["timeoutDurationInHours"] = spec.timeout_hours
    if status not in (SUBMITTED, VALIDATING) and SCHEDULED in job.path:
        wire["jobExpirationTime"] = iso(job.created + spec.timeout_hours * 3600.0)
    wire["modelInvocationType"] = spec.invocation_type
    if counts is not None:
        wire["totalRecordCount"], wire["processedRecordCount"] = counts[0], counts[1]
        wire["successRecordCount"], wire["errorRecordCount"] = counts[2], counts[3]
    if job.extra:
        wire.update(job.extra)
    return wire


# ---------------------------------------------------------------- Personalize


@dataclass(slots=True)
class PersonalizeSpec:
    solution_version: str
    filter_arn: str | None
    num_results: int
    input_path: str
    output_path: str
    kms_key: str | None
    role_arn: str
    mode: str
    exploration: dict | None
    ranking_influence: dict | None
    stage_seconds: dict[str, float]
    fail_point: float
    failure_reason: str


def personalize_spec(job: EmuJob, kind: JobKind, region: str, solution_versions: tuple[str, ...],
                     hostile: bool) -> PersonalizeSpec:
    rng = random.Random(job.jid)
    bucket = rng.choice(catalog.BUCKETS).format(region=region)
    folder = slug_of(job)
    area = "batch-inference" if kind is JobKind.PERSONALIZE else "batch-segment"
    solution = rng.choice(solution_versions)
    inference = kind is JobKind.PERSONALIZE
    mode = "THEME_GENERATION" if inference and rng.random() < 0.1 else "BATCH_INFERENCE"
    explores = inference and "user-personalization" in solution and rng.random() < 0.7
    input_path = f"s3://{bucket}/personalize/{area}/{folder}/input.json"
    reason = rng.choice(catalog.PERSONALIZE_FAILURES).format(input=input_path, solution=solution)
    if hostile and rng.random() < 0.6:
        reason = _hostile_text(rng)
    pending = rng.uniform(30, 300)
    running = rng.uniform(300, 7200)
    return PersonalizeSpec(
        solution_version=solution,
        filter_arn=(f"arn:aws:personalize:{region}:{catalog.ACCOUNT}:filter/{rng.choice(('exclude-purchased', 'in-stock-only', 'kids-safe'))}"
                    if rng.random() < 0.3 else None),
        num_results=rng.choice((10, 25, 25, 50, 100)) if inference else rng.choice((100, 1000, 5000)),
        input_path=input_path,
        output_path=f"s3://{bucket}/personalize/{area}/{folder}/output/",
        kms_key=(f"arn:aws:kms:{region}:{catalog.ACCOUNT}:key/{rng.getrandbits(128):032x}"
                 if rng.random() < 0.15 else None),
        role_arn=f"arn:aws:iam::{catalog.ACCOUNT}:role/{rng.choice(catalog.PERSONALIZE_ROLES)}",
        mode=mode,
        exploration=({"explorationWeight": f"{rng.choice((0.1, 0.3, 0.5)):.1f}", "explorationItemAgeCutOff": str(rng.choice((7, 30, 90)))}
                     if explores else None),
        ranking_influence=({"FRESHNESS": round(rng.uniform(0, 1), 2)} if inference and rng.random() < 0.15 else None),
        stage_seconds={PENDING: pending, CREATE_PENDING: pending, P_IN_PROGRESS: running, CREATE_IN_PROGRESS: running},
        fail_point=rng.uniform(0.05, 0.9),
        failure_reason=reason,
    )


def personalize_timeline(job: EmuJob, spec: PersonalizeSpec, world_start: float) -> tuple[float, ...]:
    if job.times is not None:
        return job.times
    durations = stage_durations(job.path, spec.stage_seconds, 0, spec.fail_point)
    return finished_timeline(job, durations, world_start)


def personalize_wire(job: EmuJob, kind: JobKind, region: str, t: float, world_start: float,
                     solution_versions: tuple[str, ...], hostile: bool) -> dict:
    """The job as DescribeBatchInferenceJob / DescribeBatchSegmentJob returns it, in model order."""
    spec = personalize_spec(job, kind, region, solution_versions, hostile)
    times = personalize_timeline(job, spec, world_start)
    index = max(bisect_right(times, t) - 1, 0) if job.times is not None else len(times) - 1
    status = job.path[index]
    arn_field = "batchInferenceJobArn" if kind is JobKind.PERSONALIZE else "batchSegmentJobArn"
    wire: dict = {"jobName": job.name, arn_field: arn_of(kind, region, job)}
    if spec.filter_arn:
        wire["filterArn"] = spec.filter_arn
    if status == CREATE_FAILED:
        wire["failureReason"] = spec.failure_reason
    wire["solutionVersionArn"] = spec.solution_version
    wire["numResults"] = spec.num_results
    source: dict = {"path": spec.input_path}
    destination: dict = {"path": spec.output_path}
    if spec.kms_key:
        source["kmsKeyArn"] = destination["kmsKeyArn"] = spec.kms_key
    wire["jobInput"] = {"s3DataSource": source}
    wire["jobOutput"] = {"s3DataDestination": destination}
    if kind is JobKind.PERSONALIZE:
        config: dict = {}
        if spec.exploration:
            config["itemExplorationConfig"] = spec.exploration
        if spec.ranking_influence:
            config["rankingInfluence"] = spec.ranking_influence
        if config:
            wire["batchInferenceJobConfig"] = config
    wire["roleArn"] = spec.role_arn
    if kind is JobKind.PERSONALIZE:
        wire["batchInferenceJobMode"] = spec.mode
        if spec.mode == "THEME_GENERATION":
            wire["themeGenerationConfig"] = {"fieldsForThemeGeneration": {"itemName": "TITLE"}}
    wire["status"] = status
    wire["creationDateTime"] = epoch(job.created)
    wire["lastUpdatedDateTime"] = epoch(times[index])
    if job.extra:
        wire.update(job.extra)
    return wire


PERSONALIZE_SUMMARY_FIELDS = {
    JobKind.PERSONALIZE: ("batchInferenceJobArn", "jobName", "status", "creationDateTime", "lastUpdatedDateTime",
                          "failureReason", "solutionVersionArn", "batchInferenceJobMode"),
    JobKind.SEGMENT: ("batchSegmentJobArn", "jobName", "status", "creationDateTime", "lastUpdatedDateTime",
                      "failureReason", "solutionVersionArn"),
}


def personalize_summary(full: dict, kind: JobKind) -> dict:
    """A list item: the summary subset of the describe shape, in the summary's member order."""
    return {field: full[field] for field in PERSONALIZE_SUMMARY_FIELDS[kind] if field in full}


# ---------------------------------------------------------------- SageMaker batch transform


@dataclass(slots=True)
class TransformSpec:
    """What a transform job was created with, and how long it runs (emulated seconds)."""

    model_name: str
    instance_type: str
    instance_count: int
    max_concurrent: int
    max_payload_mb: int
    batch_strategy: str
    environment: dict[str, str]
    input_uri: str
    data_type: str
    content_type: str
    split_type: str
    compression: str
    output_path: str
    accept: str
    assemble_with: str
    kms_key: str | None
    volume_kms_key: str | None
    data_capture: dict | None
    data_processing: dict | None
    experiment: dict | None
    client_config: dict | None
    automl_job_arn: str | None
    startup_seconds: float
    stage_seconds: dict[str, float]
    fail_point: float
    failure_reason: str


def transform_spec(job: EmuJob, region: str, hostile: bool) -> TransformSpec:
    rng = random.Random(job.jid)
    bucket = rng.choice(catalog.BUCKETS).format(region=region)
    folder = transform_slug(job)
    model = rng.choice(catalog.SAGEMAKER_MODELS)
    content_type, split_type, accept, assemble_with, strategy = rng.choice(catalog.SAGEMAKER_IO)
    manifest = rng.random() < 0.1
    input_uri = f"s3://{bucket}/sagemaker/batch-transform/{folder}/input/" + ("manifest.json" if manifest else "")
    kms = f"arn:aws:kms:{region}:{catalog.ACCOUNT}:key/{rng.getrandbits(128):032x}" if rng.random() < 0.15 else None
    reason = rng.choice(catalog.SAGEMAKER_FAILURES).format(input=input_uri)
    if hostile and rng.random() < 0.6:
        reason = _hostile_text(rng)[:1024]
    environment = {"SAGEMAKER_MODEL_SERVER_TIMEOUT": str(rng.choice((60, 600, 3600)))}
    if rng.random() < 0.5:
        environment["MODEL_BATCH_SIZE"] = str(rng.choice((16, 32, 64)))
    startup = rng.uniform(180, 480)  # instances provisioned and the model container up
    joins = content_type == "text/csv" and rng.random() < 0.4
    return TransformSpec(
        model_name=model,
        instance_type=rng.choice(catalog.SAGEMAKER_INSTANCES),
        instance_count=rng.choice((1, 1, 1, 2, 4, 8)),
        max_concurrent=rng.choice((0, 1, 4, 8)),
        max_payload_mb=rng.choice((6, 6, 20, 50, 100)),
        batch_strategy=strategy,
        environment=environment,
        input_uri=input_uri,
        data_type="ManifestFile" if manifest else "S3Prefix",
        content_type=content_type,
        split_type=split_type,
        compression="Gzip" if rng.random() < 0.2 else "None",
        output_path=f"s3://{bucket}/sagemaker/batch-transform/{folder}/output/",
        accept=accept,
        assemble_with=assemble_with,
        kms_key=kms,
        volume_kms_key=kms if kms and rng.random() < 0.5 else None,
        data_capture=({"DestinationS3Uri": f"s3://{bucket}/sagemaker/data-capture/{folder}/", "GenerateInferenceId": True}
                      if rng.random() < 0.15 else None),
        data_processing=({"InputFilter": "$[1:]", "OutputFilter": "$[0,-1]", "JoinSource": "Input"} if joins else None),
        experiment=({"ExperimentName": f"{model}-experiment", "TrialName": f"trial-{rng.getrandbits(32):08x}"}
                    if rng.random() < 0.2 else None),
        client_config=({"InvocationsTimeoutInSeconds": rng.choice((600, 1800, 3600)), "InvocationsMaxRetries": rng.choice((0, 1, 3))}
                       if rng.random() < 0.4 else None),
        automl_job_arn=(f"arn:aws:sagemaker:{region}:{catalog.ACCOUNT}:automl-job/tabular-automl-{rng.getrandbits(24):06x}"
                        if model.startswith("tabular-automl") else None),
        startup_seconds=startup,
        stage_seconds={IN_PROGRESS: startup + rng.uniform(300, 4 * 3600), STOPPING: STOP_SECONDS},
        fail_point=rng.uniform(0.05, 0.9),
        failure_reason=reason,
    )


def transform_timeline(job: EmuJob, spec: TransformSpec, world_start: float) -> tuple[float, ...]:
    if job.times is not None:
        return job.times
    durations = stage_durations(job.path, spec.stage_seconds, 0, spec.fail_point)
    return finished_timeline(job, durations, world_start)


def transform_wire(job: EmuJob, region: str, t: float, world_start: float, hostile: bool, *,
                   last_modified: bool = False) -> dict:
    """The job as DescribeTransformJob returns it, in model order; with `last_modified`, also the
    LastModifiedTime that only list summaries carry."""
    spec = transform_spec(job, region, hostile)
    times = transform_timeline(job, spec, world_start)
    index = max(bisect_right(times, t) - 1, 0) if job.times is not None else len(times) - 1
    status = job.path[index]
    wire: dict = {"TransformJobName": job.name, "TransformJobArn": arn_of(JobKind.SAGEMAKER, region, job),
                  "TransformJobStatus": status}
    if status == FAILED:
        wire["FailureReason"] = spec.failure_reason
    wire["ModelName"] = spec.model_name
    wire["MaxConcurrentTransforms"] = spec.max_concurrent
    if spec.client_config:
        wire["ModelClientConfig"] = spec.client_config
    wire["MaxPayloadInMB"] = spec.max_payload_mb
    wire["BatchStrategy"] = spec.batch_strategy
    wire["Environment"] = spec.environment
    wire["TransformInput"] = {
        "DataSource": {"S3DataSource": {"S3DataType": spec.data_type, "S3Uri": spec.input_uri}},
        "ContentType": spec.content_type,
        "CompressionType": spec.compression,
        "SplitType": spec.split_type,
    }
    output: dict = {"S3OutputPath": spec.output_path, "Accept": spec.accept, "AssembleWith": spec.assemble_with}
    if spec.kms_key:
        output["KmsKeyId"] = spec.kms_key
    wire["TransformOutput"] = output
    if spec.data_capture:
        wire["DataCaptureConfig"] = spec.data_capture
    resources: dict = {"InstanceType": spec.instance_type, "InstanceCount": spec.instance_count}
    if spec.volume_kms_key:
        resources["VolumeKmsKeyId"] = spec.volume_kms_key
    wire["TransformResources"] = resources
    wire["CreationTime"] = epoch(job.created)
    started = job.created + spec.startup_seconds
    if status in SAGEMAKER_TERMINAL:
        started = min(started, times[index])  # a job may end before its instances came up
    modified = times[index]
    if started <= t:
        wire["TransformStartTime"] = epoch(started)
        modified = max(modified, started)
    if status in SAGEMAKER_TERMINAL:
        wire["TransformEndTime"] = epoch(times[index])
    if spec.automl_job_arn:
        wire["AutoMLJobArn"] = spec.automl_job_arn
    if spec.data_processing:
        wire["DataProcessing"] = spec.data_processing
    if spec.experiment:
        wire["ExperimentConfig"] = spec.experiment
    if last_modified:
        wire["LastModifiedTime"] = epoch(modified)
    if job.extra:
        wire.update(job.extra)
    return wire


TRANSFORM_SUMMARY_FIELDS = ("TransformJobName", "TransformJobArn", "CreationTime", "TransformEndTime",
                            "LastModifiedTime", "TransformJobStatus", "FailureReason")


def transform_summary(full: dict) -> dict:
    """A ListTransformJobs item: the summary subset of the wire shape, in the summary's member order."""
    return {field: full[field] for field in TRANSFORM_SUMMARY_FIELDS if field in full}
