"""Talking to a running pack over the Analyzer gRPC protocol, as the engine does.

Order of calls as in the CLI: Handshake (Python packs answer UNIMPLEMENTED, which the engine
accepts), ConfigureStack, GetAnalyzerInfo, Configure with every policy's enforcement level
(an absent level reads as ADVISORY and would silently downgrade mandatory policies), Analyze
per resource on its inputs, AnalyzeStack on all resources' outputs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import grpc
import yaml
from google.protobuf import empty_pb2, json_format, struct_pb2

from synapse_dl.engine.analyzer.levels import ENFORCEMENT_LEVELS, STRENGTH
from synapse_dl.engine.analyzer.policy_config import (
    PolicyConfig,
    PolicySchema,
    load_config_file,
    reconcile,
)
from synapse_dl.engine.analyzer.report import PolicyReport
from synapse_dl.engine.plugin_process import PackProcess
from synapse_dl.engine.pulumi_internals import analyzer_pb2 as pb
from synapse_dl.engine.pulumi_internals import analyzer_pb2_grpc
from synapse_dl.engine.struct_numbers import whole_numbers_as_ints
from synapse_dl.project import POLICY_PACK_FOLDER, find_project_dir

# The protocol's enum values by level name (ADVISORY, MANDATORY, ...), and back.
_LEVEL_VALUES = {name: pb.EnforcementLevel.Value(name.upper()) for name in ENFORCEMENT_LEVELS}
_LEVEL_NAMES = {value: name for name, value in _LEVEL_VALUES.items()}
_STACK_TYPE = "pulumi:pulumi:Stack"


def _struct(values: Mapping[str, Any] | None) -> struct_pb2.Struct:
    """JSON values as the engine marshals them: every number becomes a float."""
    struct = struct_pb2.Struct()
    struct.update(dict(values or {}))
    return struct


def _provider(reference: str | None) -> pb.AnalyzerProviderResource | None:
    """A provider reference "urn:pulumi:<stack>::<project>::<type>::<name>[::<id>]"."""
    if not reference:
        return None
    parts = reference.split("::")
    if len(parts) < 4:
        raise ValueError(f"provider {reference!r} is not a provider URN or reference")
    return pb.AnalyzerProviderResource(
        urn="::".join(parts[:4]), type=parts[2].split("$")[-1], name=parts[3]
    )


def as_resource_dict(resource: Any) -> Mapping[str, Any]:
    """A resource as a dict; also takes an object with the same attributes (the offline plan's
    PlannedResource, whose property dependencies are `property_dependencies`)."""
    if isinstance(resource, Mapping):
        return resource
    found = {
        key: getattr(resource, attribute)
        for key, attribute in (
            ("urn", "urn"),
            ("type", "type"),
            ("name", "name"),
            ("parent", "parent"),
            ("inputs", "inputs"),
            ("outputs", "outputs"),
            ("dependencies", "dependencies"),
            ("propertyDependencies", "property_dependencies"),
            ("provider", "provider"),
        )
        if hasattr(resource, attribute)
    }
    missing = {"urn", "type", "name"} - set(found)
    if missing:
        raise TypeError(f"resource {resource!r} lacks {', '.join(sorted(missing))}")
    return found


def _outputs_or_inputs(resource: Mapping[str, Any]) -> Mapping[str, Any] | None:
    # A resource without recorded outputs is judged on its inputs.
    outputs = resource.get("outputs")
    return outputs if outputs is not None else resource.get("inputs")


def _options(resource: Mapping[str, Any]) -> pb.AnalyzerResourceOptions:
    return pb.AnalyzerResourceOptions(
        parent=resource.get("parent") or "",
        customTimeouts=pb.AnalyzerResourceOptions.CustomTimeouts(),
    )


def _pack_version(pack_dir: Path, reported: str) -> str:
    # As the CLI does, PulumiPolicy.yaml's version wins over the one the pack reports.
    project = yaml.safe_load((pack_dir / "PulumiPolicy.yaml").read_text()) or {}
    return str(project.get("version") or reported)


class PolicyPackSession:
    """One pack process and a gRPC channel to it. Use as a context manager."""

    def __init__(
        self,
        pack_dir: Path | None = None,
        *,
        call_timeout_s: float = 30.0,
        **process_options: Any,
    ) -> None:
        # By default the pack in the project's policies/, as `--policy-pack policies` names it.
        self.pack_dir = Path(pack_dir) if pack_dir else find_project_dir() / POLICY_PACK_FOLDER
        self._timeout = call_timeout_s
        self.process = PackProcess(self.pack_dir, **process_options)
        try:
            self._channel = grpc.insecure_channel(f"127.0.0.1:{self.process.port}")
            self._stub = analyzer_pb2_grpc.AnalyzerStub(self._channel)
            self._handshake_and_configure_stack()
            info = self._stub.GetAnalyzerInfo(empty_pb2.Empty(), timeout=self._timeout)
        except BaseException:
            self.process.close()
            raise
        self.name = info.name
        self.version = _pack_version(self.pack_dir, info.version)
        self.policies = [
            PolicySchema(
                name=p.name,
                enforcement_level=_LEVEL_NAMES[p.enforcementLevel],
                properties=dict(_to_python(p.configSchema.properties)),
                required=tuple(p.configSchema.required),
                severity=pb.PolicySeverity.Name(p.severity)
                .removeprefix("POLICY_SEVERITY_")
                .lower(),
                framework=(
                    (p.framework.name, p.framework.reference) if p.HasField("framework") else None
                ),
                tags=tuple(p.tags),
                remediation_steps=p.remediation_steps,
                url=p.url,
            )
            for p in info.policies
        ]
        self.config: dict[str, PolicyConfig] = {}
        self.configure()

    def _handshake_and_configure_stack(self) -> None:
        # pulumi-policy (1.21) answers Handshake UNIMPLEMENTED and keeps only a stack's tags from
        # ConfigureStack; both are sent as the engine sends them, for packs that read more.
        try:
            self._stub.Handshake(
                pb.AnalyzerHandshakeRequest(
                    engine_address="",
                    root_directory=str(self.pack_dir),
                    program_directory=str(self.pack_dir),
                ),
                timeout=self._timeout,
            )
        except grpc.RpcError as e:
            if e.code() != grpc.StatusCode.UNIMPLEMENTED:
                raise
        self._stub.ConfigureStack(
            pb.AnalyzerStackConfigureRequest(
                stack=self.process.stack,
                project=self.process.project,
                dry_run=self.process.dry_run,
            ),
            timeout=self._timeout,
        )

    def __enter__(self) -> PolicyPackSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._channel.close()
        self.process.close()

    def configure(
        self, given: Mapping[str, Any] | None = None, source: str = "policy config"
    ) -> None:
        """Configure every policy: defaults, then `given` (the --policy-pack-config shape)."""
        self.config = reconcile(self.policies, given, source)
        request = pb.ConfigureAnalyzerRequest(
            policyConfig={
                name: pb.PolicyConfig(
                    enforcementLevel=_LEVEL_VALUES[c.enforcement_level],
                    properties=_struct(c.properties),
                )
                for name, c in self.config.items()
            }
        )
        self._stub.Configure(request, timeout=self._timeout)

    def weakened(self) -> list[dict[str, str]]:
        """The policies the current config set below the pack's own level."""
        return [
            {"policy": p.name, "default": p.enforcement_level, "configured": configured}
            for p in self.policies
            if STRENGTH[configured := self.config[p.name].enforcement_level]
            < STRENGTH[p.enforcement_level]
        ]

    def configure_from_file(self, path: Path | str | None) -> None:
        if path is None:
            self.configure()
        else:
            self.configure(load_config_file(path), source=str(path))

    def analyze(self, resource: Any) -> list[dict[str, str]]:
        """Resource policies on one resource's inputs."""
        resource = as_resource_dict(resource)
        request = pb.AnalyzeRequest(
            urn=resource["urn"],
            type=resource["type"],
            name=resource["name"],
            properties=_struct(resource.get("inputs")),
            options=_options(resource),
            provider=_provider(resource.get("provider")),
        )
        response = self._stub.Analyze(request, timeout=self._timeout)
        return [_violation(d, default_urn=resource["urn"]) for d in response.diagnostics]

    def analyze_stack(self, resources: Iterable[Any]) -> list[dict[str, str]]:
        """Stack policies on every resource's outputs."""
        resources = [as_resource_dict(r) for r in resources]
        request = pb.AnalyzeStackRequest(
            resources=[
                pb.AnalyzerResource(
                    urn=r["urn"],
                    type=r["type"],
                    name=r["name"],
                    properties=_struct(_outputs_or_inputs(r)),
                    options=_options(r),
                    provider=_provider(r.get("provider")),
                    parent=r.get("parent") or "",
                    dependencies=list(r.get("dependencies") or []),
                    propertyDependencies={
                        prop: pb.AnalyzerPropertyDependencies(urns=list(urns))
                        for prop, urns in (r.get("propertyDependencies") or {}).items()
                        if urns
                    },
                )
                for r in resources
            ]
        )
        response = self._stub.AnalyzeStack(request, timeout=self._timeout)
        # The engine files stack findings without a URN under the stack resource.
        stack_urn = next((r["urn"] for r in resources if r["type"] == _STACK_TYPE), "")
        return [_violation(d, default_urn=stack_urn) for d in response.diagnostics]

    def run(self, resources: Iterable[Any]) -> PolicyReport:
        """Analyze every resource (dicts or resource objects), then the stack."""
        resources = [as_resource_dict(r) for r in resources]
        violations = [v for r in resources for v in self.analyze(r)]
        violations += self.analyze_stack(resources)
        return PolicyReport(
            pack=self.name,
            version=self.version,
            violations=violations,
            weakened=self.weakened(),
            settings=dict(self.config),
        )


def _to_python(struct: struct_pb2.Struct) -> dict[str, Any]:
    # Whole numbers as ints, so a schema's errors read "minimum of 5", not 5.0.
    return whole_numbers_as_ints(json_format.MessageToDict(struct))


def _violation(diagnostic: pb.AnalyzeDiagnostic, default_urn: str) -> dict[str, str]:
    # The pack prefixes the policy's description to what the policy reported; keep the latter.
    message = diagnostic.message
    prefix = diagnostic.description + "\n"
    if diagnostic.description and message.startswith(prefix):
        message = message[len(prefix) :]
    return {
        "policy": diagnostic.policyName,
        "level": _LEVEL_NAMES[diagnostic.enforcementLevel],
        "urn": diagnostic.urn or default_urn,
        "message": message,
    }


def run_policy_pack(
    resources: Iterable[Any],
    config_path: Path | str | None = None,
    **session_options: Any,
) -> PolicyReport:
    """Start the pack, configure it from `config_path` (--policy-pack-config), analyze every
    resource and the stack, stop the pack. Raises PolicyConfigError on a bad config file."""
    with PolicyPackSession(**session_options) as session:
        session.configure_from_file(config_path)
        return session.run(resources)
