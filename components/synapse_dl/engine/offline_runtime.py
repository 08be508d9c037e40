"""Run the Pulumi program under Pulumi's own mock runtime and record what it would deploy.

The program (`__main__.py`) runs unchanged: config comes in through `pulumi.Config` exactly
as the CLI passes it, resources are registered through the real SDK, and a recording
monitor keeps each registration's type, name, parent, inputs (camelCase, as the engine sees
them; secrets masked) and resource options. The mocks' answers are in mock_resources.py;
what of the SDK's internals this takes, in pulumi_internals.py.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi

from synapse_dl.config.errors import ConfigError
from synapse_dl.config.stack_file import Encrypted, read_stack_document
from synapse_dl.config.strict_yaml import YamlFileError, load_yaml
from synapse_dl.engine.mock_resources import MOCK_SUBSCRIPTION_ID, MOCK_TENANT_ID, PlanMocks
from synapse_dl.engine.pulumi_internals import (
    UNKNOWN,
    MockMonitor,
    deserialize_properties,
    is_secret,
    is_unknown,
    registered_state,
    run_under_mocks,
)
from synapse_dl.project import PROJECT_FILE, find_project_dir, stack_name

__all__ = [
    "MOCK_SUBSCRIPTION_ID",
    "MOCK_TENANT_ID",
    "SECRET_MASK",
    "EngineRefusalError",
    "Plan",
    "PlanMocks",
    "PlannedResource",
    "RecordingMonitor",
    "mask_secrets",
    "plan_stack",
]

SECRET_MASK = "[secret]"
_STACK_TYPE = "pulumi:pulumi:Stack"


class EngineRefusalError(ConfigError):
    """What the Pulumi engine refuses in a plan as a whole, in the engine's own words."""

    def __init__(self, problems: list[str]):
        super().__init__(problems, heading="the Pulumi engine would refuse this plan")


@dataclass
class PlannedResource:
    urn: str
    type: str
    name: str
    parent: str
    inputs: dict[str, Any]
    outputs: dict[str, Any]
    custom: bool
    dependencies: list[str] = field(default_factory=list)
    property_dependencies: dict[str, list[str]] = field(default_factory=dict)
    protect: bool = False
    ignore_changes: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "urn": self.urn,
            "type": self.type,
            "name": self.name,
            "parent": self.parent,
            "inputs": self.inputs,
            "protect": self.protect,
            # what it waits for: the pull-request summary draws the stack from it
            "dependsOn": sorted(self.dependencies),
        }


@dataclass
class Plan:
    project: str  # as its Pulumi.yaml names it
    stack: str
    resources: list[PlannedResource]
    warnings: list[str]
    outputs: dict[str, Any]
    # Ids the mocks made up where Azure assigns its own (PlanMocks.stand_ins).
    stand_ins: list[str] = field(default_factory=list)

    def by_type(self, type_: str) -> list[PlannedResource]:
        return [r for r in self.resources if r.type == type_]

    def one(self, type_: str, name: str) -> PlannedResource:
        matches = [r for r in self.resources if r.type == type_ and r.name == name]
        if len(matches) != 1:
            raise LookupError(f"{len(matches)} resources of type {type_} named {name}")
        return matches[0]


def mask_secrets(value: Any) -> Any:
    """Plain JSON values: every secret masked, dynamic providers' pickled code dropped, and a
    file asset shown by its path (relative to the working directory) and content hash."""
    if is_secret(value):
        return SECRET_MASK
    if is_unknown(value):
        return UNKNOWN  # as the engine marshals a value not known at preview
    if isinstance(value, pulumi.FileAsset):
        path = Path(value.path).resolve()
        # Shown relative to where the command runs (the project, for `synapse-dl plan`).
        here = Path.cwd()
        return {
            "fileAsset": str(path.relative_to(here)) if path.is_relative_to(here) else str(path),
            "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        }
    if isinstance(value, dict):
        return {k: mask_secrets(v) for k, v in value.items() if not k.startswith("__")}
    if isinstance(value, list):
        return [mask_secrets(v) for v in value]
    return value


class RecordingMonitor(MockMonitor):
    """The mock runtime's monitor, keeping each registration as a PlannedResource."""

    def __init__(self, mocks: pulumi.runtime.Mocks | None = None):
        # What answers each registration and function call.
        self.answers = mocks or PlanMocks()
        super().__init__(self.answers)
        self.planned: list[PlannedResource] = []
        self._urns: set[str] = set()
        self._lock = threading.Lock()
        self.stack_outputs: dict[str, Any] = {}
        self.component_outputs: dict[str, dict[str, Any]] = {}

    def RegisterResource(self, request: Any) -> Any:
        response = super().RegisterResource(request)
        if request.type == _STACK_TYPE:
            self.stack_urn = response.urn
            return response
        with self._lock:  # the SDK registers from a thread pool
            if response.urn in self._urns:
                # The engine stops the whole update here (pkg/diag/errors.go, error 2001).
                raise EngineRefusalError(
                    [f"Duplicate resource URN '{response.urn}'; try giving it a unique name"]
                )
            self._urns.add(response.urn)
        state = registered_state(self, response.urn)
        self.planned.append(
            PlannedResource(
                urn=response.urn,
                type=request.type,
                name=request.name,
                parent=request.parent,
                inputs=mask_secrets(deserialize_properties(request.object)),
                outputs=mask_secrets(state),
                custom=request.custom,
                dependencies=list(request.dependencies),
                property_dependencies={
                    key: list(deps.urns) for key, deps in request.propertyDependencies.items()
                },
                protect=bool(request.protect),
                ignore_changes=list(request.ignoreChanges),
            )
        )
        return response

    def RegisterResourceOutputs(self, request: Any) -> Any:
        outputs = mask_secrets(deserialize_properties(request.outputs))
        if request.urn == getattr(self, "stack_urn", None):
            self.stack_outputs = outputs
        else:
            # What a component registers: its outputs as the engine records them.
            self.component_outputs[request.urn] = outputs
        return super().RegisterResourceOutputs(request)


class _WarningCollector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@dataclass(frozen=True)
class PassedConfig:
    """The config a language host passes a program: `project:key` -> text, and the keys
    that are secrets."""

    values: dict[str, str]
    secret_keys: list[str]


def _go_json(value: Any) -> Any:
    """`value` as the CLI's JSON carries it: an encrypted value as the secret it stands for
    (offline, [secret]); a whole float as Go's encoder writes it, without a fraction (8.0 is
    `8`, which a program reads back as an integer)."""
    if isinstance(value, Encrypted):
        return SECRET_MASK
    if isinstance(value, dict):
        return {key: _go_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_go_json(item) for item in value]
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return int(value)
    return value


def _holds_encrypted(value: Any) -> bool:
    if isinstance(value, dict):
        return any(_holds_encrypted(item) for item in value.values())
    if isinstance(value, list):
        return any(_holds_encrypted(item) for item in value)
    return isinstance(value, Encrypted)


def pulumi_config_values(stack_file: Path) -> PassedConfig:
    """The stack's config as the CLI passes it to a program: `project:key` -> text, objects
    and lists as JSON; an encrypted value, which only the CLI can decrypt, as an unknown
    secret ([secret], its key a secret key). Raises ConfigError, naming the file, for a file
    the CLI would refuse."""
    config = read_stack_document(stack_file)["config"]
    values = {
        key: value if isinstance(value, str) else json.dumps(_go_json(value))
        for key, value in config.items()
    }
    values |= {key: SECRET_MASK for key, value in config.items() if isinstance(value, Encrypted)}
    secret_keys = sorted(key for key, value in config.items() if _holds_encrypted(value))
    return PassedConfig(values, secret_keys)


def project_name(program_dir: Path) -> str:
    """The project's name, as its Pulumi.yaml gives it (the first part of every config key
    and URN)."""
    path = program_dir / PROJECT_FILE
    try:
        document = load_yaml(path)
    except YamlFileError as error:
        raise ConfigError([str(error)]) from None
    name = document.get("name") if isinstance(document, dict) else None
    if not isinstance(name, str) or not name:
        raise ConfigError([f"{path}: name = {name!r}: a project needs its name, as text"])
    return name


def plan_stack(
    stack_file: Path,
    program_dir: Path | None = None,
    monitor: RecordingMonitor | None = None,
) -> Plan:
    """Run the program of `program_dir` (default: the project around the working directory)
    against a stack file under mocks; raises what the program raises.

    Pass a `monitor` to see what was registered even when the program fails.
    """
    program_dir = program_dir or find_project_dir()
    project = project_name(program_dir)
    stack = stack_name(stack_file)
    config = pulumi_config_values(stack_file)

    monitor = monitor or RecordingMonitor()
    logger = logging.getLogger(f"synapse_dl.offline_runtime.{stack}")
    logger.propagate = False
    collector = _WarningCollector()
    logger.handlers[:] = [collector]
    run_under_mocks(
        program_dir / "__main__.py",
        mocks=monitor.answers,
        monitor=monitor,
        project=project,
        stack=stack,
        config=config.values,
        secret_keys=config.secret_keys,
        logger=logger,
    )
    encrypted = [
        f"{stack_file.name}: {key} is encrypted; planned as an unknown secret ({SECRET_MASK}), "
        "as the offline plan cannot decrypt it"
        for key in config.secret_keys
    ]
    return Plan(
        project=project,
        stack=stack,
        # The SDK registers resources from a thread pool, so arrival order varies from run to
        # run; the URN order does not.
        resources=sorted(monitor.planned, key=lambda r: r.urn),
        warnings=encrypted + collector.messages,
        outputs=monitor.stack_outputs,
        stand_ins=sorted(getattr(monitor.answers, "stand_ins", ())),
    )
