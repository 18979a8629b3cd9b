"""The emulated account: every job of every kind in every region, living through emulated time.

Time: with `speed > 0` the world clock runs at real rate from `now` (or the real time) and
job lifecycles run `speed` times faster than nominal; with `speed == 0` the clock is frozen
(only `advance()` moves it) and lifecycles run at 1x of it. Statuses and record counts are
computed from the clock when asked, never by a background task. New jobs are submitted
now and then while `speed > 0`, at `submit_rate` jobs per emulated minute per kind, starting
15 emulated minutes after the world starts.

Each (region, kind) keeps its jobs in a list sorted by (creation time, id): listing is a
bisect plus a walk, pages resume after a (time, id) cursor, and new jobs insort in place.
Thread-safe: one lock, because tests mutate the world while a server thread serves it.
"""

from __future__ import annotations

import copy
import datetime as dt
import heapq
import math
import random
import re
import secrets
import threading
import time
from bisect import bisect_left, bisect_right, insort
from dataclasses import dataclass

from ..models import JobKind, phase_of
from . import catalog
from .jobs import (
    BEDROCK_FINISHED_MIX,
    BEDROCK_LIVE_MIX,
    BEDROCK_STOPPABLE,
    COMPLETED,
    IN_PROGRESS,
    PERSONALIZE_MIX,
    SAGEMAKER_FINISHED_MIX,
    SAGEMAKER_LIVE_MIX,
    STOP_SECONDS,
    STOPPED,
    STOPPING,
    EmuJob,
    arn_of,
    bedrock_counts,
    bedrock_spec,
    bedrock_timeline,
    bedrock_wire,
    created_of,
    hostile_name,
    live_timeline,
    personalize_spec,
    personalize_summary,
    personalize_timeline,
    personalize_wire,
    pick,
    slug_of,
    sort_key,
    stage_durations,
    to_millis,
    transform_slug,
    transform_spec,
    transform_summary,
    transform_timeline,
    transform_wire,
)
from .tokens import PageTokens

DEFAULT_REGION = "us-east-1"
REGION = re.compile(r"[a-z]{2}(-[a-z]+)+-\d{1,2}")
_ARN = re.compile(
    r"arn:aws[a-z-]*:(bedrock|personalize|sagemaker):([a-z0-9-]+):(\d{12}):"
    r"(model-invocation-job|batch-inference-job|batch-segment-job|transform-job)/(.+)",
    re.DOTALL,
)
_RESOURCE_KINDS = {
    "model-invocation-job": JobKind.BEDROCK,
    "batch-inference-job": JobKind.PERSONALIZE,
    "batch-segment-job": JobKind.SEGMENT,
    "transform-job": JobKind.SAGEMAKER,
}
_SERVICES = {JobKind.BEDROCK: "bedrock", JobKind.PERSONALIZE: "personalize", JobKind.SEGMENT: "personalize",
             JobKind.SAGEMAKER: "sagemaker"}
_FINISHED_MIX = {JobKind.BEDROCK: BEDROCK_FINISHED_MIX, JobKind.SAGEMAKER: SAGEMAKER_FINISHED_MIX}
_LIVE_MIX = {JobKind.BEDROCK: BEDROCK_LIVE_MIX, JobKind.SAGEMAKER: SAGEMAKER_LIVE_MIX}
_MAX_LIVE_AT_START = 25
_QUIET_START_SECONDS = 15 * 60.0  # emulated seconds before the first new job arrives


class NotStoppable(Exception):
    """The job is finished (or otherwise not stoppable); carries its status."""

    def __init__(self, status: str) -> None:
        super().__init__(status)
        self.status = status


@dataclass(frozen=True, slots=True)
class SolutionVersion:
    """A trained model the Personalize jobs of a region run on, and where it came from."""

    arn: str
    solution_arn: str
    dataset_group_arn: str
    recipe_arn: str
    created: float
    training_hours: float


class _Store:
    """The jobs of one kind in one region."""

    __slots__ = ("kind", "region", "jobs", "index", "rng", "last_tick", "seq", "solution_versions")

    def __init__(self, kind: JobKind, region: str, rng: random.Random, now: float) -> None:
        self.kind = kind
        self.region = region
        self.jobs: list[EmuJob] = []  # ascending by (created, jid)
        self.index: dict[str, EmuJob] = {}  # Bedrock: job id; Personalize, SageMaker: ARN suffix
        self.rng = rng  # submissions after start
        self.last_tick = now
        self.seq = 0
        self.solution_versions: tuple[str, ...] = ()


def parse_arn(arn: str) -> tuple[str, str, JobKind, str] | None:
    """(region, account, kind, resource id) of a job ARN, or None."""
    match = _ARN.fullmatch(arn)
    if not match:
        return None
    service, region, account, resource, rest = match.groups()
    kind = _RESOURCE_KINDS[resource]
    if _SERVICES[kind] != service:
        return None
    return region, account, kind, rest


def _poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def _day(t: float) -> str:
    return time.strftime("%Y%m%d", time.gmtime(t))


def _job_name(kind: JobKind, rng: random.Random, created: float, seq: int) -> str:
    roll = rng.random()
    if kind is JobKind.BEDROCK:
        use = rng.choice(catalog.BEDROCK_USE_CASES)
        if roll < 0.5:
            return f"{use}-{_day(created)}-{seq:05d}"
        if roll < 0.8:
            return f"{rng.choice(catalog.TEAMS)}-{use}-run{seq}"
        return f"{use}-{seq}"
    if kind is JobKind.SAGEMAKER:  # the SageMaker SDK's `{base}-{YYYY-MM-DD-HH-MM-SS-mmm}`, or a pipeline step
        if roll < 0.8:
            stamp = time.strftime("%Y-%m-%d-%H-%M-%S", time.gmtime(created))
            return f"{rng.choice(catalog.SAGEMAKER_USE_CASES)}-{stamp}-{round(created * 1000) % 1000:03d}"
        return f"pipelines-{rng.getrandbits(48):012x}-TransformStep-{rng.getrandbits(40):010X}"
    uses = catalog.PERSONALIZE_USE_CASES if kind is JobKind.PERSONALIZE else catalog.SEGMENT_USE_CASES
    use = rng.choice(uses)
    if roll < 0.6:
        return f"{use}-{_day(created)}-{seq:05d}"
    return f"{use}_{seq}"


class World:
    def __init__(
        self,
        jobs_per_kind: int = 300,
        seed: int = 1,
        speed: float = 1.0,
        now: dt.datetime | None = None,
        hostile: bool = False,
        submit_rate: float = 0.2,
        live: int | None = None,
    ) -> None:
        if jobs_per_kind < 0:
            raise ValueError("jobs_per_kind must be >= 0")
        if speed < 0 or submit_rate < 0 or (live is not None and live < 0):
            raise ValueError("speed, submit_rate and live must be >= 0")
        if now is not None and now.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        self.jobs_per_kind = jobs_per_kind
        self.seed = seed
        self.speed = speed
        self.hostile = hostile
        self.submit_rate = submit_rate
        self.live = live
        """Unfinished jobs of each kind and region at the start (None: one in 25, at most 25)."""
        self.tokens = PageTokens(secrets.token_bytes(32))
        self._rate = speed if speed > 0 else 1.0
        self._start = now.timestamp() if now is not None else time.time()
        self._monotonic_start = time.monotonic()
        self._advanced = 0.0
        self._lock = threading.RLock()
        self._stores: dict[tuple[str, JobKind], _Store] = {}
        self._seed_label = str(seed)
        self._home = self  # whose clock every account's world reads
        self._accounts: dict[str, World] = {catalog.ACCOUNT: self}
        with self._lock:
            for kind in JobKind:
                self._store(DEFAULT_REGION, kind)

    # ------------------------------------------------------------ time

    def _now(self) -> float:
        elapsed = time.monotonic() - self._monotonic_start if self.speed > 0 else 0.0
        return self._start + elapsed + self._home._advanced

    def now(self) -> dt.datetime:
        """The world clock (frozen when speed == 0)."""
        with self._lock:
            return dt.datetime.fromtimestamp(self._now(), dt.timezone.utc)

    def advance(self, seconds: float) -> None:
        """Move the world clock forward (tests: let a frozen world's jobs move on)."""
        with self._lock:
            self._home._advanced += seconds

    def for_account(self, account: str) -> World:
        """The world as `account` sees it: the same clock, settings and lock, and jobs of its
        own (seeded by the account). The home account's world is this one. Its ARNs name the
        home account too: the server writes the caller's account into what it sends."""
        home = self._home
        with self._lock:
            world = home._accounts.get(account)
            if world is None:
                world = copy.copy(home)
                world._stores = {}
                world._seed_label = f"{home._seed_label}:{account}"
                home._accounts[account] = world
            return world

    # ------------------------------------------------------------ generation

    def _store(self, region: str, kind: JobKind) -> _Store:
        store = self._stores.get((region, kind))
        if store is None:
            store = self._generate(region, kind)
            self._stores[(region, kind)] = store
        return store

    def _new_jid(self, rng: random.Random, store: _Store) -> str:
        while True:
            jid = f"{rng.getrandbits(48):012x}"
            if jid not in store.index and f"job-{jid}" not in store.index:
                return jid

    def _key(self, store: _Store, job: EmuJob) -> str:
        if store.kind is JobKind.SAGEMAKER:
            return transform_slug(job)
        return job.jid if store.kind is JobKind.BEDROCK else slug_of(job)

    def _generate(self, region: str, kind: JobKind) -> _Store:
        label = f"{self._seed_label}:{region}:{kind.value}"
        rng = random.Random(label)
        store = _Store(kind, region, random.Random(label + ":later"), self._now())
        store.solution_versions = self._solution_versions(region, kind)
        count = self.jobs_per_kind
        gap = min(max(30 * 86400 / max(count, 1), 30.0), 4 * 3600.0)
        live = min(_MAX_LIVE_AT_START, max(1, count // 25)) if self.live is None else min(self.live, count)
        live = live if count else 0
        finished_mix = _FINISHED_MIX.get(kind, PERSONALIZE_MIX)
        live_mix = _LIVE_MIX.get(kind, PERSONALIZE_MIX)
        created = self._start
        newest_first: list[EmuJob] = []
        for i in range(count):
            created = to_millis(created - rng.expovariate(1.0 / gap))
            seq = count - i
            jid = self._new_jid(rng, store)
            if self.hostile and (i < 8 or rng.random() < 0.3):
                name = hostile_name(rng, seq)
            else:
                name = _job_name(kind, rng, created, seq)
            job = EmuJob(jid, name, created, pick(live_mix if i < live else finished_mix, rng.random()))
            key = self._key(store, job)
            if key in store.index:  # two jobs named after the same millisecond
                job.name = f"{name}-{seq}"
                key = self._key(store, job)
            store.index[key] = job
            newest_first.append(job)
        store.seq = count
        newest_first.reverse()
        store.jobs = newest_first
        now = self._now()
        for job in store.jobs[len(store.jobs) - live:]:
            progress = rng.uniform(0.05, 0.9)
            job.times = live_timeline(job.created, self._durations(store, job), now, self._rate, progress)
        return store

    def _solution_versions(self, region: str, kind: JobKind) -> tuple[str, ...]:
        if kind not in (JobKind.PERSONALIZE, JobKind.SEGMENT):
            return ()
        rng = random.Random(f"{self._seed_label}:{region}:{kind.value}:solutions")
        names = catalog.INFERENCE_SOLUTIONS if kind is JobKind.PERSONALIZE else catalog.SEGMENT_SOLUTIONS
        return tuple(
            f"arn:aws:personalize:{region}:{catalog.ACCOUNT}:solution/{name}/{rng.getrandbits(32):08x}"
            for name in names
            for _ in range(2)
        )

    def solution_version(self, region: str, arn: str) -> SolutionVersion | None:
        """The solution version `arn` of `region` (as DescribeSolutionVersion knows it), or None.

        Each belongs to its solution's dataset group (catalog.SOLUTION_ORIGINS), the same for
        the whole run; in a hostile world every group but the first is named with hostile text.
        """
        for kind in (JobKind.PERSONALIZE, JobKind.SEGMENT):
            if arn in self._solution_versions(region, kind):
                solution = arn.split(":", 5)[5].split("/")[1]
                group, recipe = catalog.SOLUTION_ORIGINS[solution]
                rng = random.Random(f"{self._seed_label}:{arn}")
                if self.hostile and group != "retail-prod":
                    group = f"{group}-{rng.choice(catalog.HOSTILE)}"
                return SolutionVersion(
                    arn=arn,
                    solution_arn=arn.rsplit("/", 1)[0],
                    dataset_group_arn=f"arn:aws:personalize:{region}:{catalog.ACCOUNT}:dataset-group/{group}",
                    recipe_arn=f"arn:aws:personalize:::recipe/{recipe}",
                    created=to_millis(self._start - rng.uniform(120, 150) * 86400),
                    training_hours=round(rng.uniform(0.5, 12.0), 3),
                )
        return None

    def _durations(self, store: _Store, job: EmuJob) -> list[float]:
        if store.kind is JobKind.BEDROCK:
            spec = bedrock_spec(job, store.region, self.hostile)
            return stage_durations(job.path, spec.stage_seconds, spec.timeout_hours, spec.fail_point)
        if store.kind is JobKind.SAGEMAKER:
            tspec = transform_spec(job, store.region, self.hostile)
            return stage_durations(job.path, tspec.stage_seconds, 0, tspec.fail_point)
        pspec = personalize_spec(job, store.kind, store.region, store.solution_versions, self.hostile)
        return stage_durations(job.path, pspec.stage_seconds, 0, pspec.fail_point)

    def _add_new(self, store: _Store, created: float, name: str | None = None) -> EmuJob:
        """A job submitted at `created`; its whole lifecycle runs at the speed factor."""
        rng = store.rng
        created = to_millis(created)
        store.seq += 1
        jid = self._new_jid(rng, store)
        if name is None:
            hostile = self.hostile and rng.random() < 0.3
            name = hostile_name(rng, store.seq) if hostile else _job_name(store.kind, rng, created, store.seq)
        job = EmuJob(jid, name, created, pick(_LIVE_MIX.get(store.kind, PERSONALIZE_MIX), rng.random()))
        key = self._key(store, job)
        if key in store.index:
            raise ValueError(f"a job named {name!r} already exists")
        offsets, offset = [created], created
        for seconds in self._durations(store, job):
            offset += seconds / self._rate
            offsets.append(offset)
        job.times = tuple(offsets)
        store.index[key] = job
        insort(store.jobs, job, key=sort_key)
        return job

    def _tick(self, store: _Store, now: float) -> None:
        """Submit the jobs that arrived since the last look (only while time runs).

        The first arrivals come after a quiet spell, so a fresh world holds exactly the
        jobs it was asked for while a client takes its first inventory.
        """
        begin = max(store.last_tick, self._start + _QUIET_START_SECONDS / self._rate)
        store.last_tick = max(store.last_tick, now)
        if now <= begin or self.speed <= 0 or self.submit_rate <= 0:
            return
        arrivals = _poisson(store.rng, (now - begin) * self._rate / 60.0 * self.submit_rate)
        for created in sorted(store.rng.uniform(begin, now) for _ in range(arrivals)):
            self._add_new(store, created)

    def _live_store(self, region: str, kind: JobKind) -> tuple[_Store, float]:
        now = self._now()
        store = self._store(region, kind)
        self._tick(store, now)
        return store, now

    # ------------------------------------------------------------ wire shapes

    def _wire(self, store: _Store, job: EmuJob, now: float) -> dict:
        if store.kind is JobKind.BEDROCK:
            return bedrock_wire(job, store.region, now, self._start, self.hostile)
        if store.kind is JobKind.SAGEMAKER:
            return transform_wire(job, store.region, now, self._start, self.hostile)
        return personalize_wire(job, store.kind, store.region, now, self._start, store.solution_versions, self.hostile)

    def _summary(self, store: _Store, job: EmuJob, now: float) -> dict:
        if store.kind is JobKind.SAGEMAKER:
            return transform_summary(transform_wire(job, store.region, now, self._start, self.hostile, last_modified=True))
        wire = self._wire(store, job, now)
        return wire if store.kind is JobKind.BEDROCK else personalize_summary(wire, store.kind)

    # ------------------------------------------------------------ queries (the protocol layer)

    def list_jobs(
        self,
        region: str,
        kind: JobKind,
        *,
        limit: int,
        cursor: tuple[float, str] | None = None,
        newest_first: bool = True,
        status: str | None = None,
        name_contains: str | None = None,
        submitted_after: float | None = None,
        submitted_before: float | None = None,
        solution_version: str | None = None,
        modified_after: float | None = None,
        modified_before: float | None = None,
        sort_by: str = "CreationTime",
    ) -> tuple[list[dict], tuple[float, str] | None]:
        """One page of list summaries and the cursor to resume after (None at the end).

        `newest_first` is the descending order of `sort_by` (CreationTime, Name or Status);
        the cursor is always the (creation time, id) of the last job returned.
        """
        with self._lock:
            store, now = self._live_store(region, kind)
            jobs = store.jobs
            low, high = 0, len(jobs)
            if submitted_after is not None:
                low = bisect_right(jobs, submitted_after, key=created_of)
            if submitted_before is not None:
                high = bisect_left(jobs, submitted_before, key=created_of)
            needle = name_contains.lower() if name_contains else None

            def wanted(job: EmuJob) -> bool:
                if needle is not None and needle not in job.name.lower():
                    return False
                if status is not None and job.status_at(now) != status:
                    return False
                if solution_version is not None and self._solution_of(store, job) != solution_version:
                    return False
                if modified_after is not None or modified_before is not None:
                    modified = self._summary(store, job, now)["LastModifiedTime"]
                    if modified_after is not None and modified <= modified_after:
                        return False
                    if modified_before is not None and modified >= modified_before:
                        return False
                return True

            if sort_by != "CreationTime":
                picked = self._sorted_page(jobs[low:high], wanted, limit, cursor, newest_first, sort_by, now)
            else:
                if cursor is not None:
                    if newest_first:
                        high = min(high, bisect_left(jobs, cursor, key=sort_key))
                    else:
                        low = max(low, bisect_right(jobs, cursor, key=sort_key))
                order = range(high - 1, low - 1, -1) if newest_first else range(low, high)
                picked = []
                for i in order:
                    if wanted(jobs[i]):
                        picked.append(jobs[i])
                        if len(picked) > limit:
                            break
            more = len(picked) > limit
            del picked[limit:]
            next_cursor = sort_key(picked[-1]) if more and picked else None
            return [self._summary(store, job, now) for job in picked], next_cursor

    def _sorted_page(self, jobs: list[EmuJob], wanted, limit: int, cursor: tuple[float, str] | None,
                     descending: bool, sort_by: str, now: float) -> list[EmuJob]:
        """Up to limit + 1 jobs in (name or status, creation, id) order, after the cursor's job."""

        def order_key(job: EmuJob) -> tuple[str, float, str]:
            return (job.name if sort_by == "Name" else job.status_at(now), job.created, job.jid)

        after = None
        if cursor is not None:
            i = bisect_left(jobs, cursor, key=sort_key)
            if i < len(jobs) and sort_key(jobs[i]) == cursor:
                after = order_key(jobs[i])
        candidates = (job for job in jobs if wanted(job))
        if after is not None:
            candidates = (job for job in candidates if (order_key(job) < after if descending else order_key(job) > after))
        pick = heapq.nlargest if descending else heapq.nsmallest
        return pick(limit + 1, candidates, key=order_key)

    def _solution_of(self, store: _Store, job: EmuJob) -> str:
        return personalize_spec(job, store.kind, store.region, store.solution_versions, self.hostile).solution_version

    def _find(self, region: str, kind: JobKind, key: str) -> tuple[_Store, EmuJob, float]:
        store, now = self._live_store(region, kind)
        job = store.index.get(key)
        if job is None:
            raise KeyError(key)
        return store, job, now

    def describe(self, region: str, kind: JobKind, key: str) -> dict:
        """The full job (Bedrock: by job id; Personalize: by ARN suffix). KeyError if unknown."""
        with self._lock:
            store, job, now = self._find(region, kind, key)
            return self._wire(store, job, now)

    def stop(self, region: str, key: str, kind: JobKind = JobKind.BEDROCK) -> None:
        """Stop a Bedrock (by job id) or SageMaker (by ARN suffix) job: Stopping now, Stopped a
        few emulated seconds later.

        KeyError if unknown; NotStoppable if it already finished. Stopping again is a no-op.
        """
        with self._lock:
            store, job, now = self._find(region, kind, key)
            status = job.status_at(now)
            if status == STOPPING:
                return
            if status not in BEDROCK_STOPPABLE:
                raise NotStoppable(status)
            self._freeze_counts(store, job, now)
            self._append_statuses(store, job, now, ((STOPPING, now), (STOPPED, now + STOP_SECONDS / self._rate)))

    def _freeze_counts(self, store: _Store, job: EmuJob, now: float, status: str | None = None) -> None:
        if store.kind is not JobKind.BEDROCK:
            return
        spec = bedrock_spec(job, store.region, self.hostile)
        times = bedrock_timeline(job, spec, self._start)
        counts = bedrock_counts(job, spec, job.status_at(now), times, now)
        if status == COMPLETED:
            counts = (spec.total, spec.total, spec.total, 0)
        elif status == IN_PROGRESS and counts is None:
            counts = (spec.total, 0, 0, 0)
        job.frozen = counts or ()

    def _append_statuses(self, store: _Store, job: EmuJob, now: float, steps: tuple[tuple[str, float], ...]) -> None:
        """Cut the job's timeline at `now` and continue it with `steps`."""
        if job.times is None:
            if store.kind is JobKind.BEDROCK:
                job.times = bedrock_timeline(job, bedrock_spec(job, store.region, self.hostile), self._start)
            elif store.kind is JobKind.SAGEMAKER:
                job.times = transform_timeline(job, transform_spec(job, store.region, self.hostile), self._start)
            else:
                spec = personalize_spec(job, store.kind, store.region, store.solution_versions, self.hostile)
                job.times = personalize_timeline(job, spec, self._start)
        keep = max(bisect_right(job.times, now), 1)
        job.path = job.path[:keep] + tuple(status for status, _ in steps)
        job.times = job.times[:keep] + tuple(at for _, at in steps)

    # ------------------------------------------------------------ ground truth and test hooks

    def jobs(self, kind: JobKind | str, region: str = DEFAULT_REGION) -> list[dict]:
        """Every job, newest first, as the describe call returns it now (wire field names)."""
        kind = JobKind(kind)
        with self._lock:
            store, now = self._live_store(region, kind)
            return [self._wire(store, job, now) for job in reversed(store.jobs)]

    def submit(self, kind: JobKind | str, region: str = DEFAULT_REGION, **fields: object) -> str:
        """Submit a new job now (it starts queued); `fields` override wire fields. Returns its ARN."""
        kind = JobKind(kind)
        with self._lock:
            store, now = self._live_store(region, kind)
            name = fields.pop("jobName", None)
            job = self._add_new(store, now, None if name is None else str(name))
            job.extra = dict(fields) or None
            return self._arn(store, job)

    def set_status(self, arn: str, status: str, **fields: object) -> None:
        """Force a job into `status` now (it stays there); `fields` override wire fields."""
        with self._lock:
            store, job, now = self._by_arn(arn)
            self._freeze_counts(store, job, now, status)
            self._append_statuses(store, job, now, ((status, now),))
            if fields:
                job.extra = {**(job.extra or {}), **fields}

    def delete(self, arn: str) -> None:
        """Delete a job now: lists and describes no longer know it. KeyError if unknown."""
        with self._lock:
            store, job, _now = self._by_arn(arn)
            self._remove(store, job)

    def delete_unfinished(self, region: str, kind: JobKind | str, rng: random.Random) -> str | None:
        """Delete one job of (region, kind) that has not finished, picked with `rng` (a job
        deleted mid-run); its ARN, or None when every job there has finished."""
        kind = JobKind(kind)
        with self._lock:
            store, now = self._live_store(region, kind)
            unfinished = [job for job in store.jobs if not phase_of(job.status_at(now)).terminal]
            if not unfinished:
                return None
            job = rng.choice(unfinished)
            self._remove(store, job)
            return self._arn(store, job)

    def _remove(self, store: _Store, job: EmuJob) -> None:
        del store.jobs[bisect_left(store.jobs, sort_key(job), key=sort_key)]
        del store.index[self._key(store, job)]

    def _arn(self, store: _Store, job: EmuJob) -> str:
        return arn_of(store.kind, store.region, job)

    def _by_arn(self, arn: str) -> tuple[_Store, EmuJob, float]:
        parsed = parse_arn(arn)
        if parsed is None:
            raise KeyError(arn)
        region, _account, kind, key = parsed
        return self._find(region, kind, key)
