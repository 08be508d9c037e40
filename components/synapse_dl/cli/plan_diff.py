"""What a plan does to what exists: each resource matched by URN against a baseline and
classified `create`, `update`, `replace`, `delete` or `same`, with the input paths that changed.

The baseline (cli/baseline.py) is an earlier plan, the deployed state or a git ref's plan.
Replace or update is decided as the engine will decide it: for azure-native types by
facts/replace_on_change.py, which follows the rules pulumi-azure-native applies; for this
package's dynamic resources by their provider's own `diff`, the code the engine runs. A type
neither knows is judged by its inputs alone (`update`), and says so.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from synapse_dl.facts.replace_on_change import known, replacement_reasons, same_to_azure
from synapse_dl.providers.registry import DYNAMIC_PROVIDERS

ACTIONS = ("create", "update", "replace", "delete", "same")
_ABSENT = object()


@dataclass(frozen=True)
class PropertyChange:
    path: str
    old: Any
    new: Any

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "old": self.old, "new": self.new}


@dataclass(frozen=True)
class ResourceChange:
    urn: str
    type: str
    name: str
    action: str
    changes: tuple[PropertyChange, ...] = ()
    # Why a replacement: one line per input that forces it.
    reasons: tuple[str, ...] = ()
    # Whether update or replace was decided by the provider's rules (facts/replace_on_change);
    # False: a type they do not cover, judged by its inputs alone.
    rules_known: bool = True

    def to_json(self) -> dict[str, Any]:
        return {
            "urn": self.urn,
            "type": self.type,
            "name": self.name,
            "action": self.action,
            "paths": [c.path for c in self.changes],
            "changes": [c.to_json() for c in self.changes],
            "reasons": list(self.reasons),
            "rulesKnown": self.rules_known,
        }


@dataclass(frozen=True)
class PlanDiff:
    base: str
    resources: list[ResourceChange] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(r.action == action for r in self.resources)

    def summary(self) -> str:
        counts = [f"{self.count(a)} to {a}" for a in ACTIONS[:4]]
        return f"{', '.join(counts)}, {self.count('same')} unchanged"

    def to_json(self) -> dict[str, Any]:
        return {
            "base": self.base,
            "summary": {action: self.count(action) for action in ACTIONS},
            "resources": [r.to_json() for r in self.resources if r.action != "same"],
        }


def _leaves(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """(path, value) of every leaf; an empty mapping or list is a leaf of its own."""
    if isinstance(value, dict) and value:
        for key in sorted(value):
            yield from _leaves(value[key], f"{path}.{key}" if path else str(key))
    elif isinstance(value, list) and value:
        for i, item in enumerate(value):
            yield from _leaves(item, f"{path}[{i}]")
    else:
        yield path, value


def property_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[PropertyChange]:
    """Each input path whose value differs (absent on one side: None there)."""
    before, after = dict(_leaves(dict(old))), dict(_leaves(dict(new)))
    changes = []
    for path in sorted(before.keys() | after.keys()):
        was, now = before.get(path, _ABSENT), after.get(path, _ABSENT)
        if was != now or type(was) is not type(now) and not _same_number(was, now):
            changes.append(
                PropertyChange(
                    path, None if was is _ABSENT else was, None if now is _ABSENT else now
                )
            )
    return changes


def _same_number(a: Any, b: Any) -> bool:
    # The engine carries every number as a float: 3 and 3.0 are one value.
    numbers = (int, float)
    return (
        isinstance(a, numbers)
        and isinstance(b, numbers)
        and not isinstance(a, bool)
        and not isinstance(b, bool)
        and a == b
    )


def _verdict(
    kind: str, changes: list[PropertyChange], olds: Mapping[str, Any], news: Mapping[str, Any]
) -> tuple[str, list[str]]:
    """("same" | "update" | "replace", why each replacement), as the engine will decide.

    A dynamic resource is judged by its provider's own `diff` (what it does not compare, such
    as a derived endpoint, changes nothing); an azure-native one by the provider's rules.
    """
    provider = DYNAMIC_PROVIDERS.get(kind)
    if provider is not None:
        verdict = provider().diff("", dict(olds), dict(news))
        if not verdict.changes:
            return "same", []
        reasons = [
            f"`{key}` changed, and {provider.__name__}.diff replaces on it"
            for key in verdict.replaces or ()
        ]
    else:
        reasons = replacement_reasons(kind, [c.path for c in changes])
    return ("replace" if reasons else "update"), reasons


def _unjudged(value: Any, stand_ins: Collection[str]) -> bool:
    return isinstance(value, str) and any(s in value for s in stand_ins)


def diff_plans(
    base_name: str,
    base: Sequence[Mapping[str, Any]],
    current: Sequence[Mapping[str, Any]],
    stand_ins: Collection[str] = (),
) -> PlanDiff:
    """Each resource of either plan, matched by URN, in the current plan's order (then the
    baseline's deletions). A new value holding one of `stand_ins` (an id the offline plan made
    up, compared with the deployed state) is not judged: the deployed value stands."""
    old_by_urn = {r["urn"]: r for r in base}
    new_urns = {r["urn"] for r in current}
    found = []
    for resource in current:
        old = old_by_urn.get(resource["urn"])
        kind, name = resource["type"], resource.get("name", "")
        if old is None:
            found.append(ResourceChange(resource["urn"], kind, name, "create"))
            continue
        olds, news = old.get("inputs") or {}, resource.get("inputs") or {}
        changes = [
            change
            for change in property_changes(olds, news)
            # azure-native's own leniency; a dynamic provider compares exactly
            if kind in DYNAMIC_PROVIDERS or not same_to_azure(change.path, change.old, change.new)
            if not _unjudged(change.new, stand_ins)
        ]
        action, reasons = _verdict(kind, changes, olds, news) if changes else ("same", [])
        found.append(
            ResourceChange(
                resource["urn"],
                kind,
                name,
                action,
                tuple(changes) if action != "same" else (),
                tuple(reasons),
                kind in DYNAMIC_PROVIDERS or known(kind),
            )
        )
    for old in base:
        if old["urn"] not in new_urns:
            found.append(ResourceChange(old["urn"], old["type"], old.get("name", ""), "delete"))
    return PlanDiff(base_name, found)
