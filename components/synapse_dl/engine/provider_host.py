"""Starting the component provider as the engine does and speaking to it over gRPC.

The Python language host runs a Python plugin as `python <plugin folder> <engine address>`
(sdk/python/cmd/pulumi-language-python, RunPlugin) and reads the provider's port from its first
stdout line. During `Construct` the provider dials back: the resource monitor named in the
request (the component's children register there) and the engine at the address it was
started with (logging). One local gRPC server plays both; the monitor answers as the offline
plan's mocks do, so children get provider-shaped outputs and nothing reaches Azure.
"""

from __future__ import annotations

import json
import os
import sys
from concurrent import futures
from pathlib import Path
from typing import Any

import grpc
from google.protobuf import empty_pb2, json_format, struct_pb2

from synapse_dl.engine.offline_runtime import RecordingMonitor
from synapse_dl.engine.plugin_process import PluginProcess
from synapse_dl.engine.pulumi_internals import (
    engine_pb2,
    engine_pb2_grpc,
    provider_pb2,
    provider_pb2_grpc,
    resource_pb2,
    resource_pb2_grpc,
)
from synapse_dl.project import PROVIDER_FOLDER, find_project_dir
from synapse_dl.version import PACKAGE

# The project a stand-in program of the package belongs to (its URNs).
PROJECT = PACKAGE


class ProviderStartError(RuntimeError):
    """The provider exited or stayed silent before printing its port."""


class ConstructMonitor(RecordingMonitor):
    """The offline plan's recording monitor, with URNs for the given project and stack (the
    mocks read them from the runtime's settings, which this process does not set)."""

    def __init__(self, stack: str = "dev") -> None:
        super().__init__()
        self.stack = stack
        # Every registration as the provider sent it (aliases, options and all).
        self.requests: list[Any] = []

    def RegisterResource(self, request: Any) -> Any:
        self.requests.append(request)
        return super().RegisterResource(request)

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        if parent:
            type_ = parent.split("::")[2].split("$")[-1] + "$" + type_
        return f"urn:pulumi:{self.stack}::{PROJECT}::{type_}::{name}"


class _Monitor(resource_pb2_grpc.ResourceMonitorServicer):
    def __init__(self) -> None:
        self.current = ConstructMonitor()

    def GetDeploymentInfo(self, request: Any, context: Any) -> Any:
        return self.current.GetDeploymentInfo(request)

    def SupportsFeature(self, request: Any, context: Any) -> Any:
        # The mock monitor answers with a stand-in object; gRPC needs the message.
        return resource_pb2.SupportsFeatureResponse(
            hasSupport=self.current.SupportsFeature(request).hasSupport
        )

    def RegisterResource(self, request: Any, context: Any) -> Any:
        return self.current.RegisterResource(request)

    def RegisterResourceOutputs(self, request: Any, context: Any) -> Any:
        return self.current.RegisterResourceOutputs(request)

    def RegisterPackage(self, request: Any, context: Any) -> Any:
        return self.current.RegisterPackage(request)

    def Invoke(self, request: Any, context: Any) -> Any:
        # Functions a component calls (getClientConfig), answered as the offline plan's.
        return self.current.Invoke(request)


class _Engine(engine_pb2_grpc.EngineServicer):
    def __init__(self) -> None:
        # (severity name, message, resource URN) of each message the provider logged.
        self.logs: list[tuple[str, str, str]] = []

    def Log(self, request: Any, context: Any) -> Any:
        severity = engine_pb2.LogSeverity.Name(request.severity)
        self.logs.append((severity, request.message, request.urn))
        return empty_pb2.Empty()


class ProviderSession:
    """The provider process and the engine it talks back to, for one `with` block."""

    def __init__(
        self,
        provider_dir: Path | None = None,
        python: str = sys.executable,
        *,
        # Generous: the provider imports azure-native's SDK and reads the components' source
        # for their docstrings before it prints its port (a second here; half a minute on the
        # mutation run's much longer mutated modules).
        start_timeout_s: float = 120.0,
    ) -> None:
        # By default the provider in the project's provider/ folder (PulumiPlugin.yaml).
        provider_dir = provider_dir or find_project_dir() / PROVIDER_FOLDER
        self._monitor = _Monitor()
        self._server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
        resource_pb2_grpc.add_ResourceMonitorServicer_to_server(self._monitor, self._server)
        self._engine = _Engine()
        engine_pb2_grpc.add_EngineServicer_to_server(self._engine, self._server)
        port = self._server.add_insecure_port("127.0.0.1:0")
        self.engine_address = f"127.0.0.1:{port}"
        self._server.start()
        try:
            self.process = PluginProcess(
                [python, "-u", str(provider_dir), self.engine_address],
                cwd=provider_dir,
                env=os.environ,
                what="the component provider",
                start_error=ProviderStartError,
                start_timeout_s=start_timeout_s,
            )
        except ProviderStartError:
            self._server.stop(0)
            raise
        self._channel = grpc.insecure_channel(f"127.0.0.1:{self.process.port}")
        self.stub = provider_pb2_grpc.ResourceProviderStub(self._channel)

    @property
    def logs(self) -> list[tuple[str, str, str]]:
        """(severity, message, resource URN) of what the provider logged to the engine, as
        `pulumi up` shows it: a component's warnings included."""
        return list(self._engine.logs)

    def __enter__(self) -> ProviderSession:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        self._channel.close()
        self.process.close()
        self._server.stop(0)

    def schema(self) -> dict[str, Any]:
        response = self.stub.GetSchema(provider_pb2.GetSchemaRequest(version=0), timeout=60)
        schema: dict[str, Any] = json.loads(response.schema)
        return schema

    def construct(
        self,
        type_: str,
        name: str,
        inputs: dict[str, Any],
        *,
        stack: str = "dev",
        monitor: ConstructMonitor | None = None,
    ) -> tuple[str, dict[str, Any]]:
        """Construct a component as a program in another language would (a preview); its
        children register with `monitor`. Returns the component's URN and outputs."""
        self._monitor.current = monitor or ConstructMonitor(stack)
        request_inputs = struct_pb2.Struct()
        request_inputs.update(inputs)
        response = self.stub.Construct(
            provider_pb2.ConstructRequest(
                project=PROJECT,
                stack=stack,
                organization="organization",
                dryRun=True,
                monitorEndpoint=self.engine_address,
                type=type_,
                name=name,
                inputs=request_inputs,
                parent=f"urn:pulumi:{stack}::{PROJECT}::pulumi:pulumi:Stack::{PROJECT}-{stack}",
            ),
            timeout=120,
        )
        return response.urn, json_format.MessageToDict(response.state)
