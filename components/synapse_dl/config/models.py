"""The stack config's models: `Pulumi.<stack>.yaml`'s `synapse-dl:` keys as pydantic models.

Keys are camelCase in the stack file (Pulumi's convention) and snake_case in Python. Each
model checks its own values (types, ranges, allowed values, Azure's naming rules); the rules
that tie several values together are in rules.py, and reading a stack's config in loading.py.
"""

from __future__ import annotations

import ipaddress
import types
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    create_model,
    field_validator,
    model_validator,
)
from pydantic.alias_generators import to_camel, to_snake
from pydantic_core import core_schema

from synapse_dl.config.job_definition import PLACEMENT_KEYS, JobDefinition
from synapse_dl.config.plain_text import PlainTextModel
from synapse_dl.config.spark_properties import SparkProperties
from synapse_dl.facts import (
    azure_rules,
    data_lake,
    diagnostics,
    private_link,
    runtimes,
    synapse_rbac,
)


def _spark_version_written_as_text(value: Any) -> Any:
    # YAML reads an unquoted 3.10 as the number 3.1: a version must arrive as text.
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise ValueError(
            f'a version must be quoted text, such as "3.5": YAML read this one as the '
            f"number {value!r}, and reads an unquoted 3.10 as 3.1"
        )
    return value


@dataclass(frozen=True)
class OneOf:
    """A text value from a fixed set, as pydantic metadata (`Annotated[str, OneOf(...)]`): the
    check runs after the type's, and the docs read the set from `allowed`."""

    allowed: tuple[str, ...]

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(self._check, handler(source))

    def _check(self, value: str) -> str:
        if value not in self.allowed:
            raise ValueError(f"not one of {', '.join(self.allowed)}")
        return value


class _Model(PlainTextModel):
    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="forbid", frozen=True
    )


def resource_group_name(value: str) -> str:
    """The name, when Azure takes it as a resource group's; raises ValueError saying why not."""
    if not azure_rules.RESOURCE_GROUP_NAME.fullmatch(value):
        raise ValueError(
            "a resource group name is 1-90 letters, digits, '_', '-', '.', '(' and ')', and "
            "does not end with '.'"
        )
    return value


def _workspace_name(value: str) -> str:
    if not azure_rules.WORKSPACE_NAME.fullmatch(value):
        raise ValueError(
            "a workspace name is 1-50 lowercase letters, digits and hyphens, starting and "
            "ending with a letter or digit"
        )
    if azure_rules.WORKSPACE_NAME_FORBIDDEN in value:
        raise ValueError(
            f"Azure refuses workspace names containing {azure_rules.WORKSPACE_NAME_FORBIDDEN!r}"
        )
    return value


def _key_vault_id(value: str) -> str:
    found = azure_rules.KEY_VAULT_ID.fullmatch(value)
    if found is None:
        raise ValueError(
            "a Key Vault's resource id: /subscriptions/<id>/resourceGroups/<group>/providers/"
            "Microsoft.KeyVault/vaults/<name>"
        )
    vault = found.group("vault")
    if not (
        azure_rules.KEY_VAULT_NAME.fullmatch(vault)
        and len(vault) in azure_rules.KEY_VAULT_NAME_LENGTH
    ):
        raise ValueError(
            f"the vault name {vault!r} is not one Azure allows: 3-24 letters, digits and "
            "hyphens, starting with a letter, ending with a letter or digit, no two hyphens "
            "in a row"
        )
    return value


class ResourceGroupConfig(_Model):
    name: Annotated[str, AfterValidator(resource_group_name)] = Field(
        description="The resource group to create, or an existing one (create: false)."
    )
    # False: the group exists already and is only referenced.
    create: bool = True


def _ip_rule(value: str) -> str:
    if problem := data_lake.ip_rule_problem(value):
        raise ValueError(problem)
    return value


class DataLakeConfig(_Model):
    # Storage account names are globally unique; both rules are in facts/azure_rules.py.
    account_name: str = Field(pattern=f"^{azure_rules.STORAGE_ACCOUNT_NAME}$")
    filesystem: str = Field(
        default="synapse",
        pattern=f"^{azure_rules.FILESYSTEM_NAME}$",
        min_length=azure_rules.FILESYSTEM_NAME_LENGTH.start,
        max_length=azure_rules.FILESYSTEM_NAME_LENGTH.stop - 1,
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


class NetworkConfig(_Model):
    managed_virtual_network: bool = True
    prevent_data_exfiltration: bool = False
    allowed_aad_tenant_ids_for_linking: list[str] = Field(default_factory=list)
    public_network_access: Literal["Enabled", "Disabled"] = "Enabled"
    firewall_rules: list[FirewallRuleConfig] = Field(default_factory=list)
    # The rule Azure names AllowAllWindowsAzureIps (0.0.0.0-0.0.0.0).
    allow_azure_services: bool = False
    # Rules that together admit more than a /8 open the workspace to the internet: only on
    # request (and the policy pack's no-internet-wide-firewall must be lowered too).
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
    type: Annotated[str, OneOf(synapse_rbac.PRINCIPAL_TYPES)] = "Group"


class CustomerManagedKeyConfig(_Model):
    """Encrypt the workspace's data at rest with a key of one's own, in a Key Vault."""

    key_vault_id: Annotated[str, AfterValidator(_key_vault_id)]
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
    str, BeforeValidator(_spark_version_written_as_text), OneOf(tuple(runtimes.RUNTIMES))
]
# "None" is an ARM enum value, not a pool anyone can create.
NodeSizeFamily = Annotated[str, OneOf(runtimes.NODE_SIZE_FAMILIES[1:])]
NodeSize = Annotated[str, OneOf(runtimes.NODE_SIZES[1:])]


class SparkPoolConfig(_Model):
    name: PoolName = Field(
        description="The pool's name in the workspace: 1-15 letters and digits, starting with a "
        "letter; unique without regard to case."
    )
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


def _shape(annotation: Any) -> Any:
    """A job.yaml key's type as a stack takes it: a mapping where the job takes a model, text
    where it takes one of a set. The job's own model judges the value once merged, naming the
    stack's key (stack_jobs.load_stack_jobs)."""
    if get_origin(annotation) in (Union, types.UnionType):
        return Union[tuple(_shape(member) for member in get_args(annotation))]  # noqa: UP007
    if get_origin(annotation) is Literal:
        return str
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return dict[str, Any]
    return annotation


class _StackJobEntry(_Model):
    """A job the stack deploys: its folder under training_jobs/ and, optionally, where and how
    big it runs on this stack. Those keys replace the job.yaml's own (whole values, not merged)
    and are validated with it (synapse_dl/config/job_definition.py)."""

    name: str = Field(
        pattern=r"^[A-Za-z0-9_]+$",
        description="A job to deploy: its folder under training_jobs/ (`- name` alone is short "
        "for `- name: name`).",
    )

    def placement(self) -> dict[str, Any]:
        """The job.yaml keys this stack sets, under their job.yaml names."""
        return self.model_dump(by_alias=True, exclude_none=True, exclude={"name"})


# Its placement keys are the job.yaml keys a stack may set (job_definition.PLACEMENT_KEYS),
# each in the shape the job's own model takes; python names are snake_case, as in every model.
_PLACEMENT_FIELDS: dict[str, Any] = {
    to_snake(key): (_shape(JobDefinition.model_fields[key].annotation) | None, None)
    for key in PLACEMENT_KEYS
}
StackJobConfig = create_model("StackJobConfig", __base__=_StackJobEntry, **_PLACEMENT_FIELDS)
# What the stack's `jobs` holds: mypy cannot see into a model made by create_model, and types
# the entries by their static part.
if TYPE_CHECKING:
    StackJobs = list[_StackJobEntry]
else:
    StackJobs = list[Annotated[StackJobConfig, BeforeValidator(_job_folder_as_entry)]]


class StackConfig(_Model):
    workspace: WorkspaceConfig
    spark_pools: list[SparkPoolConfig] = Field(default_factory=list)
    # Folders under training_jobs/ to deploy as Spark job definitions.
    jobs: StackJobs = Field(default_factory=list)
