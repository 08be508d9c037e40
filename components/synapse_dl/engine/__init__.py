"""Stand-ins for the parts of the Pulumi engine that the commands need without the Pulumi CLI:
the offline runtime that runs a program under Pulumi's mocks (offline_runtime.py), the Analyzer
protocol's client that runs a policy pack (analyzer/), and the host that runs the component
provider (provider_host.py). Every private Pulumi API they need is in pulumi_internals.py."""
