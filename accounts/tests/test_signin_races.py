"""Two requests with the same one-time code, or the same SSO token, at the same moment, on two
PostgreSQL connections: exactly one signs in (issue 16). The second waits for the first's lock
(the code's row, the jti's unique index), then finds the code gone or the jti taken."""

from __future__ import annotations

import time
import uuid

import jwt
import pytest
from django.utils import timezone

from accounts import services
from accounts.models import EmbedSigninCode, SsoLink, SsoTokenSeen, User
from accounts.sso import SsoRefused, verify
from accounts.sso import services as sso_services
from forum.tests.test_locks import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

SECRET = "a-shared-secret-of-at-least-32-bytes!"


def test_two_exchanges_of_one_code_sign_in_once(make_user):
    user = make_user()
    code = services.signin_code_issue(user=user, now=timezone.now())
    first = []

    def redeem_first():
        first.append(services.signin_code_redeem(code=code, now=timezone.now()))

    waited, second = race(redeem_first, lambda: services.signin_code_redeem(code=code, now=timezone.now()))
    assert waited, "the second exchange did not wait for the first one's delete"
    assert first == [user]
    assert second.error is None and second.result is None
    assert EmbedSigninCode.objects.count() == 0


def test_two_uses_of_one_sso_token_make_one_account(settings):
    settings.FORUM_SSO_KEYS = {"news": {"alg": "HS256", "secret": SECRET}}
    now = int(time.time())
    token = jwt.encode({"sub": "r1", "iat": now, "exp": now + 600, "jti": uuid.uuid4().hex, "username": "jane"},
                       SECRET, algorithm="HS256", headers={"kid": "news"})
    claims = verify(token)
    waited, second = race(lambda: sso_services.sign_in(claims=claims, now=timezone.now()),
                          lambda: sso_services.sign_in(claims=claims, now=timezone.now()))
    assert waited, "the second token did not wait for the first one's jti"
    assert isinstance(second.error, SsoRefused) and "used already" in second.error.message
    assert User.objects.count() == 1 and SsoLink.objects.count() == 1 and SsoTokenSeen.objects.count() == 1


def test_a_readers_first_two_tokens_at_once_make_one_account(settings):
    """Two different tokens (two jti) of one new reader: the second waits on the (kid, sub)
    link's unique index, fails, and tries again: it finds the link the first one made."""
    settings.FORUM_SSO_KEYS = {"news": {"alg": "HS256", "secret": SECRET}}
    now = int(time.time())

    def claims():
        return verify(jwt.encode({"sub": "r1", "iat": now, "exp": now + 600, "jti": uuid.uuid4().hex,
                                  "username": "jane"}, SECRET, algorithm="HS256", headers={"kid": "news"}))

    first_claims, second_claims = claims(), claims()
    first = []
    waited, second = race(lambda: first.append(sso_services.sign_in(claims=first_claims, now=timezone.now())),
                          lambda: sso_services.sign_in(claims=second_claims, now=timezone.now()))
    assert second.error is None, second.error
    assert second.result == first[0]
    assert User.objects.count() == 1 and SsoLink.objects.count() == 1 and SsoTokenSeen.objects.count() == 2
