"""`synapse-dl plan --against BASE`: what a change does to what an earlier plan had, each
resource matched by URN and classified as the provider would apply it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from synapse_dl.cli.plan_diff import diff_plans, property_changes
from synapse_dl.facts.replace_on_change import (
    REPLACE_ON_CHANGE,
    replacement_reasons,
    same_to_azure,
)
from synapse_dl.providers.registry import DYNAMIC_PROVIDERS
from tests.cli_runs import project_copy as copy_of
from tests.cli_runs import run_plan
from tests.conftest import DEV_STACK


@pytest.fixture(scope="module")
def baseline(tmp_path_factory) -> Path:
    """The dev stack's plan JSON, as a base branch's pipeline keeps it."""
    path = tmp_path_factory.mktemp("base") / "plan.json"
    code, _, err = run_plan("--stack", "dev", "--json", str(path))
    assert code == 0, err
    return path


def _changed_stack(tmp_path: Path, *edits: tuple[str, str]) -> Path:
    # Named as the dev stack, so its resources have the baseline's URNs.
    text = DEV_STACK.read_text()
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / "Pulumi.dev.yaml"
    path.write_text(text)
    return path


def _against(tmp_path: Path, baseline: Path, *edits: tuple[str, str], code: int = 0) -> dict:
    out = tmp_path / "plan.json"
    stack = _changed_stack(tmp_path, *edits)
    status, stdout, err = run_plan("--stack-file", str(stack), "--against", str(baseline), "--json",
                                str(out))  # fmt: skip
    assert status == code, stdout + err
    document = json.loads(out.read_text())["against"]
    document["text"] = stdout
    return document


def test_the_same_stack_changes_nothing(tmp_path, baseline):
    against = _against(tmp_path, baseline)
    summary = against["summary"]
    assert (summary["create"], summary["update"], summary["replace"], summary["delete"]) == (
        0, 0, 0, 0
    )  # fmt: skip
    assert summary["same"] == 24 and against["resources"] == []
    assert f"Against {baseline}: 0 to create, 0 to update, 0 to replace, 0 to delete, 24 " \
        "unchanged" in against["text"]  # fmt: skip


def test_a_pool_grown_is_updated_in_place_naming_the_input(tmp_path, baseline):
    against = _against(tmp_path, baseline, ("maxNodeCount: 5", "maxNodeCount: 6"))

    [pool] = [r for r in against["resources"] if r["type"] == "azure-native:synapse:BigDataPool"]
    assert (pool["name"], pool["action"], pool["reasons"]) == ("dataprep", "update", [])
    assert pool["changes"] == [{"path": "autoScale.maxNodeCount", "old": 5, "new": 6}]
    assert "  ~  azure-native:synapse:BigDataPool  dataprep  (update)" in against["text"]
    assert "        autoScale.maxNodeCount: 5 -> 6" in against["text"]


def test_a_renamed_storage_account_is_replaced_saying_why(tmp_path, baseline):
    # The lake is protected, so the engine would stop there: a blocking finding, exit 4.
    against = _against(
        tmp_path,
        baseline,
        ("accountName: stsynapsedldev001", "accountName: stsynapsedldev002"),
        code=4,
    )

    by_type = {r["type"]: r for r in against["resources"]}
    account = by_type["azure-native:storage:StorageAccount"]
    assert account["action"] == "replace"
    assert account["reasons"] == ["`accountName` is part of the ARM id"]
    # The container and the blob service name the account in their ids too.
    assert by_type["azure-native:storage:BlobContainer"]["action"] == "replace"
    assert "(replace: `accountName` is part of the ARM id)" in against["text"]
    assert any("is protected: the engine refuses to replace it" in f["message"]
               for f in against["findings"] if f["blocking"])  # fmt: skip


def test_a_location_written_another_way_is_no_change_to_azure(tmp_path, baseline):
    against = _against(tmp_path, baseline, ("    location: eastus", "    location: East US"))
    azure = [r for r in against["resources"] if r["type"].startswith("azure-native:")]
    assert azure == []


def test_a_job_removed_is_deleted_and_a_rule_added_is_created(tmp_path, baseline):
    dev = json.loads(baseline.read_text())
    job = {r["urn"] for r in dev["resources"] if r["urn"].endswith("::tensorflow_digits")}
    lab = (
        "        - name: lab\n          startIpAddress: 198.51.100.1\n"
        "          endIpAddress: 198.51.100.1\n        - name: corp-office"
    )

    against = _against(
        tmp_path,
        baseline,
        ("    - tensorflow_digits\n", ""),
        ("        - name: corp-office", lab),
    )

    created = [r["name"] for r in against["resources"] if r["action"] == "create"]
    deleted = {r["urn"] for r in against["resources"] if r["action"] == "delete"}
    assert created == ["synw-dl-dev-001-fw-lab"]
    assert job and job <= deleted
    assert all("tensorflow_digits" in urn for urn in deleted)
    assert "  -  synapse-dl:index:TrainingJob  tensorflow_digits  (delete)" in against["text"]


def test_a_baseline_that_is_not_a_plan_is_a_usage_error(tmp_path):
    for text, why in [
        ("{}", "not a plan JSON"),
        ("[", "not a plan JSON"),
        ('{"stack": "dev", "error": "boom"}', "the baseline plan failed (boom)"),
    ]:
        base = tmp_path / "base.json"
        base.write_text(text)
        code, _, err = run_plan("--against", str(base))
        assert code == 2
        assert err.count("\n") == 1 and f"argument --against: {base}: {why}" in err


def test_the_json_never_overwrites_the_baseline(tmp_path, baseline):
    copy = tmp_path / "base.json"
    copy.write_text(baseline.read_text())
    code, _, err = run_plan("--against", str(copy), "--json", str(copy))
    assert code == 2 and "is a file this command reads" in err
    assert copy.read_text() == baseline.read_text()


# --- findings: what blocks the deploy, what warns -----------------------------------------


def _findings(against: dict, blocking: bool) -> list[str]:
    return [f["message"] for f in against["findings"] if f["blocking"] is blocking]


def test_a_runtime_change_under_a_pools_libraries_blocks_with_exit_4(tmp_path, baseline):
    against = _against(tmp_path, baseline, ('sparkVersion: "3.2"', 'sparkVersion: "3.1"'), code=4)

    assert _findings(against, True) == [
        "BigDataPool 'gpularge' changes its runtime (3.2 -> 3.1) while it has libraries: "
        "Synapse refuses that; remove the pool and create it again (Microsoft's advice), or "
        "keep its runtime"
    ]
    [reinstall] = _findings(against, False)
    assert reinstall.startswith("pool 'gpularge' installs its libraries again (about 20-25")
    assert "  BLOCKING: BigDataPool 'gpularge' changes its runtime" in against["text"]
    assert "A blocking change: the deploy would stop halfway" in against["text"]


def test_moving_the_stack_replaces_the_protected_lake_which_blocks(tmp_path, baseline):
    against = _against(
        tmp_path,
        baseline,
        ("azure-native:location: eastus", "azure-native:location: northeurope"),
        ("    location: eastus", "    location: northeurope"),
        code=4,
    )

    blocking = _findings(against, True)
    assert any(
        m.startswith("StorageAccount '")
        and "is protected: the engine refuses to replace it" in m
        and "(`location` cannot change once the resource exists (create-only))" in m
        for m in blocking
    ), blocking
    warnings = _findings(against, False)
    assert any(m.startswith("BigDataPool 'gpularge' is replaced: ") for m in warnings)
    assert any(m.startswith("BigDataPool 'dataprep' is replaced: ") for m in warnings)


def test_a_job_removed_while_its_pool_stays_warns(tmp_path, baseline):
    against = _against(tmp_path, baseline, ("    - tensorflow_digits\n", ""))

    assert _findings(against, True) == []
    assert _findings(against, False) == [
        "job definition 'tensorflow_digits-definition' is removed while its pool stays: "
        "whoever runs it (`synapse-dl run-job`) no longer can"
    ]


# --- the rules, unit by unit ----------------------------------------------------------------


def test_numbers_compare_as_the_engine_carries_them():
    assert property_changes({"a": 3}, {"a": 3.0}) == []
    [change] = property_changes({"a": True}, {"a": 1})
    assert (change.path, change.old, change.new) == ("a", True, 1)


def test_nested_and_listed_inputs_change_by_path():
    old = {"a": {"b": [1, {"c": "x"}]}, "gone": 1}
    new = {"a": {"b": [1, {"c": "y"}, 2]}, "added": {}}
    assert [(c.path, c.old, c.new) for c in property_changes(old, new)] == [
        ("a.b[1].c", "x", "y"), ("a.b[2]", None, 2), ("added", None, {}), ("gone", 1, None),
    ]  # fmt: skip


@pytest.mark.parametrize("kind", sorted(REPLACE_ON_CHANGE))
def test_each_path_parameter_replaces_and_other_inputs_update(kind):
    id_params, create_only = REPLACE_ON_CHANGE[kind]
    for name in id_params:
        assert replacement_reasons(kind, [name]) == [f"`{name}` is part of the ARM id"]
    for name in create_only:
        assert replacement_reasons(kind, [f"{name}"]) == [
            f"`{name}` cannot change once the resource exists (create-only)"
        ]
    assert replacement_reasons(kind, ["tags.team", "somethingElse.nested"]) == []


def test_a_create_only_input_replaces_from_any_of_its_paths():
    kind = "azure-native:storage:StorageAccount"
    assert replacement_reasons(kind, ["isHnsEnabled", "location", "sku.name"]) == [
        "`isHnsEnabled` cannot change once the resource exists (create-only)",
        "`location` cannot change once the resource exists (create-only)",
    ]


@pytest.mark.parametrize(
    ("path", "old", "new", "same"),
    [("location", "eastus", "East US", True), ("location", "eastus", "westus", False),
     ("resourceGroupName", "rg-A", "rg-a", True), ("workspaceName", "w-A", "w-a", False),
     ("location", None, "eastus", False)],
)  # fmt: skip
def test_what_azure_reads_as_the_same_value(path, old, new, same):
    assert same_to_azure(path, old, new) is same


def test_a_resource_in_neither_plan_twice_is_matched_once_by_urn():
    base = [
        {"urn": "u1", "type": "t", "name": "a", "inputs": {"x": 1}},
        {"urn": "u2", "type": "t", "name": "b", "inputs": {}},
    ]
    new = [{"urn": "u1", "type": "t", "name": "a", "inputs": {"x": 2}},
           {"urn": "u3", "type": "t", "name": "c", "inputs": {}}]  # fmt: skip
    diff = diff_plans("base", base, new)
    assert [(r.urn, r.action, r.rules_known) for r in diff.resources] == [
        ("u1", "update", False), ("u3", "create", True), ("u2", "delete", True)
    ]  # fmt: skip
    assert diff.summary() == "1 to create, 1 to update, 0 to replace, 1 to delete, 0 unchanged"


# --- dynamic resources: their provider's own diff ---------------------------------------------


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """A copy of this project whose job files a test may edit."""
    files = ("Pulumi.yaml", "Pulumi.dev.yaml", "__main__.py")
    return copy_of(tmp_path / "project", files, ("policies", "training_jobs"))


def test_a_changed_job_script_changes_its_file_and_its_definition_only(project_copy, baseline):
    script = project_copy / "training_jobs" / "pytorch_digits" / "train.py"
    script.write_text(script.read_text() + "\n# a reviewer's comment\n")
    out = project_copy / "plan.json"

    status, stdout, err = run_plan("--stack", "dev", "--project-dir", str(project_copy),
                                "--against", str(baseline), "--json", str(out))  # fmt: skip

    assert status == 0, stdout + err
    changed = {
        (r["name"], r["action"]) for r in json.loads(out.read_text())["against"]["resources"]
    }
    # The lake path holds the file's hash (a running job keeps its own copy), so the provider
    # replaces the file; the definition points at the new path, in place.
    assert changed == {("pytorch_digits-train", "replace"), ("pytorch_digits-definition", "update")}
    assert "`path` changed, and LakeFileProvider.diff replaces on it" in stdout


JOB_DEFINITION = "pulumi-python:dynamic/synapse:SparkJobDefinition"


def _definition(**inputs) -> list[dict]:
    base = {"endpoint": "https://w.dev.azuresynapse.net", "name": "job", "description": "d",
            "jobProperties": {"file": "a.py"}}  # fmt: skip
    return [{"urn": "u", "type": JOB_DEFINITION, "name": "job", "inputs": {**base, **inputs}}]


@pytest.mark.parametrize(
    ("inputs", "action", "reasons"),
    [({"jobProperties": {"file": "b.py"}}, "update", []),
     ({"name": "other"}, "replace",
      ["`name` changed, and SparkJobDefinitionProvider.diff replaces on it"]),
     # an input the provider does not compare changes nothing the engine will do
     ({"workspaceName": "w"}, "same", [])],
)  # fmt: skip
def test_a_dynamic_resource_is_judged_by_its_providers_diff(inputs, action, reasons):
    [change] = diff_plans("base", _definition(), _definition(**inputs)).resources
    assert (change.action, list(change.reasons), change.rules_known) == (action, reasons, True)


def test_every_dynamic_type_the_program_declares_has_its_provider(baseline):
    planned = {r["type"] for r in json.loads(baseline.read_text())["resources"]}
    dynamic = {kind for kind in planned if kind.startswith("pulumi-python:dynamic")}
    assert dynamic and dynamic <= set(DYNAMIC_PROVIDERS)


def test_the_json_lists_every_resource_under_changes_with_its_blocking_message(tmp_path, baseline):
    out = tmp_path / "plan.json"
    stack = _changed_stack(
        tmp_path, ("accountName: stsynapsedldev001", "accountName: stsynapsedldev002")
    )
    code, _, _ = run_plan(
        "--stack-file", str(stack), "--against", str(baseline), "--json", str(out)
    )
    assert code == 4
    document = json.loads(out.read_text())
    changes = {c["urn"]: c for c in document["changes"]}
    assert set(changes) == {r["urn"] for r in document["resources"]}  # nothing was deleted
    [lake] = [c for c in changes.values() if c["type"] == "azure-native:storage:StorageAccount"]
    assert (lake["action"], lake["paths"]) == ("replace", ["accountName"])
    assert lake["reasons"] == ["`accountName` is part of the ARM id"]
    assert "is protected: the engine refuses to replace it" in lake["blocking"]
    assert {c["blocking"] for c in changes.values() if c["action"] == "same"} == {None}


def test_the_cpu_stack_against_its_own_plan_is_all_same(tmp_path):
    base, out = tmp_path / "base.json", tmp_path / "plan.json"
    assert run_plan("--stack", "cpu", "--json", str(base))[0] == 0

    code, stdout, err = run_plan("--stack", "cpu", "--against", str(base), "--json", str(out))

    assert code == 0, stdout + err
    document = json.loads(out.read_text())
    assert {c["action"] for c in document["changes"]} == {"same"}
    assert len(document["changes"]) == len(document["resources"]) > 60
    assert document["cost"]["pools"][0]["name"] == "cpumedium"
