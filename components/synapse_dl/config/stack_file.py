"""A stack file (`Pulumi.<stack>.yaml`) read outside the Pulumi CLI: by the offline plan, the
pull-request check and the job runner, as the CLI reads it.

The CLI (sdk/go/common/resource/config/value.go) reads each config value first as text: a
scalar is its text as written (`0x1F` stays `0x1F`, `~` is ""); a list or mapping is turned
into JSON, which has no NaN or infinity, so `.nan` there fails. A mapping of exactly one
`secure:` text is an encrypted value; the offline tools cannot decrypt it, so it stays an
`Encrypted` value here. The CLI refuses a file that is not YAML, a `config:` that is not a
mapping, and a config key without its `<namespace>:` (docs "Stack settings file reference").
Each problem here is one line naming the file, and no value is read until the whole file is
sound.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from synapse_dl.config.errors import ConfigError
from synapse_dl.config.loading import parse_stack_config, project_values
from synapse_dl.config.models import StackConfig
from synapse_dl.config.strict_yaml import YamlFileError, compose_yaml, construct
from synapse_dl.config.validation_messages import shape_of
from synapse_dl.version import PACKAGE

# What a stack file may hold besides config (same reference).
_FILE_KEYS = ("config", "secretsprovider", "encryptedkey", "encryptionsalt", "environment")


@dataclass(frozen=True)
class Encrypted:
    """A `secure:` value: ciphertext only the stack's secrets provider can read."""

    ciphertext: str


def _encrypted(value: Any) -> Any:
    """`value` with each `{secure: <text>}` mapping in it an Encrypted (value.go isSecureValue)."""
    if isinstance(value, dict):
        if len(value) == 1 and isinstance(value.get("secure"), str):
            return Encrypted(value["secure"])
        return {key: _encrypted(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_encrypted(item) for item in value]
    return value


def _places(value: Any, where: str) -> list[tuple[str, Any]]:
    """(key path, leaf) of every leaf of a config value."""
    if isinstance(value, dict):
        return [p for key, item in value.items() for p in _places(item, f"{where}.{key}")]
    if isinstance(value, list):
        return [p for i, item in enumerate(value) for p in _places(item, f"{where}[{i}]")]
    return [(where, value)]


def _value_problems(path: Path, key: str, value: Any) -> list[str]:
    problems = []
    for where, leaf in _places(value, key):
        if isinstance(leaf, float) and not math.isfinite(leaf):
            problems.append(
                f"{path}: {where} = {leaf}: the CLI passes config on as JSON, which has no "
                "infinity or NaN; quote it if it is text"
            )
        elif isinstance(leaf, Encrypted) and key.startswith(f"{PACKAGE}:"):
            problems.append(
                f"{path}: {where} is encrypted (secure:); the offline plan cannot judge an "
                f"encrypted value, and every {PACKAGE} setting is judged: none of them is a "
                "secret, so write it in plain text"
            )
    return problems


def read_stack_document(path: Path) -> dict[str, Any]:
    """The stack file as a mapping whose `config` is a mapping of `<namespace>:<key>` to
    values as the CLI reads them (Encrypted for `secure:` ones); raises ConfigError naming
    the file and what is wrong."""
    try:
        node = compose_yaml(path)
        document = construct(path, node)
    except YamlFileError as error:
        raise ConfigError([str(error)]) from None
    if document is None:
        return {"config": {}}
    if not isinstance(document, dict):
        raise ConfigError(
            [f"{path}: the file is {shape_of(document)}; it must be a mapping with a config: key"]
        )
    problems = [
        f"{path}: {key!r} is not a stack file setting (allowed: {', '.join(_FILE_KEYS)})"
        for key in document
        if key not in _FILE_KEYS
    ]
    config = document.get("config")
    if config is None:
        config = {}
    if not isinstance(config, dict):
        raise ConfigError(
            [
                *problems,
                f"{path}: config is {shape_of(config)}; it must be a mapping of "
                "<namespace>:<key> to values",
            ]
        )
    config = {key: _encrypted(value) for key, value in config.items()}
    # A scalar is read as text: its text as written (the CLI's first try, into a string).
    for key, value_node in _config_nodes(node):
        if isinstance(value_node, yaml.ScalarNode):
            config[key] = "" if config[key] is None else value_node.value
    for key, value in config.items():
        if ":" not in key:
            problems.append(
                f"{path}: config key {key!r} has no namespace; write <namespace>:{key} "
                f"(this project's settings are {PACKAGE}:{key})"
            )
        else:
            problems += _value_problems(path, key, value)
    if problems:
        raise ConfigError(problems)
    return {**document, "config": config}


def _config_nodes(root: yaml.Node | None) -> list[tuple[str, yaml.Node]]:
    """(key, value node) of each entry of the document's config mapping."""
    if not isinstance(root, yaml.MappingNode):
        return []
    found = [value for key, value in root.value if key.value == "config"]
    if not found or not isinstance(found[-1], yaml.MappingNode):
        return []
    return [(key.value, value) for key, value in found[-1].value]


def read_stack_file(path: Path) -> StackConfig:
    """Validate a `Pulumi.<stack>.yaml` outside a Pulumi program (tools such as the job runner)."""
    return parse_stack_config(project_values(read_stack_document(path)))
