"""Stack config, read once from `Pulumi.<stack>.yaml` into validated pydantic models.

Keys are camelCase in the stack file (Pulumi's convention) and snake_case in Python.
Every error names the full config key (`synapse-dl:sparkPools[0].autoScale.maxNodeCount`),
the bad value and what is allowed; the program raises it before registering anything.
"""

from __future__ import annotations

import difflib
import ipaddress
import json
import re
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic.alias_generators import to_camel

from synapse_dl.config.spark_properties import SparkProperties
from synapse_dl.config.validation_messages import field_errors
from synapse_dl.facts import (
    azure_rules,
    data_lake,
    diagnostics,
    private_link,
    runtimes,
    synapse_rbac,
)

PROJECT = "synapse-dl"
# The `synapse-dl:` keys the program reads; any other is a mistake (a typo reads as absent).
KNOWN_KEYS = ("workspace", "sparkPools", "jobs")


class ConfigError(Exception):
    """Invalid stack config (or a component's arguments, named by `heading`): one line per
    problem, each naming key, value and what is allowed."""

    def __init__(self, problems: list[str], heading: str = "invalid stack config"):
        self.problems = problems
        super().__init__(f"{heading}:\n" + "\n".join(f"  {p}" for p in problems))


def _spark_version_written_as_text(value: Any) -> Any:
    # YAML reads an unquoted 3.10 as the number 3.1: a version must arrive as text.
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise ValueError(
            f'a version must be quoted text, such as "3.5": YAML read this one as the '
            f"number {value!r}, and reads an unquoted 3.10 as 3.1"
        )
    return value


def _one_of(allowed: tuple[str, ...]) -> AfterValidator:
    def check(value: str) -> str:
        if value not in allowed:
            raise ValueError(f"not one of {', '.join(allowed)}")
        return value

    return AfterValidator(check)


class _Model(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="forbid", frozen=True
    )


def _resource_group_name(value: str) -> str:
    if not azure_rules.RESOURCE_GROUP_NAME.match(value):
        raise ValueError(
            "a resource group name is 1-90 letters, digits, '_', '-', '.', '(' and ')', and "
            "does not end with '.'"
        )
    return value


def _workspace_name(value: str) -> str:
    if not azure_rules.WORKSPACE_NAME.match(value):
        raise ValueError(
            "a workspace name is 1-50 lowercase letters, digits and hyphens, starting and "
            "ending with a letter or digit"
        )
    if azure_rules.WORKSPACE_NAME_FORBIDDEN in value:
        raise ValueError(
            f"Azure refuses workspace names containing {azure_rules.WORKSPACE_NAME_FORBIDDEN!r}"
        )
    return value


class ResourceGroupConfig(_Model):
    name: Annotated[str, AfterValidator(_resource_group_name)]
    # False: the group exists already and is only referenced.
    create: bool = True


def _ip_rule(value: str) -> str:
    if problem := data_lake.ip_rule_problem(value):
        raise ValueError(problem)
    return value


class DataLakeConfig(_Model):
    # Storage account names: 3-24 lowercase letters and digits, globally unique.
    account_name: str = Field(pattern=r"^[a-z0-9]{3,24}$")
    # Container names: 3-63 lowercase letters, digits and single hyphens.
    filesystem: str = Field(
        default="synapse", pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", min_length=3, max_length=63
    )
    sku: Literal["Standard_LRS", "Standard_ZRS", "Standard_GRS", "Standard_RAGRS"] = "Standard_LRS"
    soft_delete_retention_days: int = Field(default=7, ge=1, le=365)
    # Guards against deleting the lake: an Azure CanNotDelete lock and Pulumi's `protect`.
    delete_lock: bool = True
    protect: bool = True
    # Deny: the lake's public endpoint lets in only the workspace (a resource-instance rule),
    # trusted Azure services and allowedIpRanges; Spark reaches it through a managed private
    # endpoint. None: Deny when the workspace's public network access is Disabled.
    default_action: Literal["Allow", "Deny"] | None = None
    # Public addresses let in past a Deny (a deploying machine's, say).
    allowed_ip_ranges: list[Annotated[str, AfterValidator(_ip_rule)]] = Field(default_factory=list)
    # False: Entra ID only; the job files go up with the deploying identity's token.
    shared_key_access: bool = True


class FirewallRuleConfig(_Model):
    name: str = Field(pattern=r"^[A-Za-z0-9_.-]{1,128}$")
    start_ip_address: str
    end_ip_address: str

    @field_validator("start_ip_address", "end_ip_address")
    @classmethod
    def _ipv4(cls, value: str) -> str:
        try:
            ipaddress.IPv4Address(value)
        except ValueError:
            raise ValueError(f"{value!r} is not an IPv4 address (allowed: a.b.c.d)") from None
        return value

    @model_validator(mode="after")
    def _ordered(self) -> FirewallRuleConfig:
        start = ipaddress.IPv4Address(self.start_ip_address)
        if start > ipaddress.IPv4Address(self.end_ip_address):
            raise ValueError(
                f"startIpAddress {self.start_ip_address} is after endIpAddress "
                f"{self.end_ip_address} (allowed: start <= end)"
            )
        return self

    @property
    def opens_internet(self) -> bool:
        return azure_rules.is_internet_wide(self.start_ip_address, self.end_ip_address)


class NetworkConfig(_Model):
    managed_virtual_network: bool = True
    prevent_data_exfiltration: bool = False
    allowed_aad_tenant_ids_for_linking: list[str] = Field(default_factory=list)
    public_network_access: Literal["Enabled", "Disabled"] = "Enabled"
    firewall_rules: list[FirewallRuleConfig] = Field(default_factory=list)
    # The rule Azure names AllowAllWindowsAzureIps (0.0.0.0-0.0.0.0).
    allow_azure_services: bool = False
    # A rule wider than a /8 opens the workspace to the internet: only on request (and the
    # policy pack's no-internet-wide-firewall must be lowered too).
    allow_internet_wide_firewall: bool = False


class IdentityConfig(_Model):
    entra_only_authentication: bool = True
    sql_administrator_login: str = Field(
        default="sqladminuser", pattern=r"^[A-Za-z][A-Za-z0-9_]{0,127}$"
    )


class DiagnosticsConfig(_Model):
    """Diagnostic settings on the workspace and its pools, to a Log Analytics workspace: the
    one given, or one created beside the Synapse workspace."""

    log_analytics_workspace_id: str | None = Field(
        default=None, pattern=diagnostics.LOG_ANALYTICS_WORKSPACE_ID
    )
    retention_in_days: int = Field(
        default=diagnostics.RETENTION_DAYS[0],
        ge=diagnostics.RETENTION_DAYS[0],
        le=diagnostics.RETENTION_DAYS[1],
    )


def _private_subnet(value: str) -> str:
    try:
        network = ipaddress.IPv4Network(value)
    except ValueError as error:
        raise ValueError(f"not an IPv4 network in CIDR form ({error})") from None
    if network.prefixlen > 28:
        raise ValueError("a /28 or larger: a private endpoint takes an address each")
    return value


class PrivateAccessConfig(_Model):
    """Private endpoints for the workspace's Dev, Sql and SqlOnDemand sub-resources (and,
    with linkHub, a private link hub for Synapse Studio), with their private DNS."""

    # An existing subnet for the endpoints; None: a virtual network and subnet are created.
    subnet_id: str | None = Field(default=None, pattern=private_link.SUBNET_ID)
    address_prefix: Annotated[str, AfterValidator(_private_subnet)] = "10.20.0.0/24"
    # Existing zones by key (dev, sql, web; blob and dfs for a lake that denies by default), as
    # a hub network keeps them; the rest are created and linked to the endpoints' network.
    dns_zone_ids: dict[Literal["dev", "sql", "web", "blob", "dfs"], str] = Field(
        default_factory=dict
    )
    link_hub: bool = False


class AdminsConfig(_Model):
    """The people who administer the workspace: an Entra group, its SQL Active Directory
    admin."""

    group_object_id: str = Field(pattern=azure_rules.GUID)
    group_name: str = Field(min_length=1, max_length=128)


class JobRunnerConfig(_Model):
    """Someone who runs the stack's jobs (`make run-job`): Synapse Compute Operator on the
    workspace."""

    object_id: str = Field(pattern=azure_rules.GUID)
    type: Annotated[str, _one_of(synapse_rbac.PRINCIPAL_TYPES)] = "Group"


class CustomerManagedKeyConfig(_Model):
    """Encrypt the workspace's data at rest with a key of one's own, in a Key Vault."""

    key_vault_id: str = Field(pattern=azure_rules.KEY_VAULT_ID)
    key_name: str = Field(pattern=azure_rules.KEY_NAME)


class WorkspaceSettings(_Model):
    """A workspace's own settings: what a SynapseWorkspace validates before it registers
    anything (its location and resource group may be Outputs, checked when plain)."""

    # Synapse workspace names are globally unique (synapse_dl/facts/azure_rules.py has the rule).
    name: Annotated[str, AfterValidator(_workspace_name)]
    data_lake: DataLakeConfig
    network: NetworkConfig = Field(default_factory=NetworkConfig)
    identity: IdentityConfig = Field(default_factory=IdentityConfig)
    # None: no diagnostic settings.
    diagnostics: DiagnosticsConfig | None = None
    # None: no private endpoints.
    private_access: PrivateAccessConfig | None = None
    # None: Microsoft-managed keys only.
    customer_managed_key: CustomerManagedKeyConfig | None = None
    # None: only the deploying identity administers the workspace.
    admins: AdminsConfig | None = None
    job_runners: list[JobRunnerConfig] = Field(default_factory=list)
    tags: dict[str, str] = Field(default_factory=dict)

    @property
    def lake_denies_by_default(self) -> bool:
        """The lake's network rules deny by default: as set, or as locked as the workspace."""
        if self.data_lake.default_action is not None:
            return self.data_lake.default_action == "Deny"
        return self.network.public_network_access == "Disabled"


class WorkspaceConfig(WorkspaceSettings):
    """The stack's `workspace` key: the settings, where the workspace lives and its group."""

    location: str = Field(min_length=1)
    resource_group: ResourceGroupConfig

    @property
    def region(self) -> str:
        return runtimes.normalize_region(self.location)


class AutoScaleConfig(_Model):
    enabled: bool = True
    min_node_count: int = Field(default=3, ge=3, le=200)
    max_node_count: int = Field(default=3, ge=3, le=200)


class AutoPauseConfig(_Model):
    enabled: bool = True
    delay_in_minutes: int = Field(default=15, ge=5, le=10080)


class DynamicExecutorAllocationConfig(_Model):
    enabled: bool = False
    min_executors: int | None = Field(default=None, ge=1)
    max_executors: int | None = Field(default=None, ge=1)


PoolName = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9]{0,14}$")]
SparkVersion = Annotated[
    str, BeforeValidator(_spark_version_written_as_text), _one_of(tuple(runtimes.RUNTIMES))
]
# "None" is an ARM enum value, not a pool anyone can create.
NodeSizeFamily = Annotated[str, _one_of(runtimes.NODE_SIZE_FAMILIES[1:])]
NodeSize = Annotated[str, _one_of(runtimes.NODE_SIZES[1:])]


class SparkPoolConfig(_Model):
    name: PoolName
    node_size_family: NodeSizeFamily
    node_size: NodeSize
    spark_version: SparkVersion
    auto_scale: AutoScaleConfig = Field(default_factory=lambda: AutoScaleConfig(enabled=False))
    # Fixed size when autoscale is off.
    node_count: int = Field(default=3, ge=3, le=200)
    auto_pause: AutoPauseConfig = Field(default_factory=AutoPauseConfig)
    dynamic_executor_allocation: DynamicExecutorAllocationConfig = Field(
        default_factory=DynamicExecutorAllocationConfig
    )
    # None: the runtime's deep-learning set on GPU pools, nothing on others.
    deep_learning_libraries: bool | None = None
    extra_libraries: list[str] = Field(default_factory=list)
    spark_config: SparkProperties = Field(default_factory=dict)
    session_level_packages_enabled: bool = False
    compute_isolation: bool = False
    tags: dict[str, str] = Field(default_factory=dict)

    @property
    def is_gpu(self) -> bool:
        return self.node_size_family == runtimes.GPU_FAMILY

    @property
    def max_nodes(self) -> int:
        return self.auto_scale.max_node_count if self.auto_scale.enabled else self.node_count

    @property
    def runtime(self) -> runtimes.SparkRuntime:
        return runtimes.RUNTIMES[self.spark_version]

    @property
    def wants_deep_learning_libraries(self) -> bool:
        if self.deep_learning_libraries is None:
            return self.is_gpu
        return self.deep_learning_libraries


def _job_folder_as_entry(value: Any) -> Any:
    # `- pytorch_digits` is short for `- name: pytorch_digits`.
    return {"name": value} if isinstance(value, str) else value


class StackJobConfig(_Model):
    """A job the stack deploys: its folder under training_jobs/ and, optionally, where and how
    big it runs on this stack. Those keys replace the job.yaml's own (whole values, not merged)
    and are validated with it (synapse_dl/jobs/definition.py, PLACEMENT_KEYS)."""

    name: str = Field(pattern=r"^[A-Za-z0-9_]+$")
    pool: str | None = None
    launcher: str | None = None
    args: list[str] | None = None
    driver: dict[str, Any] | None = None
    executor: dict[str, Any] | None = None
    num_executors: int | None = None
    conf: SparkProperties | None = None

    def placement(self) -> dict[str, Any]:
        """The job.yaml keys this stack sets, under their job.yaml names."""
        return self.model_dump(by_alias=True, exclude_none=True, exclude={"name"})


class StackConfig(_Model):
    workspace: WorkspaceConfig
    spark_pools: list[SparkPoolConfig] = Field(default_factory=list)
    # Folders under training_jobs/ to deploy as Spark job definitions.
    jobs: list[Annotated[StackJobConfig, BeforeValidator(_job_folder_as_entry)]] = Field(
        default_factory=list
    )


# --- cross-field rules, each returning (key relative to the project, problem) pairs ---


def pool_problems(
    key: str, pool: SparkPoolConfig, location: str | None, location_key: str
) -> list[str]:
    """The pool's cross-field rules; `key` names the pool (`synapse-dl:sparkPools[0]`), and the
    GPU region rule needs the workspace's `location` (None: not known before deployment)."""
    problems = azure_rules.tag_problems(f"{key}.tags", pool.tags)
    if pool.auto_scale.enabled and pool.auto_scale.min_node_count > pool.auto_scale.max_node_count:
        problems.append(
            f"{key}.autoScale.minNodeCount = {pool.auto_scale.min_node_count}: must be <= "
            f"autoScale.maxNodeCount ({pool.auto_scale.max_node_count})"
        )
    dea = pool.dynamic_executor_allocation
    if dea.enabled:
        for field, value in (
            ("minExecutors", dea.min_executors),
            ("maxExecutors", dea.max_executors),
        ):
            if value is None:
                problems.append(
                    f"{key}.dynamicExecutorAllocation.{field} = null: required when "
                    "dynamicExecutorAllocation.enabled is true (ARM answers "
                    "DynamicExecutorAllocationNotValid)"
                )
        if dea.min_executors and dea.max_executors and dea.min_executors > dea.max_executors:
            problems.append(
                f"{key}.dynamicExecutorAllocation.minExecutors = {dea.min_executors}: must be <= "
                f"maxExecutors ({dea.max_executors})"
            )
    if runtimes.node_spec(pool.node_size_family, pool.node_size) is None:
        allowed = sorted(s for f, s in runtimes.NODE_SPECS if f == pool.node_size_family)
        problems.append(
            f"{key}.nodeSize = {pool.node_size!r}: not a {pool.node_size_family} node size "
            f"(allowed: {', '.join(allowed) or 'none: this family has no pools we support'})"
        )
    if pool.compute_isolation and (
        (pool.node_size_family, pool.node_size) not in runtimes.ISOLATABLE_NODE_SIZES
    ):
        sizes = " or ".join(f"{f} {s}" for f, s in sorted(runtimes.ISOLATABLE_NODE_SIZES))
        problems.append(
            f"{key}.computeIsolation = true: only {sizes} nodes can be isolated, not "
            f"{pool.node_size_family} {pool.node_size}"
        )
    if pool.is_gpu:
        runtime = pool.runtime
        if not runtime.supports_gpu:
            gpu_versions = [v for v, r in runtimes.RUNTIMES.items() if r.supports_gpu]
            problems.append(
                f"{key}.sparkVersion = {pool.spark_version!r}: GPU pools exist only on Spark "
                f"{', '.join(gpu_versions)}"
            )
        elif (
            location is not None and runtimes.normalize_region(location) not in runtime.gpu_regions
        ):
            problems.append(
                f"{key}.nodeSizeFamily = 'HardwareAcceleratedGPU': GPU pools exist only in "
                f"{', '.join(runtime.gpu_regions)}, not in the workspace location "
                f"{location!r} ({location_key})"
            )
    return problems


def resource_group_problems(key: str, name: str) -> list[str]:
    try:
        _resource_group_name(name)
    except ValueError as error:
        return [f"{key} = {name!r}: {error}"]
    return []


def location_problems(key: str, location: str) -> list[str]:
    problem = azure_rules.region_problem(key, location, runtimes.normalize_region(location))
    return [problem] if problem else []


def workspace_problems(prefix: str, workspace: WorkspaceSettings) -> list[str]:
    """The workspace's cross-field rules; `prefix` leads each key (`synapse-dl:workspace.`)."""
    key = f"{prefix}network"
    # The group, the lake (a storage account) and the workspace carry these tags.
    problems = azure_rules.tag_problems(
        f"{prefix}tags", workspace.tags, azure_rules.MAX_TAG_KEY_STORAGE
    )
    network = workspace.network
    for i, rule in enumerate(network.firewall_rules):
        if rule.opens_internet and not network.allow_internet_wide_firewall:
            addresses = azure_rules.addresses_in(rule.start_ip_address, rule.end_ip_address)
            problems.append(
                f"{key}.firewallRules[{i}] = {rule.start_ip_address}-{rule.end_ip_address}: "
                f"admits {addresses:,} addresses, more than a /8 "
                f"({azure_rules.INTERNET_WIDE_ADDRESSES:,}), which opens the workspace to the "
                "internet. Narrow the range; to open it on purpose, set "
                f"{key}.allowInternetWideFirewall: true and lower the policy "
                "no-internet-wide-firewall to advisory in the policy pack config "
                '({"no-internet-wide-firewall": "advisory"})'
            )
    problems += _firewall_name_problems(key, network)
    if network.public_network_access == "Disabled" and not network.managed_virtual_network:
        problems.append(
            f"{key}.publicNetworkAccess = 'Disabled': needs {key}.managedVirtualNetwork: true"
        )
    if network.prevent_data_exfiltration and not network.managed_virtual_network:
        problems.append(
            f"{key}.preventDataExfiltration = true: needs {key}.managedVirtualNetwork: true"
        )
    if workspace.private_access is not None:
        problems += _dns_zone_problems(
            f"{prefix}privateAccess.dnsZoneIds", workspace.private_access
        )
    return problems + _lake_problems(f"{prefix}dataLake", workspace)


def _lake_problems(key: str, workspace: WorkspaceSettings) -> list[str]:
    lake = workspace.data_lake
    network_key = f"{key.rsplit('.', 1)[0]}.network"
    # (A Deny that follows publicNetworkAccess: Disabled has that rule's own message.)
    if lake.default_action == "Deny" and not workspace.network.managed_virtual_network:
        return [
            f"{key}.defaultAction = 'Deny': Spark reaches such a lake only through a managed "
            f"private endpoint, which needs {network_key}.managedVirtualNetwork: true"
        ]
    if lake.allowed_ip_ranges and not workspace.lake_denies_by_default:
        return [
            f"{key}.allowedIpRanges = {lake.allowed_ip_ranges}: only with {key}.defaultAction: "
            "Deny (a lake that allows by default lets every address in)"
        ]
    return []


def _dns_zone_problems(key: str, access: PrivateAccessConfig) -> list[str]:
    """Each zone given must be an ARM id of the private DNS zone that its key names."""
    problems = []
    for zone, zone_id in sorted(access.dns_zone_ids.items()):
        expected = private_link.DNS_ZONES[zone]
        if not re.match(private_link.PRIVATE_DNS_ZONE_ID, zone_id) or (
            zone_id.rsplit("/", 1)[-1].lower() != expected
        ):
            problems.append(
                f"{key}.{zone} = {zone_id!r}: must be the ARM id of a private DNS zone named "
                f"{expected}"
            )
    return problems


def _firewall_name_problems(key: str, network: NetworkConfig) -> list[str]:
    """Rule names are unique in a workspace, without regard to case (ARM names), counting the
    rule allowAzureServices adds."""
    seen: dict[str, str] = {}
    if network.allow_azure_services:
        seen[azure_rules.AZURE_SERVICES_RULE.lower()] = f"{key}.allowAzureServices"
    problems = []
    for i, rule in enumerate(network.firewall_rules):
        first = seen.setdefault(rule.name.lower(), f"{key}.firewallRules[{i}].name")
        if first != f"{key}.firewallRules[{i}].name":
            problems.append(
                f"{key}.firewallRules[{i}].name = {rule.name!r}: a workspace holds one rule of "
                f"a name, and {first} already names it"
            )
    return problems


def _duplicate_pool_problems(pools: list[SparkPoolConfig]) -> list[str]:
    seen: dict[str, int] = {}
    problems = []
    for i, pool in enumerate(pools):
        # Pool names are case-insensitive in ARM.
        first = seen.setdefault(pool.name.lower(), i)
        if first != i:
            problems.append(
                f"{PROJECT}:sparkPools[{i}].name = {pool.name!r}: duplicates "
                f"sparkPools[{first}].name; pool names must be unique in a workspace"
            )
    return problems


def _format_pydantic_error(error: ValidationError) -> list[str]:
    # Top-level fields are config keys of their own: `synapse-dl:workspace`.
    return [f"{PROJECT}:{e.text}" for e in field_errors(error, StackConfig)]


def _unknown_key_problems(raw: Mapping[str, Any]) -> list[str]:
    problems = []
    for key in raw:
        if key in KNOWN_KEYS:
            continue
        nearest = difflib.get_close_matches(key, KNOWN_KEYS, n=1, cutoff=0.6)
        hint = (
            f"did you mean {PROJECT}:{nearest[0]}?"
            if nearest
            else f"the keys are {', '.join(f'{PROJECT}:{k}' for k in KNOWN_KEYS)}"
        )
        problems.append(f"{PROJECT}:{key}: not a key this project reads; {hint}")
    return problems


def parse_stack_config(raw: Mapping[str, Any]) -> StackConfig:
    """Validate the project's config values (keys without the `synapse-dl:` prefix)."""
    unknown = _unknown_key_problems(raw)
    try:
        stack = StackConfig.model_validate({k: v for k, v in raw.items() if k in KNOWN_KEYS})
    except ValidationError as error:
        raise ConfigError(unknown + _format_pydantic_error(error)) from None
    if unknown:
        raise ConfigError(unknown)
    # Local import: libraries needs the models above.
    from synapse_dl.config.libraries import library_problems

    workspace = stack.workspace
    problems = location_problems(f"{PROJECT}:workspace.location", workspace.location)
    problems += workspace_problems(f"{PROJECT}:workspace.", workspace)
    for i, pool in enumerate(stack.spark_pools):
        key = f"{PROJECT}:sparkPools[{i}]"
        problems += pool_problems(key, pool, workspace.location, f"{PROJECT}:workspace.location")
        problems += library_problems(key, pool)
    problems += _duplicate_pool_problems(stack.spark_pools)
    if problems:
        raise ConfigError(problems)
    return stack


def _config_value(text: Any) -> Any:
    """A value as the engine passes it: objects and lists as JSON text, strings as they are."""
    if not isinstance(text, str):
        return text
    try:
        return json.loads(text)
    except ValueError:
        return text


def load_stack_config() -> StackConfig:
    """Read the running stack's config as the engine passed it (the same under mocks and the
    CLI): every `synapse-dl:` key, so a misspelt one is an error rather than absent."""
    from pulumi.runtime.config import CONFIG

    prefix = f"{PROJECT}:"
    raw = {
        key[len(prefix) :]: _config_value(value)
        for key, value in CONFIG.get().items()
        if key.startswith(prefix)
    }
    return parse_stack_config(raw)


def project_values(document: Mapping[str, Any]) -> dict[str, Any]:
    """A stack document's `synapse-dl:` config values, keyed without the prefix."""
    prefix = f"{PROJECT}:"
    return {
        key[len(prefix) :]: value
        for key, value in (document.get("config") or {}).items()
        if key.startswith(prefix)
    }
