"""The harness speaks the engine's protocol: process start, marshalling, unknowns, levels."""

import json

import pytest

from synapse_dl.engine.analyzer import (
    UNKNOWN,
    PolicyPackSession,
    PolicyPackStartError,
    run_policy_pack,
)
from synapse_dl.engine.analyzer.client import _struct
from tests.policies.policy_resources import (
    cpu_pool,
    firewall_rule,
    gpu_pool,
    pool_libraries,
    spark_job,
    stack,
    storage_account,
    workspace,
)


def _dev_like_stack():
    """The shape of Pulumi.dev.yaml: no exfiltration protection (its pools install from PyPI),
    public network on behind an office firewall rule."""
    return [
        stack(),
        storage_account(),
        workspace(
            managedVirtualNetworkSettings={"preventDataExfiltration": False},
            publicNetworkAccess="Enabled",
        ),
        firewall_rule("corp-office", "203.0.113.0", "203.0.113.255"),
        gpu_pool(autoScale={"enabled": False}, nodeCount=3),
        cpu_pool(),
        pool_libraries("gpupool"),
        spark_job("train", pool="gpupool"),
    ]


def test_pack_reports_its_name_and_the_version_from_pulumipolicy_yaml():
    # Its own session: what a session reads at start is checked here, not by whichever test
    # happened to start the shared one.
    with PolicyPackSession() as session:
        assert (session.name, session.version) == ("synapse-dl", "0.1.0")


def test_every_policy_is_kebab_case_with_a_description_and_a_level(pack):
    assert len(pack.policies) == 24
    for policy in pack.policies:
        assert policy.name == policy.name.lower() and " " not in policy.name
        assert policy.enforcement_level in ("mandatory", "advisory")


def test_numbers_reach_the_pack_as_floats():
    assert _struct({"maxNodeCount": 3, "autoPause": {"delayInMinutes": 15}}) == _struct(
        {"maxNodeCount": 3.0, "autoPause": {"delayInMinutes": 15.0}}
    )
    assert isinstance(_struct({"n": 3})["n"], float)


def test_pack_prints_nothing_but_its_port_on_stdout(pack):
    pack.run(_dev_like_stack())
    assert pack.process.extra_stdout == []


def test_unknown_value_during_preview_is_reported_not_crashed(pack):
    pool = gpu_pool(location=UNKNOWN)
    violations = pack.analyze(pool)
    assert {
        "policy": "gpu-pool-region",
        "level": "advisory",
        "urn": pool["urn"],
        "message": "can't run policy 'gpu-pool-region' from policy pack 'synapse-dl@v0.0.1' "
        "during preview: string value at .location can't be known during preview",
    } in violations
    # The pack is still up and the other policies still judged the pool.
    assert pack.analyze(gpu_pool(nodeSize="Medium"))[0]["policy"] == "gpu-pool-node-size"


def test_unknown_value_in_a_stack_policy_is_reported_not_crashed(pack):
    found = pack.analyze_stack([workspace(workspaceName=UNKNOWN), pool_libraries()])
    assert [v["policy"] for v in found if "during preview" in v["message"]] == [
        "exfiltration-protected-pools-skip-pypi",
        "no-firewall-rules-while-private",
        "diagnostic-settings",
    ]


def test_mandatory_level_survives_a_config_without_enforcement_levels(pack):
    # A Configure without a level reads as ADVISORY; the harness always sends one.
    pack.configure({"no-internet-wide-firewall": {}, "gpu-vcore-quota": {"gpuVcoreQuota": 10}})
    [violation] = pack.analyze_stack([stack(), firewall_rule("all", "0.0.0.0", "255.255.255.255")])
    assert violation["level"] == "mandatory"


def test_all_sets_every_policys_level(pack):
    pack.configure({"all": "disabled"})
    assert (
        pack.run([storage_account(isHnsEnabled=False), gpu_pool(nodeSize="Medium")]).violations
        == []
    )


def test_a_dev_like_stack_has_only_advisory_findings(pack):
    pack.configure({"spark-runtime-lifecycle": {"today": "2026-11-24"}})
    report = pack.run(_dev_like_stack())
    assert not report.has_mandatory
    assert sorted((v["policy"], v["level"]) for v in report.violations) == [
        ("spark-runtime-lifecycle", "advisory"),  # the GPU pool's Spark 3.2 is retired
        ("workspace-exfiltration-protection", "advisory"),
        ("workspace-public-network-disabled", "advisory"),
    ]


def test_run_policy_pack_starts_configures_and_reports(tmp_path):
    config = tmp_path / "policy-config.json"
    config.write_text(json.dumps({"spark-runtime-lifecycle": {"today": "2024-07-09"}}))
    bad_pool = gpu_pool(location="westeurope")
    report = run_policy_pack([bad_pool], config_path=config)
    assert report.pack == "synapse-dl"
    assert report.has_mandatory
    assert [(v["policy"], v["level"]) for v in report.violations] == [
        ("gpu-pool-region", "mandatory"),
        ("spark-runtime-lifecycle", "advisory"),
    ]
    assert list(report.by_level()) == ["mandatory", "advisory"]
    assert report.to_json() == {
        "pack": "synapse-dl",
        "violations": report.violations,
        "weakened": [],
    }


def test_a_pack_that_fails_to_start_is_a_clear_error(tmp_path):
    (tmp_path / "__main__.py").write_text("raise RuntimeError('broken pack')\n")
    (tmp_path / "PulumiPolicy.yaml").write_text("runtime: python\n")
    with pytest.raises(PolicyPackStartError, match="exit code 1") as error:
        PolicyPackSession(tmp_path)
    assert "broken pack" in str(error.value)


def test_analyze_judges_inputs_and_analyze_stack_judges_outputs(pack):
    from tests.policies.policy_resources import gpu_pool, of_policy, resource

    # Planned at 4 nodes (over the quota), created at 3 (within): the engine hands the pack
    # the inputs per resource and the outputs at the end of the stack.
    planned = gpu_pool(autoScale={"maxNodeCount": 4})
    created = resource(
        planned["type"],
        planned["name"],
        planned["inputs"],
        {**planned["inputs"], "autoScale": {"enabled": True, "minNodeCount": 3, "maxNodeCount": 3}},
    )

    assert of_policy(pack.analyze_stack([created]), "gpu-vcore-quota") == []
    flipped = resource(planned["type"], planned["name"], created["outputs"], planned["inputs"])
    assert len(of_policy(pack.analyze_stack([flipped]), "gpu-vcore-quota")) == 1
