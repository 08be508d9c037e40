"""The components as a Pulumi package, through the engine's own protocol: the provider started
as the engine starts it, its schema, and Construct for each component against a recording
resource monitor, compared with what a Python program registers for the same arguments."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import grpc
import pytest
from pulumi.runtime.proto import errors_pb2, status_pb2

from synapse_dl.cli.metaschema import schema_problems
from synapse_dl.engine.provider_host import ConstructMonitor, ProviderSession
from tests.components.test_component_args import JOB, POOL, WORKSPACE, plan_components, shape

ROOT = Path(__file__).resolve().parents[2]

PACKAGE = "synapse-dl"
COMPONENTS = {
    "SynapseWorkspace": ("synw-args-001", WORKSPACE),
    "SparkPool": ("gpularge", POOL),
    "TrainingJob": ("digits", JOB),
}
# Map-typed inputs: their keys are the user's (tags, Spark properties), not input names.
MAPS = {"tags", "spark_config", "conf"}


def camel_inputs(value: Any) -> Any:
    """Args as a program in another language writes them: camelCase input names."""
    if isinstance(value, list):
        return [camel_inputs(v) for v in value]
    if not isinstance(value, dict):
        return value
    out = {}
    for key, item in value.items():
        head, *rest = key.split("_")
        name = head + "".join(word.title() for word in rest)
        out[name] = item if key in MAPS else camel_inputs(item)
    return out


@pytest.fixture(scope="module")
def provider():
    with ProviderSession() as session:
        yield session


@pytest.fixture(scope="module")
def schema(provider) -> dict[str, Any]:
    return provider.schema()


def test_the_schema_is_valid_against_pulumis_package_metaschema(schema):
    assert schema_problems(schema) == []
    assert (schema["name"], schema["version"]) == (PACKAGE, "0.1.0")


def test_the_metaschema_check_finds_a_broken_schema(schema):
    broken = json.loads(json.dumps(schema))
    broken["resources"]["synapse-dl:index:SparkPool"]["inputProperties"]["location"]["type"] = "int"

    assert schema_problems(broken)[0].startswith(
        "$.resources['synapse-dl:index:SparkPool'].inputProperties.location"
    )


def test_the_schema_has_the_three_components_as_components(schema):
    assert set(schema["resources"]) == {f"{PACKAGE}:index:{name}" for name in COMPONENTS}
    assert all(r["isComponent"] for r in schema["resources"].values())


@pytest.mark.parametrize(
    ("component", "required", "outputs"),
    [
        ("SynapseWorkspace",
         ["dataLake", "location", "resourceGroupName", "workspaceName"],
         ["dataLakeAccountName", "dataLakeUrl", "devEndpoint", "filesystem", "location",
          "logAnalyticsWorkspaceId", "name", "principalId", "resourceGroupName", "sqlEndpoint",
          "workspaceId"]),
        ("SparkPool",
         ["location", "resourceGroupName", "settings", "workspaceName"],
         ["name", "poolId", "requirements"]),
        ("TrainingJob",
         ["dataLakeAccountName", "filesystem", "jobDirectory", "sparkPool", "sparkPoolName",
          "workspaceName"],
         ["file", "name"]),
    ],
)  # fmt: skip
def test_each_component_has_its_required_inputs_and_its_outputs(
    schema, component, required, outputs
):
    resource = schema["resources"][f"{PACKAGE}:index:{component}"]

    assert resource["requiredInputs"] == required
    assert sorted(resource["properties"]) == outputs
    assert resource["required"] == outputs


def _properties(schema: dict[str, Any]):
    for token, owner in [*schema["resources"].items(), *schema["types"].items()]:
        for group in ("inputProperties", "properties"):
            for name, prop in owner.get(group, {}).items():
                yield f"{token}.{group}.{name}", prop


def test_every_input_output_and_type_is_described_and_typed(schema):
    undescribed = [where for where, prop in _properties(schema) if not prop.get("description")]
    untyped = [where for where, prop in _properties(schema) if not {"type", "$ref"} & set(prop)]
    dangling = [
        where
        for where, prop in _properties(schema)
        for ref in [prop.get("$ref") or prop.get("items", {}).get("$ref")]
        if ref and ref.removeprefix("#/types/") not in schema["types"]
    ]

    # The provider takes whole numbers as ints (synapse_dl/engine/component_provider.py): no
    # input is a float.
    numbers = [where for where, prop in _properties(schema) if prop.get("type") == "number"]

    assert (undescribed, untyped, dangling, numbers) == ([], [], [], [])
    assert all(t.get("description") for t in schema["types"].values())


def test_inputs_known_only_at_deployment_are_inputs_and_settings_are_plain(schema):
    pool = schema["resources"][f"{PACKAGE}:index:SparkPool"]["inputProperties"]
    workspace = schema["resources"][f"{PACKAGE}:index:SynapseWorkspace"]["inputProperties"]

    # A pool can join a workspace made elsewhere: its name, group and location are Inputs.
    assert [
        n for n in ("workspaceName", "resourceGroupName", "location") if pool[n].get("plain")
    ] == []
    assert pool["settings"] == {
        "description": "The pool's own settings.",
        "plain": True,
        "$ref": f"#/types/{PACKAGE}:index:SparkPoolSettings",
    }
    assert workspace["workspaceName"]["plain"] is True
    assert workspace["tags"]["type"] == "object"
    assert workspace["tags"]["additionalProperties"]["type"] == "string"
    settings = schema["types"][f"{PACKAGE}:index:SparkPoolSettings"]
    assert settings["required"] == ["nodeSize", "nodeSizeFamily", "sparkVersion"]
    assert settings["properties"]["nodeCount"]["type"] == "integer"


@pytest.mark.parametrize("component", COMPONENTS)
def test_construct_registers_what_a_python_program_does_for_the_same_args(
    provider, tmp_path, component
):
    name, args = COMPONENTS[component]
    monitor = ConstructMonitor(stack="args")

    urn, state = provider.construct(
        f"{PACKAGE}:index:{component}", name, camel_inputs(args), stack="args", monitor=monitor
    )
    error, in_process = plan_components(tmp_path, (component, name, args))

    assert error is None
    assert (
        urn
        == f"urn:pulumi:args::{PACKAGE}::pulumi:pulumi:Stack${PACKAGE}:index:{component}::{name}"
    )
    assert sorted(map(shape, monitor.planned)) == sorted(map(shape, in_process.planned))
    # The same URNs, the children's children included, as Pulumi's own mocks make them.
    assert sorted(r.urn for r in monitor.planned) == sorted(r.urn for r in in_process.planned)
    assert len(monitor.planned) > 1
    # The outputs come back as the component registered them.
    registered = in_process.component_outputs[next(iter(in_process.component_outputs))]
    assert state == registered


def test_a_components_warnings_reach_the_engine(provider):
    # The pool is on Spark 3.2, retired: `pulumi up` of a program in any language says so.
    urn, _ = provider.construct(f"{PACKAGE}:index:SparkPool", "retired", camel_inputs(POOL))

    assert (
        "WARNING",
        "pool 'retired': Spark 3.2 is past end of support (2024-07-08): Spark 3.2 and GPU pools "
        "were retired and disabled on 2024-07-08",
        urn,
    ) in provider.logs


def test_construct_by_default_is_a_preview_of_the_dev_stack(provider):
    urn, _ = provider.construct(f"{PACKAGE}:index:SparkPool", "gpularge", camel_inputs(POOL))

    assert (
        urn == f"urn:pulumi:dev::{PACKAGE}::pulumi:pulumi:Stack${PACKAGE}:index:SparkPool::gpularge"
    )


@pytest.mark.parametrize(
    ("component", "previous"),
    [
        ("SynapseWorkspace", "synapse-dl:workspace:SynapseWorkspace"),
        ("SparkPool", "synapse-dl:spark:SparkPool"),
        ("TrainingJob", "synapse-dl:jobs:TrainingJob"),
    ],
)
def test_each_component_aliases_its_earlier_type_so_stacks_keep_their_urns(
    provider, component, previous
):
    name, args = COMPONENTS[component]
    monitor = ConstructMonitor()

    provider.construct(f"{PACKAGE}:index:{component}", name, camel_inputs(args), monitor=monitor)

    registration = next(r for r in monitor.requests if not r.custom)
    assert [a.spec.type for a in registration.aliases] == [previous]


def test_bad_args_through_the_provider_get_the_same_message_and_register_nothing(provider):
    name, args = COMPONENTS["SparkPool"]
    args = {**args, "settings": {**args["settings"], "node_count": 500}}
    monitor = ConstructMonitor()

    with pytest.raises(grpc.RpcError) as error:
        provider.construct(f"{PACKAGE}:index:SparkPool", name, camel_inputs(args), monitor=monitor)

    problem = "args.settings.nodeCount = 500: Input should be less than or equal to 200"
    assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert error.value.details() == f"invalid arguments to SparkPool 'gpularge':\n  {problem}"
    assert property_errors(error.value) == [("settings.nodeCount", problem)]
    assert monitor.planned == []


def test_a_problem_with_the_resource_name_is_reported_against_no_input(provider):
    # The pool's name is the component's resource name unless settings.poolName is given.
    _, args = COMPONENTS["SparkPool"]

    with pytest.raises(grpc.RpcError) as error:
        provider.construct(f"{PACKAGE}:index:SparkPool", "gpu-large", camel_inputs(args))

    problem = "name = 'gpu-large': String should match pattern '^[A-Za-z][A-Za-z0-9]{0,14}$'"
    assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert property_errors(error.value) == [("", problem)]


def property_errors(error: grpc.RpcError) -> list[tuple[str, str]]:
    """The engine's view of an invalid-input error: each property path and its reason."""
    details = dict(error.trailing_metadata())["grpc-status-details-bin"]
    found = errors_pb2.InputPropertiesError()
    status_pb2.Status.FromString(details).details[0].Unpack(found)
    return [(e.property_path, e.reason) for e in found.errors]


def test_an_integer_input_reaches_the_pool_through_the_provider(provider):
    # The host passes integer inputs on as floats (4.0); the wire carries numbers only, so this
    # checks the value arrives. That messages show it as 500, not 500.0, is checked by the
    # bad-arguments test above.
    name, args = COMPONENTS["SparkPool"]
    args = {**args, "settings": {**args["settings"], "node_count": 4}}
    monitor = ConstructMonitor()

    provider.construct(f"{PACKAGE}:index:SparkPool", name, camel_inputs(args), monitor=monitor)

    pool = next(r for r in monitor.planned if r.type == "azure-native:synapse:BigDataPool")
    assert pool.inputs["nodeCount"] == 4


def test_make_schema_writes_the_schema_the_provider_serves(schema, tmp_path, monkeypatch, capsys):
    from synapse_dl.cli import main

    # From outside the project, named by --project-dir: its provider, not the working folder's.
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "out" / "schemas" / "schema.json"
    command = ["schema", "--out", str(out), "--project-dir", str(ROOT)]

    assert main(command) == 0
    assert json.loads(out.read_text()) == schema
    assert capsys.readouterr().out == (
        f"{out}: package synapse-dl 0.1.0: synapse-dl:index:SparkPool, "
        "synapse-dl:index:SynapseWorkspace, synapse-dl:index:TrainingJob\n"
    )
    # Again, over the last one (make schema after an edit).
    out.write_text("{}")
    assert main(command) == 0
    assert json.loads(out.read_text()) == schema


def test_make_schema_reports_each_metaschema_problem_and_keeps_the_file(
    tmp_path, monkeypatch, capsys
):
    from synapse_dl.cli import main
    from synapse_dl.cli import schema as command

    # A schema the metaschema refuses: the check is tested on its own above; here, what the
    # command does with its problems.
    monkeypatch.setattr(command, "schema_problems", lambda document: ["$.a: one", "$.b: two"])
    out = tmp_path / "schema.json"

    assert main(["schema", "--out", str(out), "--project-dir", str(ROOT)]) == 1
    assert capsys.readouterr().err == f"error: {out}: $.a: one\nerror: {out}: $.b: two\n"
    assert json.loads(out.read_text())["name"] == PACKAGE
