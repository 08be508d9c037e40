"""A stack file (`Pulumi.<stack>.yaml`) read outside the Pulumi CLI: by the offline plan, the
pull-request check and the job runner, as strictly as the CLI reads it.

The CLI refuses a file that is not YAML, a `config:` that is not a mapping, and a config key
without its `<namespace>:` (docs "Stack settings file reference"; its config keys are
`<namespace>:<name>`). Each problem here is one line naming the file, and no value is read
until the whole file is sound.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from synapse_dl.config.errors import ConfigError
from synapse_dl.config.loading import parse_stack_config, project_values
from synapse_dl.config.models import StackConfig
from synapse_dl.config.strict_yaml import YamlFileError, load_yaml
from synapse_dl.config.validation_messages import shape_of

# What a stack file may hold besides config (same reference).
_FILE_KEYS = ("config", "secretsprovider", "encryptedkey", "encryptionsalt", "environment")


def read_stack_document(path: Path) -> dict[str, Any]:
    """The stack file as a mapping whose `config` is a mapping of `<namespace>:<key>` to
    values; raises ConfigError naming the file and what is wrong."""
    try:
        document = load_yaml(path)
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
    for key, value in config.items():
        if ":" not in key:
            problems.append(
                f"{path}: config key {key!r} has no namespace; write <namespace>:{key} "
                f"(this project's settings are synapse-dl:{key})"
            )
        elif isinstance(value, dict) and "secure" in value:
            problems.append(
                f"{path}: {key} is an encrypted secret; the offline tools cannot decrypt it"
            )
    if problems:
        raise ConfigError(problems)
    return {**document, "config": config}


def read_stack_file(path: Path) -> StackConfig:
    """Validate a `Pulumi.<stack>.yaml` outside a Pulumi program (tools such as the job runner)."""
    return parse_stack_config(project_values(read_stack_document(path)))
