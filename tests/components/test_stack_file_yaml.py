"""Stack files read as the Pulumi CLI reads them: YAML 1.2 scalars as Go's yaml.v3 resolves
them, top-level values as their text, objects as JSON, `secure:` values as unknown secrets,
and the document bounded in size, nesting and alias expansion."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from synapse_dl.config import strict_yaml
from synapse_dl.config.errors import ConfigError
from synapse_dl.config.strict_yaml import YamlFileError, load_yaml
from synapse_dl.engine.offline_runtime import plan_stack, pulumi_config_values
from tests.components.test_stack_file_edges import dev_text_with, plan_problems
from tests.conftest import DEV_STACK

NAN = "(NaN)"  # stands for a float NaN, which equals nothing
# Each plain scalar where YAML 1.1 (PyYAML's safe_load) and yaml.v3 differ, with what yaml.v3
# gives when decoding into an interface (resolve.go), and what YAML 1.1 gave.
DIFFERENCES = [
    ("yes", "yes", True), ("no", "no", False), ("on", "on", True), ("off", "off", False),
    ("Yes", "Yes", True), ("ON", "ON", True), ("y", "y", "y"),
    ("1:30", "1:30", 90), ("-1:30", "-1:30", -90),
    ("0o17", 15, "0o17"), ("-0o17", -15, "-0o17"), ("0b101", 5, 5), ("0x1F", 31, 31),
    ("017", 15, 15), ("08", 8.0, "08"), ("1_000", 1000, 1000),
    ("1e3", 1000.0, "1e3"), ("1E3", 1000.0, "1E3"), ("+1e3", 1000.0, "+1e3"),
    (".5", 0.5, 0.5), ("1.", 1.0, 1.0), ("1e400", "1e400", "1e400"),
    ("2026-01-02", "2026-01-02", "date"), ("2026-1-2", "2026-1-2", "2026-1-2"),
    ("18446744073709551615", 18446744073709551615, 18446744073709551615),
    ("18446744073709551616", 18446744073709551616.0, 18446744073709551616),
    ("-9223372036854775809", -9223372036854775809.0, -9223372036854775809),
    ("nan", "nan", "nan"), (".NaN", NAN, NAN),
    ("True", True, True), ("TRUE", True, True), ("tRUE", "tRUE", "tRUE"),
    ("NULL", None, None), ("~", None, None), ("null", None, None), ("Nul", "Nul", "Nul"),
]  # fmt: skip


def _read(tmp_path: Path, text: str):
    path = tmp_path / "doc.yaml"
    path.write_text(text)
    return load_yaml(path)


@pytest.mark.parametrize(("plain", "v3", "yaml11"), DIFFERENCES, ids=[d[0] for d in DIFFERENCES])
def test_a_plain_scalar_is_what_yaml_v3_makes_of_it(tmp_path, plain, v3, yaml11):
    value = _read(tmp_path, f"a: {plain}\n")["a"]
    if v3 == NAN:
        assert value != value
        return
    assert (value, type(value)) == (v3, type(v3))


def test_the_table_holds_the_forms_where_yaml_1_1_differs():
    # PyYAML's own reading, to show each row is a real difference or its neighbour.
    different = 0
    for plain, v3, _ in DIFFERENCES:
        old = yaml.safe_load(f"a: {plain}\n")["a"]
        different += v3 != NAN and (type(old) is not type(v3) or old != v3)
    assert different >= 15


@pytest.mark.parametrize(
    ("text", "expected"),
    [("!!int 0o17", 15), ("!!float 5", 5.0), ("!!str 5", "5"), ("'0o17'", "0o17"),
     ('"yes"', "yes"), ("!!bool true", True), ("!!null ~", None)],
)  # fmt: skip
def test_a_tagged_or_quoted_scalar_is_read_as_its_tag_says(tmp_path, text, expected):
    value = _read(tmp_path, f"a: {text}\n")["a"]
    assert (value, type(value)) == (expected, type(expected))


@pytest.mark.parametrize(
    ("text", "message"),
    [("!!int foo", "'foo' cannot be read as !!int"), ("!!bool yes", "'yes' cannot be read as "
     "!!bool"), ("!!int 1.5", "'1.5' cannot be read as !!int")],
)  # fmt: skip
def test_a_tag_its_text_cannot_be_is_refused_naming_the_place(tmp_path, text, message):
    with pytest.raises(YamlFileError) as caught:
        _read(tmp_path, f"a: {text}\n")
    assert str(caught.value) == f"{tmp_path / 'doc.yaml'}:1:4: {message}"


def test_a_merge_key_merges(tmp_path):
    assert _read(tmp_path, "base: &b {x: 1}\nc:\n  <<: *b\n  y: 2\n")["c"] == {"x": 1, "y": 2}


def test_yes_as_a_key_is_text(tmp_path):
    assert _read(tmp_path, "yes: 1\non: 2\n") == {"yes": 1, "on": 2}


# --- what reaches the program ------------------------------------------------------------------


def test_a_time_in_minutes_written_as_1_30_is_text_and_refused(tmp_path):
    # YAML 1.1 read 1:30 as 90 (base 60), and the offline plan took it; the CLI passes "1:30".
    path = dev_text_with(tmp_path, "delayInMinutes: 15", "delayInMinutes: 1:30")
    [problem] = plan_problems(path)
    assert problem.startswith("synapse-dl:sparkPools[0].autoPause.delayInMinutes = '1:30': ")


def test_an_octal_number_of_yaml_1_2_is_a_number(tmp_path):
    # 0o17 is 15 minutes in YAML 1.2 (text in 1.1, refused then).
    path = dev_text_with(tmp_path, "delayInMinutes: 15", "delayInMinutes: 0o17")
    plan = plan_stack(path)
    pool = plan.one("azure-native:synapse:BigDataPool", "gpularge")
    assert pool.inputs["autoPause"]["delayInMinutes"] == 15


def test_a_top_level_value_is_passed_as_its_text(tmp_path):
    path = tmp_path / "Pulumi.t.yaml"
    path.write_text("config:\n  aws:a: 0x1F\n  aws:b: yes\n  aws:c: ~\n  aws:d: 1.50\n")
    assert pulumi_config_values(path).values == {
        "aws:a": "0x1F", "aws:b": "yes", "aws:c": "", "aws:d": "1.50"
    }  # fmt: skip


def test_an_object_is_passed_as_the_json_go_writes(tmp_path):
    path = tmp_path / "Pulumi.t.yaml"
    path.write_text("config:\n  aws:o: {a: 8.0, b: 1e3, c: 1.5, d: 0o10, e: on, f: 2026-01-02}\n")
    passed = json.loads(pulumi_config_values(path).values["aws:o"])
    assert passed == {"a": 8, "b": 1000, "c": 1.5, "d": 8, "e": "on", "f": "2026-01-02"}
    assert type(passed["a"]) is int


@pytest.mark.parametrize("number", [".nan", ".inf", "-.Inf"])
def test_an_object_holding_a_number_json_cannot_carry_is_refused(tmp_path, number):
    path = tmp_path / "Pulumi.t.yaml"
    path.write_text(f"config:\n  aws:o:\n    a: [1, {number}]\n")
    with pytest.raises(ConfigError) as caught:
        pulumi_config_values(path)
    [problem] = caught.value.problems
    assert problem.startswith(f"{path}: aws:o.a[1] = ")
    assert "the CLI passes config on as JSON, which has no infinity or NaN" in problem


# --- secure: values ------------------------------------------------------------------------


SECRET = "v1:bm9uY2U=:Y2lwaGVydGV4dA=="


def test_an_encrypted_value_of_another_namespace_plans_as_an_unknown_secret(tmp_path):
    text = DEV_STACK.read_text().replace(
        "config:\n",
        f"config:\n  azure-native:clientSecret:\n    secure: {SECRET}\n"
        f"  azure-native:extra:\n    nested: [{{secure: {SECRET}}}]\n",
        1,
    )
    path = tmp_path / "Pulumi.dev.yaml"
    path.write_text(text)

    passed = pulumi_config_values(path)
    assert passed.values["azure-native:clientSecret"] == "[secret]"
    assert json.loads(passed.values["azure-native:extra"]) == {"nested": ["[secret]"]}
    assert passed.secret_keys == ["azure-native:clientSecret", "azure-native:extra"]
    assert SECRET not in json.dumps(passed.values)

    plan = plan_stack(path)
    assert len(plan.resources) > 20
    assert (
        "Pulumi.dev.yaml: azure-native:clientSecret is encrypted; planned as an unknown secret "
        "([secret]), as the offline plan cannot decrypt it" in plan.warnings
    )


def test_a_mapping_with_more_than_secure_is_a_plain_object(tmp_path):
    path = tmp_path / "Pulumi.t.yaml"
    path.write_text("config:\n  aws:o: {secure: x, other: y}\n")
    passed = pulumi_config_values(path)
    assert passed.secret_keys == []
    assert json.loads(passed.values["aws:o"]) == {"secure": "x", "other": "y"}


def test_an_encrypted_value_in_a_setting_the_plan_judges_is_named(tmp_path):
    path = dev_text_with(tmp_path, "delayInMinutes: 15", f"delayInMinutes: {{secure: {SECRET}}}")
    [problem] = plan_problems(path)
    assert problem == (
        f"{path}: synapse-dl:sparkPools[0].autoPause.delayInMinutes is encrypted (secure:); "
        "the offline plan cannot judge an encrypted value, and every synapse-dl setting is "
        "judged: none of them is a secret, so write it in plain text"
    )


# --- bounds --------------------------------------------------------------------------------


def _laughs(levels: int, fanout: int) -> str:
    text = "a0: &a0 lol\n"
    for level in range(1, levels + 1):
        aliases = ", ".join([f"*a{level - 1}"] * fanout)
        text += f"a{level}: &a{level} [{aliases}]\n"
    return text


def test_aliases_expand_as_far_as_yaml_v3_lets_them(tmp_path):
    # go-yaml v3 takes 3 levels of 10 and refuses 4 (its ratio of aliased nodes).
    assert len(_read(tmp_path, _laughs(3, 10))["a3"]) == 10
    for levels, fanout in [(4, 10), (9, 9)]:
        with pytest.raises(YamlFileError) as caught:
            _read(tmp_path, _laughs(levels, fanout))
        assert "aliases expand it too far" in str(caught.value)


def test_an_anchor_that_holds_itself_is_refused(tmp_path):
    with pytest.raises(YamlFileError) as caught:
        _read(tmp_path, "a: &x {b: *x}\n")
    assert str(caught.value).endswith("an anchor's value holds an alias of itself")


def test_nesting_is_bounded_before_anything_recursive_reads_it(tmp_path):
    depth = strict_yaml.MAX_DEPTH
    assert _read(tmp_path, "[" * depth + "]" * depth) is not None
    for text in ["[" * (depth + 1) + "]" * (depth + 1), "[" * 100_000, "- " * 5000]:
        with pytest.raises(YamlFileError) as caught:
            _read(tmp_path, text)
        assert f"nested deeper than {depth} levels" in str(caught.value)


def test_a_file_past_the_size_bound_is_refused_unread(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_text("a: " + "x" * strict_yaml.MAX_BYTES)
    with pytest.raises(YamlFileError) as caught:
        load_yaml(path)
    assert str(caught.value) == (
        f"{path}: {strict_yaml.MAX_BYTES + 3} bytes, more than the {strict_yaml.MAX_BYTES} a "
        "file here may hold"
    )


PLAIN = st.text(
    alphabet=st.sampled_from("0123456789+-._eExXoObB:yYnNtTfF~ aluNs"), min_size=1, max_size=12
)


@given(PLAIN)
def test_any_plain_scalar_reads_or_is_refused_in_one_line(text):
    # Whatever YAML makes of it, the reader answers with a value or a YamlFileError.
    path = Path("/tmp") / "synapse-dl-plain-scalar.yaml"
    try:
        path.write_text(f"a: {text}\n")
        value = load_yaml(path)
    except YamlFileError as error:
        assert "\n" not in str(error)
        return
    assert isinstance(value, dict | str | type(None))
