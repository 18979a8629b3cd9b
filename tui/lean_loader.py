"""botocore's data files, cut down to what batchtop's clients use, parsed once per process.

botocore parses whole files: endpoints.json (every service of every partition: 6.9 MB of
Python objects) and each service's model (SageMaker's alone has ~380 operations and their
shapes, docs included: 11 MB for our three services). Every client then builds an operation
model, a method and a docstring for each operation of its service and keeps them: ~60 KB a
client, 18 MB at 300 clients. batchtop calls a handful of operations, so `LeanLoader` keeps
of each of its services' models only those operations and the shapes they reach, and of
endpoints.json only the services batchtop or its credential providers call. Other services
(none are called) load in full, as botocore ships them.

Both are cut in place, so botocore's own cache of the raw file holds the cut version too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from botocore.loaders import Loader, instance_cache

CREDENTIAL_ENDPOINT_PREFIXES = frozenset({"sts", "portal.sso", "oidc", "signin"})
"""The endpoints.json entries of the services botocore's credential providers call (assume
role, SSO, SSO token refresh, console login): kept for users whose profiles use them."""


class LeanLoader(Loader):
    """A botocore Loader keeping, of each service in `operations`, only the operations named
    there (API names, e.g. "ListTransformJobs"), and of endpoints.json only the entries of
    those services and of CREDENTIAL_ENDPOINT_PREFIXES."""

    def __init__(self, operations: Mapping[str, frozenset[str]], extra_search_paths: list[str] | None = None) -> None:
        super().__init__(extra_search_paths=extra_search_paths)
        self.operations = dict(operations)

    @instance_cache
    def load_service_model(self, service_name: str, type_name: str, api_version: str | None = None) -> Any:
        model = super().load_service_model(service_name, type_name, api_version)
        if type_name == "service-2" and service_name in self.operations:
            keep_operations(model, self.operations[service_name])
        return model

    @instance_cache
    def load_data_with_path(self, name: str) -> tuple[Any, str]:
        data, path = super().load_data_with_path(name)
        if name == "endpoints":
            keep_endpoints(data, self._endpoint_prefixes())
        return data, path

    def _endpoint_prefixes(self) -> frozenset[str]:
        """Where endpoints.json files our services: under their models' endpoint prefix
        (SageMaker's is "api.sagemaker")."""
        ours = {self.load_service_model(service, "service-2")["metadata"].get("endpointPrefix", service) for service in self.operations}
        return frozenset(ours) | CREDENTIAL_ENDPOINT_PREFIXES


def keep_operations(model: dict[str, Any], operations: frozenset[str]) -> None:
    """Cut `model` (a service-2 document) in place to `operations` and the shapes they reach
    (their input, output and errors, and every member of those, all the way down)."""
    kept = {name: operation for name, operation in model.get("operations", {}).items() if name in operations}
    shapes = model.get("shapes", {})
    reached: set[str] = set()
    pending = [ref for operation in kept.values() for ref in (operation.get("input"), operation.get("output"), *operation.get("errors", ()))]
    while pending:
        ref = pending.pop()
        name = ref.get("shape") if isinstance(ref, dict) else None
        if name is None or name in reached or name not in shapes:
            continue
        reached.add(name)
        shape = shapes[name]
        pending.extend(shape.get("members", {}).values())
        pending.extend(shape.get(part) for part in ("member", "key", "value"))
    model["operations"] = kept
    model["shapes"] = {name: shape for name, shape in shapes.items() if name in reached}


def keep_endpoints(endpoints: dict[str, Any], prefixes: frozenset[str]) -> None:
    """Cut endpoints.json (in place) to the services whose endpoint prefix is in `prefixes`."""
    for partition in endpoints.get("partitions", []):
        services = partition.get("services", {})
        partition["services"] = {name: service for name, service in services.items() if name in prefixes}
