"""The three baselines `plan --against` takes besides a plan JSON's own: the deployed state
(`pulumi stack export`) and a git ref, planned in a temporary worktree."""

from __future__ import annotations

import json
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest

from synapse_dl.cli.baseline import ASSET_SIG, SECRET_SIG, SIG_KEY
from synapse_dl.engine.mock_resources import MOCK_SUBSCRIPTION_ID
from tests.cli_runs import committed, project_copy, run_plan


@pytest.fixture(scope="module")
def dev_plan(tmp_path_factory) -> dict:
    path = tmp_path_factory.mktemp("dev") / "plan.json"
    code, _, err = run_plan("--stack", "dev", "--json", str(path))
    assert code == 0, err
    return json.loads(path.read_text())


REAL_SUBSCRIPTION = "7a1c0f3e-0000-4000-8000-5ca1ab1e0001"


def _as_deployed(value, stand_ins: dict[str, str]):
    """A planned input as the state holds it once deployed: Azure's own ids, secrets and file
    assets in the state's signatures."""
    if value == "[secret]":
        return {SIG_KEY: SECRET_SIG, "ciphertext": "v1:AAAA"}
    if isinstance(value, dict):
        if "fileAsset" in value:
            return {SIG_KEY: ASSET_SIG, "path": value["fileAsset"], "hash": value["sha256"]}
        return {k: _as_deployed(v, stand_ins) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_deployed(v, stand_ins) for v in value]
    if isinstance(value, str):
        for made_up, real in stand_ins.items():
            value = value.replace(made_up, real)
    return value


def _export(plan: dict) -> dict:
    """`pulumi stack export` of the stack the plan describes, deployed."""
    real = {s: str(uuid.uuid5(uuid.NAMESPACE_DNS, s)) for s in plan["standIns"]}
    real[MOCK_SUBSCRIPTION_ID] = REAL_SUBSCRIPTION
    resources = [
        {"urn": "urn:pulumi:dev::synapse-dl::pulumi:pulumi:Stack::synapse-dl-dev",
         "custom": False, "type": "pulumi:pulumi:Stack"},
        {"urn": "urn:pulumi:dev::synapse-dl::pulumi:providers:azure-native::default_3_29_0",
         "custom": True, "type": "pulumi:providers:azure-native", "inputs": {"version": "3.29.0"}},
    ]  # fmt: skip
    for r in plan["resources"]:
        inputs = _as_deployed(r["inputs"], real)
        if r["type"].startswith("pulumi-python:dynamic"):
            inputs["__provider"] = "gASVpickled"
        resources.append({"urn": r["urn"], "custom": True, "type": r["type"], "id": "x",
                          "inputs": inputs, "outputs": {}, "parent": r["parent"],
                          "protect": r["protect"], "dependencies": r["dependsOn"]})  # fmt: skip
    return {"version": 3, "deployment": {"manifest": {"time": "2026-12-01T00:00:00Z"},
                                         "resources": resources}}  # fmt: skip


def test_the_deployed_state_of_the_same_stack_is_all_same(tmp_path, dev_plan):
    export = tmp_path / "dev.export.json"
    export.write_text(json.dumps(_export(dev_plan)))
    out = tmp_path / "plan.json"

    code, stdout, err = run_plan("--stack", "dev", "--against", str(export), "--json", str(out))

    assert code == 0, stdout + err
    against = json.loads(out.read_text())["against"]
    assert against["resources"] == [], against["resources"][:3]
    assert against["summary"]["same"] == len(dev_plan["resources"])


def test_against_the_deployed_state_a_real_difference_still_shows(tmp_path, dev_plan):
    document = _export(dev_plan)
    [pool] = [r for r in document["deployment"]["resources"]
              if r["type"] == "azure-native:synapse:BigDataPool"
              and r["inputs"]["bigDataPoolName"] == "dataprep"]  # fmt: skip
    pool["inputs"]["autoScale"]["maxNodeCount"] = 9
    [lake] = [r for r in document["deployment"]["resources"]
              if r["type"] == "azure-native:storage:StorageAccount"]  # fmt: skip
    lake["inputs"]["accountName"] = "stdeployedelsewhere"
    export = tmp_path / "dev.export.json"
    export.write_text(json.dumps(document))
    out = tmp_path / "plan.json"

    code, stdout, _ = run_plan("--stack", "dev", "--against", str(export), "--json", str(out))

    # The protected lake (its protection read from the state) would be replaced: blocking.
    assert code == 4, stdout
    by_name = {r["name"]: r for r in json.loads(out.read_text())["against"]["resources"]}
    assert by_name["dataprep"]["changes"] == [
        {"path": "autoScale.maxNodeCount", "old": 9, "new": 5}
    ]
    assert by_name["synw-dl-dev-001-datalake"]["action"] == "replace"


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    """A project of its own in a git repository, one commit: it uses the installed package."""
    files = ("Pulumi.yaml", "Pulumi.dev.yaml", "__main__.py")
    return committed(project_copy(tmp_path / "repo", files, ("policies", "training_jobs")))


def test_a_git_ref_is_planned_at_its_commit(repository, tmp_path):
    stack = repository / "Pulumi.dev.yaml"
    stack.write_text(stack.read_text().replace("maxNodeCount: 5", "maxNodeCount: 7", 1))
    out = tmp_path / "plan.json"

    code, stdout, err = run_plan("--stack", "dev", "--project-dir", str(repository),
                              "--against", "main", "--json", str(out))  # fmt: skip

    assert code == 0, stdout + err
    against = json.loads(out.read_text())["against"]
    assert against["base"].startswith("main (") and len(against["base"]) == len("main ()") + 12
    assert [(r["name"], r["action"]) for r in against["resources"]] == [("dataprep", "update")]
    # The worktree is gone.
    listed = subprocess.run(["git", "-C", str(repository), "worktree", "list"],
                            capture_output=True, text=True, check=True).stdout  # fmt: skip
    assert listed.count("\n") == 1


def test_a_stack_the_ref_does_not_have_is_all_new(repository, tmp_path):
    shutil.copy(repository / "Pulumi.dev.yaml", repository / "Pulumi.new.yaml")
    out = tmp_path / "plan.json"

    code, stdout, _ = run_plan("--stack", "new", "--project-dir", str(repository),
                            "--against", "HEAD", "--json", str(out))  # fmt: skip

    assert code == 0, stdout
    against = json.loads(out.read_text())["against"]
    assert against["summary"]["create"] > 20 and against["summary"]["same"] == 0
    assert against["notes"] == [f"Pulumi.new.yaml is not at {against['base']}: all is new"]


def test_the_state_signatures_are_the_sdks():
    from pulumi.runtime import rpc

    assert (
        rpc._special_sig_key, rpc._special_secret_sig, rpc._special_asset_sig
    ) == (SIG_KEY, SECRET_SIG, ASSET_SIG)  # fmt: skip


def test_a_stack_file_outside_the_repository_cannot_be_planned_at_a_ref(repository, tmp_path):
    outside = tmp_path / "elsewhere" / "Pulumi.dev.yaml"
    outside.parent.mkdir()
    shutil.copy(repository / "Pulumi.dev.yaml", outside)

    code, _, err = run_plan("--stack-file", str(outside), "--project-dir", str(repository),
                            "--against", "main")  # fmt: skip

    assert code == 1
    assert err.count("\n") == 1 and "is outside the git repository" in err
