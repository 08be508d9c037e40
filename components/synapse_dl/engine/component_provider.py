"""The components as a Pulumi component package, for programs in any language:
`pulumi package add` runs this provider (provider/__main__.py), asks it for the schema and
constructs each component through it.

The host (pulumi.provider.experimental) builds the schema from the components' Args and
output annotations and their docstrings, and serves the provider protocol on a port it prints
first on stdout. This provider adds two things to the host's ComponentProvider, which the
host's public entry point offers no way to (so it takes the class from pulumi_internals.py):
- bad arguments come back as the engine's invalid-input error, one line per argument, as a
  stack file's do, rather than as an exception with a traceback;
- whole numbers are passed on as ints: the host hands integer inputs on as floats.
"""

from __future__ import annotations

import re
import sys
from typing import Any

import pulumi
from pulumi import InputPropertiesError, InputPropertyErrorDetails
from pulumi.provider import ConstructResult
from pulumi.provider import main as serve

from synapse_dl.config.errors import ConfigError
from synapse_dl.engine.pulumi_internals import component_host
from synapse_dl.engine.struct_numbers import whole_numbers_as_ints
from synapse_dl.spark_pool import SparkPool
from synapse_dl.training_job import TrainingJob
from synapse_dl.version import PACKAGE, VERSION
from synapse_dl.workspace import SynapseWorkspace

ComponentProvider, ComponentInitError = component_host()
COMPONENTS: list[type[pulumi.ComponentResource]] = [SynapseWorkspace, SparkPool, TrainingJob]
# The argument a problem line names: `args.settings.nodeCount = 500: ...` -> settings.nodeCount
_ARGUMENT = re.compile(r"^args\.([A-Za-z0-9_.\[\]]+)")


def _property_errors(error: ConfigError) -> list[InputPropertyErrorDetails]:
    return [
        {"property_path": match.group(1) if (match := _ARGUMENT.match(p)) else "", "reason": p}
        for p in error.problems
    ]


# The base class comes from a call (pulumi_internals.component_host), which mypy cannot follow.
class SynapseDlProvider(ComponentProvider):  # type: ignore[misc,valid-type]
    def __init__(self) -> None:
        super().__init__(COMPONENTS, PACKAGE, None, VERSION)

    def construct(
        self,
        name: str,
        resource_type: str,
        inputs: Any,
        options: pulumi.ResourceOptions | None = None,
    ) -> ConstructResult:
        try:
            # Every numeric input of the schema is an integer (the tests check).
            inputs = whole_numbers_as_ints(inputs)
            return super().construct(name, resource_type, inputs, options)
        except ComponentInitError as error:
            if isinstance(error.inner, ConfigError):
                raise InputPropertiesError(
                    str(error.inner), _property_errors(error.inner)
                ) from None
            raise


def main() -> None:
    """Serve the package; the engine passes its address as the first argument."""
    serve(SynapseDlProvider(), sys.argv[1:])
