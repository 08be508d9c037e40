"""--policy-pack-config files, applied and validated as the CLI does."""

import json

import pytest

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
        "'^\\\\d+\\\\.\\\\d+$'"
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
