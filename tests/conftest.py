"""Shared fixtures: a small frozen world, the emulator serving it, and an AWS environment
that points every client (boto3, aioboto3, the AWS CLI) at that emulator and nowhere else."""

from __future__ import annotations

import datetime as dt
import os
import time

import pytest

from tui.emulator import EmulatorThread, Faults, World

FIXED_NOW = dt.datetime(2025, 6, 1, 12, 0, tzinfo=dt.timezone.utc)
JOBS_PER_KIND = 300
ACCESS_KEY = "batchtop-demo"  # the emulator's home account, 123456789012 (see tui/emulator/accounts.py)
SECRET_KEY = "emulator-test-secret"

# Variables that would send a client elsewhere or pick other credentials.
_FOREIGN_AWS_VARIABLES = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_REGION",
    "AWS_ENDPOINT_URL_BEDROCK",
    "AWS_ENDPOINT_URL_PERSONALIZE",
    "AWS_ENDPOINT_URL_SAGEMAKER",
    "AWS_ROLE_ARN",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
)


@pytest.fixture(autouse=True)
def local_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Every test (and every batchtop it starts) gets its own empty cache and state folders:
    never the developer's. Returns them by environment variable."""
    root = tmp_path_factory.mktemp("local")
    folders = {"BATCHTOP_CACHE_DIR": str(root / "cache"), "BATCHTOP_STATE_DIR": str(root / "state")}
    for name, folder in folders.items():
        monkeypatch.setenv(name, folder)
    return folders


@pytest.fixture
def in_kolkata():
    """The machine's local zone is IST (UTC+05:30, no daylight saving) for this test."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "Asia/Kolkata"
    time.tzset()
    yield
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    time.tzset()


@pytest.fixture
def fixed_now() -> dt.datetime:
    """The frozen instant of the `world` fixture."""
    return FIXED_NOW


@pytest.fixture
def world() -> World:
    """300 jobs of each kind, seed 1, time frozen at FIXED_NOW (move it with world.advance)."""
    return World(jobs_per_kind=JOBS_PER_KIND, seed=1, speed=0, now=FIXED_NOW)


@pytest.fixture
def faults() -> Faults:
    """No faults; flip fields in a test and the next request sees them."""
    return Faults()


@pytest.fixture
def emulator(world: World, faults: Faults):
    """The emulator serving `world` with `faults`, on 127.0.0.1 in a daemon thread."""
    with EmulatorThread(world, faults=faults, port=0) as server:
        yield server


@pytest.fixture
def aws_env(emulator, monkeypatch: pytest.MonkeyPatch, tmp_path) -> dict[str, str]:
    """Point AWS clients at `emulator` with dummy credentials; returns the resulting environment
    (pass it to subprocesses such as the AWS CLI)."""
    config = tmp_path / "aws-config"
    credentials = tmp_path / "aws-credentials"
    config.write_text("")
    credentials.write_text("")
    for name in _FOREIGN_AWS_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ENDPOINT_URL", emulator.endpoint_url)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("BATCHTOP_CONFIG", str(tmp_path / "no-batchtop-config.toml"))  # never the user's own
    return dict(os.environ)


@pytest.fixture
def signed_request(emulator):
    """Send one raw HTTP request to the emulator, SigV4-signed (or not, with sign=False).

    Returns (status, headers, body bytes); for checks that no SDK would let through.
    """
    import urllib.error
    import urllib.request

    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    def send(method: str, path: str, service: str, *, region: str = "us-east-1", body: bytes = b"",
             headers: dict[str, str] | None = None, sign: bool = True):
        request = AWSRequest(method=method, url=emulator.endpoint_url + path, data=body, headers=headers or {})
        if sign:
            SigV4Auth(Credentials(ACCESS_KEY, SECRET_KEY), service, region).add_auth(request)
        prepared = request.prepare()
        raw = urllib.request.Request(prepared.url, data=body or None, headers=dict(prepared.headers), method=method)
        try:
            with urllib.request.urlopen(raw, timeout=10) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    return send
