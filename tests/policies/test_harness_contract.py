"""What the harness sends a pack, checked by a pack that reports back what it received.

The synapse-dl pack reads only some fields; the probe pack (probe_pack/) reads every field the
engine fills, so a field the harness dropped or filled wrongly shows here.
"""

from __future__ import annotations

import json
import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import grpc
import pytest

from synapse_dl.engine.analyzer import PolicyConfigError, PolicyPackSession, PolicyPackStartError

PROBE = Path(__file__).with_name("probe_pack")
STACK_URN = "urn:pulumi:dev::synapse-dl::pulumi:pulumi:Stack::synapse-dl-dev"
PROVIDER = (
    "urn:pulumi:dev::synapse-dl::pulumi:providers:azure-native::default_3_29_0"
    "::04da6b54-80e4-46f7-96ec-b56ff0331ba9"
)
WS_URN = "urn:pulumi:dev::synapse-dl::azure-native:synapse:Workspace::ws"
POOL_URN = "urn:pulumi:dev::synapse-dl::azure-native:synapse:BigDataPool::pool"

STACK = {"urn": STACK_URN, "type": "pulumi:pulumi:Stack", "name": "synapse-dl-dev"}
WORKSPACE = {
    "urn": WS_URN,
    "type": "azure-native:synapse:Workspace",
    "name": "ws",
    "parent": STACK_URN,
    "provider": PROVIDER,
    "inputs": {"workspaceName": "ws", "location": "eastus"},
    "outputs": {"name": "ws", "location": "eastus", "id": "/subscriptions/s/ws"},
}
POOL = {
    "urn": POOL_URN,
    "type": "azure-native:synapse:BigDataPool",
    "name": "pool",
    "parent": WS_URN,
    "inputs": {"nodeCount": 3},
    # No outputs recorded: judged on its inputs.
    "dependencies": [WS_URN],
    "propertyDependencies": {"workspaceName": [WS_URN], "tags": []},
}
AZURE_NATIVE = {
    "type": "pulumi:providers:azure-native",
    "name": "default_3_29_0",
    "urn": "urn:pulumi:dev::synapse-dl::pulumi:providers:azure-native::default_3_29_0",
}


@pytest.fixture(scope="module")
def probe():
    with PolicyPackSession(PROBE) as session:
        yield session


def received(violation: dict[str, str]) -> dict:
    return json.loads(violation["message"])


def test_the_name_and_the_version_come_from_the_packs_own_files(probe):
    assert (probe.name, probe.version) == ("probe", "7.7.7")


def test_analyze_sends_one_resource_with_its_inputs_parent_and_provider(probe):
    [violation] = probe.analyze(WORKSPACE)

    assert violation["urn"] == WS_URN
    assert received(violation) == {
        "urn": WS_URN,
        "type": "azure-native:synapse:Workspace",
        "name": "ws",
        "props": WORKSPACE["inputs"],
        "parent": STACK_URN,
        "provider": AZURE_NATIVE,
    }


def test_analyze_stack_sends_every_resource_with_outputs_and_its_links(probe):
    violations = probe.analyze_stack([STACK, WORKSPACE, POOL])

    by_urn = {v["urn"]: received(v) for v in violations if v["message"].startswith("{")}
    assert by_urn[STACK_URN] == {
        "type": "pulumi:pulumi:Stack",
        "name": "synapse-dl-dev",
        "props": {},
        "parent": None,
        "optionsParent": None,
        "dependencies": [],
        "propertyDependencies": {},
        "provider": None,
    }
    assert by_urn[WS_URN] == {
        "type": "azure-native:synapse:Workspace",
        "name": "ws",
        "props": WORKSPACE["outputs"],
        "parent": STACK_URN,
        "optionsParent": STACK_URN,
        "dependencies": [],
        "propertyDependencies": {},
        "provider": AZURE_NATIVE,
    }
    assert by_urn[POOL_URN] == {
        "type": "azure-native:synapse:BigDataPool",
        "name": "pool",
        "props": {"nodeCount": 3.0},  # the engine sends every number as a float
        "parent": WS_URN,
        "optionsParent": WS_URN,
        "dependencies": [WS_URN],
        # A property with no dependencies is not sent.
        "propertyDependencies": {"workspaceName": [WS_URN]},
        "provider": None,
    }


@dataclass(frozen=True)
class Planned:
    """A resource as an object, the way the offline plan hands them over."""

    urn: str
    type: str
    name: str
    parent: str
    inputs: dict
    outputs: dict | None
    dependencies: list
    property_dependencies: dict
    provider: str | None


def test_resources_given_as_objects_are_sent_like_dicts(probe):
    pool = Planned(
        POOL_URN, POOL["type"], "pool", WS_URN, POOL["inputs"], None, [WS_URN],
        POOL["propertyDependencies"], PROVIDER,
    )  # fmt: skip
    as_dict = {**POOL, "provider": PROVIDER}

    def echoed(resource) -> dict:
        violations = probe.analyze_stack([STACK, WORKSPACE, resource])
        return next(received(v) for v in violations if v["urn"] == POOL_URN)

    assert echoed(pool) == echoed(as_dict)
    assert echoed(pool)["provider"] == AZURE_NATIVE


def test_an_object_without_urn_type_or_name_is_refused_naming_what_it_lacks(probe):
    with pytest.raises(TypeError) as error:
        probe.analyze(SimpleNamespace(urn=POOL_URN))
    assert str(error.value) == f"resource {SimpleNamespace(urn=POOL_URN)!r} lacks name, type"


@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        # Without the provider's id, and with the parent types the URN carries before a `$`.
        (
            "urn:pulumi:dev::synapse-dl::pulumi:providers:azure-native::default_3_29_0",
            AZURE_NATIVE,
        ),
        (
            "urn:pulumi:dev::synapse-dl::pulumi:pulumi:Stack$pulumi:providers:azure-native"
            "::eu::0a1b",
            {
                "type": "pulumi:providers:azure-native",
                "name": "eu",
                "urn": "urn:pulumi:dev::synapse-dl::pulumi:pulumi:Stack$pulumi:providers:"
                "azure-native::eu",
            },
        ),
    ],
)
def test_a_provider_reference_is_sent_as_the_provider_it_names(probe, reference, expected):
    [violation] = probe.analyze({**WORKSPACE, "provider": reference})
    assert received(violation)["provider"] == expected


def test_a_provider_reference_that_is_not_one_is_refused(probe):
    with pytest.raises(ValueError) as error:
        probe.analyze({**WORKSPACE, "provider": "azure-native::default"})
    assert str(error.value) == (
        "provider 'azure-native::default' is not a provider URN or reference"
    )


def test_a_pack_that_hangs_in_a_call_is_given_up_on_after_the_call_timeout():
    with PolicyPackSession(PROBE, call_timeout_s=1) as session:
        started = time.monotonic()
        with pytest.raises(grpc.RpcError) as error:
            session.analyze({**WORKSPACE, "inputs": {"hangSeconds": 20}})
        assert error.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
        assert time.monotonic() - started < 10


def test_a_stack_finding_without_a_resource_is_filed_under_the_stack(probe):
    violations = probe.analyze_stack([STACK, WORKSPACE])

    [about_stack] = [v for v in violations if v["message"].startswith("about the stack")]
    assert about_stack == {
        "policy": "echo-stack",
        "level": "advisory",
        "urn": STACK_URN,
        "message": "about the stack, with no resource named",
    }


def test_without_a_stack_resource_a_stack_finding_names_no_resource(probe):
    violations = probe.analyze_stack([WORKSPACE])

    [about_stack] = [v for v in violations if v["message"].startswith("about the stack")]
    assert about_stack["urn"] == ""


def test_run_reports_every_resource_then_the_stack_under_the_packs_name(probe):
    report = probe.run([STACK, WORKSPACE])

    assert (report.pack, report.version) == ("probe", "7.7.7")
    assert [v["policy"] for v in report.violations] == [
        "echo-resource",
        "echo-resource",
        "echo-stack",
        "echo-stack",
        "echo-stack",
        "echo-stack",
    ]


def environment(session: PolicyPackSession) -> dict:
    [line] = [
        v["message"] for v in session.analyze_stack([STACK]) if v["message"].startswith("env")
    ]
    return json.loads(line.removeprefix("environment "))


def test_the_pack_is_started_with_the_stack_the_cli_would_name():
    with PolicyPackSession(PROBE) as session:
        assert environment(session) == {
            "PULUMI_PROJECT": "synapse-dl",
            "PULUMI_STACK": "dev",
            "PULUMI_DRY_RUN": "true",
            "PULUMI_CONFIG": None,
        }
    config = {"synapse-dl:workspace": {"name": "w"}}
    with PolicyPackSession(
        PROBE, project="p", stack="prod", dry_run=False, stack_config=config
    ) as session:
        assert environment(session) == {
            "PULUMI_PROJECT": "p",
            "PULUMI_STACK": "prod",
            "PULUMI_DRY_RUN": "false",
            "PULUMI_CONFIG": json.dumps(config),
        }
        # What the pack writes to stdout after its port is kept, never blocking it (read by a
        # thread of its own, so give it a moment).
        deadline = time.monotonic() + 10
        while not session.process.extra_stdout and time.monotonic() < deadline:
            time.sleep(0.05)
        assert session.process.extra_stdout == [b"chatter after the port\n"]


# --- a pack that does not start ----------------------------------------------------------


def processes_working_in(folder: Path) -> list[str]:
    """Process ids whose working directory is `folder` (Linux /proc)."""
    found = []
    for cwd in Path("/proc").glob("[0-9]*/cwd"):
        try:
            if cwd.resolve() == folder.resolve():
                found.append(cwd.parent.name)
        except OSError:
            continue  # gone meanwhile, or not ours to read
    return found


def write_pack(folder: Path, main: str) -> Path:
    (folder / "PulumiPolicy.yaml").write_text("runtime: python\n")
    (folder / "__main__.py").write_text(main)
    return folder


def test_a_pack_that_prints_no_port_is_stopped_and_named(tmp_path):
    pack = write_pack(
        tmp_path,
        "import sys, time\nprint('starting', file=sys.stderr, flush=True)\ntime.sleep(60)\n",
    )
    started = time.monotonic()

    with pytest.raises(PolicyPackStartError) as error:
        PolicyPackSession(pack, start_timeout_s=2)

    assert str(error.value) == "policy pack printed no port within 2 s; its stderr:\nstarting\n"
    assert time.monotonic() - started < 30  # stopped, not waited out
    assert processes_working_in(pack) == []


def test_a_pack_whose_first_line_is_not_a_port_is_named(tmp_path):
    pack = write_pack(tmp_path, "print('hello', flush=True)\nimport time\ntime.sleep(60)\n")

    with pytest.raises(PolicyPackStartError) as error:
        PolicyPackSession(pack)

    assert processes_working_in(pack) == []
    assert str(error.value) == (
        "policy pack's first stdout line is b'hello\\n', not a port; its stderr:\n"
    )


def test_a_pack_whose_child_keeps_its_stdout_open_is_still_given_up_on(tmp_path):
    # The child inherits the pack's stdout, so the pipe stays open after the pack is stopped
    # and the reader thread stays blocked in it; closing the pipe under that thread would wait
    # for the child (its buffer's lock), 60 s here.
    pack = write_pack(
        tmp_path,
        "import subprocess, sys, time\n"
        "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
        "open('child.pid', 'w').write(str(child.pid))\n"
        "print('hello', flush=True)\ntime.sleep(60)\n",
    )
    started = time.monotonic()
    try:
        with pytest.raises(PolicyPackStartError, match="not a port"):
            PolicyPackSession(pack)

        assert time.monotonic() - started < 30
    finally:
        os.kill(int((pack / "child.pid").read_text()), signal.SIGKILL)


def test_a_pack_that_closes_its_stdout_and_lives_on_is_stopped_and_said_so(tmp_path):
    pack = write_pack(tmp_path, "import os, time\nos.close(1)\ntime.sleep(60)\n")

    with pytest.raises(PolicyPackStartError) as error:
        PolicyPackSession(pack)

    assert processes_working_in(pack) == []
    assert str(error.value) == (
        "policy pack closed its stdout before printing its port (still running 5 s later); "
        "its stderr:\n"
    )


def test_a_failed_packs_stderr_is_shown_even_when_it_is_not_utf8(tmp_path):
    pack = write_pack(tmp_path, "import sys\nsys.stderr.buffer.write(b'bad \\xff byte\\n')\n")

    with pytest.raises(PolicyPackStartError) as error:
        PolicyPackSession(pack)

    assert str(error.value).endswith("; its stderr:\nbad \ufffd byte\n")


# --- config, checked as the CLI checks --policy-pack-config ----------------------------------


def config_errors(probe, given) -> list[str]:
    with pytest.raises(PolicyConfigError) as error:
        probe.configure(given)
    header, *errors = str(error.value).split("\n  ")
    assert header == "policy config is invalid:"
    return errors


def test_settings_are_checked_against_the_policys_schema_in_key_order(probe):
    assert config_errors(probe, {"with-settings": {"label": 5, "threshold": "high"}}) == [
        "policy 'with-settings', key 'label': 5 is not of type 'string'",
        "policy 'with-settings', key 'threshold': 'high' is not of type 'integer'",
    ]


def test_a_setting_of_a_policy_without_settings_says_none_are_allowed(probe):
    assert config_errors(probe, {"with-settings": {"threshold": 1}, "echo-stack": {"x": 1}}) == [
        "policy 'echo-stack', key 'x': not a setting of this policy; allowed: none (only "
        "enforcementLevel)"
    ]


def test_an_unknown_setting_lists_the_allowed_ones(probe):
    assert config_errors(probe, {"with-settings": {"threshold": 1, "treshold": 2}}) == [
        "policy 'with-settings', key 'treshold': not a setting of this policy; allowed: label, "
        "threshold"
    ]


def test_all_takes_a_level_and_names_itself_when_it_is_not_one(probe):
    assert config_errors(probe, {"with-settings": {"threshold": 1}, "all": 7}) == [
        "policy 'all': 7 is not valid; use an enforcement level string or an object"
    ]


def test_every_unknown_policy_and_every_bad_entry_is_reported_at_once(probe):
    assert config_errors(probe, {"nope": "mandatory", "nada": "advisory"}) == [
        "policy 'nope': the pack has no such policy; its policies: echo-resource, echo-stack, "
        "with-settings",
        "policy 'nada': the pack has no such policy; its policies: echo-resource, echo-stack, "
        "with-settings",
    ]
    assert config_errors(probe, {"echo-stack": 1, "echo-resource": 2}) == [
        "policy 'echo-stack': 1 is not valid; use an enforcement level string or an object",
        "policy 'echo-resource': 2 is not valid; use an enforcement level string or an object",
    ]


def test_a_pack_without_a_version_in_its_file_goes_by_the_one_it_reports(tmp_path):
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "__main__.py").write_text((PROBE / "__main__.py").read_text())
    (pack / "PulumiPolicy.yaml").write_text("runtime: python\n")

    with PolicyPackSession(pack) as session:
        # pulumi-policy's own answer when the pack file names none.
        assert session.version == "0.0.1"
        # Seconds from launch to the port: what the engine waits for before the first call.
        assert 0 < session.process.startup_s < 30
