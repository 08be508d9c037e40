"""Realistic resources as the engine hands them to the pack: camelCase ARM inputs, and
outputs equal to the inputs unless a test says otherwise. Each builder starts from a
resource that passes every policy; tests override the one property they judge."""

from __future__ import annotations

import copy
from typing import Any

STACK_URN = "urn:pulumi:dev::synapse-dl::pulumi:pulumi:Stack::synapse-dl-dev"
RG = "rg-synapse-dl-dev"
WS = "synw-dl-dev"
# ARM ids of the test workspace once created, and of the collection it is in.
GROUP_ID = "/subscriptions/0/resourceGroups/rg/providers/Microsoft.Synapse/workspaces"
WS_ID = f"{GROUP_ID}/{WS}"

REQUIREMENTS = "petastorm==0.11.3\nmlflow==2.9.2\n"


def _merge(base: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    merged = copy.deepcopy(base)
    for key, value in overrides.items():
        if value is _DROP:
            merged.pop(key, None)
        elif isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


_DROP = object()
DROP = _DROP  # an override that removes the property


def resource(type_: str, name: str, inputs: dict[str, Any], outputs: dict[str, Any] | None = None):
    return {
        "urn": f"urn:pulumi:dev::synapse-dl::{type_}::{name}",
        "type": type_,
        "name": name,
        "parent": STACK_URN,
        "inputs": inputs,
        "outputs": copy.deepcopy(inputs) if outputs is None else outputs,
    }


def as_created(resource: dict, arm_id: str) -> dict:
    """The resource with outputs as azure-native returns them once created: its ARM id."""
    resource["outputs"] = {**resource["outputs"], "id": arm_id}
    return resource


def stack() -> dict[str, Any]:
    return {
        "urn": STACK_URN,
        "type": "pulumi:pulumi:Stack",
        "name": "synapse-dl-dev",
        "parent": "",
        "inputs": {},
        "outputs": {},
    }


def gpu_pool(name: str = "gpupool", **overrides: Any) -> dict[str, Any]:
    inputs = {
        "resourceGroupName": RG,
        "workspaceName": WS,
        "bigDataPoolName": name,
        "location": "eastus",
        "nodeSizeFamily": "HardwareAcceleratedGPU",
        "nodeSize": "Large",
        "sparkVersion": "3.2",
        "autoScale": {"enabled": True, "minNodeCount": 3, "maxNodeCount": 3},
        "autoPause": {"enabled": True, "delayInMinutes": 15},
        "dynamicExecutorAllocation": {"enabled": False},
        "sessionLevelPackagesEnabled": False,
        "tags": {"project": "synapse-dl"},
    }
    return resource("azure-native:synapse:BigDataPool", name, _merge(inputs, overrides))


def cpu_pool(name: str = "cpupool", **overrides: Any) -> dict[str, Any]:
    cpu = {"nodeSizeFamily": "MemoryOptimized", "nodeSize": "Medium", "sparkVersion": "3.5"}
    return gpu_pool(name, **{**cpu, **overrides})


def pool_libraries(pool: str = "gpupool", content: str = REQUIREMENTS, **overrides: Any):
    inputs = {
        "subscriptionId": "00000000-0000-0000-0000-000000000000",
        "resourceGroupName": RG,
        "workspaceName": WS,
        "bigDataPoolName": pool,
        "libraryRequirements": {"content": content, "filename": "requirements.txt"},
        "poolFingerprint": "3f2a9c",
        "armEndpoint": "https://management.azure.com",
    }
    return resource(
        "pulumi-python:dynamic/synapse:PoolLibraries",
        f"{pool}-libraries",
        _merge(inputs, overrides),
    )


def workspace(name: str = WS, **overrides: Any) -> dict[str, Any]:
    inputs = {
        "workspaceName": name,
        "resourceGroupName": RG,
        "location": "eastus",
        "identity": {"type": "SystemAssigned"},
        "defaultDataLakeStorage": {
            "accountUrl": "https://stdldev.dfs.core.windows.net",
            "filesystem": "synapse",
            "resourceId": f"/subscriptions/0/resourceGroups/{RG}/providers/"
            "Microsoft.Storage/storageAccounts/stdldev",
        },
        "managedVirtualNetwork": "default",
        "managedVirtualNetworkSettings": {
            "preventDataExfiltration": True,
            "allowedAadTenantIdsForLinking": [],
        },
        "publicNetworkAccess": "Disabled",
        "azureADOnlyAuthentication": True,
        "encryption": {
            "cmk": {
                "key": {
                    "name": "synapse-cmk",
                    "keyVaultUrl": "https://kv-dl.vault.azure.net/keys/synapse-cmk",
                },
            }
        },
        "sqlAdministratorLogin": "sqladmin",
        "sqlAdministratorLoginPassword": "[secret]",
        "tags": {"project": "synapse-dl"},
    }
    return resource("azure-native:synapse:Workspace", name, _merge(inputs, overrides))


def firewall_rule(name: str, start: str, end: str) -> dict[str, Any]:
    inputs = {
        "ruleName": name,
        "workspaceName": WS,
        "resourceGroupName": RG,
        "startIpAddress": start,
        "endIpAddress": end,
    }
    return resource("azure-native:synapse:IpFirewallRule", name, inputs)


def storage_account(name: str = "stdldev", **overrides: Any) -> dict[str, Any]:
    inputs = {
        "accountName": name,
        "resourceGroupName": RG,
        "location": "eastus",
        "kind": "StorageV2",
        "sku": {"name": "Standard_LRS"},
        "isHnsEnabled": True,
        "enableHttpsTrafficOnly": True,
        "minimumTlsVersion": "TLS1_2",
        "allowBlobPublicAccess": False,
        "tags": {"project": "synapse-dl"},
    }
    return resource("azure-native:storage:StorageAccount", name, _merge(inputs, overrides))


def spark_job(name: str, pool: str = "gpupool", spark_version: str | None = "3.2", **overrides):
    inputs = {
        "workspaceName": WS,
        "name": name,
        "targetBigDataPool": pool,
        "jobProperties": {
            "file": "abfss://jobs@stdldev.dfs.core.windows.net/train.py",
            "driverMemory": "30g",
            "driverCores": 4,
            "executorMemory": "60g",
            "executorCores": 12,
            "numExecutors": 3,
        },
    }
    if spark_version is not None:
        inputs["requiredSparkVersion"] = spark_version
    return resource(
        "pulumi-python:dynamic/synapse:SparkJobDefinition", name, _merge(inputs, overrides)
    )


def of_policy(violations: list[dict[str, str]], policy: str) -> list[dict[str, str]]:
    return [v for v in violations if v["policy"] == policy]
