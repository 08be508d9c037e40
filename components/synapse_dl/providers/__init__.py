"""Pulumi dynamic providers for what azure-native cannot do: a pool's library requirements
(a second step after the pool exists) and Spark job definitions (data plane only)."""
