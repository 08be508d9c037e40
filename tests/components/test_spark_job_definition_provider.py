"""The job-definition provider against a local server that answers like the Synapse data plane."""

from __future__ import annotations

import logging

import pytest
from azure.core.exceptions import HttpResponseError

from synapse_dl.clients.synapse import SynapsePermissionError
from synapse_dl.providers.spark_job_definition import SparkJobDefinitionProvider
from tests.fakes.credentials import FakeCredential
from tests.fakes.synapse_server import TOKEN, FakeSynapse

JOB_PROPERTIES = {
    "name": "pytorch_digits",
    "file": "abfss://synapse@stdl.dfs.core.windows.net/jobs/pytorch_digits/0123abcd/train.py",
    "args": ["--epochs", "5"],
    "conf": {"spark.dynamicAllocation.enabled": "false"},
    "driverMemory": "30g",
    "driverCores": 4,
    "executorMemory": "60g",
    "executorCores": 12,
    "numExecutors": 3,
}


def props(synapse: FakeSynapse, **changes) -> dict:
    return {
        "workspaceName": "synw-dl",
        "endpoint": synapse.base_url,
        "name": "pytorch_digits",
        "description": "PyTorch + Horovod + Petastorm on digits",
        "targetBigDataPool": "gpularge",
        "requiredSparkVersion": "3.2",
        "language": "python",
        "jobProperties": JOB_PROPERTIES,
        **changes,
    }


def test_create_puts_the_definition_body_and_polls_it_to_completion(synapse: FakeSynapse):
    synapse.polls_before_done = 2

    result = SparkJobDefinitionProvider(FakeCredential).create(props(synapse))

    assert result.id == f"{synapse.base_url}/sparkJobDefinitions/pytorch_digits"
    assert synapse.definitions["pytorch_digits"]["properties"] == {
        "description": "PyTorch + Horovod + Petastorm on digits",
        "targetBigDataPool": {"type": "BigDataPoolReference", "referenceName": "gpularge"},
        "requiredSparkVersion": "3.2",
        "language": "python",
        "jobProperties": JOB_PROPERTIES,
    }
    assert len(synapse.calls("GET", "/operationResults/")) == 3
    assert result.outs["etag"] == synapse.definitions["pytorch_digits"]["etag"]


def test_429_and_503_are_retried_and_the_definition_is_created_exactly_once(synapse: FakeSynapse):
    synapse.fail("PUT", 429, {"Retry-After": "1"})
    synapse.fail("PUT", 503)

    SparkJobDefinitionProvider(FakeCredential).create(props(synapse))

    assert len(synapse.calls("PUT")) == 3
    assert synapse.writes["PUT pytorch_digits"] == 1


def test_a_500_is_retried(synapse: FakeSynapse):
    synapse.fail("PUT", 500)

    SparkJobDefinitionProvider(FakeCredential).create(props(synapse))

    assert synapse.writes["PUT pytorch_digits"] == 1


def test_a_failed_operation_surfaces_its_error_message(synapse: FakeSynapse):
    synapse.fail_next_operation = {
        "code": "InvalidSparkJobDefinition",
        "message": "Big data pool 'gpularge' not found",
    }

    with pytest.raises(HttpResponseError, match="Big data pool 'gpularge' not found"):
        SparkJobDefinitionProvider(FakeCredential).create(props(synapse))
    assert "pytorch_digits" not in synapse.definitions


@pytest.mark.parametrize("status", [401, 403])
def test_an_auth_refusal_names_the_role_needed_to_deploy(synapse: FakeSynapse, status):
    synapse.fail("PUT", status, body={"error": {"code": "Forbidden", "message": "no"}})

    with pytest.raises(SynapsePermissionError, match="'Synapse Artifact Publisher'"):
        SparkJobDefinitionProvider(FakeCredential).create(props(synapse))


def test_a_refused_delete_names_the_definition_and_the_role_and_keeps_it(synapse: FakeSynapse):
    provider = SparkJobDefinitionProvider(FakeCredential)
    provider.create(props(synapse))
    synapse.fail("DELETE", 403, body={"error": {"code": "Forbidden", "message": "no"}})

    with pytest.raises(SynapsePermissionError) as refused:
        provider.delete("x", props(synapse))

    assert str(refused.value) == (
        "Synapse refused to delete 'pytorch_digits' (HTTP 403 Forbidden: no): the identity needs "
        "the Synapse RBAC role 'Synapse Artifact Publisher' on the workspace"
    )
    assert set(synapse.definitions) == {"pytorch_digits"}


def test_read_of_a_missing_definition_reports_it_gone(synapse: FakeSynapse):
    result = SparkJobDefinitionProvider(FakeCredential).read("x", props(synapse))

    assert (result.id, result.outs) == ("", {})


def test_read_returns_the_deployed_definition(synapse: FakeSynapse):
    provider = SparkJobDefinitionProvider(FakeCredential)
    created = provider.create(props(synapse))

    result = provider.read(created.id, props(synapse))

    assert result.id == created.id
    assert result.outs["targetBigDataPool"] == "gpularge"
    assert result.outs["jobProperties"]["file"] == JOB_PROPERTIES["file"]
    assert result.outs["jobProperties"]["numExecutors"] == 3
    # A refresh right after the create shows no drift.
    assert result.outs == created.outs


def test_read_of_a_definition_without_the_optional_fields(synapse: FakeSynapse):
    # Made outside Pulumi, say in Synapse Studio: only the spec's required fields.
    provider = SparkJobDefinitionProvider(FakeCredential)
    provider.create(props(synapse))
    stored = synapse.definitions["pytorch_digits"]
    for optional in ("description", "requiredSparkVersion", "language"):
        del stored["properties"][optional]
    del stored["etag"]

    outs = provider.read("x", props(synapse)).outs

    assert (outs["description"], outs["requiredSparkVersion"], outs["language"]) == ("", None, None)
    assert outs["etag"] == ""
    assert outs["targetBigDataPool"] == "gpularge"


def test_delete_removes_it_and_delete_of_a_missing_one_succeeds(synapse: FakeSynapse):
    provider = SparkJobDefinitionProvider(FakeCredential)
    provider.create(props(synapse))

    provider.delete("x", props(synapse))
    provider.delete("x", props(synapse))

    assert synapse.definitions == {}
    assert synapse.writes["DELETE pytorch_digits"] == 1


def test_only_real_changes_cause_an_update(synapse: FakeSynapse):
    provider = SparkJobDefinitionProvider(FakeCredential)
    same = provider.diff("x", props(synapse), props(synapse))
    changed = {**JOB_PROPERTIES, "file": JOB_PROPERTIES["file"].replace("0123abcd", "4567ef01")}
    new_script = provider.diff("x", props(synapse), props(synapse, jobProperties=changed))
    renamed = provider.diff("x", props(synapse), props(synapse, name="other"))

    assert same.changes is False
    assert new_script.changes is True and new_script.replaces == []
    assert renamed.changes is True and renamed.replaces == ["name"]
    assert synapse.requests == []  # diffing asks nothing of the service


def test_update_puts_the_new_body(synapse: FakeSynapse):
    provider = SparkJobDefinitionProvider(FakeCredential)
    provider.create(props(synapse))

    provider.update("x", props(synapse), props(synapse, requiredSparkVersion="3.1"))

    assert synapse.definitions["pytorch_digits"]["properties"]["requiredSparkVersion"] == "3.1"


def test_the_token_is_sent_and_never_logged_or_kept(synapse: FakeSynapse, caplog):
    caplog.set_level(logging.DEBUG)

    result = SparkJobDefinitionProvider(FakeCredential).create(props(synapse))

    assert synapse.authorizations == {f"Bearer {TOKEN}"}
    assert TOKEN not in caplog.text
    assert TOKEN not in repr(result.outs)


def test_a_403_on_read_is_raised_never_taken_for_a_deleted_definition(synapse: FakeSynapse):
    # "Gone" would make Pulumi drop a live definition from its state.
    SparkJobDefinitionProvider(FakeCredential).create(props(synapse))
    synapse.fail("GET", 403, body={"error": {"code": "Forbidden", "message": "no role"}})

    with pytest.raises(SynapsePermissionError) as error:
        SparkJobDefinitionProvider(FakeCredential).read("id", props(synapse))
    assert str(error.value) == (
        "Synapse refused to read 'pytorch_digits' (HTTP 403 Forbidden: no role): the identity "
        "needs the Synapse RBAC role 'Synapse Artifact Publisher' on the workspace"
    )


UNAUTHORIZED = (
    "The principal 'spn-deploy' does not have the required Synapse RBAC permission to perform "
    "this action. Required permission: Action: "
    "Microsoft.Synapse/workspaces/sparkJobDefinitions/read"
)


@pytest.mark.parametrize(
    ("body", "answer"),
    [
        # The service's error at the top level, or under "error"; a gateway's page, or JSON
        # that is no error object: the role is named either way.
        (
            {"code": "Unauthorized", "message": UNAUTHORIZED},
            f"HTTP 403 Unauthorized: {UNAUTHORIZED}",
        ),
        ({"error": {"code": "Unauthorized"}}, "HTTP 403 Unauthorized"),
        (b"<html>403 Forbidden</html>", "HTTP 403"),
        (["Forbidden"], "HTTP 403"),
        ({"error": "Forbidden"}, "HTTP 403"),
    ],
)
def test_a_refusal_carries_the_services_reason_in_any_shape(synapse: FakeSynapse, body, answer):
    SparkJobDefinitionProvider(FakeCredential).create(props(synapse))
    synapse.fail("GET", 403, body=body)

    with pytest.raises(SynapsePermissionError) as error:
        SparkJobDefinitionProvider(FakeCredential).read("id", props(synapse))
    assert str(error.value) == (
        f"Synapse refused to read 'pytorch_digits' ({answer}): the identity needs the Synapse "
        "RBAC role 'Synapse Artifact Publisher' on the workspace"
    )


def test_a_500_on_read_is_raised_never_taken_for_a_deleted_definition(synapse: FakeSynapse):
    SparkJobDefinitionProvider(FakeCredential).create(props(synapse))
    for _ in range(4):  # more than the retries
        synapse.fail("GET", 500)

    with pytest.raises(HttpResponseError):
        SparkJobDefinitionProvider(FakeCredential).read("id", props(synapse))


def test_a_firewall_refusal_says_so_instead_of_naming_a_role(synapse: FakeSynapse):
    synapse.firewall_refuses = True

    with pytest.raises(SynapsePermissionError) as raised:
        SparkJobDefinitionProvider(FakeCredential).create(props(synapse))

    assert str(raised.value) == (
        "the workspace firewall refused the request to deploy 'pytorch_digits' (Client Ip "
        "address : 203.0.113.7): add this machine's address to workspace.network.firewallRules, "
        "or reach the workspace through a private endpoint"
    )


def test_a_definition_missing_a_required_property_is_refused_as_the_service_does(
    synapse: FakeSynapse,
):
    without_file = props(synapse)
    without_file["jobProperties"] = {
        k: v for k, v in without_file["jobProperties"].items() if k != "file"
    }

    with pytest.raises(HttpResponseError, match="properties.jobProperties.file is required"):
        SparkJobDefinitionProvider(FakeCredential).create(without_file)
