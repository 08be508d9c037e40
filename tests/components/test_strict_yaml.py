"""The project's YAML reader: each error one line naming the file, the line and the column,
and what PyYAML was reading when it failed."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from synapse_dl.config.strict_yaml import YamlFileError, _where, load_yaml


def _error(tmp_path: Path, text: str) -> str:
    path = tmp_path / "stack.yaml"
    path.write_text(text)
    with pytest.raises(YamlFileError) as raised:
        load_yaml(path)
    return str(raised.value).removeprefix(f"{path}:")


def test_a_key_set_twice_names_where_and_where_it_was_first_set(tmp_path):
    assert _error(tmp_path, "a: 1\nb:\n  c: 2\na: 3\n") == (
        "4:1: 'a' is set twice in one mapping; keep one (first set at 1:1)"
    )


def test_a_key_that_is_not_text_names_its_place_only(tmp_path):
    assert _error(tmp_path, "a: 1\n2: b\n") == "2:1: the key 2 must be text (quote it)"


def test_an_error_without_a_place_or_a_problem_still_names_the_file():
    error = yaml.MarkedYAMLError(context="while reading a stack", problem=None)

    assert _where(Path("Pulumi.dev.yaml"), error) == (
        "Pulumi.dev.yaml: not valid YAML (while reading a stack)"
    )


@pytest.mark.parametrize(
    ("text", "place"),
    [("ab\x07: 1\n", "1:3"), ("a: 1\nb: x\x07y\n", "2:5")],
)
def test_a_character_yaml_does_not_allow_is_named_at_its_line_and_column(tmp_path, text, place):
    assert _error(tmp_path, text) == f"{place}: the character '\\x07' is not allowed in YAML"
