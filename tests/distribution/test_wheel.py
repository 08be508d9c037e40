"""The installable distribution: what `pip install <repo>` puts on a machine.

The wheel is built as pip builds it (PEP 517, the pinned setuptools) from what a clone holds
of the distribution (pyproject.toml, README.md, components/), so no build left in the working
tree can fill a gap; then installed without dependencies into a fresh virtual environment
outside the repository.
"""

from __future__ import annotations

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

# What an infrastructure-only install must never bring in.
TRAINING_ONLY = {"pyspark", "torch", "tensorflow", "horovod", "petastorm"}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(
        ROOT / "components", source / "components", ignore=shutil.ignore_patterns("__pycache__")
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


def test_the_wheel_holds_every_module_of_components_as_synapse_dl_and_nothing_else(wheel: Path):
    with zipfile.ZipFile(wheel) as archive:
        shipped = {n for n in archive.namelist() if not n.split("/")[0].endswith(".dist-info")}
    expected = {
        "synapse_dl/" + path.relative_to(ROOT / "components").as_posix()
        for path in (ROOT / "components").rglob("*.py")
    }
    assert shipped == expected


def test_the_version_is_the_packages_own(wheel: Path):
    assert wheel.name == f"synapse_dl-{VERSION}-py3-none-any.whl"
    assert wheel_metadata(wheel)["Version"] == VERSION


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


def test_its_dependencies_are_the_infrastructures_pinned_ones_and_bring_no_training_stack(
    wheel: Path,
):
    required = [Requirement(r) for r in wheel_metadata(wheel).get_all("Requires-Dist")]
    pins = {
        canonicalize_name(r.name): r
        for line in (ROOT / "requirements.txt").read_text().splitlines()
        if line.strip() and not line.startswith(("#", "-e"))
        for r in [Requirement(line)]
    }
    # requirements.txt pins, for this repository's stacks, a version each range allows.
    for requirement in required:
        pinned = pins[canonicalize_name(requirement.name)]
        [version] = [spec.version for spec in pinned.specifier]
        assert requirement.specifier.contains(version), (requirement, version)
    # Everything they pull in, as installed here from those pins: no Spark, no PyTorch.
    assert _closure({r.name for r in required}) & TRAINING_ONLY == set()


def test_installed_outside_the_repository_it_imports_the_three_components(
    wheel: Path, tmp_path: Path
):
    fresh = tmp_path / "fresh"
    venv.create(fresh, with_pip=True)
    python = fresh / "bin" / "python"
    subprocess.run(
        [python, "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)], check=True
    )
    # The dependencies come from this environment's site-packages, appended after the fresh
    # one's (its .pth files, the editable install among them, are not read).
    deps = next(p for p in sys.path if p.endswith("site-packages"))
    probe = (
        f"import sys; sys.path.append({deps!r}); "
        "import synapse_dl; from synapse_dl import SynapseWorkspace, SparkPool, TrainingJob; "
        "print(synapse_dl.__file__); print(synapse_dl.__version__)"
    )
    out = subprocess.run(
        [python, "-c", probe], cwd=tmp_path, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert out[0].startswith(str(fresh))
    assert out[1] == VERSION
