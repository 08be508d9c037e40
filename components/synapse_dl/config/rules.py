"""The stack config's cross-field rules: what no single value shows (a GPU pool's region, a
minimum above its maximum, two firewall rules of one name). Each returns problem lines, each
naming its key; a stack file's keys are `synapse-dl:...`, a component's `args....`.
"""

from __future__ import annotations

import re

from synapse_dl.config.models import (
    NetworkConfig,
    PrivateAccessConfig,
    SparkPoolConfig,
    WorkspaceSettings,
    resource_group_name,
)
from synapse_dl.facts import azure_rules, private_link, runtimes
from synapse_dl.version import PACKAGE


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
    if (
        pool.compute_isolation
        and location is not None
        and runtimes.normalize_region(location) not in runtimes.ISOLATED_COMPUTE_REGIONS
    ):
        problems.append(
            f"{key}.computeIsolation = true: isolated compute exists only in "
            f"{', '.join(runtimes.ISOLATED_COMPUTE_REGIONS)}, not in the workspace location "
            f"{location!r} ({location_key})"
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
        resource_group_name(name)
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
    problems += _firewall_breadth_problems(key, network)
    problems += _firewall_name_problems(key, network)
    problems += _job_runner_problems(f"{prefix}jobRunners", workspace)
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


def _firewall_breadth_problems(key: str, network: NetworkConfig) -> list[str]:
    """Internet-wide is a property of the rules together: each rule, then their union."""
    if network.allow_internet_wide_firewall:
        return []
    limit = azure_rules.INTERNET_WIDE_ADDRESSES

    def advice(what: str) -> str:
        return (
            f"which opens the workspace to the internet. Narrow the {what}; to open it on "
            f"purpose, set {key}.allowInternetWideFirewall: true and lower the policy "
            "no-internet-wide-firewall to advisory in the policy pack config "
            '({"no-internet-wide-firewall": "advisory"})'
        )

    rules = network.firewall_rules
    ranges = [(rule.start_ip_address, rule.end_ip_address) for rule in rules]
    problems = [
        f"{key}.firewallRules[{i}] = {start}-{end}: admits {addresses:,} addresses, more than "
        f"a /8 ({limit:,}), {advice('range')}"
        for i, (start, end) in enumerate(ranges)
        if (addresses := azure_rules.addresses_in(start, end)) > limit
    ]
    if not problems and (together := azure_rules.addresses_in_all(ranges)) > limit:
        shown = ", ".join(
            f"{rule.name} {rule.start_ip_address}-{rule.end_ip_address}" for rule in rules
        )
        problems.append(
            f"{key}.firewallRules = [{shown}]: together admit {together:,} addresses (each "
            f"counted once), more than a /8 ({limit:,}), {advice('ranges')}"
        )
    return problems


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
        if not re.fullmatch(private_link.PRIVATE_DNS_ZONE_ID, zone_id) or (
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


def _repeats(names: list[str]) -> list[tuple[int, int]]:
    """(index, index of its first) for each name that repeats an earlier one, case aside."""
    seen: dict[str, int] = {}
    return [
        (i, first)
        for i, name in enumerate(names)
        if (first := seen.setdefault(name.lower(), i)) != i
    ]


def _job_runner_problems(key: str, workspace: WorkspaceSettings) -> list[str]:
    """Each member once: Entra object ids compare without regard to case, and a second
    assignment of one role to one member is refused (it exists)."""
    runners = workspace.job_runners
    return [
        f"{key}[{i}].objectId = {runners[i].object_id!r}: the same member as "
        f"{key}[{first}] (object ids compare without regard to case); list it once"
        for i, first in _repeats([runner.object_id for runner in runners])
    ]


def duplicate_pool_problems(pools: list[SparkPoolConfig]) -> list[str]:
    # Pool names are case-insensitive in ARM.
    return [
        f"{PACKAGE}:sparkPools[{i}].name = {pools[i].name!r}: duplicates "
        f"sparkPools[{first}].name; pool names must be unique in a workspace"
        for i, first in _repeats([pool.name for pool in pools])
    ]
