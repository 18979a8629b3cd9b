"""Many sources in one process: what their clients share."""

from __future__ import annotations

import collections
import gc
import inspect
import ssl

from tui.aws import AwsPool
from tui.models import Filters


def _tls_contexts() -> int:
    gc.collect()
    return sum(1 for thing in gc.get_objects() if isinstance(thing, ssl.SSLContext))


async def test_every_client_connection_pool_shares_one_tls_context(emulator):
    async with AwsPool.demo(emulator.endpoint_url) as pool:
        sources = pool.build_sources([], ["us-east-1", "eu-west-1", "ap-south-1"], ["all"])
        before = _tls_contexts()
        for source in sources:  # six clients (two services × three regions), each with its own pool
            await source.list_page(Filters(), None)
        assert _tls_contexts() - before <= 1



def _functions_named(name: str) -> int:
    gc.collect()
    return sum(1 for thing in gc.get_objects() if inspect.isfunction(thing) and thing.__name__ == name)


async def test_clients_of_one_service_share_one_set_of_methods(emulator):
    async with AwsPool.demo(emulator.endpoint_url) as pool:
        for source in pool.build_sources([], ["us-east-1", "eu-west-1", "ap-south-1"], ["bedrock"]):
            await source.list_page(Filters(), None)  # three clients, three client classes
        assert _functions_named("list_model_invocation_jobs") == 1


async def test_clients_know_only_the_operations_their_adapter_calls(emulator):
    """The service models are cut to what batchtop calls (SageMaker's has ~380 operations), and
    endpoints.json to our services (and the credential providers'): other services have none."""
    from tui.sources import service_operations

    async with AwsPool.demo(emulator.endpoint_url) as pool:
        session = pool.session(None)
        for service, operations in service_operations().items():
            client = await pool.open_client(session, service, "eu-west-1")
            try:
                assert set(client.meta.service_model.operation_names) == operations
            finally:
                await client.close()
            assert "eu-west-1" in await session.get_available_regions(service)
        assert "eu-west-1" in await session.get_available_regions("sts")
        assert await session.get_available_regions("ec2") == []


async def test_rows_kept_from_the_last_run_are_one_copy_once_the_service_lists_them(emulator, local_dirs):
    """Warm start: the rows shown from the cache are the very objects the sources hand back
    when the service lists them unchanged (each source remembers its first page: before, it
    kept an equal copy of every cached row, 20 MB at 40,000 rows)."""
    from tui.local import LocalStore
    from tui.refresh import RefreshEngine

    async def run(local: LocalStore) -> RefreshEngine:
        async with AwsPool.demo(emulator.endpoint_url) as pool:
            engine = RefreshEngine(local.wrap(pool.build_sources([], ["us-east-1"], ["all"])))
            local.restore(engine)
            delta = engine.apply_refresh(await engine.fetch_refresh())
            local.remember(engine, delta)
            for state in engine.states:
                listed = (await state.source.list_page(engine.filters, None)).jobs
                assert listed and all(job is state.feed.get(job.arn) for job in listed), state.key
        local.close()
        return engine

    first = LocalStore()
    await run(first)
    warm = LocalStore()
    engine = await run(warm)
    assert all(state.cached is False and len(state.feed) for state in engine.states)


def _deques() -> int:
    gc.collect()
    return sum(1 for thing in gc.get_objects() if type(thing) is collections.deque)


async def test_a_client_remembers_the_handlers_of_its_events_without_a_deque_each(emulator):
    """Each client caches the handlers of every event it emits (~12 per operation): as deques
    (~380 bytes each) that was ~20 deques a client; what is left is aiohttp's few."""
    async with AwsPool.demo(emulator.endpoint_url) as pool:
        before = _deques()
        for source in pool.build_sources([], ["us-east-1", "eu-west-1", "ap-south-1", "sa-east-1"], ["all"]):
            await source.list_page(Filters(), None)  # twelve clients (three services × four regions)
        assert (_deques() - before) / 12 < 10
