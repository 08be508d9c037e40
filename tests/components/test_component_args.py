"""The components called with Args, as any program calls them: the same resources as the stack
program for the same settings, and bad Args refused with the stack file's rules and messages,
each naming the argument, before anything is registered."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest

from synapse_dl.cli.plan_report import render_text
from synapse_dl.config.errors import ConfigError
from synapse_dl.engine.offline_runtime import (
    EngineRefusalError,
    Plan,
    PlannedResource,
    RecordingMonitor,
    plan_stack,
)
from tests.conftest import JOBS_ROOT, ROOT

EXAMPLE = ROOT / "examples" / "python"
# A program that builds the components listed in args.json: [[class, name, args], ...].
PROGRAM = """
import json, pathlib
import synapse_dl
for kind, name, args in json.loads((pathlib.Path(__file__).parent / "args.json").read_text()):
    getattr(synapse_dl, kind)(name, args)
"""
WORKSPACE = {
    "workspace_name": "synw-args-001",
    "location": "eastus",
    "resource_group_name": "rg-args",
    "data_lake": {"account_name": "stargs001"},
}
GPU = {"node_size_family": "HardwareAcceleratedGPU", "node_size": "Large", "spark_version": "3.2"}
POOL = {
    "workspace_name": "synw-args-001",
    "resource_group_name": "rg-args",
    "location": "eastus",
    "settings": GPU,
}
JOB = {
    "job_directory": str(JOBS_ROOT / "pytorch_digits"),
    "spark_pool_name": "gpularge",
    "spark_pool": {**GPU, "pool_name": "gpularge"},
    "workspace_name": "synw-args-001",
    "resource_group_name": "rg-args",
    "data_lake_account_name": "stargs001",
    "filesystem": "synapse",
}


def shape(resource: PlannedResource) -> tuple[str, str, str, str]:
    # The parent as `<type>::<name>`, but the stack's, whose name differs.
    parent = "::".join(resource.parent.split("::")[-2:]).split("$")[-1]
    if parent.startswith("pulumi:pulumi:Stack::"):
        parent = "the stack"
    return resource.type, resource.name, parent, json.dumps(resource.inputs, sort_keys=True)


def plan_program(tmp_path: Path, program_dir: Path, monitor: RecordingMonitor) -> Plan:
    stack = tmp_path / "Pulumi.args.yaml"
    stack.write_text("config: {}\n")
    return plan_stack(stack, program_dir=program_dir, monitor=monitor)


def plan_components(tmp_path: Path, *components: tuple[str, str, dict[str, Any]]):
    """Plan a program that builds `components`; returns (the error or None, the monitor)."""
    program = tmp_path / "program"
    program.mkdir(exist_ok=True)
    (program / "Pulumi.yaml").write_text("name: synapse-dl\nruntime: python\n")
    (program / "__main__.py").write_text(PROGRAM)
    (program / "args.json").write_text(json.dumps(components))
    monitor = RecordingMonitor()
    try:
        plan_program(tmp_path, program, monitor)
    except ConfigError as error:
        return error, monitor
    return None, monitor


def test_the_python_example_registers_what_the_cpu_stack_does(tmp_path):
    by_args = plan_program(tmp_path, EXAMPLE, RecordingMonitor())
    by_stack = plan_stack(ROOT / "Pulumi.cpu.yaml")

    assert sorted(map(shape, by_args.resources)) == sorted(map(shape, by_stack.resources))
    assert len(by_args.resources) == 72


def test_the_python_example_plans_under_its_own_projects_name(tmp_path):
    plan = plan_program(tmp_path, EXAMPLE, RecordingMonitor())

    # examples/python/Pulumi.yaml names the project synapse-dl-example.
    assert plan.project == "synapse-dl-example"
    assert {r.urn.split("::")[1] for r in plan.resources} == {"synapse-dl-example"}
    assert "  +  pulumi:pulumi:Stack  synapse-dl-example-args" in render_text(plan).splitlines()


def test_two_resources_with_one_urn_are_refused_as_the_engine_refuses_them(tmp_path):
    # A program that builds one component twice under one name: the engine stops the update.
    error, monitor = plan_components(
        tmp_path, ("SparkPool", "gpularge", POOL), ("SparkPool", "gpularge", POOL)
    )

    assert isinstance(error, EngineRefusalError)
    [problem] = error.problems
    assert re.fullmatch(
        r"Duplicate resource URN 'urn:pulumi:args::synapse-dl::[^']+'; try giving it a unique "
        r"name",
        problem,
    )
    assert str(error).startswith("the Pulumi engine would refuse this plan:\n")


def test_valid_args_register_every_component(tmp_path):
    error, monitor = plan_components(
        tmp_path,
        ("SynapseWorkspace", "synw-args-001", WORKSPACE),
        ("SparkPool", "gpularge", POOL),
        ("TrainingJob", "digits", JOB),
    )

    assert error is None
    assert {r.type for r in monitor.planned if not r.custom} == {
        "synapse-dl:index:SynapseWorkspace",
        "synapse-dl:index:SparkPool",
        "synapse-dl:index:TrainingJob",
    }


def _with(args: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    changed = copy.deepcopy(args)
    *parents, last = path.split(".")
    target = changed
    for key in parents:
        target = target.setdefault(key, {})
    target[last] = value
    return changed


# (component, resource name, args, argument path, bad value, the one problem line)
BAD_ARGS = [
    ("SynapseWorkspace", "w", WORKSPACE, "data_lake.account_name", "St_Args",
     "args.dataLake.accountName = 'St_Args': String should match pattern '^[a-z0-9]{3,24}$'"),
    ("SynapseWorkspace", "w", WORKSPACE, "workspace_name", "synw-ondemand-1",
     "args.workspaceName = 'synw-ondemand-1': Azure refuses workspace names containing "
     "'-ondemand'"),
    ("SynapseWorkspace", "w", WORKSPACE, "location", "westeurop",
     "args.location = 'westeurop': not an Azure region; did you mean 'westeurope'?"),
    ("SynapseWorkspace", "w", WORKSPACE, "resource_group_name", "rg.",
     "args.resourceGroupName = 'rg.': a resource group name is 1-90 letters, digits, '_', '-', "
     "'.', '(' and ')', and does not end with '.'"),
    ("SynapseWorkspace", "w", WORKSPACE, "network.managed_virtual_network", False,
     "args.network.preventDataExfiltration = true: needs "
     "args.network.managedVirtualNetwork: true"),
    ("SynapseWorkspace", "w", WORKSPACE, "data_lake.sku", "Premium_LRS",
     "args.dataLake.sku = 'Premium_LRS': Input should be 'Standard_LRS', 'Standard_ZRS', "
     "'Standard_GRS' or 'Standard_RAGRS'"),
    ("SynapseWorkspace", "w", WORKSPACE, "job_runners",
     [{"object_id": "0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9"},
      {"object_id": "0B1C2D3E-4F50-4617-8293-A4B5C6D7E8F9"}],
     "args.jobRunners[1].objectId = '0B1C2D3E-4F50-4617-8293-A4B5C6D7E8F9': the same member as "
     "args.jobRunners[0] (object ids compare without regard to case); list it once"),
    ("SparkPool", "gpularge", POOL, "location", "westeurope",
     "args.settings.nodeSizeFamily = 'HardwareAcceleratedGPU': GPU pools exist only in eastus, "
     "australiaeast, northeurope, not in the workspace location 'westeurope' (args.location)"),
    ("SparkPool", "gpularge", POOL, "settings.node_count", 500,
     "args.settings.nodeCount = 500: Input should be less than or equal to 200"),
    ("SparkPool", "gpularge", POOL, "settings.spark_version", "3.3",
     "args.settings.sparkVersion = '3.3': not one of 3.1, 3.2, 3.4, 3.5"),
    ("SparkPool", "gpularge", POOL, "settings.extra_libraries", ["torch==2.1"],
     "args.settings.extraLibraries[0] = 'torch==2.1': conflicts with 'torch==1.11.0', which "
     "the Spark 3.2 GPU runtime ships; drop the line or set deepLearningLibraries: false"),
    ("SparkPool", "gpu-large", POOL, "settings.tags", {},
     "name = 'gpu-large': String should match pattern '^[A-Za-z][A-Za-z0-9]{0,14}$'"),
    ("SparkPool", "gpularge", POOL, "workspace_packages",
     [{"name": "helper-2.1-py3-none-any.whl", "sha256": "beef", "source": "wheels/h.whl"}],
     "args.workspacePackages[0].sha256 = 'beef': String should match pattern "
     "'^[0-9a-f]{64}$'"),
    ("SparkPool", "gpularge", POOL, "workspace_packages", "helper.whl",
     "args.workspacePackages = 'helper.whl': must be a list of packages"),
    # Not taken as given: any text would be true.
    ("SparkPool", "gpularge", POOL, "install_from_pypi", "never",
     "args.installFromPypi = 'never': Input should be a valid boolean, unable to interpret "
     "input"),
    ("TrainingJob", "digits", JOB, "num_executors", 4.0,
     "args.numExecutors = 4: above the 3 executors pool 'gpularge' can run (3 nodes x 1 per "
     "node: on a GPU pool the driver shares a node)"),
    ("TrainingJob", "digits", JOB, "spark_pool.node_size", "Small",
     "args.sparkPool.nodeSize = 'Small': not a HardwareAcceleratedGPU node size (allowed: "
     "Large, XLarge)"),
    ("TrainingJob", "digits", JOB, "job_directory", "/no/such/job",
     "args.jobDirectory = '/no/such/job': job.yaml: no such file /no/such/job/job.yaml"),
    # Without a poolName in sparkPool, the pool's name is sparkPoolName.
    ("TrainingJob", "digits", {**JOB, "spark_pool": GPU}, "spark_pool_name", "gpu-large",
     "args.sparkPoolName = 'gpu-large': String should match pattern "
     "'^[A-Za-z][A-Za-z0-9]{0,14}$'"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("component", "name", "args", "path", "value", "expected"),
    BAD_ARGS,
    ids=[f"{c}-{p}" for c, _, _, p, _, _ in BAD_ARGS],
)
def test_bad_args_are_refused_naming_the_argument_before_anything_is_registered(
    tmp_path, component, name, args, path, value, expected
):
    args = _with(args, path, value)
    if component == "SynapseWorkspace" and path.startswith("network"):
        args["network"]["prevent_data_exfiltration"] = True

    error, monitor = plan_components(tmp_path, (component, name, args))

    assert error is not None
    assert str(error).startswith(f"invalid arguments to {component} {name!r}:\n")
    assert monitor.planned == []
    assert error.problems == [expected]


def test_libraries_kept_off_pypi_without_workspace_packages_are_refused(tmp_path):
    pool = _with(POOL, "install_from_pypi", False)

    error, monitor = plan_components(tmp_path, ("SparkPool", "gpularge", pool))

    assert error is not None and monitor.planned == []
    assert str(error).startswith("invalid arguments to SparkPool 'gpularge':\n  args.install")
    assert error.problems == [
        "args.installFromPypi = false: args.settings names libraries (torch==1.11.0, "
        "tensorflow==2.8.0, horovod==0.24.3, petastorm==0.11.3) and args.workspacePackages has "
        "none of them; lock them (`synapse-dl packages`) and pass the wheels"
    ]


def test_two_wheels_of_one_distribution_are_refused(tmp_path):
    wheel = {"name": "helper-2.1-py3-none-any.whl", "sha256": "a" * 64, "source": "h.whl"}
    pool = _with(
        POOL, "workspace_packages", [wheel, {**wheel, "name": "helper-2.2-py3-none-any.whl"}]
    )

    error, monitor = plan_components(tmp_path, ("SparkPool", "gpularge", pool))

    assert error is not None and monitor.planned == []
    assert str(error) == (
        "invalid arguments to SparkPool 'gpularge':\n"
        "  args.workspacePackages[1].name = 'helper-2.2-py3-none-any.whl': a second helper"
    )


# Args of the wrong shape, or without a required key: refused as ConfigError, not a KeyError.
SHAPES = [
    ("SynapseWorkspace", "w", None, "args = null: must be a mapping of keys to values"),
    ("SparkPool", "p", ["x"], "args = a list: must be a mapping of keys to values"),
    ("TrainingJob", "j", "job", "args = text: must be a mapping of keys to values"),
    ("SynapseWorkspace", "w", {k: v for k, v in WORKSPACE.items() if k != "location"},
     "args.location = (missing): Field required"),
    ("SparkPool", "p", {k: v for k, v in POOL.items() if k != "settings"},
     "args.settings = (missing): Field required"),
    ("SparkPool", "p", {**POOL, "settings": 5}, "args.settings = the number 5: must be a "
     "mapping of keys to values"),
    ("TrainingJob", "j", {k: v for k, v in JOB.items() if k != "spark_pool_name"},
     "args.sparkPoolName = (missing): Field required"),
]  # fmt: skip


@pytest.mark.parametrize(("component", "name", "args", "expected"), SHAPES)
def test_args_of_the_wrong_shape_are_refused_naming_them(tmp_path, component, name, args, expected):
    error, monitor = plan_components(tmp_path, (component, name, args))

    assert error is not None and monitor.planned == []
    assert str(error).startswith(f"invalid arguments to {component} {name!r}:\n")
    assert error.problems == [expected]
