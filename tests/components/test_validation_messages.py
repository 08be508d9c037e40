"""Which keys a config path accepts, through lists, maps, optionals and annotated types."""

from __future__ import annotations

from typing import Annotated

import pytest
from pydantic import AfterValidator, BaseModel, Field

from synapse_dl.config.validation_messages import known_keys, shape_of


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
        (None, "NoneType"),
    ],
)
def test_a_yaml_value_is_named_in_the_words_an_error_uses(value, words):
    assert shape_of(value) == words
