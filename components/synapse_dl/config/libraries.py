"""A pool's library requirements: the runtime's deep-learning set plus the pool's extras.

Rendered as pip `requirements.txt` content for the pool's `libraryRequirements`, with the
deep-learning libraries pinned exactly to what the GPU runtime ships (synapse_dl/facts/runtimes.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

if TYPE_CHECKING:
    from synapse_dl.config.models import SparkPoolConfig

REQUIREMENTS_FILENAME = "requirements.txt"


def deep_learning_pins(pool: SparkPoolConfig) -> dict[str, str]:
    """The exact `name==version` pins the pool gets from its runtime, by canonical name."""
    if not pool.wants_deep_learning_libraries:
        return {}
    return {
        canonicalize_name(name): f"{name}=={version}"
        for name, version in pool.runtime.deep_learning.items()
    }


def library_problems(key: str, pool: SparkPoolConfig) -> list[str]:
    """Config problems in a pool's libraries: unparsable lines, conflicts with the runtime set."""
    problems = []
    pins = deep_learning_pins(pool)
    if pool.deep_learning_libraries and not pool.runtime.deep_learning:
        problems.append(
            f"{key}.deepLearningLibraries = true: Spark {pool.spark_version} has no "
            "deep-learning library set; list the libraries in extraLibraries instead"
        )
    for i, line in enumerate(pool.extra_libraries):
        try:
            requirement = Requirement(line)
        except InvalidRequirement as error:
            # One line: packaging's own message points at the column over several.
            reason = " ".join(str(error).split())
            problems.append(
                f"{key}.extraLibraries[{i}] = {line!r}: not a pip requirement ({reason})"
            )
            continue
        # packaging accepts `numpy===`; pip refuses a specifier without a version.
        if empty := [spec.operator for spec in requirement.specifier if not spec.version]:
            problems.append(
                f"{key}.extraLibraries[{i}] = {line!r}: {empty[0]!r} has no version after it "
                "(write name==version)"
            )
            continue
        pinned = pins.get(canonicalize_name(requirement.name))
        if pinned is None:
            continue
        version = pinned.split("==", 1)[1]
        if not requirement.specifier.contains(version, prereleases=True):
            problems.append(
                f"{key}.extraLibraries[{i}] = {line!r}: conflicts with {pinned!r}, which "
                f"the Spark {pool.spark_version} GPU runtime ships; drop the line or set "
                "deepLearningLibraries: false"
            )
    return problems


def render_requirements(pool: SparkPoolConfig) -> str:
    """requirements.txt content for the pool; empty when it installs nothing.

    Assumes the pool passed `library_problems` (config validation does that).
    """
    pins = deep_learning_pins(pool)
    lines = list(pins.values())
    for line in pool.extra_libraries:
        # An extra that names a pinned library only restates it: the exact pin stands.
        if canonicalize_name(Requirement(line).name) not in pins:
            lines.append(line.strip())
    return "".join(f"{line}\n" for line in lines)
