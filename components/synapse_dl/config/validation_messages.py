"""Pydantic's validation errors as the lines a user reads: the key, the value, what is allowed.

Shared by the stack config (components/synapse_dl/config/) and job definitions
(synapse_dl/config/job_definition.py). Clearer than pydantic's own words where a user's file is
the cause: a value of the wrong shape says the shape it must have, and an unknown key names
the nearest known one.
"""

from __future__ import annotations

import difflib
import re
import types
from dataclasses import dataclass
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class FieldError:
    loc: tuple[Any, ...]  # as pydantic gives it
    key: str  # the key path: `sparkPools[0].autoScale`, `conf['spark x']`
    text: str  # "<key> = <value>: <what is wrong and what is allowed>"


def key_path(loc: tuple[Any, ...]) -> str:
    """`('a', 0, 'b c', '[key]')` -> `a[0]['b c']`: dotted where a key reads as a name."""
    text = ""
    for part in loc:
        if part == "[key]":
            continue
        if isinstance(part, int):
            text += f"[{part}]"
        elif _PLAIN_KEY.fullmatch(str(part)):
            text += f".{part}"
        else:
            text += f"[{str(part)!r}]"
    return text.lstrip(".")


def shape_of(value: Any) -> str:
    """What a YAML value is, in the words an error message uses."""
    names = {dict: "a mapping", list: "a list", str: "text", bool: "true/false", type(None): "null"}
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"the number {value!r}"
    return names.get(type(value), type(value).__name__)


def _model_of(annotation: Any) -> type[BaseModel] | None:
    origin = get_origin(annotation)
    if origin is Annotated:
        return _model_of(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        found = [m for arg in get_args(annotation) if (m := _model_of(arg)) is not None]
        return found[0] if found else None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def _child(annotation: Any, part: Any) -> Any:
    """The annotation of `part` inside a value annotated `annotation`; None when unknown."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _child(get_args(annotation)[0], part)
    if origin in (Union, types.UnionType):
        for arg in get_args(annotation):
            if (found := _child(arg, part)) is not None:
                return found
        return None
    if origin is list and isinstance(part, int):
        return get_args(annotation)[0]
    if origin is dict and isinstance(part, str):
        return get_args(annotation)[1]
    model = _model_of(annotation)
    if model is not None and isinstance(part, str):
        for name, field in model.model_fields.items():
            if part in (name, field.alias):
                return field.annotation
    return None


def aliased(root: type[BaseModel], loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """`loc` with each model field as a user writes it (its alias): a model validated from
    snake_case names reports them as such."""
    annotation: Any = root
    parts = []
    for part in loc:
        model = _model_of(annotation)
        if model is not None and isinstance(part, str) and part in model.model_fields:
            parts.append(model.model_fields[part].alias or part)
        else:
            parts.append(part)
        annotation = _child(annotation, part)
    return tuple(parts)


def known_keys(root: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The keys the model at `loc` (a path into `root`) accepts, as a user writes them."""
    annotation: Any = root
    for part in loc:
        annotation = _child(annotation, part)
        if annotation is None:
            return []
    model = _model_of(annotation)
    if model is None:
        return []
    return [field.alias or name for name, field in model.model_fields.items()]


def _unknown_key_message(key: str, known: list[str]) -> str:
    nearest = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    if nearest:
        return f"not a known key; did you mean {nearest[0]!r}?"
    if known:
        return f"not a known key (known here: {', '.join(known)})"
    return "not a known key"


def _shown(value: Any) -> str:
    """A value as the user wrote it: YAML's and JSON's true/false/null, Python's repr else."""
    if isinstance(value, bool) or value is None:
        return {True: "true", False: "false", None: "null"}[value]
    return repr(value)


def field_errors(error: ValidationError, root: type[BaseModel]) -> list[FieldError]:
    """One FieldError per problem pydantic found in validating `root`."""
    found = []
    for e in error.errors():
        loc = aliased(root, tuple(e["loc"]))
        value = e.get("input")
        kind = e["type"]
        shown = "(missing)" if kind == "missing" else _shown(value)
        message = e["msg"].removeprefix("Value error, ")
        if kind == "extra_forbidden":
            message = _unknown_key_message(str(loc[-1]), known_keys(root, loc[:-1]))
        elif kind in ("dict_type", "model_type"):
            message = f"must be a mapping of keys to values, not {shape_of(value)}"
        elif kind == "list_type":
            message = f"must be a list, not {shape_of(value)}"
        elif kind == "string_type":
            message = f"must be text, not {shape_of(value)}; quote it in the YAML"
        if loc and loc[-1] == "[key]":
            message = f"the key: {message}"
        key = key_path(loc)
        found.append(FieldError(loc, key, f"{key or '(top level)'} = {shown}: {message}"))
    return found
