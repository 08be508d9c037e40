"""Property: any invalid config is rejected by the program, naming the key, registering nothing."""

from __future__ import annotations

import copy
import re
import tempfile
from pathlib import Path

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from synapse_dl.config.errors import ConfigError
from synapse_dl.config.loading import project_values
from synapse_dl.engine.offline_runtime import RecordingMonitor, plan_stack
from synapse_dl.facts.runtimes import GPU_REGIONS, NODE_SIZE_FAMILIES, NODE_SIZES, RUNTIMES
from tests.conftest import dev_stack_document

DEV = project_values(dev_stack_document())
POOL_NAME = r"[A-Za-z][A-Za-z0-9]{0,14}"


def _set(config: dict, path: list, value) -> None:
    target = config
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value


def _key(path: list) -> str:
    text = f"synapse-dl:{path[0]}"
    for part in path[1:]:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text


pool_index = st.sampled_from([0, 1])
bad_pool_name = st.text(min_size=1, max_size=30).filter(lambda s: not re.fullmatch(POOL_NAME, s))
out_of_range_nodes = st.one_of(st.integers(max_value=2), st.integers(min_value=201))
out_of_range_pause = st.one_of(st.integers(max_value=4), st.integers(min_value=10081))
unknown = st.text(min_size=1, max_size=20)


@st.composite
def invalid_change(draw) -> tuple[list, object]:
    """A (config path, bad value) pair; the path is the key the error must name."""
    i = draw(pool_index)
    kind = draw(
        st.sampled_from(
            ["name", "maxNodes", "minNodes", "pause", "size", "family", "version", "region", "dea"]
        )
    )
    if kind == "name":
        return ["sparkPools", i, "name"], draw(bad_pool_name)
    if kind in ("maxNodes", "minNodes"):
        field = "maxNodeCount" if kind == "maxNodes" else "minNodeCount"
        return ["sparkPools", i, "autoScale", field], draw(out_of_range_nodes)
    if kind == "pause":
        return ["sparkPools", i, "autoPause", "delayInMinutes"], draw(out_of_range_pause)
    if kind == "size":
        return ["sparkPools", i, "nodeSize"], draw(unknown.filter(lambda s: s not in NODE_SIZES))
    if kind == "family":
        family = draw(unknown.filter(lambda s: s not in NODE_SIZE_FAMILIES))
        return ["sparkPools", i, "nodeSizeFamily"], family
    if kind == "version":
        return ["sparkPools", i, "sparkVersion"], draw(unknown.filter(lambda s: s not in RUNTIMES))
    if kind == "region":
        region = draw(st.sampled_from(["westeurope", "westus2", "uksouth", "japaneast"]))
        assert region not in GPU_REGIONS
        # The GPU pool (index 0) is what the region makes invalid.
        return ["workspace", "location"], region
    return ["sparkPools", 1, "dynamicExecutorAllocation"], {"enabled": True}


def _expected_key(path: list) -> str:
    if path == ["workspace", "location"]:
        return "synapse-dl:sparkPools[0].nodeSizeFamily"
    if path[-1] == "dynamicExecutorAllocation":
        return _key(path + ["minExecutors"])
    return _key(path)


@settings(max_examples=60, deadline=None)
@given(change=invalid_change())
def test_any_invalid_config_is_rejected_naming_its_key_before_registration(change):
    path, value = change
    config = copy.deepcopy(DEV)
    _set(config, path, value)
    monitor = RecordingMonitor()

    with tempfile.TemporaryDirectory() as folder:
        stack_file = Path(folder) / "Pulumi.fuzz.yaml"
        document = {"config": {f"synapse-dl:{k}": v for k, v in config.items()}}
        stack_file.write_text(yaml.safe_dump(document))
        try:
            plan_stack(stack_file, monitor=monitor)
        except ConfigError as error:
            message = str(error)
        else:
            raise AssertionError(f"{path} = {value!r} was accepted")

    assert _expected_key(path) in message
    assert monitor.planned == []
