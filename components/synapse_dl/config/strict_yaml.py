"""YAML as the Pulumi CLI reads it, for the project's own files (stack files, job.yaml): safe,
strict, bounded, and with every error one line that names the file, the line and the column.

Scalars resolve as Go's yaml.v3 resolves them (config/yaml_scalars.py: YAML 1.2, so `yes` and
`1:30` are text, `0o17` is 15). Strict where PyYAML is lenient: a key repeated in one mapping is
an error (PyYAML keeps the last value silently; the Pulumi CLI refuses it), and so is a key that
is not text. Values are what JSON holds (text, numbers, true/false, null, lists, mappings), as
config is passed on as JSON: YAML's binary, set, ordered-map and timestamp tags are errors.
Bounded: a file over MAX_BYTES, nesting deeper than MAX_DEPTH, or aliases that expand the
document beyond what yaml.v3 allows ("document contains excessive aliasing") are refused
before anything is built from it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from synapse_dl.config import yaml_scalars


class YamlFileError(Exception):
    """A file that is not readable, well-formed YAML; the message says where and why."""


class _StrictLoader(yaml.SafeLoader):
    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        # A plain scalar's tag as yaml.v3 gives it; a quoted one is text, a tagged one keeps
        # its tag (the constructors below read it as yaml.v3 would).
        if kind is yaml.ScalarNode and implicit[0]:
            return yaml_scalars.resolve_plain(value)[0]
        return str(super().resolve(kind, value, implicit))


# No YAML 1.1 resolver is left: resolve() above answers for plain scalars.
_StrictLoader.yaml_implicit_resolvers = {}


def _scalar(tag: str) -> Any:
    """The constructor of one of YAML's scalar tags, reading the text as yaml.v3 does, whether
    the tag was resolved or written (`!!int 0o17`)."""

    def construct(loader: _StrictLoader, node: yaml.ScalarNode) -> Any:
        text = node.value
        resolved, value = yaml_scalars.resolve_plain(text)
        if tag == yaml_scalars.FLOAT and resolved == yaml_scalars.INT:
            return float(value)  # type: ignore[arg-type]
        if tag == yaml_scalars.STR:
            return text
        if resolved != tag:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"{text!r} cannot be read as !!{tag.removeprefix(_YAML_TAG_PREFIX)}",
                node.start_mark,
            )
        return value

    return construct


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
for _tag in (yaml_scalars.NULL, yaml_scalars.BOOL, yaml_scalars.INT, yaml_scalars.FLOAT):
    _StrictLoader.add_constructor(_tag, _scalar(_tag))

# Stack files and job files are a few kilobytes; these leave room for any real one.
MAX_BYTES = 1024 * 1024
MAX_DEPTH = 100
# yaml.v3's bound on aliases (decode.go, allowedAliasRatio): past 100 aliased nodes and 1000
# nodes decoded, at most 99% of the nodes may come from aliases up to 400,000 nodes, scaling
# down to 10% at 4,000,000.
_ALIAS_RATIO_LOW, _ALIAS_RATIO_HIGH = 400_000, 4_000_000


def _allowed_alias_ratio(decoded: int) -> float:
    if decoded <= _ALIAS_RATIO_LOW:
        return 0.99
    if decoded >= _ALIAS_RATIO_HIGH:
        return 0.10
    span = _ALIAS_RATIO_HIGH - _ALIAS_RATIO_LOW
    return 0.99 - 0.89 * (decoded - _ALIAS_RATIO_LOW) / span


class _Bounds(yaml.SafeLoader):
    """Reads the events only, to check nesting before anything recursive (the composer) runs."""


def _check_depth(text: str) -> None:
    depth = 0
    for event in yaml.parse(text, Loader=_Bounds):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise yaml.MarkedYAMLError(
                    problem=f"nested deeper than {MAX_DEPTH} levels, more than any setting needs",
                    problem_mark=event.start_mark,
                )
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _check_aliases(root: yaml.Node) -> None:
    """Count the nodes a decode visits, as yaml.v3 does, each alias expanded in place: fail as
    it fails, at the first alias whose expansion makes the document mostly aliases."""
    sizes: dict[int, int] = {}
    building: set[int] = set()

    def size(node: yaml.Node) -> int:
        # Nodes this node decodes to, its aliases expanded (a node met again is an alias).
        key = id(node)
        if key in building:
            raise yaml.MarkedYAMLError(
                problem="an anchor's value holds an alias of itself", problem_mark=node.start_mark
            )
        if key not in sizes:
            building.add(key)
            sizes[key] = 1 + sum(size(child) for child in _children(node))
            building.discard(key)
        return sizes[key]

    decoded = aliased = 0
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        decoded += 1
        if id(node) in seen:
            expanded = size(node)  # an alias: its target decoded again, every node aliased
            decoded += expanded
            aliased += expanded
            if (
                aliased > 100
                and decoded > 1000
                and aliased / decoded > _allowed_alias_ratio(decoded)
            ):
                raise yaml.MarkedYAMLError(
                    problem="the document's aliases expand it too far (yaml.v3: \"document "
                    'contains excessive aliasing")',
                    problem_mark=node.start_mark,
                )
            continue
        seen.add(id(node))
        stack.extend(reversed(_children(node)))


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


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


def _read(path: Path) -> str:
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise YamlFileError(
                f"{path}: {size} bytes, more than the {MAX_BYTES} a file here may hold"
            )
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise YamlFileError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise YamlFileError(f"{path}: cannot be read as UTF-8 text: {error}") from None


def compose_yaml(path: Path) -> yaml.Node | None:
    """The file's one YAML document as nodes, checked and bounded; None for an empty file.
    Raises YamlFileError naming file, line, column."""
    text = _read(path)
    try:
        _check_depth(text)
        loader = _StrictLoader(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
        if node is not None:
            _check_aliases(node)
        return node
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


def construct(path: Path, node: yaml.Node | None) -> Any:
    """The values of a document `compose_yaml` gave."""
    if node is None:
        return None
    loader = _StrictLoader("")
    try:
        return loader.construct_document(node)
    except yaml.MarkedYAMLError as error:
        raise YamlFileError(_where(path, error)) from None
    finally:
        loader.dispose()


def load_yaml(path: Path) -> Any:
    """The file's one YAML document, strictly; raises YamlFileError naming file, line, column."""
    return construct(path, compose_yaml(path))
