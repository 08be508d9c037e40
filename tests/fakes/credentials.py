"""A token credential for the fake servers: hands out a fixed token for the expected scope."""

from __future__ import annotations

import time

from azure.core.credentials import AccessToken


def static_credential(token: str, scope: str | None = None) -> type:
    class StaticCredential:
        def get_token(self, *scopes: str, **_: object) -> AccessToken:
            if scope is not None:
                assert scopes == (scope,), scopes
            return AccessToken(token, int(time.time()) + 3600)

    return StaticCredential
