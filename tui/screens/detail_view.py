"""What the detail screen says about one job: its fields grouped, labelled and made safe.

Pure formatting, no Textual: a describe result (or the summary row alone) becomes titled
groups of (label, rich Text) rows, record counts a rate and an ETA. Every string that came
from AWS goes through `tui.sanitize`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import deque
from collections.abc import Iterator, Sequence

from rich.console import Console, ConsoleOptions, RenderResult
from rich.style import Style
from rich.table import Table
from rich.text import Text

from ..console_url import parse_arn
from ..models import Job, Phase, RecordCounts, SourceKey, split_source_id
from ..output import console_link
from ..sanitize import clean, safe_text
from ..timefmt import Zone, format_age, format_duration, format_time, zone_name

VALUE_LIMIT = 20_000
"""Longest value shown, in characters: far beyond any real field, short of a hostile one."""

BAR_CELLS = 40

Row = tuple[str, Text]


def flatten(value: object, prefix: str = "") -> Iterator[tuple[str, object]]:
    """Every leaf of a describe result as (dotted key, value), in the service's order.

    Lists of plain values stay one entry (joined by the renderer); lists of objects are
    numbered: `vpcConfig.subnetIds`, `tags.0.key`.
    """
    if isinstance(value, dict):
        if not value and prefix:
            yield prefix, {}
        for key, item in value.items():
            yield from flatten(item, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(value, list) and any(isinstance(item, (dict, list)) for item in value):
        for index, item in enumerate(value):
            yield from flatten(item, f"{prefix}.{index}")
    else:
        yield prefix, value


def value_text(value: object, *, keep_newlines: bool = False) -> Text:
    """One field value as safe text: lists joined, None as a dash, booleans lower-case."""
    if value is None:
        return Text("—", style="dim")
    if isinstance(value, bool):
        return Text("true" if value else "false")
    if isinstance(value, list):
        return safe_text(", ".join(clean(item, VALUE_LIMIT) for item in value) or "[]", max_length=VALUE_LIMIT)
    if value == {}:
        return Text("{}")
    if isinstance(value, int):
        return Text(f"{value:,}" if abs(value) >= 10_000 else str(value))
    return safe_text(value, max_length=VALUE_LIMIT, keep_newlines=keep_newlines)


def parse_time(value: object) -> dt.datetime | None:
    """An ISO 8601 timestamp from a describe result, or None if it is not one."""
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)
    if not isinstance(value, str):
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)


def time_text(at: dt.datetime | None, now: dt.datetime, zone: Zone = "local") -> Text:
    """`2025-06-01 12:00:05 UTC · 3h05m ago` (or `in 2d04h` for times to come)."""
    if at is None:
        return Text("—", style="dim")
    text = Text(f"{format_time(at, zone, seconds=True)} {zone_name(zone, at)}")
    text.append(f" · {format_age(at, now)}", style="dim")
    return text


def elapsed_label(phase: Phase) -> str:
    """What the time since submission is called: a queued job is waiting, not running; a
    finished one took that long (from submission to its end, its queue time included)."""
    if phase.terminal:
        return "Duration"
    return {Phase.QUEUED: "Waiting for", Phase.RUNNING: "Running for", Phase.STOPPING: "Running for"}.get(phase, "Age")


def progress_bar(fraction: float, cells: int = BAR_CELLS) -> Text:
    """`████████░░░░  45.2%`: the bar reads without colour too."""
    filled = round(fraction * cells)
    bar = Text("█" * filled, style="green")
    bar.append("░" * (cells - filled), style="dim")
    bar.append(f"  {fraction * 100:.1f}%", style="bold")
    return bar


class RateMeter:
    """Records per second from (time, processed) samples taken at each describe of the screen.

    The rate is measured over the last `window` (at least two samples); a count that goes
    backwards (the service restarted the job) starts the measurement again.
    """

    def __init__(self, window: dt.timedelta = dt.timedelta(minutes=10)) -> None:
        self._window = window
        self._samples: deque[tuple[dt.datetime, int]] = deque()

    def add(self, at: dt.datetime, processed: int) -> None:
        if self._samples and processed < self._samples[-1][1]:
            self._samples.clear()
        if self._samples and at <= self._samples[-1][0]:
            self._samples.pop()
        self._samples.append((at, processed))
        while len(self._samples) > 2 and at - self._samples[0][0] > self._window:
            self._samples.popleft()

    def rate(self) -> float | None:
        """Records per second, or None until two samples some time apart exist."""
        if len(self._samples) < 2:
            return None
        (first_at, first), (last_at, last) = self._samples[0], self._samples[-1]
        seconds = (last_at - first_at).total_seconds()
        return (last - first) / seconds if seconds > 0 else None

    @property
    def span(self) -> float:
        """Seconds between the first and the last sample in the window."""
        if len(self._samples) < 2:
            return 0.0
        return (self._samples[-1][0] - self._samples[0][0]).total_seconds()


def _words(name: str) -> str:
    """`itemExplorationConfig` → `item exploration`: a field name read aloud."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name).lower()
    return spaced.removesuffix(" config").strip()


def _field_label(key: str) -> str:
    """A plain label for a nested key without a hand-written one, e.g. `item exploration · weight`."""
    parts = [_words(part) for part in key.split(".")[1:]] or [_words(key)]
    label = " · ".join(part for part in parts if part)
    return clean(label[:1].upper() + label[1:], 60)


_DATA_FIELDS = (
    ("inputDataConfig.s3InputDataConfig.s3Uri", "Input S3"),
    ("inputDataConfig.s3InputDataConfig.s3InputFormat", "Input format"),
    ("inputDataConfig.s3InputDataConfig.s3BucketOwner", "Input bucket owner"),
    ("jobInput.s3DataSource.path", "Input S3"),
    ("jobInput.s3DataSource.kmsKeyArn", "Input KMS key"),
    ("outputDataConfig.s3OutputDataConfig.s3Uri", "Output S3"),
    ("outputDataConfig.s3OutputDataConfig.s3EncryptionKeyId", "Output KMS key"),
    ("outputDataConfig.s3OutputDataConfig.s3BucketOwner", "Output bucket owner"),
    ("jobOutput.s3DataDestination.path", "Output S3"),
    ("jobOutput.s3DataDestination.kmsKeyArn", "Output KMS key"),
    ("vpcConfig.subnetIds", "VPC subnets"),
    ("vpcConfig.securityGroupIds", "VPC security groups"),
    ("TransformInput.DataSource.S3DataSource.S3Uri", "Input S3"),
    ("TransformInput.DataSource.S3DataSource.S3DataType", "Input S3 type"),
    ("TransformInput.ContentType", "Input content type"),
    ("TransformInput.SplitType", "Input split"),
    ("TransformInput.CompressionType", "Input compression"),
    ("TransformOutput.S3OutputPath", "Output S3"),
    ("TransformOutput.Accept", "Output accept"),
    ("TransformOutput.AssembleWith", "Output assemble with"),
    ("TransformOutput.KmsKeyId", "Output KMS key"),
)
_DATA_PREFIXES = (
    "inputDataConfig.", "outputDataConfig.", "jobInput.", "jobOutput.", "vpcConfig.",
    "TransformInput.", "TransformOutput.", "DataCaptureConfig.", "DataProcessing.",
)

_MODEL_FIELDS = (
    ("modelId", "Model"),
    ("solutionVersionArn", "Solution version"),
    ("modelInvocationType", "Invocation type"),
    ("ModelName", "Model"),
    ("TransformResources.VolumeKmsKeyId", "Volume KMS key"),
    ("TransformResources.TransformAmiVersion", "AMI version"),
    ("AutoMLJobArn", "AutoML job"),
    ("LabelingJobArn", "Labeling job"),
)

_CONFIG_FIELDS = (
    ("batchInferenceJobMode", "Job mode"),
    ("numResults", "Results per input"),
    ("filterArn", "Filter"),
    ("batchInferenceJobConfig.itemExplorationConfig.explorationWeight", "Item exploration weight"),
    ("batchInferenceJobConfig.itemExplorationConfig.explorationItemAgeCutOff", "Item age cut-off (days)"),
    ("themeGenerationConfig.fieldsForThemeGeneration.itemName", "Theme from item field"),
    ("BatchStrategy", "Batch strategy"),
    ("MaxConcurrentTransforms", "Max concurrent transforms"),
    ("MaxPayloadInMB", "Max payload (MB)"),
)
_CONFIG_PREFIXES = (
    "batchInferenceJobConfig.", "themeGenerationConfig.", "ModelClientConfig.", "ExperimentConfig.",
)

_IDENTITY_FIELDS = (("roleArn", "IAM role"), ("clientRequestToken", "Client request token"))


def _known_rows(flat: dict[str, object], known: tuple[tuple[str, str], ...], prefixes: tuple[str, ...] = ()) -> list[Row]:
    """Rows for the hand-labelled keys present, then any other key under `prefixes`."""
    rows = [(label, value_text(flat[key])) for key, label in known if key in flat]
    if prefixes:
        labelled = {key for key, _label in known}
        rows += [
            (_field_label(key), value_text(value))
            for key, value in flat.items()
            if key not in labelled and key.startswith(prefixes)
        ]
    return rows


class DetailView:
    """What the detail screen shows for one job at one moment, as titled groups of rows."""

    def __init__(
        self,
        job: Job,
        fields: dict[str, object] | None,
        now: dt.datetime,
        meter: RateMeter,
        zone: Zone = "local",
        seen_by: Sequence[SourceKey] = (),
        dataset_group: str | None = None,
    ) -> None:
        self.job = job
        self.seen_by = tuple(seen_by)
        """The sources that list this job (empty: only the one it came from is known)."""
        self.dataset_group = dataset_group
        """A Personalize job's dataset group ARN, when known: the Console row links to it."""
        self.fields = fields
        self.flat = dict(flatten(fields)) if fields else {}
        self.now = now
        self.meter = meter
        self.zone: Zone = zone

    def sections(self) -> list[tuple[str, list[Row]]]:
        """(title, rows) in reading order; groups with nothing to show are left out."""
        groups = [
            ("Status", self.status()),
            ("Records", self.records()),
            ("Timing", self.timing()),
            ("Identity", self.identity()),
            ("Model", self.model()),
            ("Data", _known_rows(self.flat, _DATA_FIELDS, _DATA_PREFIXES)),
            ("Configuration", _known_rows(self.flat, _CONFIG_FIELDS, _CONFIG_PREFIXES) + self.environment()),
        ]
        return [(title, rows) for title, rows in groups if rows]

    def identity(self) -> list[Row]:
        job = self.job
        arn = parse_arn(job.arn)
        profile, region, _kind = split_source_id(job.source) or ("", "", "")
        rows: list[Row] = [
            ("Name", safe_text(job.name, max_length=VALUE_LIMIT)),
            ("ARN", safe_text(job.arn, max_length=VALUE_LIMIT)),
            ("Kind", Text(job.kind.label)),
            ("Region", safe_text((arn.region if arn else region) or "—")),
            ("Account", safe_text(arn.account if arn else "—")),
            self.profiles(profile or "default"),
        ]
        rows += _known_rows(self.flat, _IDENTITY_FIELDS)
        url = console_link(job, self.dataset_group)
        if url:
            rows.append(("Console", Text(url, style=Style(link=url, underline=True))))
        return rows

    def profiles(self, own: str) -> Row:
        """`Profile  admin`, or `Seen by  admin · us-east-1, readonly · us-east-1` when several
        sources (profiles of one account) list the job: the table shows it once."""
        if len(self.seen_by) < 2:
            return ("Profile", safe_text(own))
        seen = ", ".join(f"{key.profile or 'default'} · {key.region}" for key in self.seen_by)
        return ("Seen by", safe_text(seen, max_length=VALUE_LIMIT))

    def status(self) -> list[Row]:
        job = self.job
        rows: list[Row] = [
            ("Phase", Text(f"{job.phase.glyph} {job.phase.value}", style="bold")),
            ("Raw status", safe_text(job.status, max_length=200)),
        ]
        if job.message:
            label = "Failure reason" if job.phase in (Phase.FAILED, Phase.PARTIAL) else "Message"
            rows.append((label, safe_text(job.message, max_length=VALUE_LIMIT, keep_newlines=True)))
        if job.notes:
            rows.append(("Unreadable", safe_text("; ".join(job.notes), max_length=VALUE_LIMIT)))
        return rows

    def timing(self) -> list[Row]:
        job, now = self.job, self.now
        zone = self.zone
        rows: list[Row] = [("Submitted", time_text(job.created, now, zone))]
        started = parse_time(self.flat.get("TransformStartTime"))
        if started is not None:
            rows.append(("Started", time_text(started, now, zone)))
        if job.updated is not None:
            rows.append(("Last modified", time_text(job.updated, now, zone)))
        if job.ended is not None:
            rows.append(("Ended", time_text(job.ended, now, zone)))
        if job.created is not None:
            end = (job.ended or job.updated or now) if job.phase.terminal else now
            rows.append((elapsed_label(job.phase), Text(format_duration((end - job.created).total_seconds()))))
        hours = self.flat.get("timeoutDurationInHours")
        if hours is not None:
            rows.append(("Timeout", Text(f"{clean(hours, 20)} hours")))
        expires = parse_time(self.flat.get("jobExpirationTime"))
        if expires is not None:
            rows.append(("Expires", time_text(expires, now, zone)))
        return rows

    def records(self) -> list[Row]:
        counts = self.job.records
        if counts is None or counts.total is None and counts.processed is None:
            return []
        rows: list[Row] = []
        if counts.fraction is not None:
            rows.append(("Progress", progress_bar(counts.fraction)))
        rows.append(("Records", Text(_counts_line(counts))))
        if not self.job.phase.terminal and counts.processed is not None:
            rows += self._rate_rows(counts)
        return rows

    def _rate_rows(self, counts: RecordCounts) -> list[Row]:
        rate = self.meter.rate()
        if rate is None:
            return [("Rate", Text("measuring… (needs two refreshes of this screen)", style="dim"))]
        rows: list[Row] = [("Rate", Text(f"{rate:,.1f} records/s over the last {format_duration(self.meter.span)}"))]
        if counts.total is None or counts.processed is None:
            return rows
        remaining = counts.total - counts.processed
        if remaining <= 0:
            return rows
        if rate <= 0:
            return rows + [("ETA", Text("unknown: no records processed lately", style="dim"))]
        finish = self.now + dt.timedelta(seconds=remaining / rate)
        eta = Text(f"{format_duration(remaining / rate)} · about {format_time(finish, self.zone)} {zone_name(self.zone, finish)}")
        expires = parse_time(self.flat.get("jobExpirationTime"))
        if expires is not None and finish > expires:
            eta.append(" · after the job expires", style="bold red")
        return rows + [("ETA", eta)]

    def model(self) -> list[Row]:
        rows = _known_rows(self.flat, _MODEL_FIELDS)
        instance_type = self.flat.get("TransformResources.InstanceType")
        if instance_type is not None:  # SageMaker: what the job runs on stands in for progress
            count = self.flat.get("TransformResources.InstanceCount")
            rows.append(("Instances", safe_text(f"{clean(instance_type, 60)} × {clean(count if count is not None else '?', 10)}")))
        if not rows and self.job.model:
            rows = [("Model", safe_text(self.job.model, max_length=VALUE_LIMIT))]
        if self.job.invocation_type and "modelInvocationType" not in self.flat:
            rows.append(("Invocation type", safe_text(self.job.invocation_type, max_length=100)))
        return rows

    def environment(self) -> list[Row]:
        """A SageMaker job's container variables, each named as set (`MODEL_BATCH_SIZE`), not read aloud."""
        return [
            (clean(key.removeprefix("Environment."), 60), value_text(value))
            for key, value in self.flat.items()
            if key.startswith("Environment.")
        ]

    def all_fields(self) -> list[Row]:
        """Every field of the describe result, nested keys dotted, messages with their lines."""
        return [(clean(key, 120), value_text(value, keep_newlines=True)) for key, value in self.flat.items()]


def _counts_line(counts: RecordCounts) -> str:
    def number(value: int | None) -> str:
        return "?" if value is None else f"{value:,}"

    parts = [f"{number(counts.processed)} of {number(counts.total)} processed"]
    if counts.succeeded is not None:
        parts.append(f"{counts.succeeded:,} succeeded")
    if counts.failed is not None:
        parts.append(f"{counts.failed:,} failed")
    return " · ".join(parts)


def label_width(groups: list[list[Row]], least: int = 14, most: int = 28) -> int:
    """One label column width for every group, so the values line up down the screen."""
    longest = max((len(label) for rows in groups for label, _value in rows), default=least)
    return max(least, min(most, longest))


LABEL_SHARE = 0.4
"""The most of the width the label column takes: values keep the rest (at 60 columns a
34-wide key column left 18 cells, splitting timestamps and ARNs mid-token)."""


def rows_table(rows: list[Row], label_width: int = 20) -> LabelledRows:
    """Labels on the left, values wrapped (long words folded) in the rest of the width."""
    return LabelledRows(rows, label_width)


class LabelledRows:
    """Rows of label and value, the label column `label_width` wide or `LABEL_SHARE` of the
    width it is drawn in, whichever is less: decided at render time, so it follows resizes."""

    def __init__(self, rows: list[Row], label_width: int) -> None:
        self.rows = rows
        self.label_width = label_width
        for _label, value in rows:
            value.overflow = "fold"

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        table = Table.grid(padding=(0, 2), expand=True)
        table.add_column(style="bold", width=max(1, min(self.label_width, int(options.max_width * LABEL_SHARE))), overflow="fold")
        table.add_column(ratio=1, overflow="fold")
        for label, value in self.rows:
            table.add_row(Text(label), value)
        yield table
