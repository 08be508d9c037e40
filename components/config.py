"""Stack config, read once from `Pulumi.<stack>.yaml` into validated pydantic models.

Keys are camelCase in the stack file (Pulumi's convention) and snake_case in Python.
Every error names the full config key (`synapse-dl:sparkPools[0].autoScale.maxNodeCount`),
the bad value and what is allowed; the program raises it before registering anything.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
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

from components import runtimes

PROJECT = "synapse-dl"


class ConfigError(Exception):
    """Invalid stack config: one line per problem, each naming key, value and what is allowed."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("invalid stack config:\n" + "\n".join(f"  {p}" for p in problems))


def _spark_version_as_text(value: Any) -> Any:
    # YAML reads an unquoted 3.2 as a float; the runtime names are strings.
    if isinstance(value, float) and not isinstance(value, bool):
        return str(value)
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


class ResourceGroupConfig(_Model):
    name: str = Field(min_length=1, max_length=90)
    # False: the group exists already and is only referenced.
    create: bool = True


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
        return self.start_ip_address == "0.0.0.0" and self.end_ip_address == "255.255.255.255"


class NetworkConfig(_Model):
    managed_virtual_network: bool = True
    prevent_data_exfiltration: bool = False
    allowed_aad_tenant_ids_for_linking: list[str] = Field(default_factory=list)
    public_network_access: Literal["Enabled", "Disabled"] = "Enabled"
    firewall_rules: list[FirewallRuleConfig] = Field(default_factory=list)
    # The rule Azure names AllowAllWindowsAzureIps (0.0.0.0-0.0.0.0).
    allow_azure_services: bool = False
    # A 0.0.0.0-255.255.255.255 rule opens the workspace to the internet: only on request.
    allow_internet_wide_firewall: bool = False


class IdentityConfig(_Model):
    entra_only_authentication: bool = True
    sql_administrator_login: str = Field(
        default="sqladminuser", pattern=r"^[A-Za-z][A-Za-z0-9_]{0,127}$"
    )


class WorkspaceConfig(_Model):
    # Synapse workspace names: 1-50 lowercase letters, digits and hyphens, globally unique.
    name: str = Field(pattern=r"^[a-z0-9](?:[a-z0-9-]{0,48}[a-z0-9])?$")
    location: str = Field(min_length=1)
    resource_group: ResourceGroupConfig
    data_lake: DataLakeConfig
    network: NetworkConfig = Field(default_factory=NetworkConfig)
    identity: IdentityConfig = Field(default_factory=IdentityConfig)
    tags: dict[str, str] = Field(default_factory=dict)

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
    str, BeforeValidator(_spark_version_as_text), _one_of(tuple(runtimes.RUNTIMES))
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
    spark_config: dict[str, str] = Field(default_factory=dict)
    session_level_packages_enabled: bool = False
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
    and are validated with it (training_jobs/definition.py, PLACEMENT_KEYS)."""

    name: str = Field(pattern=r"^[A-Za-z0-9_]+$")
    pool: str | None = None
    launcher: str | None = None
    args: list[str] | None = None
    driver: dict[str, Any] | None = None
    executor: dict[str, Any] | None = None
    num_executors: int | None = None
    conf: dict[str, str] | None = None

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


def _pool_problems(index: int, pool: SparkPoolConfig, workspace: WorkspaceConfig) -> list[str]:
    key = f"{PROJECT}:sparkPools[{index}]"
    problems = []
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
    if pool.is_gpu:
        runtime = pool.runtime
        if not runtime.supports_gpu:
            gpu_versions = [v for v, r in runtimes.RUNTIMES.items() if r.supports_gpu]
            problems.append(
                f"{key}.sparkVersion = {pool.spark_version!r}: GPU pools exist only on Spark "
                f"{', '.join(gpu_versions)}"
            )
        elif workspace.region not in runtime.gpu_regions:
            problems.append(
                f"{key}.nodeSizeFamily = 'HardwareAcceleratedGPU': GPU pools exist only in "
                f"{', '.join(runtime.gpu_regions)}, not in the workspace location "
                f"{workspace.location!r} ({PROJECT}:workspace.location)"
            )
    return problems


def _workspace_problems(workspace: WorkspaceConfig) -> list[str]:
    key = f"{PROJECT}:workspace.network"
    problems = []
    network = workspace.network
    for i, rule in enumerate(network.firewall_rules):
        if rule.opens_internet and not network.allow_internet_wide_firewall:
            problems.append(
                f"{key}.firewallRules[{i}] = {rule.start_ip_address}-{rule.end_ip_address}: opens "
                "the workspace to the whole internet; narrow the range or set "
                f"{key}.allowInternetWideFirewall: true"
            )
    if network.public_network_access == "Disabled" and not network.managed_virtual_network:
        problems.append(
            f"{key}.publicNetworkAccess = 'Disabled': needs {key}.managedVirtualNetwork: true"
        )
    if network.prevent_data_exfiltration and not network.managed_virtual_network:
        problems.append(
            f"{key}.preventDataExfiltration = true: needs {key}.managedVirtualNetwork: true"
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
    problems = []
    for e in error.errors():
        loc = e["loc"]
        # Top-level fields are config keys of their own: `synapse-dl:workspace`.
        key = f"{PROJECT}:{loc[0]}" if loc else PROJECT
        for part in loc[1:]:
            key += f"[{part}]" if isinstance(part, int) else f".{part}"
        value = e.get("input")
        shown = "(missing)" if e["type"] == "missing" else repr(value)
        message = e["msg"].removeprefix("Value error, ")
        problems.append(f"{key} = {shown}: {message}")
    return problems


def parse_stack_config(raw: Mapping[str, Any]) -> StackConfig:
    """Validate the project's config values (keys without the `synapse-dl:` prefix)."""
    try:
        stack = StackConfig.model_validate(dict(raw))
    except ValidationError as error:
        raise ConfigError(_format_pydantic_error(error)) from None
    # Local import: libraries needs the models above.
    from components.libraries import library_problems

    problems = _workspace_problems(stack.workspace)
    for i, pool in enumerate(stack.spark_pools):
        problems += _pool_problems(i, pool, stack.workspace)
        problems += library_problems(f"{PROJECT}:sparkPools[{i}]", pool)
    problems += _duplicate_pool_problems(stack.spark_pools)
    if problems:
        raise ConfigError(problems)
    return stack


def load_stack_config() -> StackConfig:
    """Read the running stack's config through Pulumi (the same path under mocks and the CLI)."""
    import pulumi

    config = pulumi.Config(PROJECT)
    raw = {
        key: config.get_object(key)
        for key in ("workspace", "sparkPools", "jobs")
        if config.get(key) is not None
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


def read_stack_file(path: Path) -> StackConfig:
    """Validate a `Pulumi.<stack>.yaml` outside a Pulumi program (tools such as the job runner)."""
    return parse_stack_config(project_values(yaml.safe_load(path.read_text()) or {}))
