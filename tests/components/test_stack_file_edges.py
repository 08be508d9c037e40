"""Every edge of a stack file a user can get wrong gets one clear line before anything is
registered: the file itself, keys nobody reads, values YAML changes, injected Spark
properties, and Azure's own rules for tags, names, regions and firewall rules."""

from __future__ import annotations

from ipaddress import IPv4Address
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from synapse_dl.config.errors import ConfigError
from synapse_dl.config.loading import parse_stack_config
from synapse_dl.config.stack_file import read_stack_document
from synapse_dl.engine.offline_runtime import RecordingMonitor, plan_stack
from synapse_dl.facts.azure_rules import addresses_in_all
from tests.conftest import DEV_STACK


def plan_problems(path: Path) -> list[str]:
    """Plan the stack file under mocks; the problems it is refused with, nothing registered."""
    monitor = RecordingMonitor()
    with pytest.raises(ConfigError) as caught:
        plan_stack(path, monitor=monitor)
    assert monitor.planned == []
    return caught.value.problems


def dev_text_with(tmp_path: Path, old: str, new: str, name: str = "edge") -> Path:
    """The dev stack file's own text with one edit, so YAML itself is what is tested."""
    text = DEV_STACK.read_text()
    assert old in text, old
    path = tmp_path / f"Pulumi.{name}.yaml"
    path.write_text(text.replace(old, new, 1))
    return path


def line_of(text: str) -> int:
    """The dev stack file's line (1-based) where `text` starts."""
    return DEV_STACK.read_text().split(text, 1)[0].count("\n") + 1


def problems_of(config: dict) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        parse_stack_config(config)
    return caught.value.problems


# --- 1. the stack file itself --------------------------------------------------------------


def test_a_yaml_error_is_one_line_naming_file_line_and_column(tmp_path):
    path = dev_text_with(tmp_path, "    - name: gpularge\n", "    - name: [gpularge\n")
    line = line_of("    - name: gpularge\n")

    [problem] = plan_problems(path)

    # The flow sequence opened on that line runs into the next key.
    assert problem == (
        f"{path}:{line + 1}:21: expected ',' or ']', but got ':' (while parsing a flow "
        f"sequence at {line}:13)"
    )


@pytest.mark.parametrize(
    ("value", "tag"),
    [("!!timestamp 2026-01-01", "timestamp"), ("!!binary aGk=", "binary"), ("!!set {a}", "set")],
)
def test_yaml_types_a_stack_file_has_no_use_for_are_refused_where_they_are(tmp_path, value, tag):
    # Config reaches the program as JSON: text, numbers, lists and mappings (a bare date is text).
    path = dev_text_with(tmp_path, "    name: synw-dl-dev-001\n", f"    name: {value}\n")
    line = line_of("    name: synw-dl-dev-001\n")

    [problem] = plan_problems(path)

    assert problem == (
        f"{path}:{line}:11: the tag '{tag}' is not supported here; write plain text, numbers, "
        "lists and mappings"
    )


def test_a_tab_in_the_indentation_names_its_line(tmp_path):
    path = dev_text_with(tmp_path, "      nodeSize: Large\n", "\tnodeSize: Large\n")

    [problem] = plan_problems(path)

    line = line_of("      nodeSize: Large\n")
    assert problem.startswith(f"{path}:{line}:1: found character '\\t' that cannot start any")


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ([1, 2], "the file is a list; it must be a mapping with a config: key"),
        (7, "the file is the number 7; it must be a mapping with a config: key"),
        ({"config": ["a", "b"]}, "config is a list; it must be a mapping of <namespace>:<key>"),
        ({"config": "x"}, "config is text; it must be a mapping"),
        ({"confg": {}}, "'confg' is not a stack file setting (allowed: config, "),
        ({"config": {"workspace": {}}}, "config key 'workspace' has no namespace; write "
         "<namespace>:workspace (this project's settings are synapse-dl:workspace)"),
        ({"config": {"synapse-dl:x": {"secure": "v1:abc"}}}, "synapse-dl:x is encrypted "
         "(secure:); the offline plan cannot judge an encrypted value"),
    ],
)  # fmt: skip
def test_a_file_of_the_wrong_shape_names_what_it_must_be(tmp_path, document, expected):
    path = tmp_path / "Pulumi.shape.yaml"
    path.write_text(yaml.safe_dump(document))

    with pytest.raises(ConfigError) as caught:
        read_stack_document(path)

    assert any(expected in problem for problem in caught.value.problems), caught.value.problems
    assert all(problem.startswith(f"{path}:") for problem in caught.value.problems)


def test_an_empty_stack_file_plans_as_a_config_missing_its_workspace(tmp_path):
    path = tmp_path / "Pulumi.empty.yaml"
    path.write_text("")

    assert plan_problems(path) == ["synapse-dl:workspace = (missing): Field required"]


def test_a_list_where_the_program_reads_jobs_names_the_shape(tmp_path):
    path = dev_text_with(
        tmp_path, "  synapse-dl:jobs:\n    - pytorch_digits\n    - tensorflow_digits\n",
        "  synapse-dl:jobs: pytorch_digits\n",
    )  # fmt: skip

    assert plan_problems(path) == ["synapse-dl:jobs = 'pytorch_digits': must be a list, not text"]


def test_text_where_the_program_reads_the_workspace_names_the_shape(tmp_path, write_stack):
    path = write_stack({"workspace": "synw-dl-dev-001"})

    assert plan_problems(path) == [
        "synapse-dl:workspace = 'synw-dl-dev-001': must be a mapping of keys to values, not text"
    ]


# --- 2. keys nobody reads ------------------------------------------------------------------


def test_a_misspelt_project_key_is_an_error_naming_the_nearest(tmp_path):
    path = dev_text_with(tmp_path, "  synapse-dl:jobs:\n", "  synapse-dl:job:\n")

    assert plan_problems(path) == [
        "synapse-dl:job: not a key this project reads; did you mean synapse-dl:jobs?"
    ]


def test_an_unknown_project_key_with_no_near_one_lists_the_keys(dev_config):
    dev_config["budget"] = 10

    assert problems_of(dev_config) == [
        "synapse-dl:budget: not a key this project reads; the keys are synapse-dl:workspace, "
        "synapse-dl:sparkPools, synapse-dl:jobs"
    ]


def test_a_misspelt_nested_key_names_the_nearest_one(dev_config):
    dev_config["workspace"]["dataLake"]["softDeleteRetentionDay"] = 7

    assert problems_of(dev_config) == [
        "synapse-dl:workspace.dataLake.softDeleteRetentionDay = 7: not a known key; did you "
        "mean 'softDeleteRetentionDays'?"
    ]


def test_a_key_set_twice_in_one_mapping_is_an_error_naming_both_places(tmp_path):
    path = dev_text_with(
        tmp_path, "      nodeCount: 3\n", "      nodeCount: 3\n      nodeCount: 4\n"
    )

    line = line_of("      nodeCount: 3\n")

    [problem] = plan_problems(path)

    assert problem == (
        f"{path}:{line + 1}:7: 'nodeCount' is set twice in one mapping; keep one (first set at "
        f"{line}:7)"
    )


def test_another_namespace_is_left_to_its_owner(tmp_path):
    path = dev_text_with(
        tmp_path, "  azure-native:location: eastus\n",
        "  azure-native:location: eastus\n  azure-native:clientId: abc\n",
    )  # fmt: skip

    assert plan_stack(path).stack == "edge"


# --- 3. values YAML changes ----------------------------------------------------------------


def test_an_unquoted_spark_3_10_read_as_3_1_is_refused_with_how_to_quote_it(tmp_path):
    path = dev_text_with(tmp_path, 'sparkVersion: "3.5"', "sparkVersion: 3.10")

    assert plan_problems(path) == [
        "synapse-dl:sparkPools[1].sparkVersion = 3.1: a version must be quoted text, such as "
        '"3.5": YAML read this one as the number 3.1, and reads an unquoted 3.10 as 3.1'
    ]


def test_a_number_where_text_is_read_says_to_quote_it(dev_config):
    dev_config["sparkPools"][0]["sparkConfig"] = {"spark.task.cpus": 8}

    assert problems_of(dev_config) == [
        "synapse-dl:sparkPools[0].sparkConfig['spark.task.cpus'] = 8: must be text, not the "
        "number 8; quote it in the YAML"
    ]


# --- 4. injection into spark-defaults.conf ---------------------------------------------------


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ({"spark.a\nspark.b": "1"}, "sparkConfig['spark.a\\nspark.b'] = 'spark.a\\nspark.b': the "
         "key: a Spark property name is letters, digits, '.', '_' and '-', starting with a "
         "letter or digit (no spaces or line breaks)"),
        ({"spark a": "1"}, "sparkConfig['spark a'] = 'spark a': the key: a Spark property name"),
        ({"": "1"}, "sparkConfig[''] = '': the key: a Spark property name"),
        ({"spark.a": "1\nspark.evil true"}, "sparkConfig['spark.a'] = '1\\nspark.evil true': a "
         "Spark property value is one line: no line breaks, tabs or controls"),
        ({"spark.a": ""}, "sparkConfig['spark.a'] = '': a Spark property value cannot be empty"),
        ({"spark.a": " 1"}, "sparkConfig['spark.a'] = ' 1': a Spark property value cannot start "
         "or end with spaces"),
    ],
)  # fmt: skip
def test_spark_config_keys_and_values_are_checked_not_pasted(dev_config, config, expected):
    dev_config["sparkPools"][0]["sparkConfig"] = config

    [problem] = problems_of(dev_config)

    assert problem.startswith(f"synapse-dl:sparkPools[0].{expected}")


def test_a_java_options_value_with_spaces_is_one_setting(dev_config):
    dev_config["sparkPools"][0]["sparkConfig"] = {"spark.executor.extraJavaOptions": "-Dx=1 -Dy=2"}

    pool = parse_stack_config(dev_config).spark_pools[0]
    assert pool.spark_config == {"spark.executor.extraJavaOptions": "-Dx=1 -Dy=2"}


def test_a_stack_jobs_conf_is_checked_the_same_way(dev_config):
    dev_config["jobs"] = [{"name": "pytorch_digits", "conf": {"spark.x": "1\n2"}}]

    assert problems_of(dev_config) == [
        "synapse-dl:jobs[0].conf['spark.x'] = '1\\n2': a Spark property value is one line: no "
        "line breaks, tabs or controls"
    ]


# --- 6. Azure's own rules --------------------------------------------------------------------


def test_more_than_50_tags_are_refused(dev_config):
    dev_config["sparkPools"][0]["tags"] = {f"t{i}": "v" for i in range(51)}

    assert problems_of(dev_config) == [
        "synapse-dl:sparkPools[0].tags has 51 tags: Azure allows at most 50"
    ]


def test_a_workspace_tag_name_over_128_characters_is_refused_for_the_storage_account(dev_config):
    name = "k" * 129
    dev_config["workspace"]["tags"] = {name: "v"}

    assert problems_of(dev_config) == [
        f"synapse-dl:workspace.tags[{name[:20]!r}...] tag name has 129 characters: at most 128 "
        "(storage accounts take the group's tags)"
    ]


def test_a_pool_tag_name_may_be_512_characters_but_not_513(dev_config):
    dev_config["sparkPools"][0]["tags"] = {"k" * 512: "v"}
    parse_stack_config(dev_config)
    dev_config["sparkPools"][0]["tags"] = {"k" * 513: "v"}

    [problem] = problems_of(dev_config)
    assert "tag name has 513 characters: at most 512" in problem


def test_a_tag_value_over_256_characters_is_refused(dev_config):
    dev_config["workspace"]["tags"]["owner"] = "x" * 257

    [problem] = problems_of(dev_config)
    assert problem.startswith("synapse-dl:workspace.tags['owner'] = 'xxxxxxxxxxxxxxxxxxxx'...: 257")


@pytest.mark.parametrize("character", list("<>%&\\?/"))
def test_characters_azure_refuses_in_tag_names_are_named(dev_config, character):
    dev_config["workspace"]["tags"] = {f"cost{character}center": "x"}

    assert problems_of(dev_config) == [
        f"synapse-dl:workspace.tags[{f'cost{character}center'!r}] tag name holds "
        f"{character!r}: Azure refuses < > % & \\ ? / in tag names"
    ]


@pytest.mark.parametrize(
    ("name", "allowed"),
    [
        ("rg-synapse.dl_(dev)", True),
        ("rg-ärende", True),  # letters include Unicode ones
        ("r" * 90, True),
        ("r" * 91, False),
        ("rg-dev.", False),  # ends with a period
        ("rg dev", False),
        ("rg/dev", False),
    ],
)
def test_resource_group_names_follow_azure_naming_rules(dev_config, name, allowed):
    dev_config["workspace"]["resourceGroup"]["name"] = name
    if allowed:
        parse_stack_config(dev_config)
        return
    [problem] = problems_of(dev_config)
    assert problem.startswith(f"synapse-dl:workspace.resourceGroup.name = {name!r}: a resource ")


def test_a_workspace_name_containing_ondemand_is_refused(dev_config):
    dev_config["workspace"]["name"] = "synw-ondemand-001"

    assert problems_of(dev_config) == [
        "synapse-dl:workspace.name = 'synw-ondemand-001': Azure refuses workspace names "
        "containing '-ondemand'"
    ]


@pytest.mark.parametrize(
    ("location", "expected"),
    [
        ("eastu", "not an Azure region; did you mean 'eastus'?"),
        ("West Europ", "not an Azure region; did you mean 'westeurope'?"),
        ("moon", "not an Azure region (write a region such as westeurope)"),
    ],
)
def test_an_unknown_location_is_refused_with_the_nearest_region(dev_config, location, expected):
    dev_config["workspace"]["location"] = location
    dev_config["sparkPools"] = dev_config["sparkPools"][1:]  # the GPU pool would also object
    dev_config["jobs"] = []

    assert problems_of(dev_config) == [f"synapse-dl:workspace.location = {location!r}: {expected}"]


def test_a_region_written_as_its_display_name_is_known(dev_config):
    dev_config["workspace"]["location"] = "East US"

    assert parse_stack_config(dev_config).workspace.region == "eastus"


def test_firewall_rule_names_are_unique_without_regard_to_case(dev_config):
    network = dev_config["workspace"]["network"]
    network["firewallRules"].append(
        {"name": "CORP-OFFICE", "startIpAddress": "198.51.100.1", "endIpAddress": "198.51.100.1"}
    )

    assert problems_of(dev_config) == [
        "synapse-dl:workspace.network.firewallRules[1].name = 'CORP-OFFICE': a workspace holds "
        "one rule of a name, and synapse-dl:workspace.network.firewallRules[0].name already "
        "names it"
    ]


def test_a_rule_named_like_the_azure_services_rule_collides_with_allow_azure_services(
    dev_config,
):
    network = dev_config["workspace"]["network"]
    network["allowAzureServices"] = True
    network["firewallRules"][0]["name"] = "AllowAllWindowsAzureIps"

    assert problems_of(dev_config) == [
        "synapse-dl:workspace.network.firewallRules[0].name = 'AllowAllWindowsAzureIps': a "
        "workspace holds one rule of a name, and synapse-dl:workspace.network.allowAzureServices "
        "already names it"
    ]


# --- 8. where a range becomes internet-wide ---------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "refused"),
    [
        ("0.0.0.0", "255.255.255.254", True),  # all but one address
        ("1.0.0.0", "2.0.0.0", True),  # 16,777,217 addresses
        ("10.0.0.0", "10.255.255.255", False),  # a /8: 16,777,216
        ("203.0.113.0", "203.0.113.255", False),
    ],
)
def test_a_rule_is_internet_wide_past_a_slash_8(dev_config, start, end, refused):
    dev_config["workspace"]["network"]["firewallRules"] = [
        {"name": "wide", "startIpAddress": start, "endIpAddress": end}
    ]
    if not refused:
        parse_stack_config(dev_config)
        return
    [problem] = problems_of(dev_config)
    assert "more than a /8 (16,777,216), which opens the workspace to the internet" in problem
    assert "no-internet-wide-firewall to advisory" in problem


def test_rules_that_together_pass_a_slash_8_are_internet_wide(dev_config):
    # Sixteen /8 rules: none wider than a /8, 268,435,456 addresses together.
    rules = [
        {
            "name": f"r{i}",
            "startIpAddress": f"{i + 1}.0.0.0",
            "endIpAddress": f"{i + 1}.255.255.255",
        }
        for i in range(16)
    ]
    dev_config["workspace"]["network"]["firewallRules"] = rules

    [problem] = problems_of(dev_config)

    shown = ", ".join(f"r{i} {i + 1}.0.0.0-{i + 1}.255.255.255" for i in range(16))
    assert problem.startswith(
        f"synapse-dl:workspace.network.firewallRules = [{shown}]: together admit 268,435,456 "
        "addresses (each counted once), more than a /8 (16,777,216), which opens the workspace "
        "to the internet. Narrow the ranges;"
    )
    dev_config["workspace"]["network"]["allowInternetWideFirewall"] = True
    assert len(parse_stack_config(dev_config).workspace.network.firewall_rules) == 16


@given(
    st.lists(
        st.tuples(st.integers(0, 2**32 - 1), st.integers(0, 2**26)).map(
            lambda t: (t[0], min(t[0] + t[1], 2**32 - 1))
        ),
        min_size=1,
        max_size=6,
    )
)
def test_the_addresses_rules_admit_together_count_each_once(spans):
    # An independent count: cut the address space at every range's edges; a piece is
    # admitted when some range holds it.

    edges = sorted({s for s, _ in spans} | {e + 1 for _, e in spans})
    covered = sum(
        high - low
        for low, high in zip(edges, edges[1:], strict=False)
        if any(s <= low and high - 1 <= e for s, e in spans)
    )
    ranges = [(str(IPv4Address(s)), str(IPv4Address(e))) for s, e in spans]
    assert addresses_in_all(ranges) == covered
