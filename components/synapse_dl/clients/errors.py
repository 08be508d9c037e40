"""How a refusing service's answer reads in an error message, for ARM and Synapse alike."""

from __future__ import annotations

from azure.core.exceptions import HttpResponseError


def service_answer(error: HttpResponseError) -> str:
    """`HTTP 403 Code: message`: the status and as much of the service's own error as it sent
    (azure-core reads it from the top level or under `error`)."""
    said = ": ".join(filter(None, (error.error.code, error.error.message))) if error.error else ""
    return " ".join(filter(None, (f"HTTP {error.status_code}", said)))
