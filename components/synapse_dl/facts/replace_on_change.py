"""Which input changes replace an azure-native resource, as pulumi-azure-native decides.

The provider (provider/pkg/provider/diff.go, calculateDetailedDiff) replaces a resource when
an input changes that is a path parameter of its ARM id (its name, resource group, parents,
scope), or a top-level input the REST specification marks create-only (`x-ms-mutability`
without `update`; a flattened `properties` counts as top level), or one of the provider's own
forceNewMap entries. A create-only property nested deeper updates in place. It ignores a
`location` that differs only in case or spaces, and a resource group's name in another case
(applyAzureSpecificDiff).

The table is tools/replace_on_change.py's output for the REST specifications of the API
version each resource speaks under pulumi-azure-native 3.29.0 (the tool names each file). A type not
in it (another azure-native resource, a dynamic provider, a component) is judged by its inputs
alone, and `known` says so.
"""

from __future__ import annotations

import re
from typing import Any, Final

# Pulumi type -> (the ARM id's path parameters, the create-only inputs).
REPLACE_ON_CHANGE: Final[dict[str, tuple[tuple[str, ...], tuple[str, ...]]]] = {
    "azure-native:synapse:Workspace": (("resourceGroupName", "workspaceName"), ("location",)),
    "azure-native:synapse:BigDataPool": (
        ("resourceGroupName", "workspaceName", "bigDataPoolName"),
        ("location",),
    ),
    "azure-native:synapse:IpFirewallRule": (("resourceGroupName", "workspaceName", "ruleName"), ()),
    "azure-native:storage:StorageAccount": (
        ("resourceGroupName", "accountName"),
        ("isHnsEnabled", "location"),
    ),
    "azure-native:storage:BlobServiceProperties": (
        ("resourceGroupName", "accountName", "blobServicesName"),
        (),
    ),
    "azure-native:storage:BlobContainer": (
        ("resourceGroupName", "accountName", "containerName"),
        (),
    ),
    "azure-native:authorization:RoleAssignment": (("scope", "roleAssignmentName"), ()),
    "azure-native:authorization:ManagementLockByScope": (("scope", "lockName"), ()),
    "azure-native:resources:ResourceGroup": (("resourceGroupName",), ()),
}

_TOP = re.compile(r"[^.\[]+")


def known(kind: str) -> bool:
    """Whether the table says how this type's changes are applied."""
    return kind in REPLACE_ON_CHANGE


def top_input(path: str) -> str:
    """The top-level input of a property path (`autoScale.maxNodeCount` -> `autoScale`)."""
    found = _TOP.match(path)
    return found.group() if found else path


def same_to_azure(path: str, old: Any, new: Any) -> bool:
    """Whether the provider sees no change: a location written another way, a resource
    group's name in another case."""
    if not (isinstance(old, str) and isinstance(new, str)):
        return False
    if path == "location":
        return old.replace(" ", "").lower() == new.replace(" ", "").lower()
    if path == "resourceGroupName":
        return old.lower() == new.lower()
    return False


def replacement_reasons(kind: str, changed_paths: list[str]) -> list[str]:
    """Why the changes replace the resource, one line per input; [] when they update it."""
    id_params, create_only = REPLACE_ON_CHANGE.get(kind, ((), ()))
    reasons = []
    for name in dict.fromkeys(top_input(path) for path in changed_paths):
        if name in id_params:
            reasons.append(f"`{name}` is part of the ARM id")
        elif name in create_only:
            reasons.append(f"`{name}` cannot change once the resource exists (create-only)")
    return reasons
