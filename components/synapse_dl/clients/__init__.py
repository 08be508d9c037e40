"""Clients of Azure's APIs: ARM (the management plane) and a workspace's Synapse data plane."""
