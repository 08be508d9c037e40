"""Reusable Pulumi components for deep learning on Azure Synapse Spark."""
