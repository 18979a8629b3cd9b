"""The job cache and the progress history on disk, so a restart shows the last rows at once and
a running job's progress has a past.

One SQLite database (stdlib `sqlite3`) in platformdirs' user cache dir, because it gives what a
cache left open for days by several processes needs, with no code of ours: every write is one
transaction (a crash mid-write rolls back when the file is next opened, it never corrupts it),
WAL mode lets a reader and a writer in two batchtop processes work at once and a busy timeout
serialises two writers, only the rows that changed are written (a file per source would be
rewritten whole: ~40 MB per tick at 100,000 rows), rows read back in display order through an
index, and the size bound is one DELETE.

The cache is never a reason to stop: a file that is corrupt, truncated, from another schema,
unreadable, locked, read-only or foreign is reported once (one sentence through `on_problem`)
and the cache is rebuilt, or batchtop runs without it. Writes are meant to run off the event
loop: `submit` queues them on the cache's one writer thread, in order.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sqlite3
import sys
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, TypeVar

import platformdirs

from .clock import Clock, system_clock
from .models import Filters, Job, JobKind, Phase, RecordCounts
from .sanitize import clean

CACHE_DIR_ENV = "BATCHTOP_CACHE_DIR"
CACHE_FILE = "jobs.sqlite3"
SCHEMA_VERSION = 2
APPLICATION_ID = 0x62746F70  # "btop": tells our database from any other SQLite file
DEFAULT_MAX_JOBS = 200_000
BUSY_TIMEOUT = 2.0
PAGE_CACHE_KIB = -512
"""SQLite's page cache (negative: KiB), a quarter of its default: writes touch a few pages
each and reads go a page of rows at a time, so a bigger one only holds the process's RSS up."""
"""Seconds a write waits for another batchtop's write before it is skipped (retried next time)."""

HISTORY_TIERS: tuple[tuple[float, float], ...] = (
    # (older than seconds, keep one sample per bucket of seconds)
    (3600.0, 60.0),
    (86400.0, 600.0),
    (7 * 86400.0, 3600.0),
)
"""Progress samples thin as they age: all of the last hour, then one a minute, then one per
10 minutes after a day, one an hour after a week."""
HISTORY_DAYS = 30
THIN_EVERY = 600.0

_T = TypeVar("_T")

_SCHEMA = (
    """CREATE TABLE jobs (
        source TEXT NOT NULL,
        arn TEXT NOT NULL,
        order_key REAL NOT NULL,
        terminal INTEGER NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (source, arn)
    ) WITHOUT ROWID""",
    "CREATE INDEX jobs_display ON jobs (source, order_key DESC, arn)",
    "CREATE INDEX jobs_eviction ON jobs (terminal, order_key)",
    """CREATE TABLE listings (
        source TEXT PRIMARY KEY,
        filters TEXT NOT NULL,
        next_token TEXT,
        all_loaded INTEGER NOT NULL
    ) WITHOUT ROWID""",
    """CREATE TABLE samples (
        arn TEXT NOT NULL,
        at REAL NOT NULL,
        processed INTEGER NOT NULL,
        succeeded INTEGER,
        failed INTEGER,
        PRIMARY KEY (arn, at)
    ) WITHOUT ROWID""",
)
_TABLES = ("jobs", "listings", "samples")


def cache_dir() -> Path:
    """$BATCHTOP_CACHE_DIR, else platformdirs' user cache dir for batchtop."""
    if from_env := os.environ.get(CACHE_DIR_ENV):
        return Path(from_env).expanduser()
    return platformdirs.user_cache_path("batchtop", appauthor=False)


def cache_path() -> Path:
    """The cache database's path (what `batchtop cache path` prints)."""
    return cache_dir() / CACHE_FILE


def run_cache_command(action: str) -> int:
    """`batchtop cache path|clear`: print where the cache lives, or empty it (0, or 1 when it
    cannot be used: the reason goes to stderr)."""
    if action == "path":
        print(cache_path())
        return 0
    cache = JobCache(on_problem=lambda sentence: print(f"batchtop: {sentence}", file=sys.stderr))
    try:
        if not cache.enabled:
            return 1
        cache.clear()
        if not cache.enabled:
            return 1
        print(f"cleared {cache.path}")
        return 0
    finally:
        cache.close()


@dataclass(frozen=True, slots=True)
class Sample:
    """One observation of a running job's record counts."""

    at: dt.datetime
    processed: int
    succeeded: int | None = None
    failed: int | None = None


Cursor = tuple[float, str]
"""A row's place in display order: (order key, ARN)."""


@dataclass(frozen=True, slots=True)
class CachedListing:
    """What the cache holds of one source: its rows in display order and where paging stopped.

    `next_token` continues the listing after the last cached row (only when it was saved with
    the same filters); `all_loaded` says the cached rows were the whole listing. Neither set:
    the cached rows are the top of the listing and paging on must start again from the top.
    """

    jobs: list[Job]
    next_token: str | None = None
    all_loaded: bool = False
    cursor: Cursor | None = None
    """Where the next chunk starts, when a `limit` stopped the read short of the last row."""


class CacheUnavailable(Exception):
    """The cache file cannot be used; the message is the sentence shown to the user."""


# ---------------------------------------------------------------- rows <-> text


def job_to_text(job: Job) -> str:
    """Every field of `job`, losslessly, as ASCII JSON (lone surrogates survive as escapes)."""
    records = job.records
    return json.dumps(
        {
            "arn": job.arn,
            "name": job.name,
            "kind": job.kind.value,
            "source": job.source,
            "status": job.status,
            "phase": job.phase.value,
            "created": _time_text(job.created),
            "updated": _time_text(job.updated),
            "ended": _time_text(job.ended),
            "model": job.model,
            "message": job.message,
            "invocation_type": job.invocation_type,
            "records": None if records is None else [records.total, records.processed, records.succeeded, records.failed],
            "notes": list(job.notes),
            "listed_at": _time_text(job.listed_at),
        },
        separators=(",", ":"),
    )


def job_from_text(text: str) -> Job:
    """The inverse of `job_to_text`; raises ValueError (pydantic's included) on anything else.

    Like the sources' rows (tens of thousands are held at once), values that repeat from row
    to row (source, status, model, message) are interned, and an end time equal to the last
    update is one object."""
    data = json.loads(text)
    if not isinstance(data, dict):
        raise ValueError("a cached job is not an object")
    records = data.get("records")
    updated = _time_of(data.get("updated"))
    ended = _time_of(data.get("ended"))
    return Job(
        arn=data["arn"],
        name=data["name"],
        kind=JobKind(data["kind"]),
        source=_interned(data["source"]),
        status=_interned(data["status"]),
        phase=Phase(data["phase"]),
        created=_time_of(data.get("created")),
        updated=updated,
        ended=updated if ended is not None and ended == updated else ended,
        model=_interned(data.get("model", "")),
        message=_interned(data.get("message", "")),
        invocation_type=_interned(data.get("invocation_type")),
        records=None if records is None else RecordCounts(*records),
        notes=tuple(data.get("notes", ())),
        listed_at=_time_of(data.get("listed_at")),
    )


def _interned(value: object) -> Any:
    """`value`, interned when it is a string (anything else is left for validation to refuse)."""
    return sys.intern(value) if type(value) is str else value


def filters_text(filters: Filters) -> str:
    """The filters a page token belongs to: a token is only valid for the listing that made it."""
    return json.dumps(
        [
            filters.name,
            filters.status,
            _time_text(filters.submitted_after),
            _time_text(filters.submitted_before),
            filters.newest_first,
        ]
    )


def _time_text(moment: dt.datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _time_of(text: object) -> dt.datetime | None:
    if text is None:
        return None
    if not isinstance(text, str):
        raise ValueError("a cached time is not text")
    return dt.datetime.fromisoformat(text)


NO_TIME = -1e18
"""The order key of a job without a creation time: after every dated job, as the feed shows it."""


def _order_key(job: Job) -> float:
    moment = job.order_time
    return NO_TIME if moment is None else moment.timestamp()


# ---------------------------------------------------------------- the cache


class JobCache:
    """The jobs of every source and the progress of running jobs, in one SQLite file.

    Never raises to its caller: when the file cannot be used, `enabled` turns false, one
    sentence goes to `on_problem`, reads return nothing and writes do nothing. Safe to call
    from any thread (one connection behind a lock); `submit` runs a call on the writer thread.
    """

    def __init__(
        self,
        path: Path | None = None,
        *,
        max_jobs: int = DEFAULT_MAX_JOBS,
        busy_timeout: float = BUSY_TIMEOUT,
        clock: Clock = system_clock,
        on_problem: Callable[[str], None] | None = None,
    ) -> None:
        self.path = cache_path() if path is None else path
        self.max_jobs = max_jobs
        self._busy_timeout = busy_timeout
        self._clock = clock
        self._on_problem = on_problem
        self.problems: list[str] = []
        """Every sentence reported so far, each once."""
        self._lock = threading.RLock()
        self._written: dict[str, dict[str, Job]] = {}
        """Per source, the jobs as last written or read: a save writes only what differs."""
        self._last_thinned = 0.0
        self._writer: ThreadPoolExecutor | None = None
        self._db: sqlite3.Connection | None = None
        self._db = self._open()

    @property
    def enabled(self) -> bool:
        return self._db is not None

    # ------------------------------------------------------------ opening

    def _open(self) -> sqlite3.Connection | None:
        """Open the file, creating it, or rebuilding it when its contents are damaged."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            return self._connect()
        except CacheUnavailable as unusable:
            self._report(f"{unusable} — running without a cache")
        except sqlite3.DatabaseError as error:
            if _damaged(error):
                return self._rebuild(error)
            self._report(f"cannot use the job cache {self._where(self.path)} ({_reason(error)}) — running without a cache")
        except OSError as error:
            self._report(f"cannot use the job cache {self._where(self.path)} ({_reason(error)}) — running without a cache")
        return None

    def _rebuild(self, damage: sqlite3.DatabaseError) -> sqlite3.Connection | None:
        """Replace a damaged file with an empty cache (it is only a cache: the service has it all)."""
        self._written.clear()
        try:
            self._remove_files()
            db = self._connect()
        except (CacheUnavailable, sqlite3.Error, OSError) as error:
            self._report(
                f"the job cache {self._where(self.path)} is damaged ({_reason(damage)}) and could not be rebuilt "
                f"({_reason(error)}) — running without a cache"
            )
            return None
        self._report(f"the job cache {self._where(self.path)} was damaged ({_reason(damage)}): rebuilt, empty")
        return db

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=self._busy_timeout, isolation_level=None, check_same_thread=False)
        try:
            self._prepare(db)
        except BaseException:
            db.close()
            raise
        return db

    def _prepare(self, db: sqlite3.Connection) -> None:
        """Check whose file this is and which schema it has; create or rebuild ours."""
        with _transaction(db, "DEFERRED"):  # one snapshot: another batchtop may be creating it now
            found = _identity(db)
        self._check_ours(found)
        if db.execute("PRAGMA journal_mode = WAL").fetchone()[0].lower() != "wal":
            raise sqlite3.OperationalError("cannot switch to WAL mode")
        db.execute("PRAGMA synchronous = NORMAL")  # with WAL: atomic always, durable to a process crash
        db.execute(f"PRAGMA cache_size = {PAGE_CACHE_KIB}")
        if _current(found):
            db.execute("SELECT count(*) FROM listings").fetchone()  # reads a page: a damaged file fails here
            return
        with _transaction(db):
            found = _identity(db)  # again, under the write lock
            self._check_ours(found)
            if _current(found):
                return
            for table in _TABLES:
                db.execute(f"DROP TABLE IF EXISTS {table}")
            for statement in _SCHEMA:
                db.execute(statement)
            db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        application_id, version, _ = found
        if application_id == APPLICATION_ID and version != SCHEMA_VERSION:
            newer = "a newer" if version > SCHEMA_VERSION else "an older"
            self._report(f"the job cache {self._where(self.path)} was written by {newer} batchtop (schema {version}): rebuilt, empty")

    def _check_ours(self, found: tuple[int, int, set[str]]) -> None:
        application_id, _, tables = found
        if application_id not in (0, APPLICATION_ID) or (application_id == 0 and tables):
            raise CacheUnavailable(
                f"{self._where(self.path)} is not a batchtop cache (left as it is; set {CACHE_DIR_ENV} to use another folder)"
            )

    def _remove_files(self) -> None:
        for suffix in ("", "-wal", "-shm", "-journal"):
            try:
                os.unlink(f"{self.path}{suffix}")
            except FileNotFoundError:
                pass

    # ------------------------------------------------------------ reading

    def sources(self) -> list[str]:
        """The ids of the sources the cache holds rows of."""
        rows = self._read("SELECT DISTINCT source FROM jobs ORDER BY source", ())
        return [row[0] for row in rows]

    def load(
        self, source: str, filters: Filters | None = None, limit: int | None = None, after: Cursor | None = None
    ) -> CachedListing:
        """The cached jobs of `source`, newest first (jobs without a creation time last), at
        most `limit` of them, starting after the row `after` names (a `CachedListing.cursor`).

        The listing's token comes back only when it was saved under `filters` (default: none).
        A row that cannot be read back is skipped (reported once).
        """
        where, parameters = "source = ?", [source]
        if after is not None:
            where += " AND (order_key < ? OR (order_key = ? AND arn > ?))"
            parameters += [after[0], after[0], after[1]]
        rows = self._read(
            f"SELECT order_key, arn, body FROM jobs WHERE {where} ORDER BY order_key DESC, arn LIMIT ?",
            (*parameters, -1 if limit is None else limit),
        )
        jobs: list[Job] = []
        for _, _, body in rows:
            try:
                jobs.append(job_from_text(body))
            except (ValueError, TypeError, KeyError) as error:
                self._report(f"the job cache {self._where(self.path)} holds a row that cannot be read ({_reason(error)}): skipped")
        with self._lock:
            written = self._written.setdefault(source, {})
            for job in jobs:
                written.setdefault(job.arn, job)
        cursor = (rows[-1][0], rows[-1][1]) if limit is not None and len(rows) == limit else None
        listing = self._read("SELECT filters, next_token, all_loaded FROM listings WHERE source = ?", (source,))
        if not listing or listing[0][0] != filters_text(filters or Filters()):
            return CachedListing(jobs, cursor=cursor)
        _, token, all_loaded = listing[0]
        return CachedListing(jobs, token if isinstance(token, str) else None, bool(all_loaded), cursor)

    def forget(self, arns: Iterable[str]) -> None:
        """Drop jobs that no longer exist (from every source), and their history."""
        gone = [(arn,) for arn in arns]
        with self._lock:
            if self._db is None or not gone:
                return
            try:
                with _transaction(self._db):
                    self._db.executemany("DELETE FROM jobs WHERE arn = ?", gone)
                    self._db.executemany("DELETE FROM samples WHERE arn = ?", gone)
            except sqlite3.Error as error:
                self._failed(error)
                return
            for written in self._written.values():
                for (arn,) in gone:
                    written.pop(arn, None)

    def history(self, arn: str) -> list[Sample]:
        """The progress samples of one job, oldest first."""
        rows = self._read("SELECT at, processed, succeeded, failed FROM samples WHERE arn = ? ORDER BY at", (arn,))
        return [Sample(_from_epoch(at), processed, succeeded, failed) for at, processed, succeeded, failed in rows]

    def count(self) -> int:
        rows = self._read("SELECT count(*) FROM jobs", ())
        return rows[0][0] if rows else 0

    def _read(self, sql: str, parameters: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        with self._lock:
            if self._db is None:
                return []
            try:
                return self._db.execute(sql, parameters).fetchall()
            except sqlite3.Error as error:
                self._failed(error)
                return []

    # ------------------------------------------------------------ writing

    def save(
        self,
        source: str,
        jobs: Iterable[Job],
        *,
        filters: Filters | None = None,
        next_token: str | None = None,
        all_loaded: bool | None = None,
    ) -> int:
        """Write the jobs of `source` that changed since they were last written or read, and a
        progress sample of each running one; with `all_loaded` given, also where its listing
        (under `filters`) continues. One transaction: all of it lands, or none of it.

        Returns how many jobs were written (0 also when the write failed: they are retried
        with the next save)."""
        now = self._clock()
        if self._db is None:
            return 0
        # Compared outside the lock (a UI thread reading history never waits for it): only
        # the thread that writes changes `_written`.
        written = self._written.setdefault(source, {})
        seen = list(jobs)
        changed = [job for job in seen if (old := written.get(job.arn)) is not job and old != job]
        running = [job for job in seen if job.phase is Phase.RUNNING and job.records and job.records.processed is not None]
        with self._lock:
            if self._db is None:
                return 0
            try:
                with _transaction(self._db):
                    self._db.executemany(
                        "INSERT OR REPLACE INTO jobs (source, arn, order_key, terminal, body) VALUES (?, ?, ?, ?, ?)",
                        [(source, job.arn, _order_key(job), job.phase.terminal, job_to_text(job)) for job in changed],
                    )
                    for job in running:
                        self._add_sample(job, now)
                    if all_loaded is not None:
                        self._db.execute(
                            "INSERT OR REPLACE INTO listings (source, filters, next_token, all_loaded) VALUES (?, ?, ?, ?)",
                            (source, filters_text(filters or Filters()), next_token, all_loaded),
                        )
                    evicted = self._evict() if any(job.arn not in written for job in changed) else []
                    if now.timestamp() - self._last_thinned >= THIN_EVERY:
                        self._thin(now)
            except sqlite3.Error as error:
                self._failed(error)
                return 0
            for job in changed:
                written[job.arn] = job
            for evicted_source, arn in evicted:
                self._written.get(evicted_source, {}).pop(arn, None)
            return len(changed)

    def _add_sample(self, job: Job, now: dt.datetime) -> None:
        """Append a sample; a run of equal samples keeps only its first and its last."""
        assert self._db is not None and job.records is not None and job.records.processed is not None
        records = job.records
        values = (records.processed, records.succeeded, records.failed)
        at = now.timestamp()
        last_two = self._db.execute(
            "SELECT at, processed, succeeded, failed FROM samples WHERE arn = ? ORDER BY at DESC LIMIT 2", (job.arn,)
        ).fetchall()
        if last_two and at <= last_two[0][0]:
            return  # another process sampled it at the same moment, or the clock went back
        if len(last_two) == 2 and all(tuple(row[1:]) == values for row in last_two):
            self._db.execute("UPDATE samples SET at = ? WHERE arn = ? AND at = ?", (at, job.arn, last_two[0][0]))
        else:
            self._db.execute("INSERT INTO samples (arn, at, processed, succeeded, failed) VALUES (?, ?, ?, ?, ?)", (job.arn, at, *values))

    def _evict(self) -> list[tuple[str, str]]:
        """Past `max_jobs`, drop the oldest terminal jobs (and their history); a source that
        lost rows must page from the top again, since its token points past the hole."""
        assert self._db is not None
        excess = self._db.execute("SELECT count(*) FROM jobs").fetchone()[0] - self.max_jobs
        if excess <= 0:
            return []
        evicted = self._db.execute(
            """DELETE FROM jobs WHERE (source, arn) IN (
                 SELECT source, arn FROM jobs WHERE terminal ORDER BY order_key LIMIT ?)
               RETURNING source, arn""",
            (excess,),
        ).fetchall()
        sources = {source for source, _ in evicted}
        self._db.executemany("UPDATE listings SET next_token = NULL, all_loaded = 0 WHERE source = ?", [(s,) for s in sources])
        self._db.executemany(
            "DELETE FROM samples WHERE arn = ? AND NOT EXISTS (SELECT 1 FROM jobs WHERE arn = ?)", [(arn, arn) for _, arn in evicted]
        )
        return evicted

    def _thin(self, now: dt.datetime) -> None:
        """Keep the last sample of each bucket, buckets widening with age (HISTORY_TIERS)."""
        assert self._db is not None
        at = now.timestamp()
        self._db.execute("DELETE FROM samples WHERE at < ?", (at - HISTORY_DAYS * 86400.0,))
        edges = [age for age, _ in HISTORY_TIERS[1:]] + [HISTORY_DAYS * 86400.0]
        for (age, bucket), older_edge in zip(HISTORY_TIERS, edges):
            self._db.execute(
                """DELETE FROM samples WHERE at < :newest AND at >= :oldest AND EXISTS (
                     SELECT 1 FROM samples AS later WHERE later.arn = samples.arn AND later.at > samples.at
                     AND later.at < (CAST(samples.at / :bucket AS INTEGER) + 1) * :bucket)""",
                {"newest": at - age, "oldest": at - older_edge, "bucket": bucket},
            )
        self._last_thinned = at

    def clear(self) -> None:
        """Forget every cached job, listing and sample (the file stays, and other processes'
        connections to it stay valid)."""
        with self._lock:
            if self._db is None:
                return
            try:
                with _transaction(self._db):
                    for table in _TABLES:
                        self._db.execute(f"DELETE FROM {table}")
                self._db.execute("VACUUM")
            except sqlite3.Error as error:
                self._failed(error)
                return
            self._written.clear()

    # ------------------------------------------------------------ the writer thread

    def submit(self, call: Callable[..., _T], *args: Any, **kwargs: Any) -> Future[_T]:
        """Run `call` on the cache's one writer thread, after the calls submitted before it:
        the event loop never waits for the disk, and writes land in the order they were asked."""
        with self._lock:
            if self._writer is None:
                self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="batchtop-cache")
            return self._writer.submit(call, *args, **kwargs)

    def close(self) -> None:
        """Finish the queued writes, then close the file."""
        writer, self._writer = self._writer, None
        if writer is not None:
            writer.shutdown(wait=True)
        with self._lock:
            db, self._db = self._db, None
            if db is not None:
                db.close()

    # ------------------------------------------------------------ problems

    def _failed(self, error: sqlite3.Error) -> None:
        """A read or write failed. Busy: skipped (the rows stay unwritten, so the next save
        retries them). Damaged: rebuilt. Read-only or gone: the cache is closed for this run."""
        if getattr(error, "sqlite_errorname", "") in ("SQLITE_BUSY", "SQLITE_LOCKED"):
            self._report(f"the job cache {self._where(self.path)} is busy in another batchtop: some writes wait")
            return
        db, self._db = self._db, None
        if db is not None:
            db.close()
        if isinstance(error, sqlite3.DatabaseError) and _damaged(error):
            self._db = self._rebuild(error)
        else:
            self._report(f"the job cache {self._where(self.path)} failed ({_reason(error)}) — running without a cache")

    def _report(self, sentence: str) -> None:
        if sentence in self.problems:
            return
        self.problems.append(sentence)
        if self._on_problem is not None:
            self._on_problem(sentence)

    @staticmethod
    def _where(path: Path) -> str:
        return clean(str(path), 120)


@contextlib.contextmanager
def _transaction(db: sqlite3.Connection, mode: str = "IMMEDIATE") -> Iterator[None]:
    """BEGIN … COMMIT, or ROLLBACK on any error: a write lands whole or not at all.
    IMMEDIATE takes the write lock first, so two writers queue instead of failing midway."""
    db.execute(f"BEGIN {mode}")
    try:
        yield
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def _identity(db: sqlite3.Connection) -> tuple[int, int, set[str]]:
    """(application id, schema version, table names) of an open database."""
    application_id = db.execute("PRAGMA application_id").fetchone()[0]
    version = db.execute("PRAGMA user_version").fetchone()[0]
    tables = {row[0] for row in db.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")}
    return application_id, version, tables


def _current(found: tuple[int, int, set[str]]) -> bool:
    application_id, version, tables = found
    return application_id == APPLICATION_ID and version == SCHEMA_VERSION and set(_TABLES) <= tables


def _damaged(error: sqlite3.DatabaseError) -> bool:
    """The file's contents are broken (rebuild it), as opposed to it being busy or not ours to write."""
    return getattr(error, "sqlite_errorname", "") in ("SQLITE_CORRUPT", "SQLITE_NOTADB") or not isinstance(
        error, sqlite3.OperationalError
    )


def _from_epoch(seconds: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, dt.timezone.utc)


def _reason(error: BaseException) -> str:
    if isinstance(error, OSError) and error.strerror:
        return clean(error.strerror, 120)
    return clean(str(error) or type(error).__name__, 120)
