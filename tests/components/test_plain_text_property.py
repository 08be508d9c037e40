"""Every validated text is one line of printable text, matched whole.

A property over every text field of a full stack file, of a job's job.yaml and of the
components' Args: a control character (C0, DEL, C1, U+2028, U+2029) put before or after the
value (or a mapping's key) is refused, naming the key that holds it. Appended line feeds are the
case a pattern ending in a bare `$` lets through.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic.alias_generators import to_camel

from synapse_dl.config.component_args import pool_settings, workspace_packages, workspace_settings
from synapse_dl.config.errors import ConfigError
from synapse_dl.config.job_definition import JobDefinitionError, parse_job_definition
from synapse_dl.config.loading import parse_stack_config, project_values
from synapse_dl.config.plain_text import CONTROL, control_problem
from synapse_dl.stack_jobs import load_stack_jobs
from tests.conftest import JOBS_ROOT, ROOT

CONTROLS = ["\x00", "\x01", "\t", "\n", "\r", "\x1b", "\x7f", "\x80", "\x85", "\x9f"]
CONTROLS += ["\u2028", "\u2029"]
# Mappings whose keys are the user's (tags, Spark properties, zones): a problem in one is named
# at the mapping, or at the key.
USER_KEYED = {"tags", "sparkConfig", "conf", "dnsZoneIds", "dns_zone_ids", "spark_config"}

Path_ = tuple[Any, ...]


def texts(value: Any, path: Path_ = ()) -> Iterator[tuple[Path_, bool]]:
    """(path, is a mapping's key) of every text in a document."""
    if isinstance(value, str):
        yield path, False
    elif isinstance(value, dict):
        for key, item in value.items():
            if path and path[-1] in USER_KEYED:
                yield (*path, key), True
            yield from texts(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from texts(item, (*path, i))


def changed(document: Any, path: Path_, is_key: bool, make: Any) -> Any:
    """`document` with the text at `path` (or that key) replaced by make(text)."""
    document = copy.deepcopy(document)
    *parents, last = path
    target = document
    for part in parents:
        target = target[part]
    if is_key:
        target[make(last)] = target.pop(last)
    else:
        target[last] = make(target[last])
    return document


def key_of(path: Path_, camel: bool = False, whole: frozenset[str] = frozenset()) -> str:
    """The key a problem must name: the field that holds the text (a list of texts, a
    user-keyed mapping, a mapping in `whole`), or the text's own key in a model."""
    while path and isinstance(path[-1], int):
        path = path[:-1]  # an item of a list of texts: named at the list
    shown = ""
    for part in path:
        if isinstance(part, int):
            shown += f"[{part}]"
            continue
        name = to_camel(part) if camel else part
        shown += f".{name}" if shown else name
        if part in USER_KEYED or part in whole:
            break
    return shown


def full_stack() -> dict[str, Any]:
    """The cpu stack with every text setting the models take given a value."""
    config = project_values(yaml.safe_load((ROOT / "Pulumi.cpu.yaml").read_text()))
    workspace = config["workspace"]
    workspace["network"]["firewallRules"] = [
        {"name": "office", "startIpAddress": "203.0.113.0", "endIpAddress": "203.0.113.255"}
    ]
    workspace["network"]["publicNetworkAccess"] = "Enabled"
    workspace["network"]["allowedAadTenantIdsForLinking"] = ["11111111-1111-1111-1111-111111111111"]
    workspace["customerManagedKey"] = {
        "keyVaultId": "/subscriptions/s/resourceGroups/g/providers/Microsoft.KeyVault/vaults/kv1",
        "keyName": "key1",
    }
    workspace["identity"]["sqlAdministratorLogin"] = "sqladmin"
    workspace["dataLake"]["defaultAction"] = "Deny"
    workspace["dataLake"]["allowedIpRanges"] = ["203.0.113.7"]
    config["sparkPools"][0]["sparkConfig"] = {"spark.a": "1"}
    config["sparkPools"][0]["tags"] = {"team": "ml"}
    config["jobs"][0]["launcher"] = "spark"
    return config


STACK = full_stack()
STACK_TEXTS = list(texts(STACK))


def test_the_full_stack_is_valid_and_has_texts_everywhere():
    parse_stack_config(STACK)
    keys = {key_of(path) for path, _ in STACK_TEXTS}
    assert {"workspace.name", "workspace.tags", "sparkPools[0].sparkConfig"} <= keys
    assert len(STACK_TEXTS) > 40


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    where=st.sampled_from(STACK_TEXTS),
    char=st.sampled_from(CONTROLS),
    before=st.booleans(),
)
def test_a_control_character_in_any_stack_text_is_refused_naming_its_key(where, char, before):
    path, is_key = where
    config = changed(STACK, path, is_key, lambda t: char + t if before else t + char)

    with pytest.raises(ConfigError) as caught:
        parse_stack_config(config)

    # A job entry's sizes are mappings the job's own model reads once merged.
    key = f"synapse-dl:{key_of(path, whole=frozenset({'driver', 'executor'}))}"
    assert any(p.startswith(key) for p in caught.value.problems), (key, caught.value.problems)


JOB_DIR = JOBS_ROOT / "pytorch_digits"
JOB = yaml.safe_load((JOB_DIR / "job.yaml").read_text())
JOB["conf"] = {**JOB.get("conf", {}), "spark.a": "1"}
JOB_TEXTS = list(texts(JOB))


def test_the_job_is_valid_and_has_texts_everywhere():
    parse_job_definition(JOB, JOB_DIR)
    assert {"entry", "description", "pool", "data.path", "conf"} <= {
        key_of(p) for p, _ in JOB_TEXTS
    }


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(where=st.sampled_from(JOB_TEXTS), char=st.sampled_from(CONTROLS), before=st.booleans())
def test_a_control_character_in_any_job_text_is_refused_naming_its_key(where, char, before):
    path, is_key = where
    job = changed(JOB, path, is_key, lambda t: char + t if before else t + char)

    with pytest.raises(JobDefinitionError) as caught:
        parse_job_definition(job, JOB_DIR)

    key = key_of(path)
    assert any(str(p).startswith(key) for p in caught.value.problems), (key, caught.value)


WORKSPACE_ARGS = {
    "workspace_name": "synw-args-001",
    "location": "eastus",
    "resource_group_name": "rg-args",
    "data_lake": {"account_name": "stargs001", "filesystem": "synapse"},
    "network": {"firewall_rules": [{"name": "office", "start_ip_address": "203.0.113.0",
                                    "end_ip_address": "203.0.113.9"}]},
    "identity": {"sql_administrator_login": "sqladmin"},
    "admins": {"group_object_id": "5d2c7a41-8e3f-4b6a-9c1d-2f7e8a9b0c3d", "group_name": "g"},
    "job_runners": [{"object_id": "9e4b1f62-3a7d-4c8e-b5f0-6d1a2c3e4f57", "type": "User"}],
    "tags": {"team": "ml"},
}  # fmt: skip
POOL_SETTINGS = {
    "node_size_family": "MemoryOptimized",
    "node_size": "Medium",
    "spark_version": "3.5",
    "pool_name": "cpumedium",
    "node_count": 3,
    "auto_pause": {"enabled": True, "delay_in_minutes": 15},
    "extra_libraries": ["numpy==1.26.4"],
    "spark_config": {"spark.a": "1"},
    "tags": {"team": "ml"},
}
PACKAGES = [{"name": "helper-2.1-py3-none-any.whl", "sha256": "a" * 64, "source": "w/h.whl"}]
ARGS_TEXTS = (
    [("workspace", *w) for w in texts(WORKSPACE_ARGS)]
    + [("pool", *w) for w in texts(POOL_SETTINGS)]
    + [("packages", *w) for w in texts(PACKAGES)]
)


def _check_args(kind: str, value: Any) -> None:
    if kind == "workspace":
        workspace_settings("w", value)
    elif kind == "pool":
        pool_settings("p", value, "eastus", key="args.settings")
    else:
        workspace_packages("p", value, key="args.workspacePackages")


def test_the_args_are_valid():
    for kind, value in (("workspace", WORKSPACE_ARGS), ("pool", POOL_SETTINGS)):
        _check_args(kind, value)
    _check_args("packages", PACKAGES)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(where=st.sampled_from(ARGS_TEXTS), char=st.sampled_from(CONTROLS), before=st.booleans())
def test_a_control_character_in_any_args_text_is_refused_naming_the_argument(where, char, before):
    kind, path, is_key = where
    document = {"workspace": WORKSPACE_ARGS, "pool": POOL_SETTINGS, "packages": PACKAGES}[kind]
    value = changed(document, path, is_key, lambda t: char + t if before else t + char)

    with pytest.raises(ConfigError) as caught:
        _check_args(kind, value)

    prefix = {"workspace": "args", "pool": "args.settings", "packages": "args.workspacePackages"}
    key = key_of(path, camel=True)
    wanted = f"{prefix[kind]}{'' if key.startswith('[') else '.'}{key}"
    assert any(p.startswith(wanted) for p in caught.value.problems), (
        wanted,
        caught.value.problems,
    )


# --- a number is a number: true/false in any number field is refused, naming it ---


def numbers(value: Any, path: Path_ = ()) -> Iterator[Path_]:
    """The path of every number (not true/false) in a document."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from numbers(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from numbers(item, (*path, i))


STACK_NUMBERS = list(numbers(STACK))
JOB_NUMBERS = list(numbers(JOB))
ARGS_NUMBERS = [("workspace", p) for p in numbers(WORKSPACE_ARGS)] + [
    ("pool", p) for p in numbers(POOL_SETTINGS)
]


def test_the_documents_have_numbers_to_judge():
    assert {key_of(p) for p in STACK_NUMBERS} >= {
        "sparkPools[0].autoScale.maxNodeCount",
        "jobs[0].numExecutors",
    }
    assert {key_of(p) for p in JOB_NUMBERS} == {"driver.cores", "executor.cores", "numExecutors"}
    assert len(ARGS_NUMBERS) >= 2


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(where=st.sampled_from(STACK_NUMBERS), flag=st.booleans())
def test_true_or_false_in_any_stack_number_is_refused_naming_its_key(where, flag):
    config = changed(STACK, where, False, lambda _: flag)

    with pytest.raises(ConfigError) as caught:
        # A job entry's sizes are read by the job's own model, once merged with its job.yaml.
        load_stack_jobs(parse_stack_config(config), JOBS_ROOT)

    key = f"synapse-dl:{key_of(where)}"
    wanted = f"{key} = {str(flag).lower()}: true/false is not a number"
    assert any(p.startswith(wanted) for p in caught.value.problems), (wanted, caught.value)


@pytest.mark.parametrize("where", JOB_NUMBERS, ids=key_of)
@pytest.mark.parametrize("flag", [True, False])
def test_true_or_false_in_any_job_number_is_refused_naming_its_key(where, flag):
    # `driver: {cores: true}` was 1 core.
    job = changed(JOB, where, False, lambda _: flag)

    with pytest.raises(JobDefinitionError) as caught:
        parse_job_definition(job, JOB_DIR)

    assert [str(p) for p in caught.value.problems] == [
        f"{key_of(where)} = {str(flag).lower()}: true/false is not a number; give a whole number"
    ]


@pytest.mark.parametrize("where", ARGS_NUMBERS, ids=lambda w: f"{w[0]}-{key_of(w[1])}")
def test_true_in_any_args_number_is_refused_naming_the_argument(where):
    kind, path = where
    document = {"workspace": WORKSPACE_ARGS, "pool": POOL_SETTINGS}[kind]

    with pytest.raises(ConfigError) as caught:
        _check_args(kind, changed(document, path, False, lambda _: True))

    prefix = {"workspace": "args", "pool": "args.settings"}[kind]
    wanted = f"{prefix}.{key_of(path, camel=True)} = true: true/false is not a number"
    assert any(p.startswith(wanted) for p in caught.value.problems), (wanted, caught.value)


@pytest.mark.parametrize("char", CONTROLS)
def test_each_control_character_is_named_with_its_code_point(char):
    problem = control_problem(f"a{char}b")
    assert problem is not None and f"U+{ord(char):04X}" in problem
    assert CONTROL.search(f"x{char}") is not None


def test_printable_text_of_any_script_is_not_a_control():
    assert control_problem("Zürich-東京 ok ✓") is None


def _paths(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.py") if "__pycache__" not in p.parts)


# The Python of the package, the pack and the jobs.
SOURCES = (
    _paths(ROOT / "components" / "synapse_dl")
    + _paths(ROOT / "policies")
    + _paths(ROOT / "training_jobs")
)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_pattern_ends_in_a_bare_dollar(path: Path):
    # Python's `$` also matches before a final line break: a check must match the whole text
    # (fullmatch, or \\Z). Patterns for pydantic's Field(pattern=) are exempt: its engine
    # (Rust's regex) reads `$` as the end of the text; the property tests above hold them to it.
    import re

    source = path.read_text()
    compiled = re.findall(r"re\.compile\(\s*r?f?[\"']([^\"']*)[\"']", source)
    assert [p for p in compiled if p.endswith("$") and not p.endswith("\\$")] == [], path


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_a_digit_is_an_ascii_digit(path: Path):
    # `\d` (Python's re, pydantic's Rust regex) and str.isdigit() take any script's digits
    # and '²', which int() refuses or reads as another number: a check says [0-9].
    import re

    source = path.read_text()
    assert re.findall(r"\\d|\.is(?:digit|decimal|numeric)\(", source) == [], path
