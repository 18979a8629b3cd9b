"""Many sources in one process: what their clients share."""

from __future__ import annotations

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
