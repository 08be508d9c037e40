"""YAML as the project reads its own files (stack files, job.yaml): safe, strict, and with
every error one line that names the file, the line and the column.

Strict where PyYAML is lenient: a key repeated in one mapping is an error (PyYAML keeps the
last value silently; the Pulumi CLI refuses it), and so is a key that is not text. Values are
what JSON holds (text, numbers, true/false, null, lists, mappings), as config is passed on as
JSON: a date stays text, and YAML's binary, set and ordered-map tags are errors.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


class YamlFileError(Exception):
    """A file that is not readable, well-formed YAML; the message says where and why."""


class _StrictLoader(yaml.SafeLoader):
    pass


# `2026-11-25` is text here, not a date.
_StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _mapping(loader: _StrictLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    seen: dict[str, yaml.Mark] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        mark = key_node.start_mark
        if not isinstance(key, str):
            raise yaml.constructor.ConstructorError(
                None, None, f"the key {key!r} must be text (quote it)", mark
            )
        if key in seen:
            raise yaml.constructor.ConstructorError(
                "first set",
                seen[key],
                f"{key!r} is set twice in one mapping; keep one",
                mark,
            )
        seen[key] = mark
    return loader.construct_mapping(node, deep=True)


# YAML's own tags (!!timestamp and the like) are this prefix and a name.
_YAML_TAG_PREFIX = "tag:yaml.org,2002:"


def _refused(loader: _StrictLoader, node: yaml.Node) -> Any:
    raise yaml.constructor.ConstructorError(
        None,
        None,
        f"the tag {node.tag.removeprefix(_YAML_TAG_PREFIX)!r} is not supported here; write "
        "plain text, numbers, lists and mappings",
        node.start_mark,
    )


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
for _tag in ("binary", "timestamp", "set", "omap", "pairs"):
    _StrictLoader.add_constructor(_YAML_TAG_PREFIX + _tag, _refused)


def _where(path: Path, error: yaml.MarkedYAMLError) -> str:
    mark = error.problem_mark or error.context_mark
    place = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
    problem = error.problem or "not valid YAML"
    # The context says what was being read ("while parsing a flow sequence") and where that
    # began, which is often where the mistake is.
    context = ""
    if error.context and error.context != error.problem:
        started = error.context_mark
        at = f" at {started.line + 1}:{started.column + 1}" if started and started != mark else ""
        context = f" ({error.context}{at})"
    return f"{place}: {problem}{context}"


def load_yaml(path: Path) -> Any:
    """The file's one YAML document, strictly; raises YamlFileError naming file, line, column."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise YamlFileError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise YamlFileError(f"{path}: cannot be read as UTF-8 text: {error}") from None
    try:
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 (a SafeLoader subclass)
    except yaml.MarkedYAMLError as error:
        raise YamlFileError(_where(path, error)) from None
    except yaml.reader.ReaderError as error:
        # A character YAML does not allow (a NUL, a control): its place from the offset.
        line = text.count("\n", 0, error.position) + 1
        column = error.position - text.rfind("\n", 0, error.position)
        raise YamlFileError(
            f"{path}:{line}:{column}: the character {chr(error.character)!r} is not allowed in YAML"
        ) from None
    except yaml.YAMLError as error:
        raise YamlFileError(f"{path}: not valid YAML: {' '.join(str(error).split())}") from None
