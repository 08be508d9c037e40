"""Policy pack config, reconciled the way the Pulumi CLI does for --policy-pack-config.

The CLI (pkg/resource/analyzer/config.go, ReconcilePolicyPackConfig) starts from each policy's
default enforcement level and its config_schema defaults, applies the file on top ("all" sets
every policy's level), and validates each policy's properties with JSON Schema, the schema's
properties plus an injected "enforcementLevel". Three checks are stricter than the CLI, which
lets them pass silently: a policy name the pack does not have, a key its schema does not name,
and a text with a control character (a line break, say), which Python's JSON Schema patterns
read differently from Go's (`$` matches before a final line break). NaN and Infinity are not
JSON, as the CLI's reader (Go's encoding/json) says too.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema

from synapse_dl.config.plain_text import control_problem
from synapse_dl.engine.analyzer.levels import ENFORCEMENT_LEVELS


class PolicyConfigError(ValueError):
    """A policy pack config that the pack cannot take; names the policy and the key."""


@dataclass(frozen=True)
class PolicySchema:
    """What the pack says about one policy in GetAnalyzerInfo: its config schema, and the
    metadata pulumi-policy 1.18 added (severity, compliance framework, remediation, URL)."""

    name: str
    enforcement_level: str
    properties: Mapping[str, Any] = field(default_factory=dict)
    required: tuple[str, ...] = ()
    severity: str = ""
    # (framework name, reference) as the pack gives them, e.g. ("Azure Policy", "<guid>").
    framework: tuple[str, str] | None = None
    tags: tuple[str, ...] = ()
    remediation_steps: str = ""
    url: str = ""


@dataclass
class PolicyConfig:
    enforcement_level: str
    properties: dict[str, Any]


class _NotJson(ValueError):
    pass


def _not_json(constant: str) -> Any:
    raise _NotJson(f"{constant} is not a JSON value (JSON numbers are finite)")


def _control_problems(given: Mapping[str, Any]) -> list[str]:
    """Each text of the config (keys included) that is not one line of printable text."""
    problems = []

    def walk(value: Any, where: str) -> None:
        for text in [value] if isinstance(value, str) else []:
            if problem := control_problem(text):
                problems.append(f"{where}: {json.dumps(text)} {problem}")
        if isinstance(value, Mapping):
            for key, item in value.items():
                walk(key, f"{where}, key {json.dumps(key)}")
                walk(item, f"{where}, key {json.dumps(key)}")
        elif isinstance(value, list):
            for i, item in enumerate(value):
                walk(item, f"{where}[{i}]")

    for name, value in given.items():
        walk(name, f"policy {json.dumps(name)}")
        walk(value, f"policy {json.dumps(name)}")
    return problems


def load_config_file(path: Path | str) -> dict[str, Any]:
    path = Path(path)
    try:
        text = path.read_text()
    except OSError as e:
        raise PolicyConfigError(f"{path}: cannot read the policy config: {e.strerror}") from e
    if not text.strip():
        return {}  # the CLI allows an empty file
    try:
        config = json.loads(text, parse_constant=_not_json)
    except (json.JSONDecodeError, _NotJson) as e:
        raise PolicyConfigError(f"{path}: not JSON: {e}") from e
    if not isinstance(config, dict):
        raise PolicyConfigError(f"{path}: must be a JSON object keyed by policy name")
    return config


def _split_entry(policy: str, value: Any) -> tuple[str | None, dict[str, Any]]:
    """A config entry is a level ("mandatory") or an object with an optional enforcementLevel."""
    if isinstance(value, str):
        level, properties = value, {}
    elif isinstance(value, dict):
        properties = dict(value)
        level = properties.pop("enforcementLevel", None)
    else:
        raise PolicyConfigError(
            f"policy '{policy}': {json.dumps(value)} is not valid; use an enforcement level "
            "string or an object"
        )
    if level is not None and level not in ENFORCEMENT_LEVELS:
        raise PolicyConfigError(
            f"policy '{policy}', key 'enforcementLevel': {json.dumps(level)} is not one of "
            f"{', '.join(ENFORCEMENT_LEVELS)}"
        )
    return level, properties


def _schema_errors(policy: PolicySchema, properties: Mapping[str, Any]) -> list[str]:
    # `properties` is a mapping without enforcementLevel: _split_entry took that out and checked it.
    schema = {"properties": dict(policy.properties), "required": list(policy.required)}
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
    errors = []
    for error in sorted(validator.iter_errors(properties), key=lambda e: list(e.absolute_path)):
        key = ".".join(str(p) for p in error.absolute_path) or "(policy)"
        errors.append(f"policy '{policy.name}', key '{key}': {error.message}")
    for key in sorted(set(properties) - set(policy.properties)):
        allowed = ", ".join(sorted(policy.properties)) or "none (only enforcementLevel)"
        errors.append(
            f"policy '{policy.name}', key '{key}': not a setting of this policy; allowed: {allowed}"
        )
    return errors


def reconcile(
    policies: list[PolicySchema], given: Mapping[str, Any] | None, source: str
) -> dict[str, PolicyConfig]:
    """Every policy's enforcement level and settings: schema defaults, then `given`.

    Raises PolicyConfigError listing every bad policy and key in `given`.
    """
    result = {
        p.name: PolicyConfig(
            p.enforcement_level,
            {k: s["default"] for k, s in p.properties.items() if "default" in s},
        )
        for p in policies
    }
    given = dict(given or {})
    errors: list[str] = _control_problems(given)
    if errors:
        raise PolicyConfigError(f"{source} is invalid:\n  " + "\n  ".join(errors))
    if "all" in given:
        try:
            level, _ = _split_entry("all", given.pop("all"))
        except PolicyConfigError as e:
            errors.append(str(e))
            level = None
        for config in result.values():
            config.enforcement_level = level or config.enforcement_level
    for name, value in given.items():
        if name not in result:
            errors.append(
                f"policy '{name}': the pack has no such policy; its policies: "
                f"{', '.join(sorted(result))}"
            )
            continue
        try:
            level, properties = _split_entry(name, value)
        except PolicyConfigError as e:
            errors.append(str(e))
            continue
        result[name].enforcement_level = level or result[name].enforcement_level
        result[name].properties.update(properties)
    for policy in policies:
        errors.extend(_schema_errors(policy, result[policy.name].properties))
    if errors:
        raise PolicyConfigError(f"{source} is invalid:\n  " + "\n  ".join(errors))
    return result
