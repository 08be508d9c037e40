"""Pulumi's private APIs are used in one module, pinned exactly, and checked against the SDK.

synapse_dl/engine/pulumi_internals.py holds every use of a Pulumi SDK API that is not public;
when an SDK upgrade changes one, these tests say which, before a plan breaks somewhere else.
"""

from __future__ import annotations

import ast
import json
import os
import tomllib
from importlib import metadata
from pathlib import Path

import pulumi
import pulumi.runtime
import pytest
from packaging.requirements import Requirement

from synapse_dl.engine import pulumi_internals
from tests.conftest import ROOT

PACKAGE = ROOT / "components" / "synapse_dl"
INTERNALS = PACKAGE / "engine" / "pulumi_internals.py"
# Modules of the SDK a program may import from: its documented, exported API.
PUBLIC_MODULES = {
    "pulumi",
    "pulumi.dynamic",
    "pulumi.log",
    "pulumi.provider",
    "pulumi.provider.experimental",
}


def test_every_private_api_the_engine_layer_uses_is_as_it_reads_it():
    problems = pulumi_internals.problems()
    assert not problems, (
        "the Pulumi SDK changed what synapse_dl/engine/pulumi_internals.py uses; read each use "
        "again against the new SDK before moving the pin:\n  " + "\n  ".join(problems)
    )


def _pins(requirements: list[str], extra: str) -> set[str]:
    env = {"extra": extra}
    return {
        str(r.specifier)
        for r in map(Requirement, requirements)
        if r.name == "pulumi" and r.marker is not None and r.marker.evaluate(env)
    }


def test_the_sdk_is_pinned_exactly_where_the_engine_layer_is_installed_and_installed_so():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    engine = _pins(
        [f"{r}; extra == 'engine'" for r in project["optional-dependencies"]["engine"]], "engine"
    )
    assert engine == {f"=={pulumi_internals.SDK_VERSION}"}
    # The library itself takes any SDK of the major version: a program may move it.
    [library] = [Requirement(r) for r in project["dependencies"] if r.startswith("pulumi>")]
    assert not str(library.specifier).startswith("==")
    assert (
        f"pulumi=={pulumi_internals.SDK_VERSION}"
        in (ROOT / "policies" / "requirements.txt").read_text().split()
    )
    assert metadata.version("pulumi") == pulumi_internals.SDK_VERSION


def _pulumi_references(tree: ast.AST) -> list[str]:
    """Each Pulumi module or runtime name a module's source reaches for, dotted."""
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.ImportFrom)
            and node.module
            and node.module.split(".")[0] == "pulumi"
        ):
            found += [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.split(".")[0] == "pulumi"]
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Attribute):
            inner = node.value
            if isinstance(inner.value, ast.Name) and inner.value.id == "pulumi":
                found.append(f"pulumi.{inner.attr}.{node.attr}")
    return found


def _is_public(reference: str) -> bool:
    parts = reference.split(".")
    if any(part.startswith("_") for part in parts):
        return False
    if len(parts) == 1:
        return True
    if parts[1] == "runtime":
        return len(parts) == 3 and parts[2] in pulumi.runtime.__all__
    if parts[1] in ("dynamic", "log", "provider"):
        return reference in PUBLIC_MODULES or ".".join(parts[:-1]) in PUBLIC_MODULES
    # pulumi.Output, pulumi.ResourceOptions, ...: what the SDK's top level exports.
    return parts[1] in pulumi.__all__


@pytest.mark.parametrize(
    "path",
    [p for p in sorted(PACKAGE.rglob("*.py")) if p != INTERNALS],
    ids=lambda p: str(p.relative_to(PACKAGE)),
)
def test_no_other_module_of_the_package_uses_a_private_pulumi_api(path: Path):
    private = [r for r in _pulumi_references(ast.parse(path.read_text())) if not _is_public(r)]
    assert private == [], f"{path.name}: use these through synapse_dl.engine.pulumi_internals"


def test_the_check_of_public_apis_tells_a_private_one_apart():
    # The parametrized test above would pass on any module if the check took everything for
    # public: the uses pulumi_internals.py makes are found private.
    references = _pulumi_references(ast.parse(INTERNALS.read_text()))
    private = {r for r in references if not _is_public(r)}
    assert {
        "pulumi.runtime.sync_await._sync_await",
        "pulumi.runtime.mocks.MockMonitor",
        "pulumi.provider.experimental.component.ComponentProvider",
        "pulumi.provider.server.ComponentInitError",
    } <= private, private
    assert _is_public("pulumi.runtime.set_mocks") and _is_public("pulumi.provider.main")


def test_a_program_is_given_the_stack_config_in_the_environment_only_while_it_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    # As the language host passes it: a program lists the keys it was given there.
    from synapse_dl.engine.offline_runtime import plan_stack

    (tmp_path / "Pulumi.yaml").write_text("name: probe\nruntime: python\n")
    (tmp_path / "__main__.py").write_text(
        "import os, pathlib\n"
        "pathlib.Path(__file__).with_name('seen.json').write_text(os.environ['PULUMI_CONFIG'])\n"
    )
    stack = tmp_path / "Pulumi.probe.yaml"
    stack.write_text("config:\n  probe:size: 3\n  probe:names: [a, b]\n")
    monkeypatch.setenv("PULUMI_CONFIG", '{"earlier:key": "x"}')

    plan_stack(stack, program_dir=tmp_path)

    assert json.loads((tmp_path / "seen.json").read_text()) == {
        "probe:size": "3",
        "probe:names": '["a", "b"]',
    }
    assert os.environ["PULUMI_CONFIG"] == '{"earlier:key": "x"}'
