"""One source for each setting: the components' Args against the models that check them, and
the README's config table made from both.

A setting is declared by two things a reader finds in source: the model field that checks it
(synapse_dl.config.models and job_definition: its type, default, range and allowed values) and
the Args key of the component that takes it (a TypedDict, whose attribute docstring is the
setting's description, written once: Pulumi's component host reads it into the package schema,
and this module into the README). Each docstring ends with what the model says of the value,
in one form, `(one of A, B; 3-200; default 3).`: tests/components/test_one_source_per_setting.py
fails when a key, a default, a range or an allowed value differs.

    python -m tools.config_table          # rewrite the README's config table
    python -m tools.config_table --check  # exit 1 when the README's table is not current
"""

from __future__ import annotations

import argparse
import ast
import inspect
import os
import sys
import tempfile
import types
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal, NotRequired, Union, get_args, get_origin

import annotated_types
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from synapse_dl.config.component_args import (
    SparkPoolOptions,
    WorkspacePackageArgs,
)
from synapse_dl.config.job_definition import PLACEMENT_KEYS, JobDefinition, Resources
from synapse_dl.config.models import (
    OneOf,
    ResourceGroupConfig,
    SparkPoolConfig,
    StackConfig,
    WorkspaceConfig,
    WorkspaceSettings,
)
from synapse_dl.spark_pool import SparkPoolArgs, SparkPoolSettings, WorkspacePackageSpec
from synapse_dl.training_job import ProcessSize, TrainingJobArgs
from synapse_dl.workspace import SynapseWorkspaceArgs

README = Path(__file__).resolve().parent.parent / "README.md"
START = "<!-- config-table: made by `python -m tools.config_table` from the Args and models -->"
END = "<!-- config-table end -->"


@dataclass(frozen=True)
class Pair:
    """A component's Args (a TypedDict) and the model that checks them."""

    args: type
    model: type[BaseModel]
    # Args key -> the model's field of another name.
    renames: dict[str, str] = field(default_factory=dict)
    # Args keys no field of this model checks: Inputs known at deployment, or another model's
    # (key -> (model, field)), whose facts the docstring states.
    elsewhere: dict[str, tuple[type[BaseModel], str] | None] = field(default_factory=dict)
    # Args keys the component fills in when absent, though the model requires them.
    filled: frozenset[str] = frozenset()


# The components' Args and what checks them (config.component_args maps the one to the other);
# nested TypedDicts pair with nested models by their keys.
PAIRS = (
    Pair(
        SynapseWorkspaceArgs,
        WorkspaceSettings,
        renames={"workspace_name": "name"},
        elsewhere={
            "location": (WorkspaceConfig, "location"),
            "resource_group_name": (ResourceGroupConfig, "name"),
            "create_resource_group": (ResourceGroupConfig, "create"),
        },
    ),
    # A SparkPool's own name is its pool's name unless pool_name says otherwise.
    Pair(
        SparkPoolSettings,
        SparkPoolConfig,
        renames={"pool_name": "name"},
        filled=frozenset({"pool_name"}),
    ),
    Pair(
        SparkPoolArgs,
        SparkPoolOptions,
        elsewhere={
            "workspace_name": None,
            "resource_group_name": None,
            "location": None,
            "settings": None,
            "log_analytics_workspace_id": None,
            "workspace_packages": None,
        },
    ),
    Pair(WorkspacePackageSpec, WorkspacePackageArgs),
    Pair(
        TrainingJobArgs,
        JobDefinition,
        renames={"num_executors": "numExecutors"},
        elsewhere={
            "job_directory": None,
            "spark_pool_name": None,
            "spark_pool": None,
            "workspace_name": None,
            "resource_group_name": None,
            "data_lake_account_name": None,
            "filesystem": None,
        },
    ),
    Pair(ProcessSize, Resources),
)


def attribute_docstrings(cls: type) -> dict[str, str]:
    """A class's attribute docstrings (the string after each annotated attribute), whitespace
    folded: read from its source, as Pulumi's component host reads them."""
    tree = ast.parse(inspect.getsource(cls))
    body = tree.body[0].body  # type: ignore[attr-defined]
    docs = {}
    for node, after in zip(body, body[1:], strict=False):
        if (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and isinstance(after, ast.Expr)
            and isinstance(after.value, ast.Constant)
            and isinstance(after.value.value, str)
        ):
            docs[node.target.id] = " ".join(after.value.value.split())
    return docs


def _unwrap(annotation: Any) -> Any:
    """The type inside NotRequired, Annotated, an Input and an Optional."""
    while True:
        origin = get_origin(annotation)
        if origin in (NotRequired, Annotated):
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            inner = [a for a in get_args(annotation) if a is not type(None)]
            # pulumi.Input[T] is Union[T, Awaitable[T], Output[T]]: its first member is T.
            annotation = inner[0]
        else:
            return annotation


def nested(annotation: Any) -> Any:
    """The TypedDict or model a key holds, directly or in a list; None for a plain value."""
    annotation = _unwrap(annotation)
    if get_origin(annotation) is list:
        annotation = _unwrap(get_args(annotation)[0])
    if isinstance(annotation, type) and (
        issubclass(annotation, BaseModel) or hasattr(annotation, "__required_keys__")
    ):
        return annotation
    return None


def allowed_values(info: FieldInfo) -> tuple[str, ...]:
    for item in info.metadata:
        if isinstance(item, OneOf):
            return item.allowed
    annotation = _unwrap(info.annotation)
    if get_origin(annotation) is Literal:
        return tuple(str(a) for a in get_args(annotation))
    for item in getattr(info.annotation, "__metadata__", ()):
        if isinstance(item, OneOf):
            return item.allowed
    return ()


def _bound(info: FieldInfo, kind: type) -> Any:
    found = [getattr(m, kind.__name__.lower()) for m in info.metadata if isinstance(m, kind)]
    return found[0] if found else None


def facts(info: FieldInfo) -> str:
    """What the model says of a value, in the one form the Args' docstrings end with:
    `one of A, B`, `3-200` or `at least 1`, `default 3`, joined by '; '."""
    parts = []
    if allowed := allowed_values(info):
        parts.append(f"one of {', '.join(allowed)}")
    low, high = _bound(info, annotated_types.Ge), _bound(info, annotated_types.Le)
    if low is not None and high is not None:
        parts.append(f"{low}-{high}")
    elif low is not None:
        parts.append(f"at least {low}")
    elif high is not None:
        parts.append(f"at most {high}")
    default = info.default
    if default is not PydanticUndefined and isinstance(default, bool | int | str):
        parts.append(f"default {str(default).lower() if isinstance(default, bool) else default}")
    return "; ".join(parts)


def described(docstring: str, info: FieldInfo | None) -> str:
    """The description a docstring gives, without the facts it must end with."""
    clause = facts(info) if info is not None else ""
    suffix = f" ({clause})." if clause else ""
    if suffix and docstring.endswith(suffix):
        return docstring[: -len(suffix)] + "."
    return docstring


@dataclass(frozen=True)
class ArgsKey:
    """One Args key and the model field that checks it (None: an Input, checked at deploy)."""

    args: type
    key: str
    docstring: str
    model: type[BaseModel] | None
    field: str | None
    required: bool
    # The component fills it in when absent (so the Args need not require it).
    filled: bool = False

    @property
    def info(self) -> FieldInfo | None:
        return self.model.model_fields[self.field] if self.model and self.field else None


def _walk() -> Iterator[tuple[Pair, ArgsKey]]:
    """Every Args key of every component, nested ones included, with its pair."""
    seen: set[type] = set()

    def walk(pair: Pair) -> Iterator[tuple[Pair, ArgsKey]]:
        if pair.args in seen:
            return
        seen.add(pair.args)
        docs = attribute_docstrings(pair.args)
        for key, annotation in pair.args.__annotations__.items():
            required = key in pair.args.__required_keys__  # type: ignore[attr-defined]
            if key in pair.elsewhere:
                where = pair.elsewhere[key]
                model, name = where if where else (None, None)
            else:
                model, name = pair.model, pair.renames.get(key, key)
            filled = key in pair.filled
            yield pair, ArgsKey(pair.args, key, docs.get(key, ""), model, name, required, filled)
            inner_args = nested(annotation)
            if inner_args is None or model is None or name not in model.model_fields:
                continue
            inner_model = nested(model.model_fields[name].annotation)
            if inner_model is not None and issubclass(inner_model, BaseModel):
                yield from walk(Pair(inner_args, inner_model))

    for pair in PAIRS:
        yield from walk(pair)


def args_keys() -> list[ArgsKey]:
    """Every Args key of every component, with the model field that checks it."""
    return [key for _, key in _walk()]


def pairs() -> list[Pair]:
    """Every Args TypedDict, nested ones included, with the model that checks it."""
    return list({pair.args: pair for pair, _ in _walk()}.values())


# The stack file's keys that name an Args key of another name or place (the others that have
# none, or one that means otherwise, are described by their model field's description).
STACK_KEYS = {
    "workspace.name": (SynapseWorkspaceArgs, "workspace_name"),
    "workspace.location": (SynapseWorkspaceArgs, "location"),
    "workspace.resourceGroup.create": (SynapseWorkspaceArgs, "create_resource_group"),
}
# Where each top-level stack key's settings are taken as Args.
STACK_ROOTS = {"workspace": SynapseWorkspaceArgs, "sparkPools": SparkPoolSettings}


@dataclass(frozen=True)
class Row:
    key: str
    description: str
    facts: str


def _docs_of(args: type, key: str) -> tuple[str, FieldInfo | None]:
    for found in args_keys():
        if found.args is args and found.key == key:
            return found.docstring, found.info
    raise LookupError(f"{args.__name__} has no key {key}")


def stack_rows() -> list[Row]:
    """One row per stack file key, in the models' order, described by the Args key it sets."""
    rows: list[Row] = []

    def walk(model: type[BaseModel], prefix: str, args: type | None) -> None:
        for name, info in model.model_fields.items():
            key = f"{prefix}{info.alias or name}"
            inner = nested(info.annotation)
            list_marker = "[]" if get_origin(_unwrap(info.annotation)) is list else ""
            if isinstance(inner, type) and issubclass(inner, BaseModel):
                inner_args = None
                if args is not None and name in args.__annotations__:
                    inner_args = nested(args.__annotations__[name])
                if key == "workspace.resourceGroup":
                    inner_args = args
                walk(inner, f"{key}{list_marker}.", inner_args)
                continue
            target = STACK_KEYS.get(key) or ((args, name) if args is not None else None)
            if target is not None and target[1] in target[0].__annotations__:
                docstring, _ = _docs_of(*target)
                rows.append(Row(key + list_marker, described(docstring, info), facts(info)))
            else:
                rows.append(Row(key + list_marker, info.description or "", facts(info)))

    for name, info in StackConfig.model_fields.items():
        alias = info.alias or name
        root = nested(info.annotation)
        walk(root, f"{alias}[]." if alias != "workspace" else f"{alias}.", STACK_ROOTS.get(alias))
    return _placement_rows(rows)


def _placement_rows(rows: list[Row]) -> list[Row]:
    """A job entry's placement keys: checked by JobDefinition and described by the Args key
    that sets each on a TrainingJob (the pool, which a job's Args name otherwise, by the job's
    own model)."""
    docs = {
        key.replace("_", "").lower(): doc
        for key, doc in attribute_docstrings(TrainingJobArgs).items()
    }
    out = []
    for row in rows:
        name = row.key.removeprefix("jobs[].").removesuffix("[]")
        if not row.key.startswith("jobs[].") or name not in PLACEMENT_KEYS:
            out.append(row)
            continue
        info = JobDefinition.model_fields[name]
        docstring = docs.get(name.lower()) or info.description or ""
        out.append(Row(row.key, described(docstring, info), facts(info)))
    return out


def table() -> str:
    lines = [START, "", "| key | what | allowed; default |", "|---|---|---|"]
    for row in stack_rows():
        cell = row.description.replace("|", "\\|")
        lines.append(f"| `{row.key}` | {cell} | {row.facts.replace('|', chr(92) + '|')} |")
    return "\n".join([*lines, "", END])


def readme_with_table(text: str) -> str:
    start, end = text.index(START), text.index(END) + len(END)
    return text[:start] + table() + text[end:]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the table is not current")
    args = parser.parse_args(argv)
    text = README.read_text(encoding="utf-8")
    if START not in text or END not in text:
        print(f"README.md lacks the config table's marker lines:\n{START}\n{END}")
        return 1
    wanted = readme_with_table(text)
    if args.check:
        if wanted != text:
            print("README.md's config table is not current: run python -m tools.config_table")
            return 1
        return 0
    if wanted != text:
        # Atomically: a new file renamed over the old one.
        with tempfile.NamedTemporaryFile(
            "w", dir=README.parent, delete=False, encoding="utf-8"
        ) as out:
            out.write(wanted)
        os.replace(out.name, README)
    return 0


if __name__ == "__main__":
    sys.exit(main())
