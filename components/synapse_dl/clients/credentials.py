"""The deploying identity, made on demand: providers and the job runner take a factory like
this one as an argument, so a test passes its own instead of patching a module."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# What a provider or the job runner calls to get a credential (azure-core's TokenCredential).
CredentialFactory = Callable[[], Any]


def default_credential() -> Any:
    """`az login`, a workload identity in CI, or a managed identity."""
    from azure.identity import DefaultAzureCredential

    return DefaultAzureCredential()
