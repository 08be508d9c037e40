"""One source for each setting: the components' Args and the models that check them agree on
every key, which keys are required, and each default, range and allowed value; each
description is written once, in the Args, and reaches the README's config table.

tools/config_table.py pairs each Args TypedDict with its model (nested ones by their keys).
"""

from __future__ import annotations

from typing import Annotated, Literal

import pytest
from pydantic import BaseModel, Field

from synapse_dl.config.job_definition import PLACEMENT_KEYS
from synapse_dl.config.models import OneOf, StackJobConfig
from synapse_dl.training_job import PLACEMENT_ARGS, TrainingJobArgs
from tools import config_table
from tools.config_table import ArgsKey, args_keys, facts

KEYS = list(args_keys())


def _id(key: ArgsKey) -> str:
    return f"{key.args.__name__}.{key.key}"


def test_every_components_args_are_paired_with_the_models_that_check_them():
    assert {key.args.__name__ for key in KEYS} == {
        "SynapseWorkspaceArgs",
        "DataLake",
        "FirewallRule",
        "Network",
        "Identity",
        "PrivateAccessArgs",
        "Diagnostics",
        "Admins",
        "JobRunner",
        "CustomerManagedKey",
        "SparkPoolSettings",
        "AutoScale",
        "AutoPause",
        "DynamicExecutorAllocation",
        "SparkPoolArgs",
        "WorkspacePackageSpec",
        "TrainingJobArgs",
        "ProcessSize",
    }


@pytest.mark.parametrize("key", [k for k in KEYS if k.model is not None], ids=_id)
def test_each_args_key_is_a_field_of_its_model(key: ArgsKey):
    assert key.field in key.model.model_fields, (
        f"{_id(key)} has no field {key.field!r} in {key.model.__name__}"
    )


@pytest.mark.parametrize("pair", config_table.pairs(), ids=lambda pair: pair.args.__name__)
def test_each_models_fields_are_keys_of_its_args(pair: config_table.Pair):
    # The other way round: a model field no Args key sets is a setting a program cannot give.
    given = {k.field for k in KEYS if k.args is pair.args and k.model is pair.model}
    own = set(pair.model.model_fields)
    if pair.args is TrainingJobArgs:
        # A job's Args set the keys a stack may place; the rest is the job.yaml's own.
        own &= set(PLACEMENT_KEYS) - {"pool"}
    assert own - given == set(), f"{pair.model.__name__}'s fields without a key"


@pytest.mark.parametrize(
    "key", [k for k in KEYS if k.model is not None and k.args is not TrainingJobArgs], ids=_id
)
def test_a_key_is_required_where_its_model_requires_it(key: ArgsKey):
    assert key.required == (key.info.is_required() and not key.filled), _id(key)


@pytest.mark.parametrize("key", KEYS, ids=_id)
def test_each_args_docstring_states_what_its_model_allows(key: ArgsKey):
    assert key.docstring, f"{_id(key)} has no docstring: it is the setting's description"
    clause = facts(key.info) if key.info is not None else ""
    if clause:
        assert key.docstring.endswith(f" ({clause})."), (
            f"{_id(key)}: its docstring must end with '({clause}).', what "
            f"{key.model.__name__}.{key.field} allows; it reads: {key.docstring!r}"
        )
    elif key.docstring.endswith(")."):
        # No stray facts: a default or range written by hand would be a second source.
        last = key.docstring.rsplit("(", 1)[-1]
        assert not any(word in last for word in ("default", "one of", "at least")), _id(key)


class _Sample(BaseModel):
    size: int = Field(default=3, ge=3, le=200)
    count: int = Field(ge=1)
    sku: Literal["A", "B"] = "A"
    family: Annotated[str, OneOf(("F", "G"))] = "G"
    flag: bool = False
    name: str | None = None


def test_the_facts_a_model_gives_are_rendered_in_one_form():
    fields = _Sample.model_fields
    assert facts(fields["size"]) == "3-200; default 3"
    assert facts(fields["count"]) == "at least 1"
    assert facts(fields["sku"]) == "one of A, B; default A"
    assert facts(fields["family"]) == "one of F, G; default G"
    assert facts(fields["flag"]) == "default false"
    assert facts(fields["name"]) == ""


def test_the_job_placement_keys_are_declared_once_and_a_job_takes_each_as_an_argument():
    stack_keys = {field.alias for field in StackJobConfig.model_fields.values()}
    assert stack_keys == {*PLACEMENT_KEYS, "name"}
    assert set(PLACEMENT_ARGS.values()) == set(PLACEMENT_KEYS) - {"pool"}
    # TrainingJobArgs is written out (the package schema reads it from source): each
    # placement key must be one of its keys.
    assert set(PLACEMENT_ARGS) <= set(TrainingJobArgs.__annotations__)


def test_the_readmes_config_table_is_made_from_the_args_and_the_models():
    assert config_table.main(["--check"]) == 0, "run: python -m tools.config_table"
