"""A component's arguments checked as a stack file is: the same models, rules and messages,
keyed `args.<input>` as the component's schema names its inputs (camelCase).

Inputs that may be Outputs (location, resource group, workspace name) are checked when they
are plain values; an Output is known only at deployment, where the policy pack judges it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, Field, ValidationError
from pydantic.alias_generators import to_camel

from synapse_dl.config.errors import ConfigError
from synapse_dl.config.libraries import library_problems
from synapse_dl.config.models import SparkPoolConfig, WorkspaceSettings
from synapse_dl.config.plain_text import PlainTextModel
from synapse_dl.config.rules import (
    location_problems,
    pool_problems,
    resource_group_problems,
    workspace_problems,
)
from synapse_dl.config.validation_messages import field_errors, shape_of

ARGS = "args"
# SynapseWorkspaceArgs' keys that are not WorkspaceSettings fields.
WORKSPACE_PLACEMENT_KEYS = ("location", "resource_group_name", "create_resource_group")

Model = TypeVar("Model", bound=BaseModel)


def heading(component: str, name: str) -> str:
    return f"invalid arguments to {component} {name!r}"


def plain_text(value: Any) -> str | None:
    """The value when it is known now (plain text), None when it is an Output."""
    return value if isinstance(value, str) else None


def _validated(
    model: type[Model],
    values: Mapping[str, Any],
    key: str,
    renames: Mapping[str, str],
    heading: str,
) -> Model:
    """`key` names the argument holding `values`; `renames`: model field -> the key of the
    argument that carries it, for the error's key; `heading` heads the error."""
    try:
        return model.model_validate(values)
    except ValidationError as error:
        problems = []
        for e in field_errors(error, model):
            top = e.key.split(".")[0].split("[")[0]
            shown = renames.get(top, f"{key}.{to_camel(top)}")
            problems.append(shown + e.text[len(top) :])
        raise ConfigError(problems, heading) from None


def _raise(component: str, name: str, problems: list[str]) -> None:
    if problems:
        raise ConfigError(problems, heading(component, name))


def check_args_shape(
    component: str, name: str, args: Any, required: Iterable[str], key: str = ARGS
) -> None:
    """`args` is a mapping holding each `required` key (a TypedDict's __required_keys__):
    what a component reads first, so a wrong shape is a ConfigError, not a KeyError."""
    if not isinstance(args, Mapping):
        _raise(component, name, [f"{key} = {shape_of(args)}: must be a mapping of keys to values"])
    missing = sorted(k for k in required if k not in args)
    _raise(component, name, [f"{key}.{to_camel(k)} = (missing): Field required" for k in missing])


def workspace_settings(name: str, args: Mapping[str, Any]) -> WorkspaceSettings:
    """SynapseWorkspaceArgs (snake_case keys) validated; raises ConfigError naming each input."""
    check_args_shape("SynapseWorkspace", name, args, ())
    values = {k: v for k, v in args.items() if k not in WORKSPACE_PLACEMENT_KEYS}
    values["name"] = values.pop("workspace_name", None)
    renames = {"name": f"{ARGS}.workspaceName"}
    settings = _validated(
        WorkspaceSettings, values, ARGS, renames, heading("SynapseWorkspace", name)
    )
    problems = []
    if (location := plain_text(args.get("location"))) is not None:
        problems += location_problems(f"{ARGS}.location", location)
    if (group := plain_text(args.get("resource_group_name"))) is not None:
        problems += resource_group_problems(f"{ARGS}.resourceGroupName", group)
    problems += workspace_problems(f"{ARGS}.", settings)
    _raise("SynapseWorkspace", name, problems)
    return settings


def pool_settings(
    name: str,
    settings: Mapping[str, Any],
    location: Any,
    *,
    key: str,
    component: str = "SparkPool",
    pool_name: str | None = None,
    pool_name_key: str = "name",
) -> SparkPoolConfig:
    """A pool's settings (SparkPoolSettings, snake_case keys, at argument `key`) given to
    `component` `name`, validated. The pool's name is `pool_name` in the settings, else the
    `pool_name` argument (at `pool_name_key`), else `name`; `location` is checked when plain."""
    check_args_shape(component, name, settings, (), key=key)
    values = dict(settings)
    values["name"] = values.pop("pool_name", pool_name or name)
    renames = {"name": f"{key}.poolName" if "pool_name" in settings else pool_name_key}
    pool = _validated(SparkPoolConfig, values, key, renames, heading(component, name))
    problems = pool_problems(key, pool, plain_text(location), f"{ARGS}.location")
    problems += library_problems(key, pool)
    _raise(component, name, problems)
    return pool


class SparkPoolOptions(PlainTextModel):
    """SparkPoolArgs' own settings, besides the pool's (`settings`), its packages and the
    Inputs that name where it goes."""

    model_config = {"extra": "ignore"}

    install_from_pypi: bool = True


def pool_options(name: str, args: Mapping[str, Any]) -> SparkPoolOptions:
    """A SparkPool's own settings, validated; raises ConfigError naming the argument."""
    own = {key: args[key] for key in SparkPoolOptions.model_fields if key in args}
    return _validated(SparkPoolOptions, own, ARGS, {}, heading("SparkPool", name))


class WorkspacePackageArgs(PlainTextModel):
    """A wheel uploaded as a workspace package (spark_pool.WorkspacePackageSpec)."""

    model_config = {"extra": "forbid"}

    name: str = Field(min_length=5, max_length=100, pattern=r"^[A-Za-z0-9_.+-]+\.whl$")
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    source: str = Field(min_length=1)

    @property
    def distribution(self) -> str:
        """The wheel's distribution, as its file name spells it (`tf_keras`), lower case."""
        return self.name.split("-")[0].lower()


def workspace_packages(name: str, specs: Any, *, key: str) -> list[WorkspacePackageArgs]:
    """The SparkPool's `workspace_packages`, validated; [] when not given."""
    if specs is None:
        return []
    if not isinstance(specs, list):
        _raise("SparkPool", name, [f"{key} = {specs!r}: must be a list of packages"])
    packages: list[WorkspacePackageArgs] = []
    for i, spec in enumerate(specs):
        package = _validated(
            WorkspacePackageArgs, spec, f"{key}[{i}]", {}, heading("SparkPool", name)
        )
        # One resource per distribution: a second wheel of it is a mistake, not an upgrade.
        if any(p.distribution == package.distribution for p in packages):
            _raise(
                "SparkPool",
                name,
                [f"{key}[{i}].name = {package.name!r}: a second {package.distribution}"],
            )
        packages.append(package)
    return packages
