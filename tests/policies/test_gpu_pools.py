"""GPU pool policies: region, runtime, node size (mandatory by default), and the stack policy on
each workspace's GPU vCore quota (AnalyzeStack, on outputs)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.policies.policy_resources import WS, cpu_pool, gpu_pool, of_policy, stack, workspace

GPU_REGIONS = ("eastus", "australiaeast", "northeurope")


def test_gpu_pool_in_a_gpu_region_passes(pack):
    assert of_policy(pack.analyze(gpu_pool(location="australiaeast")), "gpu-pool-region") == []


def test_gpu_pool_region_compares_without_case_or_spaces(pack):
    assert of_policy(pack.analyze(gpu_pool(location="East US")), "gpu-pool-region") == []
    assert of_policy(pack.analyze(gpu_pool(location="North Europe")), "gpu-pool-region") == []


def test_gpu_pool_outside_supported_region_is_rejected(pack):
    pool = gpu_pool(location="West Europe")
    assert of_policy(pack.analyze(pool), "gpu-pool-region") == [
        {
            "policy": "gpu-pool-region",
            "level": "mandatory",
            "urn": pool["urn"],
            "message": "GPU pool 'gpupool' is in 'West Europe', where Synapse has no GPU pools. "
            "Put the pool and its workspace in one of: eastus, australiaeast, northeurope.",
        }
    ]


@pytest.mark.parametrize(
    "other_type", ["azure-native:compute:VirtualMachine", "azure-native:synapse:SparkConfiguration"]
)
def test_only_synapse_pools_are_judged_as_gpu_pools(pack, other_type):
    # Another resource with the same properties is not a Synapse pool.
    other = {**gpu_pool(location="West Europe"), "type": other_type}
    assert pack.analyze(other) == []


@pytest.mark.parametrize("family", ["HardwareAcceleratedFPGA", "MemoryOptimized"])
def test_only_gpu_node_families_are_judged_as_gpu_pools(pack, family):
    # Synapse's other families, in a region and on a runtime no GPU pool may use.
    pool = gpu_pool(nodeSizeFamily=family, location="westeurope", sparkVersion="3.5")
    gpu_policies = {"gpu-pool-region", "gpu-pool-runtime", "gpu-pool-node-size"}
    assert [v for v in pack.analyze(pool) if v["policy"] in gpu_policies] == []


def test_gpu_region_list_comes_from_config(pack):
    pack.configure({"gpu-pool-region": {"allowedRegions": ["westeurope"]}})
    assert of_policy(pack.analyze(gpu_pool(location="West Europe")), "gpu-pool-region") == []
    [violation] = of_policy(pack.analyze(gpu_pool(location="eastus")), "gpu-pool-region")
    assert violation["message"] == (
        "GPU pool 'gpupool' is in 'eastus', where Synapse has no GPU pools. "
        "Put the pool and its workspace in one of: westeurope."
    )
    # Settings without an enforcement level keep the policy mandatory.
    assert violation["level"] == "mandatory"


def test_cpu_pool_is_not_judged_by_gpu_policies(pack):
    pool = cpu_pool(location="westeurope", nodeSize="Small", sparkVersion="3.5")
    assert [v for v in pack.analyze(pool) if v["policy"].startswith("gpu-")] == []


def test_gpu_pool_on_a_gpu_runtime_passes(pack):
    assert of_policy(pack.analyze(gpu_pool(sparkVersion="3.1")), "gpu-pool-runtime") == []


def test_gpu_pool_on_a_runtime_without_gpus_is_rejected(pack):
    pool = gpu_pool(sparkVersion="3.4")
    assert of_policy(pack.analyze(pool), "gpu-pool-runtime") == [
        {
            "policy": "gpu-pool-runtime",
            "level": "mandatory",
            "urn": pool["urn"],
            "message": "GPU pool 'gpupool' runs Spark 3.4, which has no GPU pools. "
            "Set sparkVersion to one of: 3.1, 3.2.",
        }
    ]


def test_gpu_runtime_list_comes_from_config(pack):
    pack.configure({"gpu-pool-runtime": {"allowedSparkVersions": ["3.4"]}})
    assert of_policy(pack.analyze(gpu_pool(sparkVersion="3.4")), "gpu-pool-runtime") == []


def test_gpu_pool_on_xlarge_nodes_passes(pack):
    assert of_policy(pack.analyze(gpu_pool(nodeSize="XLarge")), "gpu-pool-node-size") == []


def test_gpu_pool_on_a_cpu_node_size_is_rejected(pack):
    pool = gpu_pool(nodeSize="Medium")
    assert of_policy(pack.analyze(pool), "gpu-pool-node-size") == [
        {
            "policy": "gpu-pool-node-size",
            "level": "mandatory",
            "urn": pool["urn"],
            "message": "GPU pool 'gpupool' has nodeSize 'Medium'; GPU pools come only as Large "
            "or XLarge (GPU-Large, GPU-XLarge). Set nodeSize to one of them.",
        }
    ]


def test_gpu_policy_can_be_disabled_by_config(pack):
    pack.configure({"gpu-pool-node-size": "disabled"})
    assert of_policy(pack.analyze(gpu_pool(nodeSize="Medium")), "gpu-pool-node-size") == []


def _spellings(region: str):
    """`region` with any letters upper-cased and spaces after any letters ("EastU S")."""
    flags = st.lists(st.tuples(st.booleans(), st.booleans()), min_size=len(region))
    return flags.map(
        lambda fs: "".join(
            (c.upper() if up else c) + (" " if space else "")
            for c, (up, space) in zip(region, fs, strict=False)
        )
    )


@settings(max_examples=40, deadline=None)
@given(location=st.sampled_from(GPU_REGIONS).flatmap(_spellings))
def test_any_spelling_of_a_gpu_region_passes(pack_session, location):
    pack_session.configure()
    found = pack_session.analyze(gpu_pool(location=location))
    assert of_policy(found, "gpu-pool-region") == []


@settings(max_examples=20, deadline=None)
@given(location=st.sampled_from(["westeurope", "West US 2", "southcentralus", "Japan East"]))
def test_every_other_region_is_rejected_for_gpu_pools(pack_session, location):
    pack_session.configure()
    found = pack_session.analyze(gpu_pool(location=location))
    assert len(of_policy(found, "gpu-pool-region")) == 1


# --- the GPU vCore quota of each workspace (stack policy, mandatory) ---

QUOTA = "gpu-vcore-quota"


def test_gpu_pools_within_the_quota_pass(pack):
    # 3 GPU-Large nodes x 16 vCores = 48 <= 50.
    resources = [stack(), workspace(), gpu_pool(autoScale={"maxNodeCount": 3}), cpu_pool()]
    assert of_policy(pack.analyze_stack(resources), QUOTA) == []


def test_cpu_pools_of_gpu_node_sizes_do_not_count_toward_the_gpu_quota(pack):
    # MemoryOptimized comes in Large and XLarge too, the sizes GPU pools are counted by.
    big_cpu = cpu_pool(nodeSize="XLarge", autoScale={"maxNodeCount": 10})
    resources = [stack(), workspace(), gpu_pool(autoScale={"maxNodeCount": 3}), big_cpu]
    assert of_policy(pack.analyze_stack(resources), QUOTA) == []


def test_gpu_pools_over_the_quota_are_rejected(pack):
    ws = workspace()
    resources = [
        stack(),
        ws,
        gpu_pool("train", autoScale={"maxNodeCount": 3}),
        gpu_pool("tune", nodeSize="XLarge", autoScale={"enabled": False}, nodeCount=1),
    ]
    assert of_policy(pack.analyze_stack(resources), QUOTA) == [
        {
            "policy": QUOTA,
            "level": "mandatory",
            "urn": ws["urn"],
            "message": f"Workspace '{WS}' GPU pools can scale to 112 GPU vCores (train: 3 x 16 "
            "(autoScale.maxNodeCount), tune: 1 x 64 (nodeCount)), above the quota of 50. Lower "
            "the node counts named beside each pool, or get a higher quota and set gpuVcoreQuota "
            "in this policy's config.",
        }
    ]


def test_gpu_quota_is_per_workspace(pack):
    resources = [
        gpu_pool("a", autoScale={"maxNodeCount": 3}),
        gpu_pool("b", workspaceName="other-ws", autoScale={"maxNodeCount": 3}),
    ]
    assert of_policy(pack.analyze_stack(resources), QUOTA) == []


def test_a_workspace_within_its_quota_does_not_hide_the_next_one_over_it(pack):
    resources = [
        gpu_pool("a", autoScale={"maxNodeCount": 3}),
        gpu_pool("b", workspaceName="other-ws", autoScale={"maxNodeCount": 10}),
    ]
    [violation] = of_policy(pack.analyze_stack(resources), QUOTA)
    assert violation["message"].startswith("Workspace 'other-ws' GPU pools can scale to ")


@pytest.mark.parametrize("other_name", ["synw-aaa", "synw-zzz"])
def test_a_quota_finding_is_filed_under_its_own_workspace(pack, other_name):
    # Listed first, a workspace named before or after this one is not taken for it.
    other, mine = workspace(other_name), workspace()
    resources = [other, mine, gpu_pool(autoScale={"maxNodeCount": 4})]
    [violation] = of_policy(pack.analyze_stack(resources), QUOTA)
    assert violation["urn"] == mine["urn"]


def test_a_quota_finding_without_its_workspace_in_the_stack_is_filed_under_its_first_pool(pack):
    first, second = gpu_pool("a", autoScale={"maxNodeCount": 3}), gpu_pool("b")
    [violation] = of_policy(pack.analyze_stack([first, second]), QUOTA)
    assert violation["urn"] == first["urn"]


def test_gpu_quota_comes_from_config(pack):
    pack.configure({QUOTA: {"gpuVcoreQuota": 64}})
    assert of_policy(pack.analyze_stack([gpu_pool(autoScale={"maxNodeCount": 4})]), QUOTA) == []


def test_stack_policies_read_the_pools_workspace_from_its_arm_id_in_outputs(pack):
    # azure-native outputs carry id and name, not the workspaceName/bigDataPoolName inputs.
    pool = gpu_pool(autoScale={"maxNodeCount": 4})
    pool["outputs"] = {
        "id": f"/subscriptions/0/resourceGroups/rg/providers/Microsoft.Synapse/workspaces/{WS}"
        "/bigDataPools/gpupool",
        "name": "gpupool",
        **{
            k: v for k, v in pool["inputs"].items() if k not in ("workspaceName", "bigDataPoolName")
        },
    }
    [violation] = of_policy(pack.analyze_stack([pool]), QUOTA)
    assert violation["message"].startswith(f"Workspace '{WS}' GPU pools can scale to 64")


@pytest.mark.parametrize(("name_output", "named"), [("train-pool", "train-pool"), (None, "train")])
def test_a_pool_without_its_name_input_is_named_by_its_name_output_or_its_resource(
    pack, name_output, named
):
    # Before ARM has given it an id, a pool's outputs may name it by `name` alone, or not at all.
    pool = gpu_pool("train", autoScale={"maxNodeCount": 4})
    pool["outputs"] = {k: v for k, v in pool["inputs"].items() if k != "bigDataPoolName"}
    if name_output:
        pool["outputs"]["name"] = name_output
    [violation] = of_policy(pack.analyze_stack([pool]), QUOTA)
    assert f"({named}: 4 x 16 (autoScale.maxNodeCount))" in violation["message"]
