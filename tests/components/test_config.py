"""Stack config: every rule rejects bad input with the key, the value and what is allowed."""

from __future__ import annotations

import pytest

from synapse_dl.config.errors import ConfigError
from synapse_dl.config.loading import parse_stack_config


def problems_of(config: dict) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        parse_stack_config(config)
    return caught.value.problems


def test_the_dev_stack_is_valid(dev_config):
    stack = parse_stack_config(dev_config)

    gpu, cpu = stack.spark_pools
    assert (gpu.name, gpu.node_size_family, gpu.node_size, gpu.spark_version) == (
        "gpularge",
        "HardwareAcceleratedGPU",
        "Large",
        "3.2",
    )
    assert gpu.max_nodes == 3 and gpu.auto_pause.delay_in_minutes == 15
    assert (cpu.node_size_family, cpu.spark_version, cpu.max_nodes) == ("MemoryOptimized", "3.5", 5)


@pytest.mark.parametrize("number", [3.2, 3.1, 3])
def test_an_unquoted_spark_version_read_as_a_number_is_refused_with_how_to_quote_it(
    dev_config, number
):
    # `sparkVersion: 3.10` reaches the program as the number 3.1: no number is trusted.
    dev_config["sparkPools"][0]["sparkVersion"] = number

    assert problems_of(dev_config) == [
        f"synapse-dl:sparkPools[0].sparkVersion = {number!r}: a version must be quoted text, "
        f'such as "3.5": YAML read this one as the number {number!r}, and reads an unquoted '
        "3.10 as 3.1"
    ]


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("gpu-pool", "hyphen"),
        ("1gpu", "starts with a digit"),
        ("gpupoolwithlongname", "16+ characters"),
    ],
)
def test_a_pool_name_outside_the_rules_is_rejected(dev_config, name, reason):
    dev_config["sparkPools"][0]["name"] = name

    assert problems_of(dev_config) == [
        f"synapse-dl:sparkPools[0].name = {name!r}: String should match pattern "
        "'^[A-Za-z][A-Za-z0-9]{0,14}$'"
    ]


@pytest.mark.parametrize("count", [2, 201])
def test_autoscale_outside_3_to_200_is_rejected(dev_config, count):
    dev_config["sparkPools"][1]["autoScale"]["maxNodeCount"] = count

    (problem,) = problems_of(dev_config)
    assert problem.startswith(f"synapse-dl:sparkPools[1].autoScale.maxNodeCount = {count}: ")
    assert ("3" in problem) if count < 3 else ("200" in problem)


def test_autoscale_minimum_above_maximum_is_rejected(dev_config):
    dev_config["sparkPools"][1]["autoScale"] = {
        "enabled": True,
        "minNodeCount": 6,
        "maxNodeCount": 4,
    }

    assert problems_of(dev_config) == [
        "synapse-dl:sparkPools[1].autoScale.minNodeCount = 6: must be <= autoScale.maxNodeCount (4)"
    ]


@pytest.mark.parametrize("delay", [4, 10081])
def test_auto_pause_delay_outside_5_to_10080_is_rejected(dev_config, delay):
    dev_config["sparkPools"][0]["autoPause"]["delayInMinutes"] = delay

    (problem,) = problems_of(dev_config)
    assert problem.startswith(f"synapse-dl:sparkPools[0].autoPause.delayInMinutes = {delay}: ")
    assert ("5" in problem) if delay < 5 else ("10080" in problem)


def test_dynamic_executor_allocation_without_min_and_max_is_rejected(dev_config):
    dev_config["sparkPools"][1]["dynamicExecutorAllocation"] = {"enabled": True}

    assert problems_of(dev_config) == [
        f"synapse-dl:sparkPools[1].dynamicExecutorAllocation.{field} = null: required when "
        "dynamicExecutorAllocation.enabled is true (ARM answers "
        "DynamicExecutorAllocationNotValid)"
        for field in ("minExecutors", "maxExecutors")
    ]


def test_an_unknown_node_size_is_rejected_with_the_allowed_sizes(dev_config):
    dev_config["sparkPools"][1]["nodeSize"] = "Huge"

    assert problems_of(dev_config) == [
        "synapse-dl:sparkPools[1].nodeSize = 'Huge': not one of Small, Medium, Large, XLarge, "
        "XXLarge, XXXLarge"
    ]


def test_an_unknown_node_family_is_rejected(dev_config):
    dev_config["sparkPools"][1]["nodeSizeFamily"] = "ComputeOptimized"

    assert problems_of(dev_config) == [
        "synapse-dl:sparkPools[1].nodeSizeFamily = 'ComputeOptimized': not one of "
        "MemoryOptimized, HardwareAcceleratedFPGA, HardwareAcceleratedGPU"
    ]


def test_a_size_the_gpu_family_does_not_offer_is_rejected(dev_config):
    dev_config["sparkPools"][0]["nodeSize"] = "Small"

    assert problems_of(dev_config) == [
        "synapse-dl:sparkPools[0].nodeSize = 'Small': not a HardwareAcceleratedGPU node size "
        "(allowed: Large, XLarge)"
    ]


def test_the_fpga_family_is_an_azure_family_without_a_size_we_support(dev_config):
    dev_config["sparkPools"][1]["nodeSizeFamily"] = "HardwareAcceleratedFPGA"

    assert problems_of(dev_config) == [
        "synapse-dl:sparkPools[1].nodeSize = 'Small': not a HardwareAcceleratedFPGA node size "
        "(allowed: none: this family has no pools we support)"
    ]


def test_an_unknown_spark_version_is_rejected(dev_config):
    dev_config["sparkPools"][1]["sparkVersion"] = "3.3"

    assert problems_of(dev_config) == [
        "synapse-dl:sparkPools[1].sparkVersion = '3.3': not one of 3.1, 3.2, 3.4, 3.5"
    ]


def test_a_gpu_pool_outside_the_gpu_regions_is_rejected(dev_config):
    dev_config["workspace"]["location"] = "westeurope"

    assert problems_of(dev_config) == [
        "synapse-dl:sparkPools[0].nodeSizeFamily = 'HardwareAcceleratedGPU': GPU pools exist "
        "only in eastus, australiaeast, northeurope, not in the workspace location "
        "'westeurope' (synapse-dl:workspace.location)"
    ]


def test_gpu_regions_compare_without_case_or_spaces(dev_config):
    dev_config["workspace"]["location"] = "North Europe"

    assert parse_stack_config(dev_config).workspace.region == "northeurope"


def test_a_gpu_pool_on_a_runtime_without_gpus_is_rejected(dev_config):
    dev_config["sparkPools"][0]["sparkVersion"] = "3.5"
    dev_config["sparkPools"][0]["deepLearningLibraries"] = False

    assert problems_of(dev_config) == [
        "synapse-dl:sparkPools[0].sparkVersion = '3.5': GPU pools exist only on Spark 3.1, 3.2"
    ]


def test_duplicate_pool_names_are_rejected_case_insensitively(dev_config):
    dev_config["sparkPools"][1]["name"] = "GpuLarge"

    assert problems_of(dev_config) == [
        "synapse-dl:sparkPools[1].name = 'GpuLarge': duplicates sparkPools[0].name; pool names "
        "must be unique in a workspace"
    ]


def test_an_internet_wide_firewall_rule_needs_an_explicit_opt_in(dev_config):
    rule = {"name": "anyone", "startIpAddress": "0.0.0.0", "endIpAddress": "255.255.255.255"}
    dev_config["workspace"]["network"]["firewallRules"].append(rule)

    assert problems_of(dev_config) == [
        "synapse-dl:workspace.network.firewallRules[1] = 0.0.0.0-255.255.255.255: admits "
        "4,294,967,296 addresses, more than a /8 (16,777,216), which opens the workspace to the "
        "internet. Narrow the range; to open it on purpose, set "
        "synapse-dl:workspace.network.allowInternetWideFirewall: true and lower the policy "
        "no-internet-wide-firewall to advisory in the policy pack config "
        '({"no-internet-wide-firewall": "advisory"})'
    ]
    dev_config["workspace"]["network"]["allowInternetWideFirewall"] = True
    assert len(parse_stack_config(dev_config).workspace.network.firewall_rules) == 2


def test_a_firewall_rule_with_a_bad_address_is_rejected(dev_config):
    dev_config["workspace"]["network"]["firewallRules"][0]["endIpAddress"] = "203.0.113.256"

    assert problems_of(dev_config) == [
        "synapse-dl:workspace.network.firewallRules[0].endIpAddress = '203.0.113.256': "
        "'203.0.113.256' is not an IPv4 address (allowed: a.b.c.d)"
    ]


def test_an_unknown_key_is_rejected_by_name(dev_config):
    dev_config["sparkPools"][0]["autoscale"] = {"enabled": True}

    assert problems_of(dev_config) == [
        "synapse-dl:sparkPools[0].autoscale = {'enabled': True}: not a known key; did you mean "
        "'autoScale'?"
    ]


def test_a_missing_workspace_is_named(dev_config):
    del dev_config["workspace"]

    assert problems_of(dev_config) == ["synapse-dl:workspace = (missing): Field required"]


def test_public_access_disabled_without_the_managed_network_is_rejected(dev_config):
    dev_config["workspace"]["network"].update(
        {"publicNetworkAccess": "Disabled", "managedVirtualNetwork": False}
    )

    assert problems_of(dev_config) == [
        "synapse-dl:workspace.network.publicNetworkAccess = 'Disabled': needs "
        "synapse-dl:workspace.network.managedVirtualNetwork: true"
    ]


def test_exfiltration_protection_without_the_managed_network_is_rejected(dev_config):
    dev_config["workspace"]["network"].update(
        {"preventDataExfiltration": True, "managedVirtualNetwork": False}
    )

    assert problems_of(dev_config) == [
        "synapse-dl:workspace.network.preventDataExfiltration = true: needs "
        "synapse-dl:workspace.network.managedVirtualNetwork: true"
    ]


def test_a_firewall_range_that_ends_before_it_starts_is_rejected(dev_config):
    dev_config["workspace"]["network"]["firewallRules"][0].update(
        {"startIpAddress": "203.0.113.9", "endIpAddress": "203.0.113.1"}
    )

    assert problems_of(dev_config) == [
        "synapse-dl:workspace.network.firewallRules[0] = {'name': 'corp-office', "
        "'startIpAddress': '203.0.113.9', 'endIpAddress': '203.0.113.1'}: startIpAddress "
        "203.0.113.9 is after endIpAddress 203.0.113.1 (allowed: start <= end)"
    ]


def test_a_firewall_range_of_one_address_is_accepted(dev_config):
    dev_config["workspace"]["network"]["firewallRules"][0].update(
        {"startIpAddress": "203.0.113.9", "endIpAddress": "203.0.113.9"}
    )

    assert parse_stack_config(dev_config).workspace.network.firewall_rules[0].start_ip_address


def test_dynamic_executor_minimum_above_maximum_is_rejected(dev_config):
    dev_config["sparkPools"][1]["dynamicExecutorAllocation"] = {
        "enabled": True,
        "minExecutors": 5,
        "maxExecutors": 2,
    }

    assert problems_of(dev_config) == [
        "synapse-dl:sparkPools[1].dynamicExecutorAllocation.minExecutors = 5: must be <= "
        "maxExecutors (2)"
    ]


@pytest.mark.parametrize("days", [29, 731])
def test_log_retention_outside_30_to_730_days_is_rejected(dev_config, days):
    dev_config["workspace"]["diagnostics"] = {"retentionInDays": days}

    (problem,) = problems_of(dev_config)
    assert problem.startswith(f"synapse-dl:workspace.diagnostics.retentionInDays = {days}: ")
    assert ("30" in problem) if days < 30 else ("730" in problem)


def test_a_log_analytics_id_that_is_not_one_is_rejected(dev_config):
    wrong = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/x"
    dev_config["workspace"]["diagnostics"] = {"logAnalyticsWorkspaceId": wrong}

    (problem,) = problems_of(dev_config)
    assert problem.startswith(
        f"synapse-dl:workspace.diagnostics.logAnalyticsWorkspaceId = {wrong!r}: "
        "String should match pattern"
    )


def test_compute_isolation_on_a_size_that_cannot_be_isolated_is_rejected(dev_config):
    dev_config["sparkPools"][1]["computeIsolation"] = True

    (problem,) = problems_of(dev_config)
    assert problem == (
        "synapse-dl:sparkPools[1].computeIsolation = true: only MemoryOptimized XXXLarge nodes "
        "can be isolated, not MemoryOptimized Small"
    )


def test_compute_isolation_on_an_xxxlarge_pool_is_accepted(dev_config):
    dev_config["sparkPools"][1].update(nodeSize="XXXLarge", computeIsolation=True)

    pool = parse_stack_config(dev_config).spark_pools[1]
    assert pool.compute_isolation is True


def test_a_config_error_says_each_problem_on_its_own_line_under_its_heading():
    error = ConfigError(["synapse-dl:a = 1: bad", "synapse-dl:b = 2: worse"], heading="in dev")

    assert error.problems == ["synapse-dl:a = 1: bad", "synapse-dl:b = 2: worse"]
    assert str(error) == "in dev:\n  synapse-dl:a = 1: bad\n  synapse-dl:b = 2: worse"


@pytest.mark.parametrize(("location", "fine"), [
    ("eastus", True), ("West US 2", True), ("southcentralus", True),
    ("westeurope", False), ("northeurope", False), ("westus", False),
])  # fmt: skip
def test_compute_isolation_exists_only_in_its_regions(dev_config, location, fine):
    # The US Gov regions of the list are not in the public cloud this package deploys to.
    dev_config["workspace"]["location"] = location
    dev_config["sparkPools"] = [dev_config["sparkPools"][1]]  # no GPU pool to refuse the region
    dev_config["sparkPools"][0].update(nodeSize="XXXLarge", computeIsolation=True)
    dev_config.pop("jobs", None)
    if fine:
        assert parse_stack_config(dev_config).spark_pools[0].compute_isolation
        return
    assert problems_of(dev_config) == [
        "synapse-dl:sparkPools[0].computeIsolation = true: isolated compute exists only in "
        "eastus, westus2, southcentralus, usgovarizona, usgovvirginia, not in the workspace "
        f"location {location!r} (synapse-dl:workspace.location)"
    ]


VAULTS = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/"


@pytest.mark.parametrize(
    "name", ["1-vault", "-vault", "vault-", "va--ult", "ab", "a" * 25, "va_ult", "vault.x"]
)
def test_a_key_vault_name_azure_refuses_is_named(dev_config, name):
    dev_config["workspace"]["customerManagedKey"] = {"keyVaultId": VAULTS + name, "keyName": "k"}
    (problem,) = problems_of(dev_config)
    assert problem == (
        f"synapse-dl:workspace.customerManagedKey.keyVaultId = {VAULTS + name!r}: the vault "
        f"name {name!r} is not one Azure allows: 3-24 letters, digits and hyphens, starting "
        "with a letter, ending with a letter or digit, no two hyphens in a row"
    )


@pytest.mark.parametrize("name", ["abc", "a-b-c", "Vault1", "a" * 24, "kv-synapse-dl-01"])
def test_a_key_vault_name_azure_takes_is_taken(dev_config, name):
    dev_config["workspace"]["customerManagedKey"] = {"keyVaultId": VAULTS + name, "keyName": "k"}
    assert parse_stack_config(dev_config).workspace.customer_managed_key is not None
