"""FORUM_SSO_KEYS: which news sites may sign their readers in, and with which key.

    {"kid": {"alg": "HS256", "secret": "..."}}  or  {"kid": {"alg": "RS256", "public_key": "PEM"}}

It comes from the environment as JSON (config/settings/base.py keeps the text); a test may set
a dict. A bad value is an error at start-up (accounts.checks), never a token refused later for
a reason nobody can see.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.conf import settings

# HS256 needs a secret long enough not to be guessed from a token (RFC 7518 3.2: at least the
# hash's size, 256 bits).
MIN_SECRET_BYTES = 32


@dataclass(frozen=True)
class Key:
    kid: str
    alg: str
    key: object  # the secret (bytes) or the public key object


class BadKeys(ValueError):
    """FORUM_SSO_KEYS cannot be used; the message says why."""


def parse(raw) -> dict[str, Key]:
    """The keys by kid. Raises BadKeys naming the first problem."""
    if raw in ("", None):
        return {}
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError as error:
            raise BadKeys(f"FORUM_SSO_KEYS is not valid JSON: {error}") from error
    if not isinstance(raw, dict):
        raise BadKeys('FORUM_SSO_KEYS must be a JSON object: {"kid": {"alg": ..., ...}}')
    keys = {}
    for kid, entry in raw.items():
        if not kid or not isinstance(entry, dict):
            raise BadKeys(f"FORUM_SSO_KEYS[{kid!r}] must be an object with an alg and its key")
        keys[kid] = _key(kid, entry)
    return keys


def _key(kid: str, entry: dict) -> Key:
    alg = entry.get("alg")
    if alg == "HS256":
        secret = entry.get("secret")
        if not isinstance(secret, str) or len(secret.encode()) < MIN_SECRET_BYTES:
            raise BadKeys(f"FORUM_SSO_KEYS[{kid!r}]: an HS256 secret of at least {MIN_SECRET_BYTES} bytes is needed")
        return Key(kid, alg, secret.encode())
    if alg == "RS256":
        from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
        from cryptography.hazmat.primitives.serialization import load_pem_public_key

        pem = entry.get("public_key")
        try:
            public_key = load_pem_public_key(pem.encode()) if isinstance(pem, str) else None
        except ValueError as error:
            raise BadKeys(f"FORUM_SSO_KEYS[{kid!r}]: public_key is not a PEM public key: {error}") from error
        if not isinstance(public_key, RSAPublicKey):
            raise BadKeys(f"FORUM_SSO_KEYS[{kid!r}]: RS256 needs an RSA public_key in PEM")
        return Key(kid, alg, public_key)
    raise BadKeys(f"FORUM_SSO_KEYS[{kid!r}]: alg must be HS256 or RS256, not {alg!r}")


_parsed: tuple[object, dict[str, Key]] | None = None


def configured() -> dict[str, Key]:
    """The keys, parsed once per value of the setting (a test's `settings` fixture changes it)."""
    global _parsed
    raw = getattr(settings, "FORUM_SSO_KEYS", "")
    marker = raw if isinstance(raw, str) else json.dumps(raw, sort_keys=True)
    if _parsed is None or _parsed[0] != marker:
        _parsed = (marker, parse(raw))
    return _parsed[1]
