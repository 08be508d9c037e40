"""Every config setting that reaches an ARM input, on every stack: change the setting to a
value neither stack uses and the planned input follows it. A value the program hard-codes,
or a setting it drops, fails here.

Also: the pool fingerprint over every pool argument, and the SQL password secret even when
the provider (here, the mocks) does not mark it secret.
"""

from __future__ import annotations

import copy
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from packaging.requirements import Requirement
from pulumi.runtime import mocks as pulumi_mocks

from synapse_dl.config.libraries import render_requirements
from synapse_dl.config.loading import parse_stack_config, project_values
from synapse_dl.engine.offline_runtime import (
    SECRET_MASK,
    PlanMocks,
    PlannedResource,
    RecordingMonitor,
    plan_stack,
)
from synapse_dl.package_lock import (
    LockedPackage,
    PoolLock,
    lock_path,
    pools_needing_packages,
    write_lock,
)
from synapse_dl.spark_pool import fingerprint, pool_arguments
from tests.conftest import ROOT

STACKS = {"dev": ROOT / "Pulumi.dev.yaml", "cpu": ROOT / "Pulumi.cpu.yaml"}
WORKSPACE = "azure-native:synapse:Workspace"
POOL = "azure-native:synapse:BigDataPool"
ACCOUNT = "azure-native:storage:StorageAccount"
GROUP = "azure-native:resources:ResourceGroup"
LIBRARIES = "pulumi-python:dynamic/synapse:PoolLibraries"
LOG_ANALYTICS = "azure-native:operationalinsights:Workspace"
VAULT = "/subscriptions/s-42/resourceGroups/rg-keys/providers/Microsoft.KeyVault/vaults/kv-42"
DIAGNOSTICS = "azure-native:monitor:DiagnosticSetting"
LA_ID = (
    "/subscriptions/s-42/resourceGroups/rg-hub/providers/"
    "Microsoft.OperationalInsights/workspaces/log-hub"
)


def stack_config(stack: str) -> dict[str, Any]:
    config = project_values(yaml.safe_load(STACKS[stack].read_text()))
    # Pool settings are tested apart from the jobs, which check sizes against the pools, and
    # from the pools' own libraries (the extraLibraries case adds some).
    config["jobs"] = []
    for pool in config["sparkPools"]:
        pool.pop("extraLibraries", None)
    return config


def _wheel(requirement: str) -> str:
    """The made-up wheel a requirement is locked to here: `scikit-learn==1.6.1` ->
    scikit_learn-1.6.1-py3-none-any.whl."""
    parsed = Requirement(requirement)
    version = next((s.version for s in parsed.specifier), "0")
    return f"{parsed.name.replace('-', '_')}-{version}-py3-none-any.whl"


def project_for(tmp_path: Path, stack: str, config: dict[str, Any]) -> Path:
    """The program in a folder of its own, with a workspace-package lock for every pool that
    needs one (made-up wheels, one per requirement): the lock is tested in tests/packages."""
    project = tmp_path / "project"
    project.mkdir(exist_ok=True)
    for name in ("__main__.py", "Pulumi.yaml"):
        shutil.copy(ROOT / name, project / name)
    if not (project / "training_jobs").exists():
        (project / "training_jobs").symlink_to(ROOT / "training_jobs")
    parsed = parse_stack_config(copy.deepcopy(config))
    pools = {}
    for i in pools_needing_packages(parsed):
        pool = parsed.spark_pools[i]
        requirements = render_requirements(pool)
        wheels = tuple(
            LockedPackage(_wheel(line), f"https://files.example/{_wheel(line)}", "0" * 64, 1)
            for line in requirements.splitlines()
        )
        pools[pool.name] = PoolLock(pool.spark_version, requirements, wheels)
    write_lock(lock_path(project, stack), stack, pools)
    return project


def installs(planned: Planned, requirement: str) -> bool:
    """Whether pool 0's library step installs the requirement: from PyPI, or as its wheel."""
    [step] = planned.library_steps()
    from_pypi = (step.inputs.get("libraryRequirements") or {}).get("content", "")
    packages = [c["name"] for c in step.inputs.get("customLibraries") or []]
    wheel = _wheel(requirement).split("-py3")[0]
    return from_pypi.endswith(f"{requirement}\n") or any(n.startswith(wheel) for n in packages)


class Planned:
    def __init__(self, resources: list[PlannedResource]):
        self.resources = resources

    def of(self, type_: str) -> list[PlannedResource]:
        return [r for r in self.resources if r.type == type_]

    def one(self, type_: str) -> PlannedResource:
        [found] = self.of(type_)
        return found

    def pool(self) -> PlannedResource:
        # Pool 0 is the one each change below edits; plans sort by URN, so look it up.
        return next(r for r in self.of(POOL) if r.inputs["bigDataPoolName"] == self.pool_name)

    def library_steps(self) -> list[PlannedResource]:
        """Pool 0's library step, if it has one."""
        return [r for r in self.of(LIBRARIES) if r.inputs["bigDataPoolName"] == self.pool_name]


def plan_with(tmp_path: Path, config: dict[str, Any], monitor=None) -> Planned:
    path = tmp_path / "Pulumi.setting.yaml"
    document = {"config": {f"synapse-dl:{k}": v for k, v in config.items()}}
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    project = project_for(tmp_path, "setting", config)
    planned = Planned(plan_stack(path, program_dir=project, monitor=monitor).resources)
    planned.pool_name = config["sparkPools"][0]["name"]
    return planned


Change = Callable[[dict[str, Any]], None]
Check = Callable[[Planned], None]


def _ws(config):
    return config["workspace"]


def _pool(config):
    return config["sparkPools"][0]


def _network(config):
    return config["workspace"].setdefault("network", {})


def _flip_lake_action(config):
    denies = parse_stack_config(copy.deepcopy(config)).workspace.lake_denies_by_default
    _ws(config)["dataLake"]["defaultAction"] = "Allow" if denies else "Deny"


def _other_size(config):
    pool = _pool(config)
    pool["nodeSize"] = "XLarge" if pool["nodeSizeFamily"] == "HardwareAcceleratedGPU" else "Large"


# (id, change to the config, what the plan must then hold)
CASES: list[tuple[str, Change, Check]] = [
    (
        "workspace.name",
        lambda c: _ws(c).update(name="synw-setting-042"),
        # And the pools and their library steps, which are the workspace's children in ARM.
        lambda p: {r.inputs["workspaceName"]
                   for r in (p.one(WORKSPACE), *p.of(POOL), *p.of(LIBRARIES))}
        == {"synw-setting-042"},
    ),
    (
        "workspace.location",
        lambda c: _ws(c).update(location="northeurope"),
        lambda p: {p.one(WORKSPACE).inputs["location"], p.one(ACCOUNT).inputs["location"],
                   p.pool().inputs["location"]} == {"northeurope"}
        # The library step's fingerprint of the pool, where pool 0 has one (dev).
        and all(s.inputs["poolFingerprint"] == p.pool_fingerprint("northeurope")
                for s in p.library_steps()),
    ),
    (
        "workspace.resourceGroup.name",
        lambda c: _ws(c)["resourceGroup"].update(name="rg-setting-042"),
        lambda p: p.one(GROUP).inputs["resourceGroupName"] == "rg-setting-042"
        and p.one(WORKSPACE).inputs["resourceGroupName"] == "rg-setting-042",
    ),
    (
        "workspace.resourceGroup.create",
        lambda c: _ws(c)["resourceGroup"].update(create=False),
        lambda p: p.of(GROUP) == []
        and p.one(ACCOUNT).inputs["resourceGroupName"]
        == p.one(WORKSPACE).inputs["resourceGroupName"],
    ),
    (
        "workspace.dataLake.accountName",
        lambda c: _ws(c)["dataLake"].update(accountName="stsetting042"),
        lambda p: p.one(ACCOUNT).inputs["accountName"] == "stsetting042",
    ),
    (
        "workspace.dataLake.filesystem",
        lambda c: _ws(c)["dataLake"].update(filesystem="lake-fs"),
        lambda p: p.one("azure-native:storage:BlobContainer").inputs["containerName"] == "lake-fs"
        and p.one(WORKSPACE).inputs["defaultDataLakeStorage"]["filesystem"] == "lake-fs",
    ),
    (
        "workspace.dataLake.sku",
        lambda c: _ws(c)["dataLake"].update(sku="Standard_RAGRS"),
        lambda p: p.one(ACCOUNT).inputs["sku"] == {"name": "Standard_RAGRS"},
    ),
    (
        "workspace.dataLake.softDeleteRetentionDays",
        lambda c: _ws(c)["dataLake"].update(softDeleteRetentionDays=42),
        lambda p: (service := p.one("azure-native:storage:BlobServiceProperties").inputs)[
            "deleteRetentionPolicy"] == {"enabled": True, "days": 42.0}
        and service["containerDeleteRetentionPolicy"] == {"enabled": True, "days": 42.0},
    ),
    (
        "workspace.dataLake.deleteLock",
        lambda c: _ws(c)["dataLake"].update(deleteLock=False),
        lambda p: p.of("azure-native:authorization:ManagementLockByScope") == [],
    ),
    (
        "workspace.dataLake.protect",
        lambda c: _ws(c)["dataLake"].update(protect=False),
        lambda p: p.one(ACCOUNT).protect is False
        and p.one("azure-native:storage:BlobContainer").protect is False,
    ),
    (
        "workspace.dataLake.defaultAction",
        _flip_lake_action,
        lambda p: ("networkRuleSet" in p.one(ACCOUNT).inputs) is not p.expected_lake_deny
        and bool(p.one(WORKSPACE).inputs["defaultDataLakeStorage"].get(
            "createManagedPrivateEndpoint")) is not p.expected_lake_deny,
    ),
    (
        "workspace.dataLake.allowedIpRanges",
        lambda c: _ws(c)["dataLake"].update(
            defaultAction="Deny", allowedIpRanges=["198.51.100.42", "203.0.113.0/24"]),
        lambda p: p.one(ACCOUNT).inputs["networkRuleSet"]["ipRules"] == [
            {"iPAddressOrRange": "198.51.100.42", "action": "Allow"},
            {"iPAddressOrRange": "203.0.113.0/24", "action": "Allow"},
        ],
    ),
    (
        "workspace.dataLake.sharedKeyAccess",
        lambda c: _ws(c)["dataLake"].update(
            sharedKeyAccess=not _ws(c)["dataLake"].get("sharedKeyAccess", True)),
        lambda p: p.one(ACCOUNT).inputs["allowSharedKeyAccess"] is not p.expected_shared_key,
    ),
    (
        "workspace.network.managedVirtualNetwork",
        lambda c: _network(c).update(managedVirtualNetwork=False, preventDataExfiltration=False,
                                     publicNetworkAccess="Enabled"),
        lambda p: "managedVirtualNetwork" not in p.one(WORKSPACE).inputs
        and "managedVirtualNetworkSettings" not in p.one(WORKSPACE).inputs,
    ),
    (
        "workspace.network.preventDataExfiltration",
        lambda c: _network(c).update(
            preventDataExfiltration=not _network(c).get("preventDataExfiltration", False)),
        lambda p: p.one(WORKSPACE).inputs["managedVirtualNetworkSettings"][
            "preventDataExfiltration"] is not p.expected_exfiltration,
    ),
    (
        "workspace.network.allowedAadTenantIdsForLinking",
        lambda c: _network(c).update(allowedAadTenantIdsForLinking=["tenant-042"]),
        lambda p: p.one(WORKSPACE).inputs["managedVirtualNetworkSettings"][
            "allowedAadTenantIdsForLinking"] == ["tenant-042"],
    ),
    (
        "workspace.network.publicNetworkAccess",
        lambda c: _network(c).update(publicNetworkAccess="Disabled"
                                     if _network(c).get("publicNetworkAccess") == "Enabled"
                                     else "Enabled"),
        lambda p: p.one(WORKSPACE).inputs["publicNetworkAccess"] != p.expected_public,
    ),
    (
        "workspace.network.firewallRules",
        lambda c: _network(c).update(firewallRules=[
            {"name": "vpn-042", "startIpAddress": "198.51.100.4", "endIpAddress": "198.51.100.42"}
        ]),
        lambda p: [(r.inputs["ruleName"], r.inputs["startIpAddress"], r.inputs["endIpAddress"])
                   for r in p.of("azure-native:synapse:IpFirewallRule")]
        == [("vpn-042", "198.51.100.4", "198.51.100.42")],
    ),
    (
        "workspace.network.allowAzureServices",
        lambda c: _network(c).update(allowAzureServices=True, firewallRules=[]),
        lambda p: [(r.inputs["ruleName"], r.inputs["startIpAddress"], r.inputs["endIpAddress"])
                   for r in p.of("azure-native:synapse:IpFirewallRule")]
        == [("AllowAllWindowsAzureIps", "0.0.0.0", "0.0.0.0")],
    ),
    (
        "workspace.identity.entraOnlyAuthentication",
        lambda c: _ws(c).setdefault("identity", {}).update(entraOnlyAuthentication=False),
        lambda p: p.one(WORKSPACE).inputs["azureADOnlyAuthentication"] is False,
    ),
    (
        "workspace.identity.sqlAdministratorLogin",
        lambda c: _ws(c).setdefault("identity", {}).update(sqlAdministratorLogin="admin042"),
        lambda p: p.one(WORKSPACE).inputs["sqlAdministratorLogin"] == "admin042",
    ),
    (
        "workspace.admins",
        lambda c: _ws(c).update(
            admins={"groupObjectId": "0f0f0f0f-0000-4000-8000-000000000042", "groupName": "g42"}
        ),
        lambda p: (p.one("azure-native:synapse:WorkspaceAadAdmin").inputs["sid"],
                   p.one("azure-native:synapse:WorkspaceAadAdmin").inputs["login"])
        == ("0f0f0f0f-0000-4000-8000-000000000042", "g42"),
    ),
    (
        "workspace.jobRunners",
        lambda c: _ws(c).update(
            jobRunners=[{"objectId": "0f0f0f0f-0000-4000-8000-000000000043", "type": "User"}]
        ),
        lambda p: ("Synapse Compute Operator", "0f0f0f0f-0000-4000-8000-000000000043", "User") in [
            (r.inputs["role"], r.inputs["principalId"], r.inputs.get("principalType"))
            for r in p.of("pulumi-python:dynamic/synapse:SynapseRoleAssignment")
        ],
    ),
    (
        "workspace.customerManagedKey",
        lambda c: _ws(c).update(customerManagedKey={"keyVaultId": VAULT, "keyName": "k-42"}),
        lambda p: p.one(WORKSPACE).inputs["encryption"]["cmk"]["key"]["keyVaultUrl"]
        == "https://kv-42.vault.azure.net/keys/k-42"
        and p.one("azure-native:synapse:Key").inputs["keyVaultUrl"]
        == "https://kv-42.vault.azure.net/keys/k-42",
    ),
    (
        "workspace.privateAccess",
        lambda c: _ws(c).update(privateAccess={"addressPrefix": "10.42.7.0/26"}),
        lambda p: p.one("azure-native:network:Subnet").inputs["addressPrefix"] == "10.42.7.0/26"
        and p.one("azure-native:network:VirtualNetwork").inputs["addressSpace"]
        == {"addressPrefixes": ["10.42.7.0/26"]},
    ),
    (
        "workspace.privateAccess.linkHub",
        lambda c: _ws(c).update(privateAccess={"linkHub": False}),
        lambda p: not p.of("azure-native:synapse:PrivateLinkHub")
        and "Web" not in {group for r in p.of("azure-native:network:PrivateEndpoint")
                          for group in r.inputs["privateLinkServiceConnections"][0]["groupIds"]},
    ),
    (
        "workspace.diagnostics",
        lambda c: _ws(c).update(diagnostics={"retentionInDays": 45}),
        lambda p: p.one(LOG_ANALYTICS).inputs["retentionInDays"] == 45
        and {r.inputs["workspaceId"] for r in p.of(DIAGNOSTICS)}
        == {p.one(LOG_ANALYTICS).outputs["id"]},
    ),
    (
        "workspace.diagnostics.logAnalyticsWorkspaceId",
        lambda c: _ws(c).update(diagnostics={"logAnalyticsWorkspaceId": LA_ID}),
        lambda p: p.of(LOG_ANALYTICS) == []
        and {r.inputs["workspaceId"] for r in p.of(DIAGNOSTICS)} == {LA_ID},
    ),
    (
        "workspace.tags",
        lambda c: _ws(c).update(tags={"team": "ml-042"}),
        # The log analytics workspace where the stack creates one (cpu).
        lambda p: all(r.inputs["tags"] == {"team": "ml-042"}
                      for r in (p.one(GROUP), p.one(ACCOUNT), p.one(WORKSPACE),
                                *p.of(LOG_ANALYTICS))),
    ),
    (
        "sparkPools[0].name",
        lambda c: _pool(c).update(name="pool042"),
        lambda p: p.pool().inputs["bigDataPoolName"] == "pool042",
    ),
    (
        "sparkPools[0].nodeSize",
        _other_size,
        lambda p: p.pool().inputs["nodeSize"] in ("XLarge", "Large")
        and p.pool().inputs["nodeSize"] != p.expected_size,
    ),
    (
        "sparkPools[0].sparkVersion",
        lambda c: _pool(c).update(
            sparkVersion="3.1" if _pool(c)["sparkVersion"] == "3.2" else "3.4"),
        lambda p: p.pool().inputs["sparkVersion"] in ("3.1", "3.4"),
    ),
    (
        "sparkPools[0].autoScale",
        lambda c: _pool(c).update(autoScale={"enabled": True, "minNodeCount": 3, "maxNodeCount": 3}
                                  if _pool(c)["nodeSizeFamily"] == "HardwareAcceleratedGPU"
                                  else {"enabled": True, "minNodeCount": 4, "maxNodeCount": 9}),
        lambda p: p.pool().inputs["autoScale"] in (
            {"enabled": True, "minNodeCount": 3.0, "maxNodeCount": 3.0},
            {"enabled": True, "minNodeCount": 4.0, "maxNodeCount": 9.0})
        and "nodeCount" not in p.pool().inputs,
    ),
    (
        "sparkPools[0].nodeCount",
        lambda c: _pool(c).update(autoScale={"enabled": False}, nodeCount=4),
        lambda p: p.pool().inputs["nodeCount"] == 4.0
        and p.pool().inputs["autoScale"] == {"enabled": False},
    ),
    (
        "sparkPools[0].autoPause",
        lambda c: _pool(c).update(autoPause={"enabled": True, "delayInMinutes": 42}),
        lambda p: p.pool().inputs["autoPause"] == {"enabled": True, "delayInMinutes": 42.0},
    ),
    (
        "sparkPools[0].autoPause.enabled",
        lambda c: _pool(c).update(autoPause={"enabled": False}),
        lambda p: p.pool().inputs["autoPause"]["enabled"] is False,
    ),
    (
        "sparkPools[0].dynamicExecutorAllocation",
        lambda c: _pool(c).update(
            dynamicExecutorAllocation={"enabled": True, "minExecutors": 2, "maxExecutors": 7}),
        lambda p: p.pool().inputs["dynamicExecutorAllocation"]
        == {"enabled": True, "minExecutors": 2.0, "maxExecutors": 7.0},
    ),
    (
        "sparkPools[0].extraLibraries",
        lambda c: _pool(c).update(extraLibraries=["scikit-learn==1.6.1"]),
        lambda p: installs(p, "scikit-learn==1.6.1"),
    ),
    (
        "sparkPools[0].sparkConfig",
        lambda c: _pool(c).update(sparkConfig={"spark.setting.x": "42"}),
        lambda p: p.pool().inputs["sparkConfigProperties"]
        == {"configurationType": "File", "filename": "spark-defaults.conf",
            "content": "spark.setting.x 42\n"},
    ),
    (
        "sparkPools[0].computeIsolation",
        # Isolated compute exists in East US (not in the cpu stack's West Europe).
        lambda c: (_ws(c).update(location="eastus"), _pool(c).update(
            nodeSizeFamily="MemoryOptimized", nodeSize="XXXLarge", sparkVersion="3.5",
            deepLearningLibraries=False, computeIsolation=True)),
        lambda p: p.pool().inputs["isComputeIsolationEnabled"] is True,
    ),
    (
        "sparkPools[0].sessionLevelPackagesEnabled",
        lambda c: _pool(c).update(sessionLevelPackagesEnabled=True),
        lambda p: p.pool().inputs["sessionLevelPackagesEnabled"] is True,
    ),
    (
        "sparkPools[0].tags",
        lambda c: _pool(c).update(tags={"cost": "042"}),
        lambda p: p.pool().inputs["tags"] == {"cost": "042"},
    ),
    (
        "sparkPools[0].deepLearningLibraries",
        lambda c: _pool(c).update(deepLearningLibraries=False),
        lambda p: [r for r in p.of(LIBRARIES) if r.inputs["bigDataPoolName"] == p.pool_name]
        == [],
    ),
]  # fmt: skip


@pytest.mark.parametrize("stack", sorted(STACKS))
@pytest.mark.parametrize(("setting", "change", "check"), CASES, ids=[c[0] for c in CASES])
def test_a_changed_setting_reaches_its_arm_input(tmp_path, stack, setting, change, check):
    config = stack_config(stack)
    before = parse_stack_config(copy.deepcopy(config))
    change(config)

    planned = plan_with(tmp_path, config)
    # What the unchanged stack had, for settings that flip a value.
    planned.expected_exfiltration = before.workspace.network.prevent_data_exfiltration
    planned.expected_public = before.workspace.network.public_network_access
    planned.expected_size = before.spark_pools[0].node_size
    planned.expected_lake_deny = before.workspace.lake_denies_by_default
    planned.expected_shared_key = before.workspace.data_lake.shared_key_access
    planned.pool_fingerprint = lambda location: fingerprint(
        before.workspace.name, pool_arguments(before.spark_pools[0], location)
    )

    assert check(planned), f"{stack}: {setting} did not reach its input"


def test_every_config_setting_of_the_stack_file_has_a_case():
    # Settings that reach no ARM input: they are checked elsewhere (test_config.py).
    checked_elsewhere = {
        "workspace.network.allowInternetWideFirewall",
        "sparkPools[0].nodeSizeFamily",  # its sizes and layouts differ: test_program.py
    }
    from synapse_dl.config.models import SparkPoolConfig, WorkspaceConfig

    def aliases(model, prefix: str) -> set[str]:
        keys = set()
        for name, field in model.model_fields.items():
            key = f"{prefix}{field.alias or name}"
            nested = getattr(field.annotation, "model_fields", None)
            keys |= aliases(field.annotation, f"{key}.") if nested else {key}
        return keys

    every = aliases(WorkspaceConfig, "workspace.") | aliases(SparkPoolConfig, "sparkPools[0].")
    covered = {case[0] for case in CASES} | checked_elsewhere
    # A case on a whole mapping (autoScale, dynamicExecutorAllocation) covers its fields.
    uncovered = {k for k in every if not any(k == c or k.startswith(f"{c}.") for c in covered)}
    assert uncovered == set()


# --- generated values --------------------------------------------------------------------------


@settings(max_examples=15, deadline=None)
@given(
    days=st.integers(1, 365),
    delay=st.integers(5, 10080),
    low=st.integers(3, 100),
    extra=st.integers(0, 100),
)
def test_generated_numbers_reach_their_inputs_unchanged(days, delay, low, extra):
    import tempfile

    config = stack_config("cpu")
    _ws(config)["dataLake"]["softDeleteRetentionDays"] = days
    _pool(config)["autoPause"] = {"enabled": True, "delayInMinutes": delay}
    _pool(config)["autoScale"] = {"enabled": True, "minNodeCount": low, "maxNodeCount": low + extra}

    with tempfile.TemporaryDirectory() as folder:
        planned = plan_with(Path(folder), config)

    service = planned.one("azure-native:storage:BlobServiceProperties").inputs
    assert service["deleteRetentionPolicy"]["days"] == days
    assert service["containerDeleteRetentionPolicy"]["days"] == days
    assert planned.pool().inputs["autoPause"]["delayInMinutes"] == delay
    assert planned.pool().inputs["autoScale"]["maxNodeCount"] == low + extra


# --- the fingerprint over every pool argument ---------------------------------------------


@pytest.mark.parametrize("stack", sorted(STACKS))
def test_the_fingerprint_changes_with_every_pool_argument(stack):
    pool = parse_stack_config(stack_config(stack)).spark_pools[0]
    args = pool_arguments(pool, "westeurope")
    base = fingerprint("synw", args)

    assert fingerprint("synw", dict(args)) == base
    assert fingerprint("other", args) != base
    for key, value in args.items():
        changed = {**args, key: {"changed": value} if not isinstance(value, str) else value + "x"}
        assert fingerprint("synw", changed) != base, key


# --- secrets, whatever the provider says ---------------------------------------------------


class PlainPasswordMocks(PlanMocks):
    """A provider that does not mark the generated password secret."""

    def new_resource(self, args: pulumi_mocks.MockResourceArgs):
        if args.typ == "random:index/randomPassword:RandomPassword":
            return args.name, {**args.inputs, "result": "plain-password-042"}
        return super().new_resource(args)


@pytest.mark.parametrize("stack", sorted(STACKS))
def test_the_sql_password_is_secret_even_when_the_provider_does_not_mark_it(tmp_path, stack):
    monitor = RecordingMonitor(PlainPasswordMocks())

    planned = plan_with(tmp_path, stack_config(stack), monitor=monitor)

    assert planned.one(WORKSPACE).inputs["sqlAdministratorLoginPassword"] == SECRET_MASK
    assert "plain-password-042" not in repr([r.inputs for r in planned.resources])
