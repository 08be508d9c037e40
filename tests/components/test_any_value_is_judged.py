"""No value, of any type, makes a check fail with anything but its clear error.

A property over every value of a full stack file, of a job's job.yaml and of the components'
Args: each replaced by a value of another shape (none, a boolean, numbers at and past the
edges, texts, lists, mappings) is either taken or refused with the checker's own error, which
names a key. A bug (a KeyError, a TypeError...) is what this finds.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from synapse_dl.config.errors import ConfigError
from synapse_dl.config.job_definition import JobDefinitionError, parse_job_definition
from synapse_dl.config.job_on_pool import check_job_against_pools
from synapse_dl.config.loading import parse_stack_config
from tests.components.test_job_definitions import DEV_POOLS
from tests.components.test_plain_text_property import (
    ARGS_TEXTS,
    JOB,
    JOB_DIR,
    PACKAGES,
    POOL_SETTINGS,
    STACK,
    WORKSPACE_ARGS,
    _check_args,
)

OTHERS = [
    None, True, False, 0, -1, 2**63, 1.5, float("nan"), float("inf"), "", " ", "x", "٤", "-1",
    "0x10", "1e3", "true", [], [None], ["x"], {}, {"x": 1}, {"": None},
]  # fmt: skip

Path_ = tuple[Any, ...]


def values(value: Any, path: Path_ = ()) -> list[Path_]:
    """The path of every value in a document, the containers' included."""
    found = [path] if path else []
    if isinstance(value, dict | list):
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, item in items:
            found += values(item, (*path, key))
    return found


def replaced(document: Any, path: Path_, new: Any) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(document, list):
        return [replaced(v, rest, new) if i == head else v for i, v in enumerate(document)]
    return {k: (replaced(v, rest, new) if k == head else v) for k, v in document.items()}


STACK_VALUES = values(STACK)
JOB_VALUES = values(JOB)
DOCUMENTS = {"workspace": WORKSPACE_ARGS, "pool": POOL_SETTINGS, "packages": PACKAGES}
ARGS_VALUES = [(kind, path) for kind, doc in DOCUMENTS.items() for path in values(doc)]


def test_the_documents_have_values_everywhere():
    assert len(STACK_VALUES) > 100 and len(JOB_VALUES) > 20 and len(ARGS_VALUES) > 40
    assert {kind for kind, _, _ in ARGS_TEXTS} == set(DOCUMENTS)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(where=st.sampled_from(STACK_VALUES), new=st.sampled_from(OTHERS))
def test_any_value_in_a_stack_file_is_taken_or_refused_by_name(where, new):
    try:
        parse_stack_config(replaced(STACK, where, new))
    except ConfigError as error:
        assert all(p.startswith("synapse-dl:") for p in error.problems), error.problems


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(where=st.sampled_from(JOB_VALUES), new=st.sampled_from(OTHERS))
def test_any_value_in_a_job_file_is_taken_or_refused_by_name(where, new):
    try:
        check_job_against_pools(parse_job_definition(replaced(JOB, where, new), JOB_DIR), DEV_POOLS)
    except JobDefinitionError as error:
        assert error.problems and all(str(p) for p in error.problems)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(where=st.sampled_from(ARGS_VALUES), new=st.sampled_from(OTHERS))
def test_any_value_in_the_args_is_taken_or_refused_by_name(where, new):
    kind, path = where
    try:
        _check_args(kind, replaced(DOCUMENTS[kind], path, new))
    except ConfigError as error:
        assert all(p.startswith("args.") for p in error.problems), error.problems


@pytest.mark.parametrize("kind", sorted(DOCUMENTS))
def test_a_whole_args_document_of_another_shape_is_refused(kind):
    # Packages are optional: none, or an empty list, is none.
    taken = [None, []] if kind == "packages" else []
    for new in OTHERS:
        if new in taken:
            _check_args(kind, new)
            continue
        with pytest.raises(ConfigError):
            _check_args(kind, new)
