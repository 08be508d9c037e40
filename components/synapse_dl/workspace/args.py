"""SynapseWorkspaceArgs: what a caller gives SynapseWorkspace, with the types nested in it.

No `from __future__ import annotations` here: the component provider reads these annotations
as types, and each key's docstring from this source, to build the package schema. Nested types
carry no `Args` suffix: the SDKs generated from the schema add their own (`DataLake` becomes
TypeScript's `inputs.DataLakeArgs`).
"""

from typing import NotRequired, TypedDict

import pulumi


class DataLake(TypedDict):
    """The workspace's ADLS Gen2 storage account and the filesystem Synapse uses."""

    account_name: str
    """Storage account name: 3-24 lowercase letters and digits, globally unique."""
    filesystem: NotRequired[str]
    """The workspace's default filesystem, a container: 3-63 lowercase letters, digits and
    single hyphens (default synapse)."""
    sku: NotRequired[str]
    """The account's redundancy (one of Standard_LRS, Standard_ZRS, Standard_GRS,
    Standard_RAGRS; default Standard_LRS)."""
    soft_delete_retention_days: NotRequired[int]
    """Days deleted blobs and containers can be restored (1-365; default 7)."""
    delete_lock: NotRequired[bool]
    """A CanNotDelete lock on the storage account (default true)."""
    protect: NotRequired[bool]
    """Pulumi's `protect` on the account and filesystem (default true)."""
    default_action: NotRequired[str]
    """Deny: only the workspace, trusted Azure services and allowed_ip_ranges reach the lake's
    public endpoint, and Spark reaches it through a managed private endpoint; Allow: every
    address. Unset: Deny when the workspace's public network access is Disabled, else Allow
    (one of Allow, Deny)."""
    allowed_ip_ranges: NotRequired[list[str]]
    """Public IPv4 addresses or ranges let in past a Deny (a deploying machine's)."""
    shared_key_access: NotRequired[bool]
    """Account keys and SAS work; false: Entra ID only (default true)."""


class FirewallRule(TypedDict):
    """A workspace firewall rule: an IPv4 range allowed in."""

    name: str
    """Rule name, unique in the workspace without regard to case."""
    start_ip_address: str
    """First IPv4 address of the range."""
    end_ip_address: str
    """Last IPv4 address of the range (not before the first)."""


class Network(TypedDict):
    """How the workspace is reached and what it may reach."""

    managed_virtual_network: NotRequired[bool]
    """Run Spark in Synapse's managed virtual network (default true)."""
    prevent_data_exfiltration: NotRequired[bool]
    """Outbound only to approved tenants; needs the managed network (default false)."""
    allowed_aad_tenant_ids_for_linking: NotRequired[list[str]]
    """Tenants the workspace may link to when exfiltration protection is on."""
    public_network_access: NotRequired[str]
    """Whether public networks reach the workspace; Disabled needs the managed network (one
    of Enabled, Disabled; default Enabled)."""
    firewall_rules: NotRequired[list[FirewallRule]]
    """IPv4 ranges allowed in; none by default."""
    allow_azure_services: NotRequired[bool]
    """Add Azure's AllowAllWindowsAzureIps rule (default false)."""
    allow_internet_wide_firewall: NotRequired[bool]
    """Allow rules that together admit more than a /8 (16,777,216 addresses, each counted
    once): otherwise an error, as opening the workspace to the internet (default false)."""


class Identity(TypedDict):
    """How people sign in to the workspace."""

    entra_only_authentication: NotRequired[bool]
    """Microsoft Entra ID sign-in only, no SQL logins (default true)."""
    sql_administrator_login: NotRequired[str]
    """The SQL administrator's login; its password is generated (default sqladminuser)."""


class PrivateAccessArgs(TypedDict):
    """Private endpoints for the workspace (Dev, Sql, SqlOnDemand) with their private DNS."""

    subnet_id: NotRequired[str]
    """An existing subnet for the endpoints; default: a virtual network and subnet are made."""
    address_prefix: NotRequired[str]
    """The created network's address range, a /28 or larger (default 10.20.0.0/24)."""
    dns_zone_ids: NotRequired[dict[str, str]]
    """Existing private DNS zones by key (dev, sql, web; blob, dfs for a lake that denies by
    default); the others are created and linked."""
    link_hub: NotRequired[bool]
    """A private link hub with its Web endpoint, for Synapse Studio (default false)."""


class Diagnostics(TypedDict):
    """Diagnostic settings on the workspace (and, given the workspace's
    log_analytics_workspace_id, its pools) to a Log Analytics workspace."""

    log_analytics_workspace_id: NotRequired[str]
    """An existing Log Analytics workspace's ARM id; default: one is created, log-<name>."""
    retention_in_days: NotRequired[int]
    """Days the created Log Analytics workspace keeps logs (30-730; default 30)."""


class Admins(TypedDict):
    """The Entra group that administers the workspace."""

    group_object_id: str
    """The group's object id: the workspace's SQL Active Directory admin."""
    group_name: str
    """The group's display name (the admin's login)."""


class JobRunner(TypedDict):
    """Someone who runs jobs in the workspace: given Synapse Compute Operator on it."""

    object_id: str
    """The Entra object id of the user, group or service principal; each member once (ids
    compare without regard to case)."""
    type: NotRequired[str]
    """What the principal is (one of User, Group, ServicePrincipal; default Group)."""


class CustomerManagedKey(TypedDict):
    """A Key Vault key that encrypts the workspace's data at rest."""

    key_vault_id: str
    """The vault's ARM id; the workspace's identity is given Key Vault Crypto Service
    Encryption User on it. The vault's name is 3-24 letters, digits and hyphens, a letter
    first, a letter or digit last, no two hyphens in a row."""
    key_name: str
    """The key's name in the vault."""


class SynapseWorkspaceArgs(TypedDict):
    """Where the workspace lives and how it is set up."""

    workspace_name: str
    """Workspace name: 1-50 lowercase letters, digits and hyphens, globally unique."""
    location: pulumi.Input[str]
    """Azure region of the workspace, its lake and (when created) its resource group."""
    resource_group_name: pulumi.Input[str]
    """The resource group to create, or an existing one (createResourceGroup: false)."""
    create_resource_group: NotRequired[bool]
    """Create the resource group, or use one that exists (default true)."""
    data_lake: DataLake
    """The workspace's ADLS Gen2 data lake."""
    network: NotRequired[Network]
    """Managed network, public access and firewall."""
    identity: NotRequired[Identity]
    """Sign-in settings."""
    diagnostics: NotRequired[Diagnostics]
    """Diagnostic settings to Log Analytics (an audit trail); none by default."""
    admins: NotRequired[Admins]
    """The Entra group made the workspace's SQL Active Directory admin and Synapse
    Administrator; default none."""
    job_runners: NotRequired[list[JobRunner]]
    """Those who run jobs: Synapse Compute Operator on the workspace; default none."""
    customer_managed_key: NotRequired[CustomerManagedKey]
    """Encrypt data at rest with this key (set when the workspace is created); default none."""
    private_access: NotRequired[PrivateAccessArgs]
    """Private endpoints and DNS, how people reach a workspace without public access."""
    tags: NotRequired[dict[str, str]]
    """Tags on the group, the lake and the workspace."""
