"""The workspace-package lock: per pool, the wheels its requirements resolve to.

A workspace with data-exfiltration protection cannot install from PyPI, so a pool's
requirements ship as workspace packages. Which wheels those are is decided once, by
`synapse-dl packages` (pip's resolver, as the preflight runs it), and written to
`workspace_packages/<stack>.lock.json` next to the stack file, to be committed: the plan reads
it without the network, and a deploy downloads only the wheels the workspace does not have.

    {"stack": "cpu", "pools": {"cpumedium": {
        "sparkVersion": "3.5", "requirements": "tensorflow-cpu==2.18.1\\n",
        "packages": [{"filename", "url", "sha256", "size"}, ...]}}}
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from packaging.utils import InvalidWheelFilename, parse_wheel_filename

from synapse_dl.atomic_write import write_text_atomically
from synapse_dl.clients.workspace_packages import MAX_NAME_LENGTH
from synapse_dl.config.errors import ConfigError
from synapse_dl.config.libraries import render_requirements

if TYPE_CHECKING:
    from synapse_dl.config.models import StackConfig

LOCK_FOLDER = "workspace_packages"


@dataclass(frozen=True)
class LockedPackage:
    filename: str
    url: str
    sha256: str
    size: int

    @property
    def workspace_name(self) -> str:
        return workspace_package_name(self.filename, self.sha256)


@dataclass(frozen=True)
class PoolLock:
    spark_version: str
    requirements: str
    packages: tuple[LockedPackage, ...]


def lock_path(project: Path, stack: str) -> Path:
    return project / LOCK_FOLDER / f"{stack}.lock.json"


def workspace_package_name(filename: str, sha256: str) -> str:
    """The wheel's name in the workspace: its own, with the content hash as its build tag
    (`helper-2.1-0a1b2c3d4e5f6-py3-none-any.whl`). Still a wheel name pip installs, and unique
    to the bytes, so a changed wheel is a new package and an unchanged one is found again."""
    parts = filename[: -len(".whl")].split("-")
    distribution, version, tags = parts[0], parts[1], parts[-3:]
    name = f"{distribution}-{version}-0{sha256[:12]}-{'-'.join(tags)}.whl"
    if len(name) > MAX_NAME_LENGTH:
        # A compressed tag set (`manylinux_2_17_x86_64.manylinux2014_x86_64`) by its first tag.
        tags = [tag.split(".")[0] for tag in tags]
        name = f"{distribution}-{version}-0{sha256[:12]}-{'-'.join(tags)}.whl"
    return name


def _package(entry: Any, where: str) -> LockedPackage:
    try:
        package = LockedPackage(
            str(entry["filename"]), str(entry["url"]), str(entry["sha256"]), int(entry["size"])
        )
        parse_wheel_filename(package.filename)
    except (KeyError, TypeError, ValueError, InvalidWheelFilename) as error:
        raise ConfigError([f"{where}: not a locked wheel ({error})"]) from error
    if len(package.workspace_name) > MAX_NAME_LENGTH:
        raise ConfigError(
            [f"{where}: {package.workspace_name!r} is over {MAX_NAME_LENGTH} characters"]
        )
    return package


def read_lock(path: Path) -> dict[str, PoolLock]:
    """The lock's pools by name; {} when there is no lock file."""
    if not path.is_file():
        return {}
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        pools = document["pools"]
        return {
            name: PoolLock(
                str(pool["sparkVersion"]),
                str(pool["requirements"]),
                tuple(
                    _package(entry, f"{path}: pools.{name}.packages[{i}]")
                    for i, entry in enumerate(pool["packages"])
                ),
            )
            for name, pool in pools.items()
        }
    except (json.JSONDecodeError, KeyError, TypeError, AttributeError) as error:
        raise ConfigError([f"{path}: not a workspace-package lock ({error!r})"]) from error


def write_lock(path: Path, stack: str, pools: dict[str, PoolLock]) -> None:
    document = {
        "stack": stack,
        "pools": {
            name: {
                "sparkVersion": pool.spark_version,
                "requirements": pool.requirements,
                "packages": [asdict(package) for package in pool.packages],
            }
            for name, pool in sorted(pools.items())
        },
    }
    write_text_atomically(path, json.dumps(document, indent=2) + "\n")


def pools_needing_packages(stack: StackConfig) -> list[int]:
    """Indexes of the pools whose requirements must ship as workspace packages: all pools with
    requirements, when the workspace blocks PyPI."""
    if not stack.workspace.network.prevent_data_exfiltration:
        return []
    return [i for i, pool in enumerate(stack.spark_pools) if render_requirements(pool)]


def stack_packages(
    stack: StackConfig, lock_file: Path, stack_name: str
) -> dict[str, list[LockedPackage]]:
    """Each pool's locked wheels, checked against the pool as it is configured now."""
    needing = pools_needing_packages(stack)
    if not needing:
        return {}
    lock = read_lock(lock_file)
    problems, packages = [], {}
    for i in needing:
        pool = stack.spark_pools[i]
        locked = lock.get(pool.name)
        requirements = render_requirements(pool)
        if locked is None or (locked.spark_version, locked.requirements) != (
            pool.spark_version,
            requirements,
        ):
            state = (
                "has no entry for it"
                if locked is None
                else "was made for other libraries or another runtime"
            )
            problems.append(
                f"sparkPools[{i}] ({pool.name}): the workspace blocks PyPI "
                "(network.preventDataExfiltration), so the pool's libraries ship as workspace "
                f"packages, locked in {lock_file}, which {state}: run "
                f"`make packages STACK={stack_name}` and commit the lock"
            )
            continue
        packages[pool.name] = list(locked.packages)
    if problems:
        raise ConfigError(problems)
    return packages
