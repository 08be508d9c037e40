"""What each policy says besides its verdict (pulumi-policy 1.18 metadata): the compliance
framework it implements, related checks, how to fix a violation, and where to read more.

Azure Policy built-ins: Azure/azure-policy, built-in-policies/policyDefinitions/ (Synapse/ and
Storage/), read at commit f4a50bac; a definition's GUID is its `name`. Checkov ids:
bridgecrewio/checkov, checkov/terraform/checks/, read at commit 03d5fdad. A policy names a
framework only where a definition checks the same thing; a broader or narrower check is a
`related:` tag.
"""

from __future__ import annotations

from typing import Any

from pulumi_policy import PolicyComplianceFramework

_LEARN = "https://learn.microsoft.com/azure/synapse-analytics"
_GPU = f"{_LEARN}/spark/apache-spark-rapids-gpu"


def _azure_policy(guid: str, display_name: str) -> PolicyComplianceFramework:
    return PolicyComplianceFramework(
        name="Azure Policy", reference=guid, specification=display_name
    )


_METADATA: dict[str, dict[str, Any]] = {
    "gpu-pool-region": {
        "remediation_steps": "Create the GPU pool in a workspace in eastus, australiaeast or "
        "northeurope, or run the job on a Spark 3.5 CPU pool (GPU pools are retired).",
        "url": _GPU,
    },
    "gpu-pool-runtime": {
        "remediation_steps": "Give GPU pools Spark 3.1 or 3.2, the only runtimes with GPU "
        "support, or run the job on a Spark 3.5 CPU pool.",
        "url": _GPU,
    },
    "gpu-pool-node-size": {
        "remediation_steps": "Use a GPU node size Synapse offers (Large or XLarge).",
        "url": _GPU,
    },
    "spark-runtime-lifecycle": {
        "remediation_steps": "Move the pool to a supported runtime (Spark 3.5); for GPU "
        "training, the jobs' spark launcher runs the same jobs there.",
        "url": f"{_LEARN}/spark/apache-spark-version-support",
    },
    "spark-pool-auto-pause": {
        "remediation_steps": "Turn autoPause on, with delayInMinutes at most the policy's "
        "maxGpuDelayMinutes on GPU pools.",
        "url": f"{_LEARN}/spark/apache-spark-concepts",
    },
    "spark-pool-node-ceiling": {
        "remediation_steps": "Lower nodeCount or autoScale.maxNodeCount, or raise the "
        "policy's maxNodes in the policy pack config.",
        "url": f"{_LEARN}/spark/apache-spark-concepts",
    },
    "monthly-budget": {
        "remediation_steps": "Lower the pools' maximum nodes or node size, or raise "
        "monthlyCeiling in the policy pack config; the plan's Cost section shows each pool.",
        "url": f"{_LEARN}/plan-manage-costs",
    },
    "pool-libraries-pinned": {
        "remediation_steps": "Pin every requirement to one version (name==version).",
        "url": f"{_LEARN}/spark/apache-spark-manage-pool-packages",
    },
    "gpu-vcore-quota": {
        "remediation_steps": "Lower the GPU pools' node counts, or get a higher GPU vCore "
        "quota for the workspace and set gpuVcoreQuota in this policy's config.",
        "url": _GPU,
    },
    "exfiltration-protected-pools-skip-pypi": {
        "remediation_steps": "Ship the pool's libraries as workspace packages (`make packages "
        "STACK=<stack>` locks them; the program uploads them), or turn off "
        "preventDataExfiltration.",
        "url": f"{_LEARN}/spark/apache-spark-manage-workspace-packages",
    },
    "spark-jobs-target-stack-pools": {
        "remediation_steps": "Point the job at a pool of the same stack, with that pool's "
        "Spark version and a launcher its runtime runs (horovod on 3.1/3.2, spark on 3.5).",
        "url": f"{_LEARN}/spark/apache-spark-job-definitions",
    },
    "data-lake-hardening": {
        "framework": _azure_policy(
            "404c3081-a854-4457-ae30-26a93ef643f9",
            "Secure transfer to storage accounts should be enabled",
        ),
        "tags": [
            "azure-policy:fe83a0eb-a853-422d-aac2-1bffd182c5d0",
            "azure-policy:4fa4b6c0-31ca-4c0d-b10d-24b96f62a751",
            "checkov:CKV_AZURE_3",
            "checkov:CKV_AZURE_44",
            "checkov:CKV_AZURE_190",
        ],
        "remediation_steps": "Set isHnsEnabled, enableHttpsTrafficOnly, minimumTlsVersion "
        "TLS1_2 and allowBlobPublicAccess false on the storage account.",
        "url": "https://learn.microsoft.com/azure/storage/blobs/security-recommendations",
    },
    "no-internet-wide-firewall": {
        # Azure Policy and Checkov flag any firewall rule at all: stricter than this one.
        "tags": [
            "related:azure-policy:56fd377d-098c-4f02-8406-81eb055902b8",
            "related:checkov:CKV2_AZURE_19",
        ],
        "remediation_steps": "Narrow the rule to your clients' address ranges, or reach the "
        "workspace through private endpoints and remove the rule.",
        "url": f"{_LEARN}/security/synapse-workspace-ip-firewall",
    },
    "workspace-managed-vnet": {
        "framework": _azure_policy(
            "2d9dbfa3-927b-4cf0-9d0f-08747f971650",
            "Managed workspace virtual network on Azure Synapse workspaces should be enabled",
        ),
        "tags": ["checkov:CKV_AZURE_58"],
        "remediation_steps": 'Create the workspace with managedVirtualNetwork "default" '
        "(it cannot be turned on later).",
        "url": f"{_LEARN}/security/synapse-workspace-managed-vnet",
    },
    "workspace-exfiltration-protection": {
        "framework": _azure_policy(
            "3484ce98-c0c5-4c83-994b-c5ac24785218",
            "Azure Synapse workspaces should allow outbound data traffic only to approved targets",
        ),
        "tags": ["checkov:CKV_AZURE_157"],
        "remediation_steps": "Create the workspace with "
        "managedVirtualNetworkSettings.preventDataExfiltration true; pools then get "
        "libraries as workspace packages.",
        "url": f"{_LEARN}/security/workspace-data-exfiltration-protection",
    },
    "workspace-public-network-disabled": {
        "framework": _azure_policy(
            "38d8df46-cf4e-4073-8e03-48c24b29de0d",
            "Azure Synapse workspaces should disable public network access",
        ),
        "remediation_steps": 'Set publicNetworkAccess "Disabled" and reach the workspace '
        "through private endpoints.",
        "url": f"{_LEARN}/security/connectivity-settings",
    },
    "workspace-entra-only-auth": {
        "framework": _azure_policy(
            "2158ddbe-fefa-408e-b43f-d4faef8ff3b8",
            "Synapse Workspaces should use only Microsoft Entra identities for "
            "authentication during workspace creation",
        ),
        "tags": ["azure-policy:6ea81a52-5ca7-4575-9669-eaa910b7edf8"],
        "remediation_steps": "Set azureADOnlyAuthentication true, so SQL logins are refused.",
        "url": f"{_LEARN}/sql/active-directory-authentication",
    },
    "workspace-customer-managed-key": {
        "framework": _azure_policy(
            "f7d52b2d-e161-4dfa-a82b-55e564167385",
            "Azure Synapse workspaces should use customer-managed keys to encrypt data at rest",
        ),
        "tags": ["checkov:CKV_AZURE_240"],
        "remediation_steps": "Create the workspace with encryption.cmk.key naming a Key Vault "
        "key, give the workspace identity Get, Wrap Key and Unwrap Key on it, and activate "
        "the key.",
        "url": f"{_LEARN}/security/workspaces-encryption",
    },
    "workspace-linking-approved-tenants": {
        "framework": _azure_policy(
            "3a003702-13d2-4679-941b-937e58c443f0",
            "Synapse managed private endpoints should only connect to resources in approved "
            "Azure Active Directory tenants",
        ),
        "remediation_steps": "Keep managedVirtualNetworkSettings.allowedAadTenantIdsForLinking "
        "to the tenants in this policy's approvedTenantIds.",
        "url": f"{_LEARN}/security/workspace-data-exfiltration-protection",
    },
    "spark-pool-compute-isolation": {
        # Checkov flags every pool; only XXXLarge nodes can be isolated, so only they are judged.
        "tags": ["related:checkov:CKV_AZURE_242"],
        "remediation_steps": "Set isComputeIsolationEnabled true on MemoryOptimized XXXLarge "
        "pools.",
        "url": f"{_LEARN}/spark/apache-spark-concepts",
    },
    "no-firewall-rules-while-private": {
        # Azure Policy and Checkov flag any rule at all, public access or not.
        "tags": [
            "related:azure-policy:56fd377d-098c-4f02-8406-81eb055902b8",
            "related:checkov:CKV2_AZURE_19",
        ],
        "remediation_steps": "Remove the workspace's IP firewall rules, or enable public "
        "network access if clients must reach it from those addresses.",
        "url": f"{_LEARN}/security/synapse-workspace-ip-firewall",
    },
    "workspace-private-endpoints": {
        # Azure Policy audits any workspace without private endpoint connections.
        "tags": ["related:azure-policy:72d11df1-dd8a-41f7-8925-b05b960ebafc"],
        "remediation_steps": "Add private endpoints for the workspace's Dev and Sql "
        "sub-resources with their private DNS zones (workspace.privateAccess), or enable "
        "public network access.",
        "url": f"{_LEARN}/security/how-to-connect-to-workspace-with-private-links",
    },
    "data-lake-locked-with-workspace": {
        # Both flag any storage account; here only a private workspace's lake is judged.
        # Storage_NetworkAcls_Audit.json (azure-policy 8f5ad30e) and
        # StorageAccountAllowSharedKeyAccess_Audit.json (f7319d6e).
        "tags": [
            "related:azure-policy:34c877ad-507e-4c82-993e-3452a6e0ad3c",
            "related:azure-policy:8c6a50c6-9ffd-4ae7-986f-5fa6111f9a54",
            "related:checkov:CKV_AZURE_35",
            "related:checkov:CKV2_AZURE_40",
        ],
        "remediation_steps": "Set the lake's network rules to deny by default, letting in the "
        "workspace (a resource-instance rule) and trusted services, and turn shared key access "
        "off (workspace.dataLake.defaultAction and sharedKeyAccess).",
        "url": f"{_LEARN}/security/connect-to-a-secure-storage-account",
    },
    "diagnostic-settings": {
        "remediation_steps": "Add a diagnostic setting to a Log Analytics workspace on the "
        "Synapse workspace and each Spark pool (workspace.diagnostics in the stack file).",
        "url": f"{_LEARN}/monitor-synapse-analytics",
    },
}


def described(name: str) -> dict[str, Any]:
    """The metadata keyword arguments of policy `name`."""
    return dict(_METADATA[name])
