"""What a pool's pip installs into: the runtime's Python, platform and preinstalled packages."""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING

from packaging.utils import canonicalize_name

if TYPE_CHECKING:
    from synapse_dl.config.models import SparkPoolConfig
    from synapse_dl.facts.runtimes import SparkRuntime


@dataclass(frozen=True)
class Package:
    name: str
    version: str
    # The package's Requires-Dist; None where the index had no metadata for it.
    requires: tuple[str, ...] | None


@dataclass(frozen=True)
class RuntimeEnvironment:
    spark_version: str
    python: str  # x.y.z as the runtime ships it
    glibc: tuple[int, int]
    packages: dict[str, Package]  # by canonical name

    @property
    def python_minor(self) -> str:
        return ".".join(self.python.split(".")[:2])

    @property
    def platforms(self) -> list[str]:
        """Wheel platform tags the pool's pip takes, newest first (PEP 600, PEP 599)."""
        major, newest = self.glibc
        tags = [f"manylinux_{major}_{minor}_x86_64" for minor in range(newest, 16, -1)]
        return [
            *tags,
            "manylinux2014_x86_64",
            "manylinux2010_x86_64",
            "manylinux1_x86_64",
            "linux_x86_64",
        ]

    @property
    def markers(self) -> dict[str, str]:
        """PEP 508 marker values on the pool's nodes."""
        return {
            "python_version": self.python_minor,
            "python_full_version": self.python,
            "implementation_name": "cpython",
            "platform_python_implementation": "CPython",
            "sys_platform": "linux",
            "platform_system": "Linux",
            "platform_machine": "x86_64",
            "os_name": "posix",
            "extra": "",
        }


def _published(runtime: SparkRuntime) -> dict[str, Package]:
    text = (
        resources.files("synapse_dl.facts")
        .joinpath("runtime_environments", runtime.environment_file)
        .read_text()
    )
    packages = json.loads(text)["packages"]
    return {
        name: Package(
            name,
            entry["version"],
            None if entry["requires_dist"] is None else tuple(entry["requires_dist"]),
        )
        for name, entry in packages.items()
    }


def runtime_environment(pool: SparkPoolConfig) -> RuntimeEnvironment:
    """The environment the pool's libraries install into.

    A GPU pool's runtime adds its deep-learning set (torch, tensorflow, horovod, petastorm on
    3.1/3.2) over the published CPU environment; their requirements are not recorded.
    """
    runtime = pool.runtime
    packages = _published(runtime)
    if pool.is_gpu:
        for name, version in runtime.deep_learning.items():
            key = canonicalize_name(name)
            packages[key] = Package(key, version, None)
    return RuntimeEnvironment(pool.spark_version, runtime.python, runtime.glibc, packages)
