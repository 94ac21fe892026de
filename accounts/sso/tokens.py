"""A news site's token verified into its claims, or refused with the reason.

The order matters: the header is read unverified only to choose the key, and the algorithm the
token names must be the one configured for that key. That refuses `alg: none` and the old
confusion attacks (an RS256 site's public key used as an HS256 secret) before PyJWT runs.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import jwt
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from . import keys as sso_keys

# Clocks differ: a token may say it was issued, or expire, this much off our clock.
LEEWAY_SECONDS = 30
# The longest a token may live: a stolen one is useful for an hour at most, and its jti is kept
# (accounts.models.SsoTokenSeen) no longer than that.
MAX_LIFETIME_SECONDS = 3600
MAX_TOKEN_LENGTH = 8192
REQUIRED_CLAIMS = ("sub", "exp", "iat", "jti")


class SsoRefused(Exception):
    """A token or sign-in refused: `message` is for the site's developer and the reader, and
    `status` the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message, self.status = message, status


@dataclass(frozen=True)
class Claims:
    kid: str
    sub: str
    exp: int
    iat: int
    jti: str
    email: str = ""
    email_verified: bool = False
    name: str = ""
    username: str = ""


def verify(token, *, now: float | None = None, audience: str = "") -> Claims:
    """The claims of a valid, unexpired token signed with a configured key. Raises SsoRefused.
    Writes nothing: whether its jti was seen is the services' question, under a constraint.
    `audience` is the forum's origin: a token with an `aud` claim must name it, so a token the
    site signed with the same key for another service does not sign anyone in here."""
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_LENGTH:
        raise SsoRefused(_("No sign-in token was sent, or it is too long."))
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        raise SsoRefused(_("The sign-in token is not a JWT.")) from None
    alg, kid = header.get("alg"), header.get("kid")
    if not isinstance(alg, str) or alg.lower() == "none":
        raise SsoRefused(_("The sign-in token is not signed (alg none)."))
    key = sso_keys.configured().get(kid) if isinstance(kid, str) else None
    if key is None:
        raise SsoRefused(_("The sign-in token names a key (kid) this forum does not know."))
    if alg != key.alg:
        raise SsoRefused(_("The sign-in token's algorithm is not the one configured for its key."))
    now = time.time() if now is None else now
    try:
        payload = _decode_at(token, key, now)
    except jwt.MissingRequiredClaimError as error:
        raise SsoRefused(_("The sign-in token has no %(claim)s claim.") % {"claim": error.claim}) from None
    except jwt.ExpiredSignatureError:
        raise SsoRefused(_("The sign-in token has expired.")) from None
    except jwt.ImmatureSignatureError:
        raise SsoRefused(_("The sign-in token was issued in the future (check the site's clock).")) from None
    except jwt.InvalidSignatureError:
        raise SsoRefused(_("The sign-in token's signature is not valid.")) from None
    except jwt.PyJWTError as error:
        raise SsoRefused(_("The sign-in token cannot be read: %(error)s") % {"error": error}) from None
    _check_audience(payload.get("aud"), audience)
    return _claims(kid, payload, now)


def _check_audience(aud, audience: str) -> None:
    if aud is None:
        return
    named = [aud] if isinstance(aud, str) else aud if isinstance(aud, list) else []
    if not audience or audience.rstrip("/") not in [str(value).rstrip("/") for value in named]:
        raise SsoRefused(_("The sign-in token is meant for another service (its aud claim does not name this forum)."))


def _decode_at(token: str, key: sso_keys.Key, now: float) -> dict:
    """jwt.decode as of `now`: PyJWT checks the signature and that the claims are there; the
    times are checked here against `now` (PyJWT reads the clock itself), with the leeway."""
    payload = jwt.decode(
        token, key.key, algorithms=[key.alg],
        options={"require": list(REQUIRED_CLAIMS), "verify_aud": False, "verify_iss": False,
                 "verify_exp": False, "verify_iat": False, "verify_nbf": False},
    )
    for claim in ("exp", "iat", "nbf"):
        value = payload.get(claim, 0)
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise jwt.DecodeError(f"the {claim} claim must be a number")
    if payload["exp"] <= now - LEEWAY_SECONDS:
        raise jwt.ExpiredSignatureError
    if payload["iat"] > now + LEEWAY_SECONDS or payload.get("nbf", 0) > now + LEEWAY_SECONDS:
        raise jwt.ImmatureSignatureError
    return payload


def _claims(kid: str, payload: dict, now: float) -> Claims:
    sub, jti = payload.get("sub"), payload.get("jti")
    if not isinstance(sub, str) or not sub.strip() or len(sub) > 255:
        raise SsoRefused(_("The sign-in token's sub claim must be the reader's id on the site, as a string."))
    if not isinstance(jti, str) or not jti.strip() or len(jti) > 255:
        raise SsoRefused(_("The sign-in token's jti claim must be a unique string."))
    if payload["exp"] > now + MAX_LIFETIME_SECONDS + LEEWAY_SECONDS:
        raise SsoRefused(_("The sign-in token expires more than an hour from now; make it short-lived."))
    email = payload.get("email") or ""
    if email:
        try:
            validate_email(email)
        except (ValidationError, TypeError):
            raise SsoRefused(_("The sign-in token's email claim is not an email address.")) from None
    texts = {}
    for claim in ("name", "username"):
        value = payload.get(claim) or ""
        if not isinstance(value, str):
            raise SsoRefused(_("The sign-in token's %(claim)s claim must be a string.") % {"claim": claim})
        texts[claim] = value.strip()[:150]
    return Claims(
        kid=kid, sub=sub, exp=int(payload["exp"]), iat=int(payload["iat"]), jti=jti, email=email.strip(),
        # Only JSON true counts: a site that sends "false" as a string has not vouched for anything.
        email_verified=payload.get("email_verified") is True, **texts,
    )
