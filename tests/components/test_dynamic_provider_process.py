"""The dynamic providers load in Pulumi's own provider process, as `pulumi up` runs them.

The engine starts `python -m pulumi.dynamic` in the project directory and hands it the
provider pickled by the program (`__provider`). A provider that only unpickles inside the
program (pulumi issue 7453: defined where importing it needs the engine) fails there, not
in unit tests that call its methods directly. These tests speak the provider's gRPC protocol
to a real `pulumi.dynamic` process.
"""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import dill
import grpc
import pytest
from google.protobuf import json_format, struct_pb2
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.runtime import rpc
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

from synapse_dl.engine.offline_runtime import RecordingMonitor, plan_stack
from synapse_dl.providers.lake_file import LakeFileProvider
from synapse_dl.providers.pool_libraries import PoolLibrariesProvider
from synapse_dl.providers.spark_job_definition import SparkJobDefinitionProvider
from synapse_dl.providers.synapse_role_assignment import SynapseRoleAssignmentProvider
from synapse_dl.providers.workspace_package import WorkspacePackageProvider
from tests.conftest import ROOT

LIBRARIES = {
    "subscriptionId": "sub-1",
    "resourceGroupName": "rg-dl",
    "workspaceName": "synw-dl",
    "bigDataPoolName": "gpularge",
    "libraryRequirements": {"content": "torch==1.11.0\n", "filename": "requirements.txt"},
    "poolFingerprint": "f1",
    "armEndpoint": "https://management.azure.com",
}
DEFINITION = {
    "workspaceName": "synw-dl",
    "endpoint": "https://synw-dl.dev.azuresynapse.net",
    "name": "pytorch_digits",
    "description": "digits",
    "targetBigDataPool": "gpularge",
    "requiredSparkVersion": "3.2",
    "language": "python",
    "jobProperties": {"name": "pytorch_digits", "file": "abfss://x/train.py"},
}

ROLE = {
    "workspaceName": "synw-dl",
    "endpoint": "https://synw-dl.dev.azuresynapse.net",
    "role": "Synapse Compute Operator",
    "roleId": "e3844cc7-4670-42cb-9349-9bdac1ee7881",
    "principalId": "9e4b1f62-3a7d-4c8e-b5f0-6d1a2c3e4f57",
    "principalType": "Group",
    "scope": "workspaces/synw-dl",
}
# A file asset as the engine sends one: Pulumi's asset signature and its path.
ASSET = {rpc._special_sig_key: rpc._special_asset_sig, "path": "training_jobs/x/train.py"}
LAKE_FILE = {
    "accountName": "stlake",
    "endpoint": "https://stlake.blob.core.windows.net",
    "container": "synapse",
    "path": "synapse-dl/jobs/x/0123456789abcdef/train.py",
    "source": ASSET,
    "sha256": "0" * 64,
    "contentType": "text/x-python",
}


@pytest.fixture(scope="module")
def provider() -> Iterator[provider_pb2_grpc.ResourceProviderStub]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    # As the engine's pulumi-resource-pulumi-python shim runs it: from the project directory.
    process = subprocess.Popen(
        [sys.executable, "-u", "-m", "pulumi.dynamic"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        port = int(process.stdout.readline())
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            stub = provider_pb2_grpc.ResourceProviderStub(channel)
            stub.Configure(provider_pb2.ConfigureRequest(args=struct_pb2.Struct()))
            yield stub
    finally:
        process.terminate()
        process.wait(timeout=10)


def struct(values: dict) -> struct_pb2.Struct:
    message = struct_pb2.Struct()
    message.update(values)
    return message


def diff(stub, provider_object, olds: dict, news: dict) -> provider_pb2.DiffResponse:
    pickled = serialize_provider(provider_object)
    return stub.Diff(
        provider_pb2.DiffRequest(
            id="id-1",
            urn="urn:pulumi:dev::synapse-dl::test::x",
            olds=struct({**olds, "__provider": pickled}),
            news=struct({**news, "__provider": pickled}),
        )
    )


def test_the_library_step_loads_and_diffs_in_the_provider_process(provider):
    unchanged = diff(provider, PoolLibrariesProvider(), LIBRARIES, LIBRARIES)
    pool_updated = diff(
        provider, PoolLibrariesProvider(), LIBRARIES, {**LIBRARIES, "poolFingerprint": "f2"}
    )

    assert unchanged.changes == provider_pb2.DiffResponse.DIFF_NONE
    assert pool_updated.changes == provider_pb2.DiffResponse.DIFF_SOME
    assert list(pool_updated.replaces) == []


def test_the_job_definition_loads_and_diffs_in_the_provider_process(provider):
    renamed = diff(
        provider, SparkJobDefinitionProvider(), DEFINITION, {**DEFINITION, "name": "other"}
    )

    assert renamed.changes == provider_pb2.DiffResponse.DIFF_SOME
    assert list(renamed.replaces) == ["name"]


def test_the_role_assignment_loads_and_diffs_in_the_provider_process(provider):
    unchanged = diff(provider, SynapseRoleAssignmentProvider(), ROLE, ROLE)
    another = diff(provider, SynapseRoleAssignmentProvider(), ROLE, {**ROLE, "principalId": "p2"})

    assert unchanged.changes == provider_pb2.DiffResponse.DIFF_NONE
    assert list(another.replaces) == ["principalId"]


def test_the_lake_file_loads_and_diffs_in_the_provider_process(provider):
    moved_checkout = {**LAKE_FILE, "source": {**ASSET, "path": "/elsewhere/train.py"}}

    unchanged = diff(provider, LakeFileProvider(), LAKE_FILE, moved_checkout)
    rewritten = diff(provider, LakeFileProvider(), LAKE_FILE, {**LAKE_FILE, "sha256": "1" * 64})

    assert unchanged.changes == provider_pb2.DiffResponse.DIFF_NONE
    assert rewritten.changes == provider_pb2.DiffResponse.DIFF_SOME
    assert list(rewritten.replaces) == []


class ProviderCapture(RecordingMonitor):
    """Keeps each dynamic resource's registration as the engine receives it, `__provider`
    included (the plan's recorded inputs drop the pickled code)."""

    def __init__(self) -> None:
        super().__init__()
        self.objects: dict[str, struct_pb2.Struct] = {}

    def RegisterResource(self, request: Any) -> Any:
        if request.type.startswith("pulumi-python:dynamic"):
            self.objects.setdefault(request.type, request.object)
        return super().RegisterResource(request)


# Each dynamic resource the program registers, and the provider it must hand the engine.
DYNAMIC_PROVIDERS = {
    "pulumi-python:dynamic/synapse:PoolLibraries": PoolLibrariesProvider,
    "pulumi-python:dynamic/synapse:SparkJobDefinition": SparkJobDefinitionProvider,
    "pulumi-python:dynamic/synapse:SynapseRoleAssignment": SynapseRoleAssignmentProvider,
    "pulumi-python:dynamic/storage:LakeFile": LakeFileProvider,
    "pulumi-python:dynamic/synapse:WorkspacePackage": WorkspacePackageProvider,
}


def without_secrets(value: Any) -> Any:
    """Values as the engine hands them to a provider that does not accept secrets (the
    dynamic provider's Configure says so): each secret's plain value."""
    if isinstance(value, dict):
        if value.get(rpc._special_sig_key) == rpc._special_secret_sig:
            return without_secrets(value["value"])
        return {k: without_secrets(v) for k, v in value.items()}
    if isinstance(value, list):
        return [without_secrets(v) for v in value]
    return value


def test_each_resource_the_program_registers_hands_the_engine_its_own_provider(provider):
    capture = ProviderCapture()
    plan_stack(ROOT / "Pulumi.cpu.yaml", program_dir=ROOT, monitor=capture)

    assert set(capture.objects) == set(DYNAMIC_PROVIDERS)
    for type_, registered in capture.objects.items():
        # `__provider` is registered as a secret: the pickled code can carry credentials.
        inputs = without_secrets(json_format.MessageToDict(registered))
        loaded = dill.loads(base64.b64decode(inputs["__provider"]))
        assert type(loaded) is DYNAMIC_PROVIDERS[type_], type_
        # And the provider process loads it and answers for the resource as registered.
        response = provider.Diff(
            provider_pb2.DiffRequest(
                id="id-1",
                urn=f"urn:pulumi:cpu::synapse-dl::{type_}::x",
                olds=struct(inputs),
                news=struct(inputs),
            )
        )
        assert response.changes == provider_pb2.DiffResponse.DIFF_NONE, type_
