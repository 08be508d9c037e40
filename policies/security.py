"""Security policies: how people sign in to a workspace and whose key encrypts its data.

The workspace policies mirror Azure Policy built-ins (their ids in metadata.py), so each can
be raised or disabled on its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from metadata import described
from pulumi_policy import EnforcementLevel, ResourceValidationPolicy, Severity
from workspace_props import workspace_check

workspace_entra_only_auth = ResourceValidationPolicy(
    name="workspace-entra-only-auth",
    **described("workspace-entra-only-auth"),
    description="Synapse workspaces accept only Microsoft Entra ID authentication.",
    enforcement_level=EnforcementLevel.ADVISORY,
    severity=Severity.MEDIUM,
    validate=workspace_check(
        lambda p: p.get("azureADOnlyAuthentication") is True,
        "SQL logins are allowed. Set azureADOnlyAuthentication to true.",
    ),
)


def has_customer_managed_key(props: Mapping[str, Any]) -> bool:
    """encryption.cmk.key names a Key Vault key (workspace.json, CustomerManagedKeyDetails)."""
    key = ((props.get("encryption") or {}).get("cmk") or {}).get("key") or {}
    return bool(key.get("name") and key.get("keyVaultUrl"))


workspace_customer_managed_key = ResourceValidationPolicy(
    name="workspace-customer-managed-key",
    **described("workspace-customer-managed-key"),
    description="Synapse workspaces encrypt data at rest with a customer-managed key.",
    enforcement_level=EnforcementLevel.ADVISORY,
    severity=Severity.MEDIUM,
    validate=workspace_check(
        has_customer_managed_key,
        "data at rest is encrypted with Microsoft-managed keys only. Give "
        "encryption.cmk.key (a Key Vault key's name and the vault's URL) when the workspace is "
        "created.",
    ),
)


POLICIES = [
    workspace_entra_only_auth,
    workspace_customer_managed_key,
]
