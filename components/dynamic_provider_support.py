"""What the project's dynamic providers share: the deploying identity, a key-based diff, and
how a service's refusal reads in an error message."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from azure.core.exceptions import HttpResponseError
from pulumi.dynamic import DiffResult


def make_credential() -> Any:
    """The deploying identity: `az login`, a workload identity in CI, or a managed identity."""
    from azure.identity import DefaultAzureCredential

    return DefaultAzureCredential()


def service_answer(error: HttpResponseError) -> str:
    """`HTTP 403 Code: message`: the status and as much of the service's own error as it sent
    (azure-core reads it from the top level or under `error`)."""
    said = ": ".join(filter(None, (error.error.code, error.error.message))) if error.error else ""
    return " ".join(filter(None, (f"HTTP {error.status_code}", said)))


def diff_by_keys(
    olds: dict[str, Any],
    news: dict[str, Any],
    *,
    replace_keys: Iterable[str],
    update_keys: Iterable[str],
) -> DiffResult:
    """A change to a replace key replaces the resource; to an update key, updates it in place.

    Local: diffing asks nothing of Azure, so an unchanged resource costs no call.
    """
    replaces = [key for key in replace_keys if olds.get(key) != news.get(key)]
    updates = [key for key in update_keys if olds.get(key) != news.get(key)]
    return DiffResult(changes=bool(replaces or updates), replaces=replaces)
