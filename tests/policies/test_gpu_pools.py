"""GPU pool policies: region, runtime, node size (mandatory by default)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.policies.policy_resources import cpu_pool, gpu_pool, of_policy

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
