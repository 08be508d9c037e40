"""The pack's own copy of the facts (policies/synapse_facts.py) equals the project's table
(synapse_dl/facts/runtimes.py): the pack is published on its own, so it cannot import it."""

import importlib.util

import pytest

from synapse_dl.facts import runtimes
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def pack_facts():
    spec = importlib.util.spec_from_file_location(
        "policy_pack_facts", ROOT / "policies" / "synapse_facts.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_gpu_regions_are_in_step(pack_facts):
    assert pack_facts.GPU_REGIONS == runtimes.GPU_REGIONS


def test_end_of_support_dates_are_in_step(pack_facts):
    assert {v: r.end_of_support for v, r in runtimes.RUNTIMES.items()} == pack_facts.END_OF_SUPPORT


def test_gpu_runtimes_are_in_step(pack_facts):
    assert (
        tuple(v for v, r in runtimes.RUNTIMES.items() if r.supports_gpu) == pack_facts.GPU_RUNTIMES
    )


def test_gpu_node_vcores_are_in_step(pack_facts):
    assert {
        size: spec.vcores
        for (family, size), spec in runtimes.NODE_SPECS.items()
        if family == runtimes.GPU_FAMILY
    } == pack_facts.GPU_NODE_VCORES


def test_gpu_family_and_quota_are_in_step(pack_facts):
    assert pack_facts.GPU_FAMILY == runtimes.GPU_FAMILY
    assert pack_facts.DEFAULT_GPU_VCORE_QUOTA == runtimes.DEFAULT_GPU_VCORE_QUOTA


def test_region_normalization_agrees(pack_facts):
    for location in ("East US", "australiaeast", "North  Europe", "WESTEUROPE"):
        assert pack_facts.normalize_region(location) == runtimes.normalize_region(location)


def test_launchers_per_runtime_are_in_step(pack_facts):
    assert {v: r.launchers for v, r in runtimes.RUNTIMES.items()} == pack_facts.LAUNCHERS


def test_the_internet_wide_firewall_width_is_in_step(pack_facts):
    from synapse_dl.facts import azure_rules

    assert pack_facts.INTERNET_WIDE_ADDRESSES == azure_rules.INTERNET_WIDE_ADDRESSES


def test_isolatable_node_sizes_are_in_step(pack_facts):
    assert pack_facts.ISOLATABLE_NODE_SIZES == runtimes.ISOLATABLE_NODE_SIZES


def test_isolated_compute_regions_are_in_step(pack_facts):
    assert pack_facts.ISOLATED_COMPUTE_REGIONS == runtimes.ISOLATED_COMPUTE_REGIONS
