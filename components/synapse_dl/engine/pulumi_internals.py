"""Every private Pulumi SDK API this package uses, each with why: nothing else imports them.

Two parts of the engine layer need more than the SDK's public API offers:
- the offline runtime (offline_runtime.py) runs a program under Pulumi's own mock runtime the
  way the language host runs it, and records what the mock monitor registers;
- the component provider (component_provider.py) adds to Pulumi's component host what its
  public entry point, `component_provider_host`, cannot: errors as the engine's
  invalid-input error, and whole numbers as ints.

An SDK release may change any of this without notice. So pyproject.toml pins the SDK to exactly
SDK_VERSION where this module is installed (the `engine` extra, which `cli` includes), an SDK
that lacks an API below fails the import with a message naming it, and `problems()` (run by
tests/engine/test_pulumi_internals.py) names each use that an installed SDK changed.

The engine's gRPC stubs (`pulumi.runtime.proto`) come from here too: the protocol is the
engine's published one, but the SDK ships its stubs under an internal path.
"""

from __future__ import annotations

import inspect
import json
import logging
import os
import pickle
import runpy
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pulumi

from synapse_dl.version import PACKAGE

if TYPE_CHECKING:
    from pulumi.provider.experimental.component import ComponentProvider
    from pulumi.provider.server import ComponentInitError

# The SDK release every use below was read against (pyproject.toml's `engine` extra pins it).
SDK_VERSION = "3.272.0"


class PulumiSdkChangedError(ImportError):
    """The installed Pulumi SDK lacks a private API this module uses."""


def _changed(what: str, error: Exception) -> PulumiSdkChangedError:
    installed = metadata.version("pulumi")
    return PulumiSdkChangedError(
        f"the Pulumi SDK {installed} has no {what} ({error}); synapse-dl's engine layer "
        f"(synapse_dl/engine/pulumi_internals.py) was written for pulumi {SDK_VERSION}: "
        f'install that version (pip install "{PACKAGE}[cli]")'
    )


try:
    # The engine's protocol stubs, for the Analyzer client, the provider host and their tests.
    from pulumi.runtime.proto import (
        analyzer_pb2,
        analyzer_pb2_grpc,
        engine_pb2,
        engine_pb2_grpc,
        provider_pb2,
        provider_pb2_grpc,
        resource_pb2,
        resource_pb2_grpc,
    )
except ImportError as error:
    raise _changed("pulumi.runtime.proto", error) from None
try:
    # Values as the engine marshals them (secrets, unknowns): the recording monitor reads the
    # registrations' property structs, and masks secrets in what the plan shows.
    from pulumi.output import Unknown
    from pulumi.runtime import rpc as _rpc
except ImportError as error:
    raise _changed("pulumi.runtime.rpc", error) from None
try:
    # The mock runtime's monitor, subclassed to record each registration with its options.
    from pulumi.runtime.mocks import MockMonitor
except ImportError as error:
    raise _changed("pulumi.runtime.mocks.MockMonitor", error) from None
try:
    # Dynamic resources serialize their provider with a patched pickler (see _pickler_restored).
    from pulumi.dynamic import dynamic as _dynamic
except ImportError as error:
    raise _changed("pulumi.dynamic.dynamic", error) from None
try:
    # Running a program: a root Stack resource, the SDK's runner of a program function, and its
    # way of driving a coroutine to the end from synchronous code, as the language host does.
    from pulumi.runtime import settings as _settings
    from pulumi.runtime.stack import Stack as _Stack
    from pulumi.runtime.stack import run_pulumi_func as _run_pulumi_func
    from pulumi.runtime.sync_await import _sync_await
except ImportError as error:
    raise _changed("pulumi.runtime.stack / sync_await", error) from None

__all__ = [
    "SDK_VERSION",
    "MockMonitor",
    "PulumiSdkChangedError",
    "UNKNOWN",
    "analyzer_pb2",
    "analyzer_pb2_grpc",
    "component_host",
    "deserialize_properties",
    "engine_pb2",
    "engine_pb2_grpc",
    "is_secret",
    "is_unknown",
    "problems",
    "provider_pb2",
    "provider_pb2_grpc",
    "registered_state",
    "resource_pb2",
    "resource_pb2_grpc",
    "run_under_mocks",
    "secret",
]

# The engine's marker for a value not known until apply (during preview): a plan shows it, and
# a policy pack given it reports "can't run during preview".
UNKNOWN: str = _rpc.UNKNOWN


def is_secret(value: Any) -> bool:
    """A value the engine marks secret (its wire form: `{sig: <secret>, value}`)."""
    return bool(_rpc.is_rpc_secret(value))


def secret(value: Any) -> Any:
    """`value` in the engine's wire form of a secret (what a mock's output holds)."""
    return _rpc.wrap_rpc_secret(value)


def is_unknown(value: Any) -> bool:
    """A value the SDK holds for one not known until apply."""
    return isinstance(value, Unknown)


def deserialize_properties(struct: Any) -> Any:
    """A registration's property struct as Python values (the SDK's own unmarshalling)."""
    return _rpc.deserialize_properties(struct)


def registered_state(monitor: MockMonitor, urn: str) -> dict[str, Any]:
    """The outputs the mock monitor recorded for a resource: the mocks' answer, which the
    monitor keeps in its `resources` table and the SDK gives the program."""
    return dict(monitor.resources[urn].state)


def component_host() -> tuple[type[ComponentProvider], type[ComponentInitError]]:
    """(ComponentProvider, ComponentInitError): the component host's provider class (its public
    entry point, component_provider_host, builds one and serves it, with no way to adapt it),
    and the error it wraps a component's own exception in. Imported when asked for: the
    provider's server module loads its own copy of the google.rpc.Status message, which a
    process that also loads googleapis' (a test) cannot hold twice."""
    try:
        from pulumi.provider.experimental.component import ComponentProvider
        from pulumi.provider.server import ComponentInitError
    except ImportError as error:
        raise _changed("pulumi.provider.experimental.component.ComponentProvider", error) from None
    return ComponentProvider, ComponentInitError


@contextmanager
def _pickler_restored() -> Iterator[None]:
    """Puts back the pickler method Pulumi's dynamic-provider serialization replaces: it wraps
    `pickle._Pickler._batch_setitems` once per dynamic resource and never unwraps it
    (pulumi/dynamic/dynamic.py, serialize_provider), so plans run one after another in one
    process (tests, the mutation run) would nest the wrapper until a RecursionError."""
    original = pickle._Pickler._batch_setitems  # type: ignore[attr-defined]
    try:
        yield
    finally:
        pickle._Pickler._batch_setitems = original  # type: ignore[attr-defined]


@contextmanager
def _config_passed(config: Mapping[str, str], secret_keys: list[str]) -> Iterator[None]:
    """The stack's config in PULUMI_CONFIG (and its secret keys in PULUMI_CONFIG_SECRET_KEYS)
    while the program runs, as the language host passes them (programs list the keys they
    were given with pulumi.runtime.get_config_env)."""
    passed = {
        "PULUMI_CONFIG": json.dumps(dict(config)),
        "PULUMI_CONFIG_SECRET_KEYS": json.dumps(secret_keys),
    }
    before = {name: os.environ.get(name) for name in passed}
    os.environ.update(passed)
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                del os.environ[name]
            else:
                os.environ[name] = value


def run_under_mocks(
    program: Path,
    *,
    mocks: pulumi.runtime.Mocks,
    monitor: MockMonitor,
    project: str,
    stack: str,
    config: Mapping[str, str],
    secret_keys: list[str] | None = None,
    logger: logging.Logger,
) -> None:
    """Run `program` (a `__main__.py`) as the language host would, in preview, with its
    registrations answered by `monitor` (and its `mocks`); raises what the program raises."""
    # A fresh runtime for each plan: several plans run one after another in one process.
    _settings.ROOT.set(None)
    secret_keys = secret_keys or []
    pulumi.runtime.set_all_config(dict(config), secret_keys)
    pulumi.runtime.set_mocks(
        mocks, project=project, stack=stack, preview=True, logger=logger, monitor=monitor
    )
    # What the last plan's program left pending or registered must not reach this one.
    _settings.SETTINGS.rpc_manager.clear()
    _settings.SETTINGS.outputs.clear()
    # set_mocks made a root stack and closed it; the program runs in a fresh one, as under the
    # language host, so its exports are registered.
    _settings.ROOT.set(None)

    def run_program() -> None:
        root = _Stack()
        try:
            runpy.run_path(str(program), run_name="__main__")
        finally:
            root._finish()  # registers the stack's outputs (its exports)

    with _pickler_restored(), _config_passed(config, secret_keys):
        _sync_await(_run_pulumi_func(run_program))


def problems() -> list[str]:
    """Each private API above that the installed SDK no longer offers as used; [] when all do."""
    found = []
    installed = metadata.version("pulumi")
    if installed != SDK_VERSION:
        found.append(f"pulumi {installed} is installed; these uses were read against {SDK_VERSION}")

    def check(what: str, holds: bool) -> None:
        if not holds:
            found.append(f"pulumi {installed}: {what}")

    class _Answers(pulumi.runtime.Mocks):
        def new_resource(self, args: Any) -> tuple[str | None, dict]:
            return None, {}

        def call(self, args: Any) -> tuple[dict, list]:
            return {}, []

    monitor = MockMonitor(_Answers())
    resources = getattr(monitor, "resources", None)
    check("MockMonitor has no `resources` table", isinstance(resources, dict))
    check("Stack has no _finish()", callable(getattr(_Stack, "_finish", None)))
    for name in ("rpc_manager", "outputs"):
        part = getattr(_settings.SETTINGS, name, None)
        check(f"settings.SETTINGS.{name} has no clear()", callable(getattr(part, "clear", None)))
    check("settings.ROOT is not a context variable", callable(getattr(_settings.ROOT, "set", None)))
    check(
        "set_mocks takes no monitor",
        "monitor" in inspect.signature(pulumi.runtime.set_mocks).parameters,
    )
    serialize = inspect.getsource(_dynamic)
    check(
        "dynamic providers no longer patch pickle._Pickler._batch_setitems (drop the restore)",
        "_batch_setitems" in serialize and hasattr(pickle._Pickler, "_batch_setitems"),
    )
    ComponentProvider, ComponentInitError = component_host()
    check(
        "ComponentProvider.construct takes other arguments",
        list(inspect.signature(ComponentProvider.construct).parameters)
        == ["self", "name", "resource_type", "inputs", "options"],
    )
    check("ComponentInitError keeps no `inner`", "inner" in inspect.getsource(ComponentInitError))
    for function in (_rpc.is_rpc_secret, _rpc.wrap_rpc_secret, _rpc.deserialize_properties):
        check(f"rpc.{function.__name__} changed", callable(function))
    return found
