"""--policy-pack-config files, applied and validated as the CLI does."""

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from synapse_dl.engine.analyzer import PolicyConfigError
from tests.policies.policy_resources import cpu_pool, gpu_pool, of_policy


def _write(tmp_path, config) -> str:
    path = tmp_path / "policy-config.json"
    path.write_text(config if isinstance(config, str) else json.dumps(config))
    return str(path)


def test_config_file_sets_levels_and_settings(pack, tmp_path):
    path = _write(
        tmp_path,
        {
            "spark-pool-node-ceiling": {"enforcementLevel": "mandatory", "maxNodes": 4},
            "gpu-pool-region": "disabled",
        },
    )
    pack.configure_from_file(path)
    assert pack.config["spark-pool-node-ceiling"].properties == {"maxNodes": 4}
    violations = pack.analyze(gpu_pool(location="westeurope", autoScale={"maxNodeCount": 5}))
    assert of_policy(violations, "gpu-pool-region") == []
    [ceiling] = of_policy(violations, "spark-pool-node-ceiling")
    assert ceiling["level"] == "mandatory"
    assert "above the limit of 4" in ceiling["message"]


def test_schema_defaults_apply_when_the_file_omits_a_setting(pack, tmp_path):
    pack.configure_from_file(_write(tmp_path, {"spark-pool-auto-pause": "mandatory"}))
    assert pack.config["spark-pool-auto-pause"].properties == {"maxGpuDelayMinutes": 30}
    assert pack.config["gpu-pool-region"].properties == {
        "allowedRegions": ["eastus", "australiaeast", "northeurope"]
    }


def test_empty_config_file_means_defaults(pack, tmp_path):
    pack.configure_from_file(_write(tmp_path, "  \n"))
    assert pack.config["gpu-vcore-quota"].properties == {"gpuVcoreQuota": 50}
    assert pack.config["gpu-vcore-quota"].enforcement_level == "mandatory"


def _error(pack, tmp_path, config) -> str:
    path = _write(tmp_path, config)
    with pytest.raises(PolicyConfigError) as error:
        pack.configure_from_file(path)
    return str(error.value).replace(path, "FILE")


def test_setting_of_the_wrong_type_names_the_policy_and_key(pack, tmp_path):
    assert _error(pack, tmp_path, {"spark-pool-auto-pause": {"maxGpuDelayMinutes": "thirty"}}) == (
        "FILE is invalid:\n"
        "  policy 'spark-pool-auto-pause', key 'maxGpuDelayMinutes': 'thirty' is not of type "
        "'integer'"
    )


def test_setting_out_of_range_names_the_policy_and_key(pack, tmp_path):
    assert _error(pack, tmp_path, {"spark-pool-node-ceiling": {"maxNodes": 500}}) == (
        "FILE is invalid:\n"
        "  policy 'spark-pool-node-ceiling', key 'maxNodes': 500 is greater than the maximum of 200"
    )


def test_bad_list_item_names_its_index(pack, tmp_path):
    message = _error(pack, tmp_path, {"gpu-pool-runtime": {"allowedSparkVersions": ["3.2", "v3"]}})
    assert message == (
        "FILE is invalid:\n"
        "  policy 'gpu-pool-runtime', key 'allowedSparkVersions.1': 'v3' does not match "
        "'^[0-9]+\\\\.[0-9]+$'"
    )


def test_bad_date_is_rejected(pack, tmp_path):
    message = _error(pack, tmp_path, {"spark-runtime-lifecycle": {"today": "2026-13-01"}})
    assert message == (
        "FILE is invalid:\n"
        "  policy 'spark-runtime-lifecycle', key 'today': '2026-13-01' is not a 'date'"
    )


def test_unknown_setting_is_rejected_with_the_allowed_ones(pack, tmp_path):
    assert _error(pack, tmp_path, {"gpu-vcore-quota": {"quota": 100}}) == (
        "FILE is invalid:\n"
        "  policy 'gpu-vcore-quota', key 'quota': not a setting of this policy; allowed: "
        "gpuVcoreQuota"
    )


def test_unknown_policy_is_rejected(pack, tmp_path):
    message = _error(pack, tmp_path, {"gpu-region": "mandatory"})
    assert message.startswith(
        "FILE is invalid:\n  policy 'gpu-region': the pack has no such policy; its policies: "
        "data-lake-hardening, data-lake-locked-with-workspace, diagnostic-settings, "
        "exfiltration-protected-pools-skip-pypi,"
    )


def test_bad_enforcement_level_is_rejected(pack, tmp_path):
    assert _error(pack, tmp_path, {"gpu-pool-region": {"enforcementLevel": "strict"}}) == (
        "FILE is invalid:\n"
        "  policy 'gpu-pool-region', key 'enforcementLevel': \"strict\" is not one of mandatory, "
        "advisory, remediate, disabled"
    )


def test_every_error_of_a_file_is_listed(pack, tmp_path):
    message = _error(
        pack,
        tmp_path,
        {"spark-pool-node-ceiling": {"maxNodes": 1}, "gpu-vcore-quota": {"gpuVcoreQuota": -1}},
    )
    assert message.splitlines()[1:] == [
        "  policy 'spark-pool-node-ceiling', key 'maxNodes': 1 is less than the minimum of 3",
        "  policy 'gpu-vcore-quota', key 'gpuVcoreQuota': -1 is less than the minimum of 0",
    ]


def test_file_that_is_not_json_is_rejected(pack, tmp_path):
    assert _error(pack, tmp_path, "{maxNodes: 3}").startswith("FILE: not JSON: ")


def test_file_that_is_not_an_object_is_rejected(pack, tmp_path):
    assert _error(pack, tmp_path, "[1]") == "FILE: must be a JSON object keyed by policy name"


def test_a_rejected_file_leaves_the_previous_config_in_force(pack, tmp_path):
    pack.configure({"spark-pool-node-ceiling": {"maxNodes": 20}})
    _error(pack, tmp_path, {"spark-pool-node-ceiling": {"maxNodes": 1000}})
    assert (
        of_policy(pack.analyze(cpu_pool(autoScale={"maxNodeCount": 20})), "spark-pool-node-ceiling")
        == []
    )


def test_a_policy_config_file_that_is_not_there_is_named_with_the_reason(tmp_path):
    from synapse_dl.engine.analyzer.policy_config import load_config_file

    missing = tmp_path / "policy-config.json"
    with pytest.raises(PolicyConfigError) as error:
        load_config_file(missing)
    reason = "No such file or directory"
    assert str(error.value) == f"{missing}: cannot read the policy config: {reason}"


def test_a_policy_entry_that_is_neither_a_level_nor_an_object_is_named():
    from synapse_dl.engine.analyzer.policy_config import _split_entry

    with pytest.raises(PolicyConfigError) as error:
        _split_entry("gpu-pool-region", 5)
    assert str(error.value) == (
        "policy 'gpu-pool-region': 5 is not valid; use an enforcement level string or an object"
    )


# Each limit of each policy's settings: the value at the limit is taken, one past it refused.
LIMITS = [
    ("spark-pool-auto-pause", "maxGpuDelayMinutes", 5, 4),
    ("spark-pool-auto-pause", "maxGpuDelayMinutes", 10080, 10081),  # a week
    ("spark-pool-node-ceiling", "maxNodes", 3, 2),
    ("spark-pool-node-ceiling", "maxNodes", 200, 201),
    ("gpu-vcore-quota", "gpuVcoreQuota", 0, -1),
    ("gpu-pool-region", "allowedRegions", ["x"], []),
    ("gpu-pool-region", "allowedRegions", ["x"], [""]),
    ("gpu-pool-runtime", "allowedSparkVersions", ["3.2"], []),
    ("workspace-linking-approved-tenants", "approvedTenantIds", ["x"], [""]),
]


@pytest.mark.parametrize(("policy", "key", "taken", "refused"), LIMITS)
def test_each_setting_is_taken_at_its_limit_and_refused_past_it(
    pack, tmp_path, policy, key, taken, refused
):
    pack.configure_from_file(_write(tmp_path, {policy: {key: taken}}))
    assert pack.config[policy].properties[key] == taken

    message = _error(pack, tmp_path, {policy: {key: refused}})
    assert message.startswith(f"FILE is invalid:\n  policy '{policy}', key '{key}")


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_a_number_that_is_not_json_is_refused(pack, tmp_path, constant):
    # Python's reader takes these; the CLI's (Go's encoding/json) does not.
    text = '{"spark-pool-node-ceiling": {"maxNodes": ' + constant + "}}"
    message = _error(pack, tmp_path, text)
    assert message == f"FILE: not JSON: {constant} is not a JSON value (JSON numbers are finite)"


# A Spark version that ends in a line break: JSON Schema's "^...$" in Python takes it.
CONTROL_TEXTS = [
    ({"gpu-pool-runtime": {"allowedSparkVersions": ["3.2\n"]}}, "allowedSparkVersions"),
    ({"gpu-pool-region": {"allowedRegions": ["eastus\u2028"]}}, "allowedRegions"),
    ({"gpu-pool-region\n": "disabled"}, "gpu-pool-region"),
    ({"gpu-pool-region": {"allowedRegions\t": ["eastus"]}}, "allowedRegions"),
    ({"gpu-pool-region": "disabled\x00"}, "disabled"),
]


@pytest.mark.parametrize(("config", "named"), CONTROL_TEXTS)
def test_a_control_character_anywhere_in_the_config_is_named(pack, tmp_path, config, named):
    message = _error(pack, tmp_path, config)
    assert message.startswith("FILE is invalid:\n  policy ")
    assert named in message and "control character" in message


def test_the_date_pattern_refuses_a_final_line_break(pack, tmp_path):
    message = _error(pack, tmp_path, {"spark-runtime-end-of-support": {"today": "2026-01-01\n"}})
    assert "'today'" in message or '"today"' in message


# Every text of a full config (policy names, setting names, levels, list items), each with a
# control character put before or after it.
FULL_CONFIG = {
    "all": "advisory",
    "gpu-pool-region": {"enforcementLevel": "mandatory", "allowedRegions": ["eastus"]},
    "gpu-pool-runtime": {"allowedSparkVersions": ["3.2"]},
    "spark-runtime-lifecycle": {"today": "2026-01-01"},
    "workspace-linking-approved-tenants": {"approvedTenantIds": ["tenant"]},
    "spark-pool-node-ceiling": "disabled",
}


def _config_texts(value, path=()):
    if isinstance(value, str):
        yield path, False
    elif isinstance(value, dict):
        for key, item in value.items():
            yield (*path, key), True
            yield from _config_texts(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _config_texts(item, (*path, i))


CONFIG_TEXTS = list(_config_texts(FULL_CONFIG))


def _with_char(document, path, is_key, make):
    if not path:
        return make(document)
    head, rest = path[0], path[1:]
    if isinstance(document, list):
        return [
            _with_char(v, rest, is_key, make) if i == head else v for i, v in enumerate(document)
        ]
    if is_key and not rest:
        return {(make(k) if k == head else k): v for k, v in document.items()}
    return {k: (_with_char(v, rest, is_key, make) if k == head else v) for k, v in document.items()}


def test_the_full_config_is_valid(pack_session):
    pack_session.configure(FULL_CONFIG)
    assert len(CONFIG_TEXTS) == 18
    pack_session.configure()


@settings(max_examples=150, deadline=None)
@given(
    where=st.sampled_from(CONFIG_TEXTS),
    char=st.sampled_from(["\x00", "\t", "\n", "\r", "\x1b", "\x7f", "\x85", "\u2028", "\u2029"]),
    before=st.booleans(),
)
def test_a_control_character_in_any_config_text_is_refused_naming_it(
    pack_session, where, char, before
):
    path, is_key = where
    made = []

    def make(text):
        made.append(char + text if before else text + char)
        return made[-1]

    bad = _with_char(FULL_CONFIG, path, is_key, make)
    with pytest.raises(PolicyConfigError) as caught:
        pack_session.configure(bad)
    message = str(caught.value)
    assert f"{json.dumps(made[0])} holds a control character" in message
    pack_session.configure()
