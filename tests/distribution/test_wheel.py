"""The installable distribution: what `pip install <repo>` puts on a machine.

The wheel is built as pip builds it (PEP 517, the pinned setuptools) from what a clone holds
of the distribution (pyproject.toml, README.md, components/synapse_dl/), so no build left in
the working tree can fill a gap; then installed without dependencies into a fresh virtual
environment outside the repository.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
import zipfile
from email.parser import Parser
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from synapse_dl.version import VERSION
from tests.conftest import ROOT

# The package's source folder (a src layout: components/ holds it).
PACKAGE = ROOT / "components" / "synapse_dl"
# What an infrastructure-only install must never bring in.
TRAINING_ONLY = {"pyspark", "torch", "tensorflow", "horovod", "petastorm"}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(
        PACKAGE, source / "components" / "synapse_dl", ignore=shutil.ignore_patterns("__pycache__")
    )
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(source)],
        check=True,
    )
    [built] = out.glob("synapse_dl-*.whl")
    return built


def wheel_metadata(wheel: Path) -> dict:
    with zipfile.ZipFile(wheel) as archive:
        [name] = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        return Parser().parsestr(archive.read(name).decode())


def test_the_wheel_holds_every_file_of_components_as_synapse_dl_and_nothing_else(wheel: Path):
    with zipfile.ZipFile(wheel) as archive:
        shipped = {n for n in archive.namelist() if not n.split("/")[0].endswith(".dist-info")}
    expected = {
        "synapse_dl/" + path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    # Modules, and the data the command reads (Pulumi's package metaschema).
    assert "synapse_dl/cli/pulumi-package-metaschema.json" in expected
    assert shipped == expected


def test_the_synapse_dl_command_is_installed_with_it(wheel: Path):
    with zipfile.ZipFile(wheel) as archive:
        [name] = [n for n in archive.namelist() if n.endswith(".dist-info/entry_points.txt")]
        entry_points = archive.read(name).decode()
    assert entry_points.split() == ["[console_scripts]", "synapse-dl", "=", "synapse_dl.cli:main"]


def test_the_version_is_the_packages_own(wheel: Path):
    assert wheel.name == f"synapse_dl-{VERSION}-py3-none-any.whl"
    assert wheel_metadata(wheel)["Version"] == VERSION


def _pinned(requirements: Path) -> list[Requirement]:
    """The pins of a requirements file and of the files it includes with -r."""
    pins = []
    for line in requirements.read_text().splitlines():
        if line.startswith("-r "):
            pins += _pinned(requirements.parent / line.split()[1])
        elif line.strip() and not line.startswith(("#", "-e")):
            pins.append(Requirement(line))
    return pins


def _closure(names: set[str]) -> set[str]:
    """Every distribution these pull in, read from what is installed here."""
    seen: set[str] = set()
    todo = list(names)
    while todo:
        name = canonicalize_name(todo.pop())
        if name in seen:
            continue
        seen.add(name)
        for line in metadata.requires(name) or []:
            requirement = Requirement(line)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(requirement.name)
    return seen


def _requirements(wheel: Path, extra: str = "") -> list[Requirement]:
    """What installing the wheel (with `extra`) asks for, the package's own extras followed."""
    found, extras, todo = [], set(), [extra]
    every = [Requirement(r) for r in wheel_metadata(wheel).get_all("Requires-Dist")]
    while todo:
        extras.add(wanted := todo.pop())
        for requirement in every:
            if requirement.marker is not None and not requirement.marker.evaluate(
                {"extra": wanted}
            ):
                continue
            if canonicalize_name(requirement.name) == "synapse-dl":
                todo += [e for e in requirement.extras if e not in extras]
            elif requirement not in found:
                found.append(requirement)
    return found


def test_its_dependencies_are_the_infrastructures_pinned_ones_and_bring_no_training_stack(
    wheel: Path,
):
    pins = {canonicalize_name(r.name): r for r in _pinned(ROOT / "requirements.txt")}
    # requirements.txt pins, for this repository's stacks, a version each range allows.
    for requirement in _requirements(wheel, "cli"):
        pinned = pins[canonicalize_name(requirement.name)]
        [version] = [spec.version for spec in pinned.specifier]
        assert requirement.specifier.contains(version), (requirement, version)
    # Everything they pull in, as installed here from those pins: no Spark, no PyTorch.
    for extra in ("", "cli"):
        names = {r.name for r in _requirements(wheel, extra)}
        assert _closure(names) & TRAINING_ONLY == set()


def test_a_program_that_uses_the_components_installs_nothing_the_commands_alone_need(
    wheel: Path,
):
    library = _closure({r.name for r in _requirements(wheel)})
    command = _closure({r.name for r in _requirements(wheel, "cli")})
    commands_only = {"pulumi-policy", "jsonschema", "pip"}
    assert library & commands_only == set()
    assert commands_only <= command

    # The engine layer's private Pulumi APIs: an exact SDK where it is installed, a range for
    # a program.
    def sdk(extra: str) -> set[str]:
        return {str(r.specifier) for r in _requirements(wheel, extra) if r.name == "pulumi"}

    assert sdk("") == {"<4,>=3.272.0"}
    assert sdk("engine") == sdk("cli") == {"<4,>=3.272.0", "==3.272.0"}


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment outside the repository with the wheel installed."""
    fresh = tmp_path_factory.mktemp("fresh")
    venv.create(fresh, with_pip=True)
    subprocess.run(
        [fresh / "bin" / "python", "-m", "pip", "install", "-q", "--no-deps", "--no-index", wheel],
        check=True,
    )
    return fresh


# The dependencies come from this environment's site-packages, after the fresh one's for
# imports, or first on PYTHONPATH for a command; their .pth files, the editable install's
# among them, are not read, so synapse_dl is the fresh one's either way.
DEPS = next(p for p in sys.path if p.endswith("site-packages"))


def test_installed_outside_the_repository_it_imports_the_three_components(
    installed: Path, tmp_path: Path
):
    probe = (
        f"import sys; sys.path.append({DEPS!r}); "
        "import synapse_dl; from synapse_dl import SynapseWorkspace, SparkPool, TrainingJob; "
        "print(synapse_dl.__file__); print(synapse_dl.__version__)"
    )
    out = subprocess.run(
        [installed / "bin" / "python", "-c", probe],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert out[0].startswith(str(installed))
    assert out[1] == VERSION


def test_without_its_extra_the_command_says_how_to_get_it(installed: Path, tmp_path: Path):
    # The wheel alone, none of its dependencies: what `pip install <repo>` gives a program
    # lacks the command's (pulumi-policy, jsonschema).
    result = subprocess.run(
        [installed / "bin" / "synapse-dl", "plan"], cwd=tmp_path, capture_output=True, text=True
    )
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        "error: the synapse-dl command needs its extra, which this environment lacks "
        '(pulumi_policy, jsonschema): pip install "synapse-dl[cli]"\n'
    )


def test_the_installed_command_plans_a_project_with_the_documented_exit_status(
    installed: Path, tmp_path: Path
):
    # A Pulumi project outside the repository: the program, its stacks, the pack, the jobs.
    project = tmp_path / "project"
    project.mkdir()
    for name in ("Pulumi.yaml", "__main__.py", "Pulumi.cpu.yaml"):
        shutil.copy(ROOT / name, project / name)
    for folder in ("policies", "training_jobs", "workspace_packages"):
        shutil.copytree(
            ROOT / folder, project / folder, ignore=shutil.ignore_patterns("__pycache__")
        )
    command = installed / "bin" / "synapse-dl"
    env = {**os.environ, "PYTHONPATH": DEPS}

    def plan(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [command, "plan", *args], cwd=project, capture_output=True, text=True, env=env
        )

    planned = plan("--stack", "cpu")
    assert planned.returncode == 0, planned.stderr
    assert "  +  ├─ synapse-dl:index:SparkPool  cpumedium" in planned.stdout
    assert "Policy pack synapse-dl" in planned.stdout
    assert plan("--stack", "nosuchstack").returncode == 2  # a usage error
    violating = ROOT / "tests" / "stacks" / "Pulumi.open-firewall.yaml"
    assert plan("--stack-file", str(violating)).returncode == 3
