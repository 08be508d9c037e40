"""A token credential for the fake servers: its token names the audience it was asked for, so a
fake can refuse a token obtained for the wrong one, as Azure does."""

from __future__ import annotations

import time

from azure.core.credentials import AccessToken

_PREFIX = "fake-token-for:"


def token_for(scope: str) -> str:
    return f"{_PREFIX}{scope}"


def audience_of(authorization: str | None) -> str | None:
    """The scope a fake token was issued for; None when it is not a fake bearer token."""
    prefix = f"Bearer {_PREFIX}"
    if authorization is None or not authorization.startswith(prefix):
        return None
    return authorization[len(prefix) :]


class FakeCredential:
    """Issues a token for whichever one scope is asked."""

    def get_token(self, *scopes: str, **_: object) -> AccessToken:
        if len(scopes) != 1:
            raise ValueError(f"one scope per token, got {scopes}")
        return AccessToken(token_for(scopes[0]), int(time.time()) + 3600)
