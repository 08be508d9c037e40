"""Reading a stack's config: the `synapse-dl:` keys of a stack file or of the running stack,
validated into the models (models.py) and checked by the rules (rules.py); every problem at
once, as one ConfigError, before anything is registered.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping
from typing import Any

import pulumi
from pydantic import ValidationError

from synapse_dl.config.errors import ConfigError
from synapse_dl.config.libraries import library_problems
from synapse_dl.config.models import StackConfig
from synapse_dl.config.rules import (
    duplicate_pool_problems,
    location_problems,
    pool_problems,
    workspace_problems,
)
from synapse_dl.config.validation_messages import field_errors
from synapse_dl.version import PACKAGE

# The `synapse-dl:` keys the program reads; any other is a mistake (a typo reads as absent).
KNOWN_KEYS = ("workspace", "sparkPools", "jobs")


def _format_pydantic_error(error: ValidationError) -> list[str]:
    # Top-level fields are config keys of their own: `synapse-dl:workspace`.
    return [f"{PACKAGE}:{e.text}" for e in field_errors(error, StackConfig)]


def _unknown_key_problems(raw: Mapping[str, Any]) -> list[str]:
    problems = []
    for key in raw:
        if key in KNOWN_KEYS:
            continue
        nearest = difflib.get_close_matches(key, KNOWN_KEYS, n=1, cutoff=0.6)
        hint = (
            f"did you mean {PACKAGE}:{nearest[0]}?"
            if nearest
            else f"the keys are {', '.join(f'{PACKAGE}:{k}' for k in KNOWN_KEYS)}"
        )
        problems.append(f"{PACKAGE}:{key}: not a key this project reads; {hint}")
    return problems


def parse_stack_config(raw: Mapping[str, Any]) -> StackConfig:
    """Validate the project's config values (keys without the `synapse-dl:` prefix)."""
    unknown = _unknown_key_problems(raw)
    try:
        stack = StackConfig.model_validate({k: v for k, v in raw.items() if k in KNOWN_KEYS})
    except ValidationError as error:
        raise ConfigError(unknown + _format_pydantic_error(error)) from None
    if unknown:
        raise ConfigError(unknown)
    workspace = stack.workspace
    problems = location_problems(f"{PACKAGE}:workspace.location", workspace.location)
    problems += workspace_problems(f"{PACKAGE}:workspace.", workspace)
    for i, pool in enumerate(stack.spark_pools):
        key = f"{PACKAGE}:sparkPools[{i}]"
        problems += pool_problems(key, pool, workspace.location, f"{PACKAGE}:workspace.location")
        problems += library_problems(key, pool)
    problems += duplicate_pool_problems(stack.spark_pools)
    if problems:
        raise ConfigError(problems)
    return stack


def _config_value(text: Any) -> Any:
    """A value as the engine passes it: objects and lists as JSON text, strings as they are."""
    if not isinstance(text, str):
        return text
    try:
        return json.loads(text)
    except ValueError:
        return text


def load_stack_config() -> StackConfig:
    """Read the running stack's config as the engine passed it: the keys this project reads
    through pulumi.Config, as any program reads its config, and every `synapse-dl:` key the
    language host gave the program (PULUMI_CONFIG, which pulumi.runtime.get_config_env
    reads), so that a misspelt one is an error rather than absent."""
    prefix = f"{PACKAGE}:"
    given = {
        key[len(prefix) :] for key in pulumi.runtime.get_config_env() if key.startswith(prefix)
    }
    config = pulumi.Config(PACKAGE)
    raw = {
        key: _config_value(value)
        for key in sorted(given | set(KNOWN_KEYS))
        if (value := config.get(key)) is not None
    }
    return parse_stack_config(raw)


def project_values(document: Mapping[str, Any]) -> dict[str, Any]:
    """A stack document's `synapse-dl:` config values, keyed without the prefix."""
    prefix = f"{PACKAGE}:"
    return {
        key[len(prefix) :]: _config_value(value)
        for key, value in (document.get("config") or {}).items()
        if key.startswith(prefix)
    }
