"""The engine side of the provider protocol: run the component provider in provider/ as
`pulumi package add` and a program in another language would, without the Pulumi CLI.

    with ProviderSession() as provider:
        schema = provider.schema()
        urn, state = provider.construct("synapse-dl:index:SparkPool", "gpularge", inputs)
"""

from synapse_dl.provider_harness.session import (
    ConstructMonitor,
    ProviderSession,
    ProviderStartError,
)

__all__ = ["ConstructMonitor", "ProviderSession", "ProviderStartError"]
