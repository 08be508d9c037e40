"""Print, from Microsoft's REST specifications, the inputs whose change replaces each
azure-native resource this project creates: facts/replace_on_change.py is this tool's output.

pulumi-azure-native marks as replace-on-change (provider/pkg/gen/properties.go, forceNew;
provider/pkg/provider/diff.go, calculateDetailedDiff):
- every path parameter of the resource's PUT (its ARM id: name, group, parents, scope);
- every top-level body property, and every property of a flattened `properties`, whose
  `x-ms-mutability` holds `create` but not `update` (`location` of a TrackedResource is one);
- the properties of its own forceNewMap (provider/pkg/gen/replacement.go), such as a storage
  account's isHnsEnabled.
A create-only property nested deeper does not replace the resource.

Run where the specifications are (a maintainer's checkout beside ../shared):
    python -m tools.replace_on_change ../shared/specs/azure-rest-api-specs/specification
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

# Pulumi type -> (spec file, the PUT body's definition, the PUT path).
RESOURCES = {
    "azure-native:synapse:Workspace": (
        "synapse/resource-manager/Microsoft.Synapse/stable/2021-06-01/workspace.json",
        "Workspace",
        "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/"
        "Microsoft.Synapse/workspaces/{workspaceName}",
    ),
    "azure-native:synapse:BigDataPool": (
        "synapse/resource-manager/Microsoft.Synapse/stable/2021-06-01/bigDataPool.json",
        "BigDataPoolResourceInfo",
        "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/"
        "Microsoft.Synapse/workspaces/{workspaceName}/bigDataPools/{bigDataPoolName}",
    ),
    "azure-native:synapse:IpFirewallRule": (
        "synapse/resource-manager/Microsoft.Synapse/stable/2021-06-01/firewallRule.json",
        "IpFirewallRuleInfo",
        "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/"
        "Microsoft.Synapse/workspaces/{workspaceName}/firewallRules/{ruleName}",
    ),
    "azure-native:storage:StorageAccount": (
        "storage/resource-manager/Microsoft.Storage/stable/2024-01-01/storage.json",
        "StorageAccountCreateParameters",
        "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/"
        "Microsoft.Storage/storageAccounts/{accountName}",
    ),
    "azure-native:storage:BlobServiceProperties": (
        "storage/resource-manager/Microsoft.Storage/stable/2024-01-01/blob.json",
        "BlobServiceProperties",
        "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/"
        "Microsoft.Storage/storageAccounts/{accountName}/blobServices/{BlobServicesName}",
    ),
    "azure-native:storage:BlobContainer": (
        "storage/resource-manager/Microsoft.Storage/stable/2024-01-01/blob.json",
        "BlobContainer",
        "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/"
        "Microsoft.Storage/storageAccounts/{accountName}/blobServices/default/containers/"
        "{containerName}",
    ),
    "azure-native:authorization:RoleAssignment": (
        "authorization/resource-manager/Microsoft.Authorization/stable/2022-04-01/"
        "authorization-RoleAssignmentsCalls.json",
        "RoleAssignmentCreateParameters",
        "/{scope}/providers/Microsoft.Authorization/roleAssignments/{roleAssignmentName}",
    ),
    "azure-native:authorization:ManagementLockByScope": (
        "resources/resource-manager/Microsoft.Authorization/stable/2020-05-01/locks.json",
        "ManagementLockObject",
        "/{scope}/providers/Microsoft.Authorization/locks/{lockName}",
    ),
    "azure-native:resources:ResourceGroup": (
        "resources/resource-manager/Microsoft.Resources/stable/2024-03-01/resources.json",
        "ResourceGroup",
        "/subscriptions/{subscriptionId}/resourcegroups/{resourceGroupName}",
    ),
}
# pulumi-azure-native's forceNewMap entries for these resources (replacement.go).
FORCE_NEW_MAP = {"azure-native:storage:StorageAccount": ("isHnsEnabled", "location")}
# Not in the schema (pulumi-azure-native leaves them out).
_NOT_INPUTS = {"subscriptionId", "api-version"}


def _resolve(root: Path, file: Path, ref: str) -> tuple[Path, dict[str, Any]]:
    target, _, pointer = ref.partition("#")
    path = (file.parent / target).resolve() if target else file
    node: Any = json.loads(path.read_text())
    for part in pointer.strip("/").split("/"):
        node = node[part]
    return path, node


def _properties(root: Path, file: Path, schema: dict[str, Any]) -> list[tuple[Path, str, dict]]:
    """(file, name, schema) of a definition's properties, its allOf parents' included."""
    if "$ref" in schema:
        file, schema = _resolve(root, file, schema["$ref"])
    found = []
    for parent in schema.get("allOf", []):
        found += _properties(root, file, parent)
    found += [(file, name, prop) for name, prop in schema.get("properties", {}).items()]
    return found


def _create_only(root: Path, file: Path, schema: dict[str, Any]) -> list[str]:
    names = []
    for where, name, prop in _properties(root, file, schema):
        if prop.get("x-ms-client-flatten"):
            names += _create_only(root, where, prop)
            continue
        mutability = prop.get("x-ms-mutability", [])
        if "create" in mutability and "update" not in mutability:
            names.append(name)
    return names


def _lower_first(name: str) -> str:
    return name[:1].lower() + name[1:]


def table(root: Path) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """Pulumi type -> (its ARM id's path parameters, its create-only inputs)."""
    result = {}
    for kind, (spec, definition, put_path) in RESOURCES.items():
        file = (root / spec).resolve()
        params = tuple(
            _lower_first(part[1:-1])
            for part in put_path.split("/")
            if part.startswith("{") and part[1:-1] not in _NOT_INPUTS
        )
        body = {"$ref": f"#/definitions/{definition}"}
        create_only = set(_create_only(root, file, body)) | set(FORCE_NEW_MAP.get(kind, ()))
        result[kind] = (params, tuple(sorted(create_only - set(params))))
    return result


if __name__ == "__main__":
    for kind, (params, create_only) in table(Path(sys.argv[1])).items():
        print(f"    {kind!r}: ({params!r}, {create_only!r}),")
