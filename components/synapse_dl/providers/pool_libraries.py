"""The second step of a Spark pool: its libraries, applied after the pool exists: its
requirements (installed from PyPI) and its workspace packages (`customLibraries`).

ARM refuses `libraryRequirements` when a pool is created (`SparkComputePropertiesNotAllowed`,
pulumi-azure-native issue 2702), so the pool is created without them and this dynamic
resource reads the pool, sets them and PUTs it back. The pool ignores changes to
`libraryRequirements` so the two never fight.

When Pulumi later updates the pool (say its autoscale), the azure-native provider PUTs the
pool without `libraryRequirements` or `customLibraries`, which drops them on Azure (azurerm
issue 29605). The pool's fingerprint (a
hash of its inputs) is an input here, so any pool update also re-applies the libraries.
"""

from __future__ import annotations

from typing import Any

import pulumi
from pulumi.dynamic import CreateResult, DiffResult, ReadResult, ResourceProvider, UpdateResult

from synapse_dl.clients.arm import (
    BIG_DATA_POOL_API_VERSION,
    DEFAULT_ARM_ENDPOINT,
    ArmClient,
    big_data_pool_path,
)
from synapse_dl.clients.credentials import CredentialFactory, default_credential
from synapse_dl.providers.diff import diff_by_keys

# Inputs that name another pool: changing one replaces this resource.
_IDENTITY_KEYS = ("subscriptionId", "resourceGroupName", "workspaceName", "bigDataPoolName")
_UPDATE_KEYS = ("libraryRequirements", "customLibraries", "poolFingerprint", "armEndpoint")
_OWNED = ("libraryRequirements", "customLibraries")
# A customLibraries entry as a PUT sends it (bigDataPool.json LibraryInfo; the rest is read-only).
_LIBRARY_INFO_KEYS = ("name", "path", "containerName", "type")
# Pool properties ARM computes; they do not belong in a PUT.
_READ_ONLY_POOL_PROPERTIES = ("provisioningState", "creationDate", "lastSucceededTimestamp")


def _path(props: dict[str, Any]) -> str:
    return big_data_pool_path(*(props[key] for key in _IDENTITY_KEYS))


def _put_pool(
    client: ArmClient,
    props: dict[str, Any],
    requirements: dict | None,
    custom_libraries: list[dict[str, Any]] | None,
) -> bool:
    """PUT the pool with these libraries (None removes them). False if the pool is gone."""
    pool = client.get(_path(props), BIG_DATA_POOL_API_VERSION)
    if pool is None:
        return False
    properties = {
        key: value
        for key, value in pool["properties"].items()
        if key not in _READ_ONLY_POOL_PROPERTIES and key not in _OWNED
    }
    if requirements is not None:
        properties["libraryRequirements"] = {
            "content": requirements["content"],
            "filename": requirements["filename"],
        }
    if custom_libraries:
        properties["customLibraries"] = _library_infos(custom_libraries)
    body = {"location": pool["location"], "tags": pool.get("tags") or {}, "properties": properties}
    client.put(_path(props), BIG_DATA_POOL_API_VERSION, body)
    return True


def _library_infos(libraries: list[dict[str, Any]] | None) -> list[dict[str, Any]] | None:
    if not libraries:
        return None
    return [{key: library.get(key) for key in _LIBRARY_INFO_KEYS} for library in libraries]


def _missing_pool(props: dict[str, Any]) -> RuntimeError:
    return RuntimeError(
        f"Spark pool {props['bigDataPoolName']!r} does not exist in workspace "
        f"{props['workspaceName']!r}: it must be created before its libraries"
    )


def _libraries(props: dict[str, Any]) -> tuple[dict | None, list[dict[str, Any]] | None]:
    # Both keys are absent from the state of a step made before workspace packages.
    return props.get("libraryRequirements"), props.get("customLibraries")


class PoolLibrariesProvider(ResourceProvider):
    def __init__(self, credential_factory: CredentialFactory = default_credential):
        # Pickled into the state with the provider: a module-level function, by reference.
        self._credential_factory = credential_factory

    def _client(self, props: dict[str, Any]) -> ArmClient:
        endpoint = props.get("armEndpoint") or DEFAULT_ARM_ENDPOINT
        return ArmClient(self._credential_factory(), endpoint)

    def create(self, props: dict[str, Any]) -> CreateResult:
        if not _put_pool(self._client(props), props, *_libraries(props)):
            raise _missing_pool(props)
        return CreateResult(id_=_path(props), outs=dict(props))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        pool = self._client(props).get(id_, BIG_DATA_POOL_API_VERSION)
        if pool is None:
            # Gone: an empty id tells the engine to create it again.
            return ReadResult(id_="", outs={})
        # ARM answers every pool with its properties (bigDataPool.json, BigDataPoolResourceInfo).
        current = pool["properties"].get("libraryRequirements")
        outs = dict(props)
        outs["libraryRequirements"] = (
            {"content": current.get("content", ""), "filename": current.get("filename", "")}
            if current
            else None
        )
        outs["customLibraries"] = _library_infos(pool["properties"].get("customLibraries"))
        return ReadResult(id_=id_, outs=outs)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        return diff_by_keys(olds, news, replace_keys=_IDENTITY_KEYS, update_keys=_UPDATE_KEYS)

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        if not _put_pool(self._client(news), news, *_libraries(news)):
            raise _missing_pool(news)
        return UpdateResult(outs=dict(news))

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        # A pool that is already gone has no libraries left to remove.
        _put_pool(self._client(props), props, None, None)


class PoolLibraries(pulumi.dynamic.Resource, module="synapse", name="PoolLibraries"):
    """Applies a pool's `requirements.txt` and workspace packages; create it with
    `depends_on` the pool."""

    def __init__(
        self,
        resource_name: str,
        *,
        subscription_id: pulumi.Input[str],
        resource_group_name: pulumi.Input[str],
        workspace_name: pulumi.Input[str],
        big_data_pool_name: pulumi.Input[str],
        requirements: str | None,
        filename: str,
        pool_fingerprint: pulumi.Input[str],
        custom_libraries: pulumi.Input[list[dict[str, str]]] | None = None,
        arm_endpoint: str = DEFAULT_ARM_ENDPOINT,
        opts: pulumi.ResourceOptions | None = None,
    ):
        super().__init__(
            PoolLibrariesProvider(),
            resource_name,
            {
                "subscriptionId": subscription_id,
                "resourceGroupName": resource_group_name,
                "workspaceName": workspace_name,
                "bigDataPoolName": big_data_pool_name,
                "libraryRequirements": (
                    {"content": requirements, "filename": filename} if requirements else None
                ),
                "customLibraries": custom_libraries,
                "poolFingerprint": pool_fingerprint,
                "armEndpoint": arm_endpoint,
            },
            opts,
        )
