"""Sessions and clients: one aioboto3 Session per profile, one long-lived client per
(profile, region, service), created lazily once and closed when the pool closes.

A new session and client cost ~70 ms and re-read credentials (on EC2 jump hosts, instance
metadata), so they are reused for the life of the app. Refreshable credentials (SSO,
assume-role, instance profile) refresh by themselves inside the same client: after
`aws sso login` the next call simply works.

Credentials that cannot refresh themselves are different: a client created while no
credentials existed keeps none, and a session keeps static keys that have expired. So when a
call fails with a credential problem (`sso_expired`, `no_credentials`, `expired_token`), that
client is retired and the next call builds a fresh session and client, which read the
credential chain again. A retired client is closed once its calls in flight have returned.

Endpoints: `endpoint_url` is passed only when given (the demo). Otherwise botocore itself
honours AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_BEDROCK / _PERSONALIZE / _SAGEMAKER.
"""

from __future__ import annotations

import asyncio
import fnmatch
import functools
import os
import platform
import ssl
from typing import Any, Callable, Iterable, Mapping

import aioboto3
import aiobotocore
import aiohttp
from aiobotocore.config import AioConfig
from aiobotocore.hooks import AioHierarchicalEmitter
from aiobotocore.session import AioSession
from botocore import handlers
from botocore.exceptions import ProfileNotFound
from botocore.hooks import _PrefixTrie
from botocore.httpsession import create_urllib3_context, get_cert_path
from botocore.loaders import Loader

from . import __version__
from .errors import classify, known_profiles
from .lean_loader import LeanLoader
from .models import JobKind, Source, SourceKey
from .sanitize import clean
from .sources.transport import CappedHTTPSession

DEFAULT_REGION = "us-east-1"
DEMO_CREDENTIALS = {"aws_access_key_id": "batchtop-demo", "aws_secret_access_key": "batchtop-demo"}
"""The emulator's home account, 123456789012 (tui/emulator/accounts.py: DEMO_ACCESS_KEY)."""
# The demo's sessions read nothing of the user's AWS setup: no profile, region or file from the
# environment (botocore's session variables: name -> (config key, env var, default, convert)).
DEMO_SESSION_VARS = {
    "profile": (None, None, None, None),
    "region": (None, None, None, None),
    "config_file": (None, None, os.devnull, None),
    "credentials_file": (None, None, os.devnull, None),
}
CONNECT_TIMEOUT = 5.0  # seconds: a dead network fails in seconds, not minutes
READ_TIMEOUT = 20.0
KEEPALIVE = 30.0
"""Seconds an idle connection stays open for reuse: a refresh every 10 s (plus the round)
finds it open; aiobotocore's default 12 s made each one connect anew (a third of a call's CPU)."""
USER_AGENT = f"aiobotocore/{aiobotocore.__version__} Python/{platform.python_version()} {platform.system()}/{platform.release()}"
"""The User-Agent's base, given whole: botocore's own is built anew twice a call from ~45
parts, to name the features the call used (42 µs each time: 0.15 CPU-s a minute at 300
active sources). The session adds botocore's version, `user_agent_extra` batchtop's."""
SERVICES = frozenset({"bedrock", "personalize", "sagemaker"})
"""The services batchtop calls: botocore's built-in handlers for any other are left out."""
_CREDENTIAL_KINDS = frozenset({"sso_expired", "no_credentials", "expired_token"})
Prepare = Callable[[Any], None]


class SharedTlsSession(CappedHTTPSession):
    """aiobotocore's HTTP session (response bodies capped: see CappedHTTPSession), with one TLS
    context for every client's connection pool.

    aiobotocore 2.25 builds a TLS context and loads the CA bundle into it for every client's
    pool, even for http:// endpoints: ~19 ms and ~0.7 MB each, so 200 clients cost 3.9 CPU-s
    and 146 MB. Its `ssl_context` connector argument cannot replace that context (aiohttp
    rejects the pair), so this class, given through the client Config's `http_session_cls`,
    lends every pool one context per CA bundle. Proxies and client certificates, which
    configure a pool's own context, keep aiobotocore's way.
    """

    def _create_connector(self, proxy_url: str | None) -> aiohttp.TCPConnector:
        if proxy_url or self._cert_file or not self._verify:
            return super()._create_connector(proxy_url)
        context = verified_context(get_cert_path(self._verify))
        return aiohttp.TCPConnector(limit=self._max_pool_connections, ssl=context, **self._connector_args)


@functools.lru_cache(maxsize=None)
def verified_context(ca_bundle: str | None) -> ssl.SSLContext:
    """The TLS context aiobotocore would build for `ca_bundle`, built once per process."""
    context = create_urllib3_context()
    if ca_bundle:
        context.load_verify_locations(ca_bundle)
    return context


class ClientSlot:
    """The one client for a (profile, region, service): created on first use, rebuilt after a
    credential failure, closed by the pool. Sources call AWS only through `call`."""

    def __init__(
        self, pool: AwsPool, profile: str | None, region: str, service: str, prepare: Prepare | None = None
    ) -> None:
        self.pool = pool
        self.profile = profile
        self.region = region
        self.service = service
        self._prepare = prepare
        self._client: Any = None
        self._session: Any = None
        self._lock = asyncio.Lock()
        self._in_flight: dict[int, int] = {}
        self._retired: dict[int, Any] = {}

    async def call(self, method: str, **params: Any) -> dict[str, Any]:
        """Call `method` on the client; a credential failure makes the next call start afresh."""
        client = await self._current()
        key = id(client)
        self._in_flight[key] = self._in_flight.get(key, 0) + 1
        try:
            return await getattr(client, method)(**params)
        except Exception as exc:
            if classify(exc, self.profile).kind in _CREDENTIAL_KINDS:
                self._retire(client)
            raise
        finally:
            self._in_flight[key] -= 1
            if not self._in_flight[key]:
                del self._in_flight[key]
                if key in self._retired:
                    await self._retired.pop(key).close()

    async def open(self) -> None:
        """Create the client now rather than on the first call. A failure is left for that
        call to meet again and report like any other."""
        try:
            await self._current()
        except Exception:  # noqa: BLE001 - reported by the first call, as a Problem
            pass

    async def _current(self) -> Any:
        if self._client is not None:
            return self._client
        async with self._lock:
            if self._client is None:
                if self._session is not None:
                    self.pool.renew_session(self.profile, self._session)
                self._session = self.pool.session(self.profile)
                self._client = await self.pool.open_client(self._session, self.service, self.region)
                if self._prepare is not None:
                    self._prepare(self._client)
            return self._client

    def _retire(self, client: Any) -> None:
        if self._client is client:
            self._client = None
            self._retired[id(client)] = client

    async def close(self) -> None:
        clients = [client for client in (self._client, *self._retired.values()) if client is not None]
        self._client = None
        self._retired.clear()
        for client in clients:
            await client.close()


class AwsPool:
    """Owns every session and client; `async with` closes them all.

    `endpoint_url` and `credentials` (a mapping of botocore's aws_access_key_id /
    aws_secret_access_key / aws_session_token) override the AWS chain: the demo and tests use
    them; `session_vars` (botocore's) keep the demo's sessions off the user's AWS files. `retry_mode`
    is botocore's "standard" or "adaptive"; `max_attempts` counts the first try.
    """

    def __init__(
        self,
        endpoint_url: str | None = None,
        credentials: Mapping[str, str] | None = None,
        *,
        retry_mode: str = "standard",
        max_attempts: int = 3,
        connect_timeout: float = CONNECT_TIMEOUT,
        read_timeout: float = READ_TIMEOUT,
        session_vars: Mapping[str, tuple[Any, ...]] | None = None,
    ) -> None:
        self.endpoint_url = endpoint_url
        self.credentials = dict(credentials) if credentials else None
        self.session_vars = dict(session_vars) if session_vars else None
        self.config = AioConfig(
            http_session_cls=SharedTlsSession,
            retries={"mode": retry_mode, "total_max_attempts": max_attempts},
            user_agent=USER_AGENT,
            user_agent_extra=f"batchtop/{__version__}",
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            connector_args={"keepalive_timeout": KEEPALIVE},
        )
        self._sessions: dict[str | None, aioboto3.Session] = {}
        self._loaders: dict[str | None, Loader] = {}
        self._methods: dict[str, dict[str, Any]] = {}
        self._slots: dict[tuple[str | None, str, str], ClientSlot] = {}

    @classmethod
    def demo(cls, endpoint_url: str, **options: Any) -> AwsPool:
        """A pool for the built-in emulator: its endpoint and dummy credentials, and sessions
        that read no AWS config, credentials file, profile or region from the user's setup."""
        return cls(endpoint_url=endpoint_url, credentials=DEMO_CREDENTIALS, session_vars=DEMO_SESSION_VARS, **options)

    async def __aenter__(self) -> AwsPool:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def open_clients(self) -> None:
        """Create every slot's client now (start-up: ~50 ms of work done before the UI
        starts, so the first requests leave at once)."""
        await asyncio.gather(*(slot.open() for slot in self._slots.values()))

    async def close(self) -> None:
        slots = list(self._slots.values())
        self._slots.clear()
        for slot in slots:
            await slot.close()

    def session(self, profile: str | None) -> aioboto3.Session:
        """The session of `profile` (None: the default chain). Raises ProfileNotFound."""
        session = self._sessions.get(profile)
        if session is None:
            core = _lean_core_session(self.session_vars)
            if profile is not None:
                core.set_config_variable("profile", profile)
            loader = self._loader(core.get_config_variable("data_path"))
            core.register_component("data_loader", loader)
            core.register("creating-client-class", self._share_methods)
            session = aioboto3.Session(botocore_session=core, profile_name=profile, **(self.credentials or {}))
            loader.search_paths[:] = dict.fromkeys(loader.search_paths)  # each session adds boto3's path again
            self._sessions[profile] = session
        return session

    def _share_methods(self, event_name: str, class_attributes: dict[str, Any], **_: Any) -> None:
        """Give every client of a service the same method objects.

        botocore builds a new class for every client, with a method and a lazy docstring per
        operation (~90 KB a client). A method only names its operation, so the first client's
        methods serve all (botocore's `creating-client-class` event may change the class's
        attributes before the class is made)."""
        shared = self._methods.setdefault(event_name, {})
        for name, value in class_attributes.items():
            if callable(value):
                class_attributes[name] = shared.setdefault(name, value)

    def _loader(self, data_path: str | None) -> Loader:
        """botocore's data files (endpoints.json is 1.2 MB, then the service models) parsed once
        per process rather than once per session (~45 ms for every other profile, and for
        every session renewed after a credential failure), and cut to what our clients use."""
        loader = self._loaders.get(data_path)
        if loader is None:
            from .sources import service_operations

            extra = [os.path.expanduser(os.path.expandvars(path)) for path in data_path.split(os.pathsep)] if data_path else None
            loader = self._loaders[data_path] = LeanLoader(service_operations(), extra_search_paths=extra)
        return loader

    def renew_session(self, profile: str | None, stale: aioboto3.Session) -> None:
        """Forget `stale` (if still current) so the next `session` re-reads the credential chain."""
        if self._sessions.get(profile) is stale:
            del self._sessions[profile]

    def default_region(self, profile: str | None) -> str:
        """The profile's configured region (config file or AWS_DEFAULT_REGION), else us-east-1."""
        return self.session(profile).region_name or DEFAULT_REGION

    def _region_or_default(self, profile: str | None) -> str:
        try:
            return self.default_region(profile)
        except ProfileNotFound:  # its sources say so, with the fix, while the others run
            return DEFAULT_REGION

    async def open_client(self, session: aioboto3.Session, service: str, region: str) -> Any:
        options: dict[str, Any] = {"region_name": region, "config": self.config}
        if self.endpoint_url:
            options["endpoint_url"] = self.endpoint_url
        return await session.client(service, **options).__aenter__()

    def slot(self, profile: str | None, region: str, service: str, prepare: Prepare | None = None) -> ClientSlot:
        """The shared client slot for (profile, region, service), made once. `prepare` runs on
        every client the slot creates (e.g. registering event handlers)."""
        key = (profile, region, service)
        slot = self._slots.get(key)
        if slot is None:
            slot = ClientSlot(self, profile, region, service, prepare)
            self._slots[key] = slot
        return slot

    def build_sources(
        self,
        profiles: Iterable[str | None] | None,
        regions: Iterable[str] | None,
        kinds: Iterable[JobKind | str] | None,
        *,
        first_page_size: int | None = None,
        page_size: int | None = None,
    ) -> list[Source]:
        """One source per (profile, region, kind), ordered by profile, region, kind.

        Empty `profiles` means the default chain, a glob (`prod-*`) the configured profiles it
        matches (see `select_profiles`); empty `regions` means each profile's own region (an
        unknown profile's sources fail with the fix); empty `kinds` or "all" means every kind.
        Page sizes default per service. Raises ProfileSelectionError.
        """
        from .sources import make_source

        profile_list = select_profiles(profiles or [], known_profiles()) or [None]
        kind_list = _kinds(kinds)
        sources: list[Source] = []
        for profile in profile_list:
            region_list = list(dict.fromkeys(regions or [])) or [self._region_or_default(profile)]
            for region in region_list:
                for kind in kind_list:
                    key = SourceKey(profile, region, kind)
                    sources.append(make_source(self, key, first_page_size=first_page_size, page_size=page_size))
        return sources


class ProfileSelectionError(ValueError):
    """The profiles asked for name nothing there is to watch; the message lists what exists."""


def is_glob(name: str) -> bool:
    return any(char in name for char in "*?[")


def select_profiles(wanted: Iterable[str | None], known: list[str] | None) -> list[str | None]:
    """The profiles `wanted` names, in order, each once: a glob expands to the configured
    profiles it matches (sorted), a plain name stays whether configured or not (an unknown
    one becomes failing sources that say how to fix it), None is the default chain.

    Refused (ProfileSelectionError): a glob that matches nothing, or names of which none is
    configured. When the AWS config cannot be read (`known` is None) nothing is refused.
    """
    listed = f"profiles here: {clean(', '.join(known), 400) if known else 'none'}"
    selected: list[str | None] = []
    for name in wanted:
        if name is not None and is_glob(name):
            matches = sorted(fnmatch.filter(known or [], name))
            if known is not None and not matches:
                raise ProfileSelectionError(f"--profile {clean(name, 60)!r} matches no AWS profile ({listed})")
            selected.extend(matches)
        else:
            selected.append(name)
    selected = list(dict.fromkeys(selected))
    if known is not None and selected and not any(name is None or name in known for name in selected):
        raise ProfileSelectionError(f"no AWS profile named {', '.join(clean(str(name), 60) for name in selected)} ({listed})")
    return selected


def _lean_core_session(session_vars: Mapping[str, tuple[Any, ...]] | None) -> AioSession:
    """A botocore session with only the built-in handlers batchtop's services can meet.

    Every client copies its session's whole table of event handlers (~45 KB a client: 17 MB
    for 200 clients), and most of botocore's built-in handlers are for other services (S3,
    EC2, Glacier…) or write docs. So the session is made without them and given botocore's
    own list again, minus those: generic handlers and those of SERVICES stay.
    """
    core = AioSession(session_vars, event_hooks=LeanEmitter(), include_builtin_handlers=False)
    events = core.get_component("event_emitter")
    for event, handler, *order in handlers.BUILTIN_HANDLERS:
        parts = event.split(".")
        if parts[0] == "docs" or (len(parts) > 1 and parts[1] != "*" and parts[1] not in SERVICES):
            continue
        if order and order[0] is handlers.REGISTER_FIRST:
            events.register_first(event, handler)
        elif order:
            events.register_last(event, handler)
        else:
            events.register(event, handler)
    return core


class LeanEmitter(AioHierarchicalEmitter):
    """aiobotocore's event emitter (each client gets a copy), remembering the handlers of each
    event it emitted as a tuple instead of a deque.

    A client emits ~12 events per operation and its emitter caches the handlers of each: a
    deque is ~380 bytes even when empty, a tuple ~60 (3.7 MB at 300 clients). The cached
    handlers are only ever iterated."""

    def __init__(self) -> None:
        super().__init__()
        self._handlers = _TupleTrie()


class _TupleTrie(_PrefixTrie):
    def prefix_search(self, key: str) -> tuple[Any, ...]:  # type: ignore[override]
        return tuple(super().prefix_search(key))


def _kinds(kinds: Iterable[JobKind | str] | None) -> list[JobKind]:
    wanted: set[JobKind] = set()
    for kind in kinds or ["all"]:
        if kind == "all":
            wanted.update(JobKind)
        else:
            wanted.add(JobKind(kind))
    return [kind for kind in JobKind if kind in wanted]
