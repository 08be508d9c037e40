"""The pack on what the real program plans: the dev stack and variants of it, planned under
Pulumi's mocks (synapse_dl.engine.offline_runtime) and fed to the pack through the engine
protocol."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from synapse_dl.config.errors import ConfigError
from synapse_dl.config.loading import project_values
from synapse_dl.engine.offline_runtime import MOCK_SUBSCRIPTION_ID, plan_stack
from tests.conftest import DEV_STACK, ROOT, dev_stack_document

OPEN_FIREWALL_STACK = ROOT / "tests" / "stacks" / "Pulumi.open-firewall.yaml"
# The day these verdicts were written; fixed so Spark 3.5's end of support cannot move them.
TODAY = {"spark-runtime-lifecycle": {"today": "2026-11-24"}}


@pytest.fixture(scope="module")
def dev_plan():
    return plan_stack(DEV_STACK)


def _plan_dev_variant(tmp_path: Path, change) -> list:
    config = copy.deepcopy(project_values(dev_stack_document()))
    change(config)
    path = tmp_path / "Pulumi.variant.yaml"
    document = {"config": {f"synapse-dl:{k}": v for k, v in config.items()}}
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    return plan_stack(path).resources


def _verdicts(report) -> list[tuple[str, str, str]]:
    return sorted(
        (v["level"], v["policy"], v["urn"].rsplit("::", 1)[-1]) for v in report.violations
    )


def test_dev_plan_holds_every_resource_type_the_pack_judges(dev_plan):
    assert {r.type for r in dev_plan.resources} >= {
        "azure-native:synapse:BigDataPool",
        "azure-native:synapse:Workspace",
        "azure-native:synapse:IpFirewallRule",
        "azure-native:storage:StorageAccount",
        "pulumi-python:dynamic/synapse:PoolLibraries",
    }


def test_dev_stack_passes_every_mandatory_policy_with_known_advisories(pack, dev_plan):
    pack.configure(TODAY)
    report = pack.run(dev_plan.resources)
    assert not report.has_mandatory
    assert _verdicts(report) == [
        ("advisory", "diagnostic-settings", "dataprep"),
        ("advisory", "diagnostic-settings", "gpularge"),
        ("advisory", "diagnostic-settings", "synw-dl-dev-001-workspace"),
        ("advisory", "spark-runtime-lifecycle", "gpularge"),
        ("advisory", "workspace-customer-managed-key", "synw-dl-dev-001-workspace"),
        ("advisory", "workspace-exfiltration-protection", "synw-dl-dev-001-workspace"),
        ("advisory", "workspace-public-network-disabled", "synw-dl-dev-001-workspace"),
    ]


def test_open_firewall_stack_fails_only_the_firewall_policy(pack):
    pack.configure(TODAY)
    report = pack.run(plan_stack(OPEN_FIREWALL_STACK).resources)
    assert [v for v in _verdicts(report) if v[0] == "mandatory"] == [
        ("mandatory", "no-internet-wide-firewall", "synw-dl-openfw-001-fw-everyone")
    ]


def test_exfiltration_protection_on_the_dev_stack_wants_its_libraries_locked(tmp_path):
    # The program sends no PyPI libraries to a protected workspace: without a lock of
    # workspace packages it stops, before the policy would have to.
    with pytest.raises(ConfigError, match=r"sparkPools\[0\] \(gpularge\): the workspace blocks"):
        _plan_dev_variant(
            tmp_path, lambda c: c["workspace"]["network"].update(preventDataExfiltration=True)
        )


def test_the_cpu_stack_ships_its_libraries_past_the_exfiltration_policy(pack):
    plan = plan_stack(ROOT / "Pulumi.cpu.yaml")
    pack.configure(TODAY)

    report = pack.run(plan.resources)

    libraries = plan.one("pulumi-python:dynamic/synapse:PoolLibraries", "cpumedium-libraries")
    assert libraries.inputs["customLibraries"]
    assert "exfiltration-protected-pools-skip-pypi" not in {v["policy"] for v in report.violations}
    # Its lake is locked as the workspace is, on the outputs azure-native would return.
    assert "data-lake-locked-with-workspace" not in {v["policy"] for v in report.violations}
    assert not report.has_mandatory


def test_the_cpu_stack_with_account_keys_is_advised_to_turn_them_off(pack, tmp_path):
    config = project_values(yaml.safe_load((ROOT / "Pulumi.cpu.yaml").read_text()))
    config["workspace"]["dataLake"]["sharedKeyAccess"] = True
    stack_file = tmp_path / "Pulumi.cpu.yaml"
    stack_file.write_text(
        yaml.safe_dump({"config": {f"synapse-dl:{k}": v for k, v in config.items()}})
    )
    pack.configure(TODAY)

    report = pack.run(plan_stack(stack_file, program_dir=ROOT).resources)

    [finding] = [v for v in report.violations if v["policy"] == "data-lake-locked-with-workspace"]
    assert "it takes account keys" in finding["message"]
    assert "network rules" not in finding["message"]


def test_a_fourth_gpu_node_on_the_dev_stack_exceeds_the_gpu_quota(pack, tmp_path):
    resources = _plan_dev_variant(tmp_path, lambda c: c["sparkPools"][0].update(nodeCount=4))
    pack.configure(TODAY)
    mandatory = [v for v in pack.run(resources).violations if v["level"] == "mandatory"]
    assert [v["message"] for v in mandatory] == [
        # The dev GPU pool does not autoscale: the message names nodeCount, its setting.
        "Workspace 'synw-dl-dev-001' GPU pools can scale to 64 GPU vCores (gpularge: 4 x 16 "
        "(nodeCount)), above the quota of 50. Lower the node counts named beside each pool, or "
        "get a higher quota and set gpuVcoreQuota in this policy's config."
    ]


def test_outputs_are_shaped_as_azure_native_returns_them(dev_plan):
    pool = next(r for r in dev_plan.resources if r.name == "gpularge" and r.custom)
    assert pool.outputs["id"].endswith("/workspaces/synw-dl-dev-001/bigDataPools/gpularge")
    assert pool.outputs["name"] == "gpularge"
    assert pool.outputs["type"] == "Microsoft.Synapse/workspaces/bigDataPools"
    assert pool.outputs["provisioningState"] == "Succeeded"
    # The path parameters that addressed it are inputs only.
    assert {"resourceGroupName", "workspaceName", "bigDataPoolName"} <= set(pool.inputs)
    assert not {"resourceGroupName", "workspaceName", "bigDataPoolName"} & set(pool.outputs)
    assert pool.outputs["sparkVersion"] == pool.inputs["sparkVersion"] == "3.2"
    # A resource group is addressed by the subscription alone.
    [group] = dev_plan.by_type("azure-native:resources:ResourceGroup")
    assert (group.outputs["id"], group.outputs["name"]) == (
        f"/subscriptions/{MOCK_SUBSCRIPTION_ID}/resourceGroups/rg-synapse-dl-dev",
        "rg-synapse-dl-dev",
    )


def test_extension_resources_are_addressed_under_what_they_apply_to(dev_plan):
    # A lock or a role assignment is ARM's child of its scope, named by its own name input.
    lake = dev_plan.one("azure-native:storage:StorageAccount", "synw-dl-dev-001-datalake")
    [lock] = dev_plan.by_type("azure-native:authorization:ManagementLockByScope")
    assignments = dev_plan.by_type("azure-native:authorization:RoleAssignment")

    assert lock.inputs["scope"] == lake.outputs["id"]
    assert (lock.outputs["id"], lock.outputs["name"]) == (
        f"{lake.outputs['id']}/providers/Microsoft.Authorization/locks/synapse-dl-data-lake",
        "synapse-dl-data-lake",
    )
    assert len(assignments) == 2
    for assignment in assignments:
        name = assignment.inputs["roleAssignmentName"]
        assert (assignment.outputs["id"], assignment.outputs["name"]) == (
            f"{assignment.inputs['scope']}/providers/Microsoft.Authorization/roleAssignments/"
            f"{name}",
            name,
        )


def test_stack_policies_find_nothing_mandatory_on_the_real_shaped_outputs(pack, dev_plan):
    pack.configure(TODAY)
    stack_verdicts = pack.analyze_stack(dev_plan.resources)
    assert [v for v in stack_verdicts if v["level"] == "mandatory"] == []
    # ... and still judge those outputs: a job pointed at a pool the stack lacks is found.
    resources = [copy.copy(r) for r in dev_plan.resources]
    job = next(r for r in resources if r.name == "pytorch_digits-definition")
    job.outputs = {**job.outputs, "targetBigDataPool": "nosuchpool"}
    found = [v["policy"] for v in pack.analyze_stack(resources)]
    assert "spark-jobs-target-stack-pools" in found


def test_a_customer_managed_key_on_the_dev_stack_satisfies_its_policy(pack, tmp_path):
    vault = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-dl"
    resources = _plan_dev_variant(
        tmp_path,
        lambda c: c["workspace"].update(customerManagedKey={"keyVaultId": vault, "keyName": "k"}),
    )
    pack.configure(TODAY)
    assert "workspace-customer-managed-key" not in {
        v["policy"] for v in pack.run(resources).violations
    }
