"""Which keys a config path accepts, through lists, maps, optionals and annotated types."""

from __future__ import annotations

from typing import Annotated

import pytest
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from synapse_dl.config.validation_messages import field_errors, key_path, known_keys, shape_of


class Disk(BaseModel):
    gigabytes: int


class Node(BaseModel):
    size: str
    count: int = Field(alias="nodeCount")
    disk: Disk | None = None


def _kept(node: Node) -> Node:
    return node


class Pool(BaseModel):
    # Annotated inside the list: the path goes through the annotation to the model.
    nodes: list[Annotated[Node, AfterValidator(_kept)]]
    by_name: dict[str, Node] = Field(alias="byName")
    spare: Node | None = None


def test_known_keys_are_found_through_annotations_lists_maps_and_optionals():
    assert known_keys(Pool, ()) == ["nodes", "byName", "spare"]
    assert known_keys(Pool, ("nodes", 0)) == ["size", "nodeCount", "disk"]
    assert known_keys(Pool, ("nodes", 0, "disk")) == ["gigabytes"]
    assert known_keys(Pool, ("byName", "gpu", "disk")) == ["gigabytes"]
    assert known_keys(Pool, ("spare", "disk")) == ["gigabytes"]


def test_a_path_the_model_does_not_have_knows_no_keys():
    assert known_keys(Pool, ("nodes", "first")) == []
    assert known_keys(Pool, ("nodes", 0, "size")) == []
    assert known_keys(Pool, ("missing",)) == []


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ({"a": 1}, "a mapping"),
        ([1], "a list"),
        ("x", "text"),
        (True, "true/false"),
        (3, "the number 3"),
        (2.5, "the number 2.5"),
        (None, "null"),
        (b"x", "bytes"),
    ],
)
def test_a_yaml_value_is_named_in_the_words_an_error_uses(value, words):
    assert shape_of(value) == words


@pytest.mark.parametrize(
    ("loc", "path"),
    [
        (("sparkPools", 0, "autoScale", "enabled"), "sparkPools[0].autoScale.enabled"),
        # pydantic's marker for a map's key is not part of the path, wherever it is.
        (("conf", "[key]", "spark x"), "conf['spark x']"),
        (("Xmx",), "Xmx"),
        ((), ""),
    ],
)
def test_a_key_path_reads_as_the_user_writes_it(loc, path):
    assert key_path(loc) == path


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")
    node_size: str = Field("Small", alias="nodeSize")
    tags: dict[str, str] = {}
    disk: Disk | None = None


class Empty(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _texts(model: type[BaseModel], value: object) -> list[str]:
    with pytest.raises(ValidationError) as raised:
        model.model_validate(value)
    return [e.text for e in field_errors(raised.value, model)]


@pytest.mark.parametrize(
    ("model", "value", "texts"),
    [
        (Strict, [1], ["(top level) = [1]: must be a mapping of keys to values, not a list"]),
        (
            Strict,
            {"tags": ["a"]},
            ["tags = ['a']: must be a mapping of keys to values, not a list"],
        ),
        (Strict, {"disk": "big"}, ["disk = 'big': must be a mapping of keys to values, not text"]),
        (
            Strict,
            {"nodesize": "Small"},
            ["nodesize = 'Small': not a known key; did you mean 'nodeSize'?"],
        ),
        (Strict, {"zzz": 1}, ["zzz = 1: not a known key (known here: nodeSize, tags, disk)"]),
        (Empty, {"zzz": 1}, ["zzz = 1: not a known key"]),
    ],
)
def test_each_field_error_names_the_key_the_value_and_what_is_allowed(model, value, texts):
    assert _texts(model, value) == texts
