"""What a reviewer must know about a plan against its baseline: findings that block the
deploy (the engine or Azure would stop it halfway) and findings that warn.

Blocking:
- a protected resource replaced or deleted: the engine refuses either and stops the update
  there (Pulumi docs, resource option `protect`), so the deploy fails halfway;
- a pool's runtime changed while it has libraries: Synapse refuses it; Microsoft's advice is
  to recreate the pool.
Warning:
- a pool replaced: it is deleted and made again, running jobs stop, its libraries reinstall;
- a pool's libraries reinstalled (its library step updated): about 20-25 minutes on Synapse
  (Azure/azure-cli issue 28793), during which the pool cannot run jobs;
- a job definition removed while its pool stays.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from synapse_dl.cli.plan_diff import PlanDiff, ResourceChange
from synapse_dl.providers.pool_libraries import PoolLibraries
from synapse_dl.providers.registry import pulumi_type
from synapse_dl.providers.spark_job_definition import SparkJobDefinition

BIG_DATA_POOL = "azure-native:synapse:BigDataPool"
POOL_LIBRARIES = pulumi_type(PoolLibraries)
JOB_DEFINITION = pulumi_type(SparkJobDefinition)


@dataclass(frozen=True)
class Finding:
    blocking: bool
    urn: str
    message: str

    def to_json(self) -> dict[str, Any]:
        return {"blocking": self.blocking, "urn": self.urn, "message": self.message}


def _protected(resource: Mapping[str, Any] | None) -> bool:
    return bool(resource and resource.get("protect"))


def _has_libraries(resource: Mapping[str, Any] | None) -> bool:
    inputs = (resource or {}).get("inputs") or {}
    requirements = (inputs.get("libraryRequirements") or {}).get("content")
    return bool(requirements or inputs.get("customLibraries"))


def _pool_libraries(resources: Sequence[Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    """Each pool's library step, by the pool's name."""
    return {
        str((r.get("inputs") or {}).get("bigDataPoolName")): r
        for r in resources
        if r["type"] == POOL_LIBRARIES
    }


def _finding_for(
    change: ResourceChange,
    old: Mapping[str, Any] | None,
    new: Mapping[str, Any] | None,
    libraries: Mapping[str, Mapping[str, Any]],
) -> list[Finding]:
    label = f"{change.type.rsplit(':', 1)[-1]} '{change.name}'"
    found = []
    if change.action in ("replace", "delete") and _protected(new if new else old):
        why = f" ({'; '.join(change.reasons)})" if change.reasons else ""
        found.append(
            Finding(
                True,
                change.urn,
                f"{label} is protected: the engine refuses to {change.action} it and stops the "
                f"deploy there, halfway{why}. Revert the change, or lift the protection in a "
                "deploy of its own first (for the data lake: dataLake.protect: false)",
            )
        )
    if change.type != BIG_DATA_POOL:
        return found
    if change.action == "replace":
        found.append(
            Finding(
                False,
                change.urn,
                f"{label} is replaced: it is deleted and made again, its running jobs stop and "
                "its libraries install again (about 20-25 minutes)",
            )
        )
    runtime = [c for c in change.changes if c.path == "sparkVersion"]
    if runtime and change.action == "update" and _has_libraries(libraries.get(change.name)):
        found.append(
            Finding(
                True,
                change.urn,
                f"{label} changes its runtime ({runtime[0].old} -> {runtime[0].new}) while it "
                "has libraries: Synapse refuses that; remove the pool and create it again "
                "(Microsoft's advice), or keep its runtime",
            )
        )
    return found


def plan_findings(
    diff: PlanDiff, base: Sequence[Mapping[str, Any]], current: Sequence[Mapping[str, Any]]
) -> list[Finding]:
    """The findings of a diff, blocking ones first."""
    old_by_urn = {r["urn"]: r for r in base}
    new_by_urn = {r["urn"]: r for r in current}
    libraries = _pool_libraries(current)
    pools_kept = {
        str((r.get("inputs") or {}).get("bigDataPoolName"))
        for r in current
        if r["type"] == BIG_DATA_POOL
    }
    found: list[Finding] = []
    for change in diff.resources:
        old, new = old_by_urn.get(change.urn), new_by_urn.get(change.urn)
        found += _finding_for(change, old, new, libraries)
        if change.type == POOL_LIBRARIES and change.action == "update" and _has_libraries(new):
            pool = str(((new or {}).get("inputs") or {}).get("bigDataPoolName"))
            found.append(
                Finding(
                    False,
                    change.urn,
                    f"pool '{pool}' installs its libraries again (about 20-25 minutes), as "
                    f"{', '.join(c.path for c in change.changes)} changed",
                )
            )
        if change.type == JOB_DEFINITION and change.action == "delete":
            target = ((old or {}).get("inputs") or {}).get("targetBigDataPool")
            if target in pools_kept:
                found.append(
                    Finding(
                        False,
                        change.urn,
                        f"job definition '{change.name}' is removed while its pool stays: "
                        "whoever runs it (`synapse-dl run-job`) no longer can",
                    )
                )
    return sorted(found, key=lambda f: not f.blocking)
