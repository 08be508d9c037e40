"""A pool's library preflight: can its requirements install on its runtime, and what it costs.

pip resolves (resolver.py); this module turns its answer into a verdict a person can act on:
what would be downloaded, which of the runtime's packages it replaces, which of the runtime's
own packages it would break, and, when pip finds nothing to install, why.
"""

from __future__ import annotations

import hashlib
import json
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import SpecifierSet
from packaging.tags import Tag, compatible_tags, cpython_tags
from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    canonicalize_name,
    parse_sdist_filename,
    parse_wheel_filename,
)
from packaging.version import Version

from synapse_dl.cli import user_cache
from synapse_dl.cli.preflight.environment import RuntimeEnvironment, runtime_environment
from synapse_dl.cli.preflight.index import display_url, download_size, project_files
from synapse_dl.cli.preflight.resolver import Install, resolve
from synapse_dl.config.libraries import render_requirements
from synapse_dl.package_lock import LockedPackage, pools_needing_packages, stack_packages

if TYPE_CHECKING:
    from synapse_dl.config.models import SparkPoolConfig, StackConfig

# The shape of a cached verdict: a change to PoolVerdict.to_json changes it.
VERDICT_FORMAT = 1
# `.+` ends at the line's end: pip names the requirement last on its line.
_NO_DISTRIBUTION = re.compile(r"No matching distribution found for (.+)")


@dataclass(frozen=True)
class Replacement:
    name: str
    runtime_version: str
    new_version: str


@dataclass
class PoolVerdict:
    pool: str
    spark_version: str
    python: str
    requirements: str
    installs: list[Install] = field(default_factory=list)
    download_bytes: int | None = 0
    replacements: list[Replacement] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    # The installs are wheels locked for upload (the workspace blocks PyPI), not a resolution.
    locked: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def heading(self) -> str:
        return f"pool {self.pool} (Spark {self.spark_version}, Python {self.python})"

    def outcome(self) -> str:
        """The verdict in a few words: `OK, downloads 2 packages, 3.1 MiB`, `CANNOT INSTALL`."""
        if not self.ok:
            return "CANNOT INSTALL"
        if not self.requirements:
            return "OK, no libraries"
        if not self.installs:
            return "OK, the runtime already has every requirement"
        size = (
            "size unknown"
            if self.download_bytes is None
            else f"{self.download_bytes / 2**20:.1f} MiB"
        )
        if self.locked:
            return f"OK, uploads {len(self.installs)} locked wheels, {size}"
        return f"OK, downloads {len(self.installs)} packages, {size}"

    def to_json(self) -> dict:
        return {
            "pool": self.pool,
            "sparkVersion": self.spark_version,
            "python": self.python,
            "ok": self.ok,
            "downloads": [
                {"name": i.name, "version": i.version, "url": i.url, "sha256": i.sha256}
                for i in self.installs
            ],
            "downloadBytes": self.download_bytes,
            "replaces": [
                {"name": r.name, "runtimeVersion": r.runtime_version, "version": r.new_version}
                for r in self.replacements
            ],
            "problems": self.problems,
            "locked": self.locked,
        }


def _supported_tags(environment: RuntimeEnvironment) -> set[Tag]:
    version = tuple(int(part) for part in environment.python_minor.split("."))
    return set(cpython_tags(version, platforms=environment.platforms)) | set(
        compatible_tags(version, f"cp{version[0]}{version[1]}", environment.platforms)
    )


def _file_version_and_tags(filename: str) -> tuple[str, frozenset[Tag] | None] | None:
    """(version, wheel tags) of a distribution file; tags None for a source distribution."""
    try:
        if filename.endswith(".whl"):
            _, version, _, tags = parse_wheel_filename(filename)
            return str(version), tags
        _, version = parse_sdist_filename(filename)
        return str(version), None
    except (InvalidWheelFilename, InvalidSdistFilename):
        return None


def explain_no_distribution(
    requirement: Requirement, environment: RuntimeEnvironment, index_url: str
) -> str:
    """Why pip found no distribution of the requirement for this pool."""
    files = project_files(index_url, requirement.name)
    if files is None:
        return f"{requirement}: not found on the index {display_url(index_url)}"
    parsed = [(f, _file_version_and_tags(f.filename)) for f in files]
    versions = sorted({v[0] for _, v in parsed if v}, key=Version)
    matching = [(f, v) for f, v in parsed if v and requirement.specifier.contains(v[0], True)]
    if not matching:
        listed = ", ".join(versions[-8:]) or "none"
        return f"{requirement}: no version matches (the index has {listed})"
    wheels = [(f, v) for f, v in matching if v[1] is not None]
    glibc = ".".join(map(str, environment.glibc))
    target = f"CPython {environment.python_minor} on Linux x86_64 (glibc {glibc})"
    if not wheels:
        return (
            f"{requirement}: no wheel for {target}; the index has only source distributions "
            f"({matching[-1][0].filename}), and the pool installs wheels, it cannot build one"
        )
    supported = _supported_tags(environment)
    fitting = [(f, v) for f, v in wheels if v[1] and v[1] & supported]
    if not fitting:
        tags = sorted({str(tag) for _, v in wheels for tag in v[1] or ()})
        shown = ", ".join(tags[:6]) + (", ..." if len(tags) > 6 else "")
        return f"{requirement}: no wheel for {target}; its wheels are for {shown}"
    for f, _ in fitting:
        if f.requires_python and not SpecifierSet(f.requires_python).contains(
            environment.python, True
        ):
            return (
                f"{requirement}: {f.filename} needs Python {f.requires_python}; "
                f"the pool has {environment.python}"
            )
    return f"{requirement}: pip found no distribution to install"


def runtime_conflicts(environment: RuntimeEnvironment, installs: list[Install]) -> list[str]:
    """The runtime's own packages whose requirements the new versions break (as `pip check`)."""
    changed = {canonicalize_name(i.name): i.version for i in installs}
    problems = []
    for name, package in sorted(environment.packages.items()):
        if name in changed:
            continue  # replaced: the resolver checked the new version's requirements
        for line in package.requires or ():
            try:
                requirement = Requirement(line)
            except InvalidRequirement:
                continue
            target = canonicalize_name(requirement.name)
            if target not in changed:
                continue
            if requirement.marker and not requirement.marker.evaluate(environment.markers):
                continue
            if not requirement.specifier.contains(changed[target], prereleases=True):
                problems.append(
                    f"{target} {changed[target]} breaks the runtime's {package.name} "
                    f"{package.version}, which requires {requirement}"
                )
    return problems


def _downloads_size(installs: list[Install], index_url: str) -> int | None:
    with ThreadPoolExecutor(8) as pool:
        sizes = list(pool.map(lambda i: download_size(i.url, index_url), installs))
    return None if any(size is None for size in sizes) else sum(s for s in sizes if s)


def verdict_key(environment: RuntimeEnvironment, requirements: str, index_url: str) -> str:
    """What decides a verdict besides the index's content: the runtime (Python, platform, its
    packages and their requirements), the requirements, the index and the pip that resolves."""
    decides = [
        VERDICT_FORMAT,
        environment.spark_version,
        environment.python,
        list(environment.glibc),
        sorted((p.name, p.version, list(p.requires or ())) for p in environment.packages.values()),
        requirements,
        index_url,
        metadata.version("pip"),
    ]
    return hashlib.sha256(json.dumps(decides).encode()).hexdigest()


def _verdict_from_json(pool: str, requirements: str, data: dict) -> PoolVerdict:
    return PoolVerdict(
        pool,
        data["sparkVersion"],
        data["python"],
        requirements,
        installs=[
            Install(i["name"], i["version"], i["url"], i["sha256"]) for i in data["downloads"]
        ],
        download_bytes=data["downloadBytes"],
        replacements=[
            Replacement(r["name"], r["runtimeVersion"], r["version"]) for r in data["replaces"]
        ],
        problems=list(data["problems"]),
    )


def preflight_pool(
    pool: SparkPoolConfig, index_url: str, cache_dir: Path | None = None, *, fresh: bool = False
) -> PoolVerdict:
    """The pool's verdict: from the cache when one was reached for the same runtime,
    requirements, index and pip less than a day ago (an index's new release can change it
    only after that), else resolved with pip. `cache_dir` is pip's own; `fresh` skips the
    verdict cache."""
    environment = runtime_environment(pool)
    requirements = render_requirements(pool)
    if not requirements:
        return PoolVerdict(pool.name, pool.spark_version, environment.python, requirements)
    key = verdict_key(environment, requirements, index_url)
    path = user_cache.cache_dir() / "preflight" / f"{key}.json"
    cached = None if fresh else user_cache.read_fresh(path, key)
    if cached is not None:
        try:
            return _verdict_from_json(pool.name, requirements, cached[0])
        except (KeyError, TypeError):
            pass  # an entry of another shape: resolve again
    verdict = _resolved_verdict(pool, environment, requirements, index_url, cache_dir)
    user_cache.save(path, key, verdict.to_json())
    return verdict


def _resolved_verdict(
    pool: SparkPoolConfig,
    environment: RuntimeEnvironment,
    requirements: str,
    index_url: str,
    cache_dir: Path | None,
) -> PoolVerdict:
    verdict = PoolVerdict(pool.name, pool.spark_version, environment.python, requirements)
    resolution = resolve(environment, requirements, index_url, cache_dir)
    if resolution.error is not None:
        missing = _NO_DISTRIBUTION.search(resolution.error)
        if missing:
            # pip writes `tzdata>=2022.7 (from pandas)` for a dependency.
            text, _, needed_by = missing.group(1).strip().partition(" (from ")
            problem = explain_no_distribution(Requirement(text), environment, index_url)
            if needed_by:
                problem += f" (needed by {needed_by.rstrip(')')})"
            verdict.problems.append(problem)
        else:
            verdict.problems.append(resolution.error)
        return verdict
    verdict.installs = resolution.installs
    verdict.replacements = _replacements(environment, resolution.installs)
    verdict.problems += runtime_conflicts(environment, resolution.installs)
    verdict.download_bytes = _downloads_size(resolution.installs, index_url)
    return verdict


def _replacements(environment: RuntimeEnvironment, installs: list[Install]) -> list[Replacement]:
    """The runtime's packages that the installs bring in another version."""
    found = []
    for install in installs:
        runtime_package = environment.packages.get(canonicalize_name(install.name))
        if runtime_package is not None and runtime_package.version != install.version:
            found.append(
                Replacement(runtime_package.name, runtime_package.version, install.version)
            )
    return found


def locked_verdict(pool: SparkPoolConfig, wheels: list[LockedPackage]) -> PoolVerdict:
    """A pool whose workspace blocks PyPI gets the wheels locked for it, which the deploy
    uploads: judged as they are, each wheel's tags against the pool's Python and platform,
    and the runtime's own packages against the versions they bring."""
    environment = runtime_environment(pool)
    verdict = PoolVerdict(
        pool.name, pool.spark_version, environment.python, render_requirements(pool), locked=True
    )
    supported = _supported_tags(environment)
    glibc = ".".join(map(str, environment.glibc))
    for wheel in wheels:
        name, version, _, tags = parse_wheel_filename(wheel.filename)
        verdict.installs.append(Install(str(name), str(version), wheel.url, wheel.sha256))
        if not tags & supported:
            shown = ", ".join(sorted(str(tag) for tag in tags)[:6])
            verdict.problems.append(
                f"{wheel.filename}: a wheel for {shown}, not for the pool's CPython "
                f"{environment.python_minor} on Linux x86_64 (glibc {glibc}); lock it again "
                "(`synapse-dl packages`)"
            )
    verdict.replacements = _replacements(environment, verdict.installs)
    verdict.problems += runtime_conflicts(environment, verdict.installs)
    verdict.download_bytes = sum(wheel.size for wheel in wheels)
    return verdict


def stack_verdicts(
    stack: StackConfig, lock_file: Path, stack_name: str, index_url: str
) -> list[PoolVerdict]:
    """Each pool's verdict on what the deploy installs: a pool whose workspace blocks PyPI
    gets its locked wheels (the lock in `lock_file`), any other resolves against `index_url`.
    Raises ConfigError for a missing or stale lock."""
    locked = stack_packages(stack, lock_file, stack_name)
    return [
        locked_verdict(pool, locked[pool.name])
        if pool.name in locked
        # The lock was resolved by this same preflight when it was made.
        else preflight_pool(pool, index_url)
        for pool in stack.spark_pools
    ]


def needs_index(stack: StackConfig) -> bool:
    """Whether a pool of the stack resolves its libraries against the index (not a lock)."""
    locked = set(pools_needing_packages(stack))
    return any(
        render_requirements(pool) for i, pool in enumerate(stack.spark_pools) if i not in locked
    )
