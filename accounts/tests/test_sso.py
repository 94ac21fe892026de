"""Single sign-on with a news site's accounts: POST /embed/sso/ with a token signed by PyJWT
(issue 16). Every refusal answers a 4xx with a JSON error and writes nothing."""

from __future__ import annotations

import time
import uuid

import jwt
import pytest
from allauth.account.models import EmailAddress
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.core.checks import run_checks
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import SsoLink, SsoTokenSeen, User
from accounts.sso import tokens
from forum import policy

pytestmark = pytest.mark.django_db

SECRET = "a-shared-secret-of-at-least-32-bytes!"
CSRF = "b" * 32
RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
RSA_PUBLIC_PEM = RSA_KEY.public_key().public_bytes(
    serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
).decode()


@pytest.fixture(autouse=True)
def sso_keys(settings):
    settings.FORUM_SSO_KEYS = {
        "news": {"alg": "HS256", "secret": SECRET},
        "news-rsa": {"alg": "RS256", "public_key": RSA_PUBLIC_PEM},
        "other-site": {"alg": "HS256", "secret": "another-secret-of-at-least-32-bytes"},
    }


def make_token(*, kid="news", key=SECRET, alg="HS256", headers=None, drop=(), **claims) -> str:
    now = int(time.time())
    payload = {"sub": "reader-1", "iat": now, "exp": now + 600, "jti": uuid.uuid4().hex, **claims}
    for claim in drop:
        payload.pop(claim)
    return jwt.encode(payload, key, algorithm=alg, headers={"kid": kid, **(headers or {})})


def frame_client() -> Client:
    client = Client(enforce_csrf_checks=True)
    client.cookies[settings.CSRF_COOKIE_NAME] = CSRF
    return client


def post_token(token, *, client=None, as_json=True):
    client = client or frame_client()
    if as_json:
        response = client.post(reverse("embed_accounts:sso"), {"token": token}, content_type="application/json",
                               HTTP_X_CSRFTOKEN=CSRF)
    else:
        response = client.post(reverse("embed_accounts:sso"), {"token": token}, HTTP_X_CSRFTOKEN=CSRF)
    response.frame = client
    return response


def rows():
    return User.objects.count(), SsoLink.objects.count(), SsoTokenSeen.objects.count(), EmailAddress.objects.count()


def signed_in_as(client):
    return client.session.get("_auth_user_id")


# --- Accepted -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("as_json", [True, False], ids=["json", "form"])
def test_a_first_hs256_token_makes_the_account_and_signs_the_frame_in(as_json):
    response = post_token(make_token(name="Jane Doe", username="jane", email="jane@news.example",
                                     email_verified=True), as_json=as_json)
    assert response.status_code == 200, response.content
    assert {k: response.json()[k] for k in ("username", "display_name")} == {"username": "jane",
                                                                              "display_name": "Jane Doe"}
    user = User.objects.get(username="jane")
    assert signed_in_as(response.frame) == str(user.pk)
    assert SsoLink.objects.get().user == user and SsoLink.objects.get().made_account
    assert user.email == "jane@news.example" and not user.has_usable_password()
    # The site vouched for the address, so the reader may post (FORUM_REQUIRE_VERIFIED_EMAIL).
    assert policy.author_refusal(user) is None
    assert "Partitioned" in response.cookies[settings.SESSION_COOKIE_NAME].output()


def test_a_token_counts_as_a_fresh_sign_in_for_an_account_without_a_password():
    """Deleting an account without a password asks for a sign-in within the last minutes
    (issue 17): for an SSO reader, that is the token's."""
    frame = post_token(make_token(username="jane")).frame
    response = frame.get(reverse("privacy:delete"))
    assert response.status_code == 200
    assert response.context["fresh"] is True and response.context["needs_password"] is False


def test_deleting_the_account_removes_its_link_and_a_later_token_starts_afresh():
    from forum.privacy.deletion import anonymise

    post_token(make_token(username="jane", name="Jane Doe"))
    jane = User.objects.get(username="jane")
    anonymise(jane)
    assert not SsoLink.objects.exists()
    jane.refresh_from_db()
    assert jane.username.startswith("deleted-") and not jane.is_active
    # The site still knows the reader: their next token makes a new account, not the deleted one.
    response = post_token(make_token(username="jane", name="Jane Doe"))
    assert response.status_code == 200 and SsoLink.objects.get().user_id != jane.pk


def test_a_token_naming_this_forum_as_its_audience_signs_in():
    assert post_token(make_token(aud="http://testserver")).status_code == 200
    assert post_token(make_token(sub="reader-2", aud=["https://api.news.example", "http://testserver/"])).status_code == 200


def test_a_token_meant_for_another_service_is_refused_and_writes_nothing():
    before = rows()
    response = post_token(make_token(aud="https://api.news.example"))
    assert response.status_code == 400 and "another service" in response.json()["error"]
    assert rows() == before


def test_an_rs256_token_signs_in():
    response = post_token(make_token(kid="news-rsa", key=RSA_KEY, alg="RS256", username="robin"))
    assert response.status_code == 200, response.content
    assert response.json()["username"] == "robin"


def test_the_next_token_of_the_same_reader_signs_into_the_same_account():
    first = post_token(make_token(username="jane")).json()
    again = post_token(make_token(username="jane"))
    assert again.status_code == 200 and again.json()["username"] == first["username"]
    assert User.objects.count() == 1 and SsoLink.objects.count() == 1


def test_an_unverified_address_is_kept_but_does_not_let_them_post():
    post_token(make_token(username="jane", email="jane@news.example", email_verified=False))
    user = User.objects.get()
    assert EmailAddress.objects.get(user=user).verified is False
    assert policy.author_refusal(user) is not None


# --- Refused, writing nothing -------------------------------------------------------------------------


def _refusals():
    now = int(time.time())
    return {
        "alg none": lambda: jwt.encode({"sub": "r", "iat": now, "exp": now + 60, "jti": "j"}, None, algorithm="none",
                                       headers={"kid": "news"}),
        "alg not the kid's (HS384)": lambda: make_token(alg="HS384", key=SECRET * 2),
        "HS256 on an RS256 kid": lambda: make_token(kid="news-rsa", key=SECRET, alg="HS256"),
        "RS256 on an HS256 kid": lambda: make_token(kid="news", key=RSA_KEY, alg="RS256"),
        "unknown kid": lambda: make_token(kid="nobody"),
        "no kid": lambda: jwt.encode({"sub": "r", "iat": now, "exp": now + 60, "jti": "j"}, SECRET, algorithm="HS256"),
        "bad signature": lambda: make_token(key="the-wrong-secret-of-at-least-32-bytes"),
        "another site's secret": lambda: make_token(kid="news", key="another-secret-of-at-least-32-bytes"),
        "tampered payload": lambda: _tampered(make_token()),
        "expired": lambda: make_token(iat=now - 700, exp=now - 100),
        "iat in the future": lambda: make_token(iat=now + 300, exp=now + 600),
        "exp more than an hour ahead": lambda: make_token(exp=now + 3600 + 600),
        "missing sub": lambda: make_token(drop=("sub",)),
        "empty sub": lambda: make_token(sub=" "),
        "sub not a string": lambda: make_token(sub=42),
        "missing exp": lambda: make_token(drop=("exp",)),
        "exp not a number": lambda: make_token(exp="tomorrow"),
        "iat not finite": lambda: _with_raw_payload('{"sub": "r", "iat": -Infinity, "exp": %d, "jti": "j"}' % (now + 60)),
        "missing iat": lambda: make_token(drop=("iat",)),
        "missing jti": lambda: make_token(drop=("jti",)),
        "email not an address": lambda: make_token(email="not an address"),
        "name not a string": lambda: make_token(name=["Jane"]),
        "not a JWT": lambda: "not.a.token",
        "empty": lambda: "",
        "not a string": lambda: 42,
    }


def _with_raw_payload(payload: str) -> str:
    """A token signed over JSON that json.dumps would not write (Python's parser reads -Infinity)."""
    import base64
    import hashlib
    import hmac

    def part(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    signing_input = part(b'{"alg":"HS256","kid":"news","typ":"JWT"}') + "." + part(payload.encode())
    signature = hmac.new(SECRET.encode(), signing_input.encode(), hashlib.sha256).digest()
    return signing_input + "." + part(signature)


def _tampered(token: str) -> str:
    header, payload, signature = token.split(".")
    other = make_token(sub="someone-else").split(".")[1]
    return ".".join([header, other, signature])


@pytest.mark.parametrize("case", list(_refusals()))
def test_a_bad_token_is_refused_with_a_json_error_and_writes_nothing(case):
    before = rows()
    response = post_token(_refusals()[case]())
    assert 400 <= response.status_code < 500 and response.status_code == 400
    assert response.json()["error"]
    assert rows() == before
    assert signed_in_as(response.frame) is None
    assert settings.SESSION_COOKIE_NAME not in response.cookies


def test_the_refusals_say_why():
    assert "not signed" in post_token(_refusals()["alg none"]()).json()["error"]
    assert "kid" in post_token(make_token(kid="nobody")).json()["error"]
    assert "expired" in post_token(_refusals()["expired"]()).json()["error"]
    assert "future" in post_token(_refusals()["iat in the future"]()).json()["error"]
    assert "sub" in post_token(make_token(drop=("sub",))).json()["error"]
    assert "hour" in post_token(_refusals()["exp more than an hour ahead"]()).json()["error"]


def test_a_clock_a_little_ahead_is_tolerated():
    now = int(time.time())
    response = post_token(make_token(iat=now + tokens.LEEWAY_SECONDS - 5, exp=now + 600))
    assert response.status_code == 200


def test_a_token_is_used_once():
    token = make_token(username="jane")
    assert post_token(token).status_code == 200
    before = rows()
    again = post_token(token)
    assert again.status_code == 400 and "used already" in again.json()["error"]
    assert rows() == before and signed_in_as(again.frame) is None


def test_the_csrf_token_is_required():
    before = rows()
    client = frame_client()
    response = client.post(reverse("embed_accounts:sso"), {"token": make_token()}, content_type="application/json")
    assert response.status_code == 403
    assert rows() == before and signed_in_as(client) is None


def test_a_suspended_readers_token_is_refused():
    post_token(make_token(username="jane", iat=int(time.time()) - 10))
    user = User.objects.get()
    user.banned_at, user.ban_reason = timezone.now(), "Spam"
    user.save()
    before = rows()
    response = post_token(make_token(username="jane", name="A new name"))
    assert response.status_code == 403 and "suspended" in response.json()["error"]
    assert rows() == before and signed_in_as(response.frame) is None
    user.refresh_from_db()
    assert user.display_name == ""  # the newer token's name was not stored either


def test_an_inactive_account_is_refused():
    post_token(make_token(username="jane"))
    User.objects.update(is_active=False)
    response = post_token(make_token(username="jane"))
    assert response.status_code == 403 and response.json()["error"]


def test_seen_tokens_are_forgotten_once_expired():
    old = SsoTokenSeen.objects.create(kid="news", jti="old", expires=timezone.now() - timezone.timedelta(minutes=5))
    post_token(make_token())
    assert not SsoTokenSeen.objects.filter(pk=old.pk).exists()
    assert SsoTokenSeen.objects.count() == 1


# --- The account: made, updated, linked ------------------------------------------------------------


def test_a_newer_token_updates_the_name_and_address_and_an_older_one_does_not():
    now = int(time.time())
    post_token(make_token(username="jane", name="Jane", email="jane@old.example", email_verified=True, iat=now - 20))
    post_token(make_token(username="jane", name="Jane Doe", email="jane@new.example", email_verified=True, iat=now))
    user = User.objects.get()
    assert (user.display_name, user.email) == ("Jane Doe", "jane@new.example")
    assert list(EmailAddress.objects.filter(user=user).values_list("email", "verified")) == [("jane@new.example",
                                                                                             True)]
    stale = post_token(make_token(username="jane", name="Old Name", email="jane@older.example", iat=now - 10))
    assert stale.status_code == 200  # still signs in
    user.refresh_from_db()
    assert (user.display_name, user.email) == ("Jane Doe", "jane@new.example")
    assert SsoLink.objects.get().last_iat == now


def test_a_changed_email_never_locks_the_reader_out():
    now = int(time.time())
    first = post_token(make_token(email="a@news.example", email_verified=True, iat=now - 5)).json()
    second = post_token(make_token(email="b@news.example", email_verified=True, iat=now))
    assert second.status_code == 200 and second.json()["username"] == first["username"]
    assert User.objects.count() == 1


def test_an_address_another_account_holds_never_signs_into_it(make_user):
    owner = make_user("owner", email="shared@example.com", verified=True)
    response = post_token(make_token(username="someone", email="shared@example.com"))  # not email_verified
    assert response.status_code == 200
    user = User.objects.get(username="someone")
    assert user != owner and signed_in_as(response.frame) == str(user.pk)
    assert user.email == ""  # the address stays the owner's alone
    assert not EmailAddress.objects.filter(user=user).exists()


def test_an_address_the_site_verified_but_the_forum_did_not_never_signs_into_it(make_user):
    owner = make_user("owner", email="shared@example.com", verified=False)
    response = post_token(make_token(username="someone", email="shared@example.com", email_verified=True))
    assert response.json()["username"] != "owner"
    assert not SsoLink.objects.filter(user=owner).exists()


def test_an_address_both_verified_links_the_existing_account(make_user):
    owner = make_user("owner", email="Shared@Example.com", verified=True)
    response = post_token(make_token(username="someone", email="shared@example.com", email_verified=True))
    assert response.status_code == 200 and response.json()["username"] == "owner"
    assert signed_in_as(response.frame) == str(owner.pk)
    link = SsoLink.objects.get()
    assert link.user == owner and not link.made_account
    assert User.objects.count() == 1
    # Linked by (kid, sub) from now on: the next token signs in even with another address.
    later = post_token(make_token(username="someone", email="elsewhere@example.com", email_verified=True))
    assert later.json()["username"] == "owner"
    owner.refresh_from_db()
    assert owner.email.lower() == "shared@example.com"  # an account that signed up here keeps its address


def test_one_sites_verified_address_does_not_open_an_account_to_another_site():
    post_token(make_token(kid="news", sub="1", username="jane", email="jane@example.com", email_verified=True))
    other_site = make_token(kid="other-site", key="another-secret-of-at-least-32-bytes", sub="1", username="jane",
                            email="jane@example.com", email_verified=True)
    response = post_token(other_site)
    assert response.status_code == 200 and response.json()["username"] != "jane"
    assert User.objects.count() == 2


def test_the_same_sub_under_two_keys_is_two_readers():
    post_token(make_token(kid="news", sub="7", username="seven"))
    post_token(make_token(kid="other-site", key="another-secret-of-at-least-32-bytes", sub="7", username="seven"))
    assert User.objects.count() == 2 and SsoLink.objects.count() == 2


# --- Names follow the forum's rules ---------------------------------------------------------------


def test_a_taken_name_gets_a_number_and_no_look_alike_display_name(make_user):
    make_user("jane", display_name="Jane Doe")
    response = post_token(make_token(username="jane", name="Jane Doe"))
    answer = response.json()
    assert answer["username"] == "jane_2"
    assert answer["display_name"] == "jane_2"  # "Jane Doe" is someone else's
    assert User.objects.get(username="jane_2").display_name == ""


def test_a_look_alike_of_another_accounts_name_is_not_taken(make_user):
    make_user("alex")
    response = post_token(make_token(username="Аlex"))  # Cyrillic А
    user = User.objects.get(username=response.json()["username"])
    assert user.username == "Аlex_2"  # numbered, so it reads as another name
    assert user.name_canonical != User.objects.get(username="alex").name_canonical


def test_a_reserved_name_is_replaced_by_a_generated_one():
    response = post_token(make_token(username="Moderator", name="The Editor"))
    answer = response.json()
    assert answer["username"].startswith("reader-")
    assert User.objects.get(username=answer["username"]).display_name == ""


def test_a_name_with_invisible_characters_is_not_used():
    response = post_token(make_token(name="evil\u202eresu"))
    user = User.objects.get(username=response.json()["username"])
    assert "\u202e" not in user.username and user.display_name == ""


def test_a_full_width_name_is_stored_as_the_letters_it_reads_as():
    assert post_token(make_token(username="Ｊａｎｅ")).json()["username"] == "Jane"


def test_an_email_as_username_shows_only_its_local_part():
    assert post_token(make_token(username="jane.doe@news.example")).json()["username"] == "jane.doe"


# --- Start-up check -------------------------------------------------------------------------------


@pytest.mark.parametrize("value, message", [
    ("{not json", "not valid JSON"),
    ('["a"]', "must be a JSON object"),
    ('{"k": {"alg": "none"}}', "alg must be HS256 or RS256"),
    ('{"k": {"alg": "HS512", "secret": "x"}}', "alg must be HS256 or RS256"),
    ('{"k": {"alg": "HS256", "secret": "short"}}', "at least 32 bytes"),
    ('{"k": {"alg": "RS256", "public_key": "not a pem"}}', "not a PEM public key"),
])
def test_bad_sso_keys_stop_the_start(settings, value, message):
    settings.FORUM_SSO_KEYS = value
    errors = [error for error in run_checks() if error.id == "accounts.E001"]
    assert len(errors) == 1 and message in errors[0].msg


def test_good_sso_keys_pass_the_check(settings):
    import json

    settings.FORUM_SSO_KEYS = json.dumps({"a": {"alg": "HS256", "secret": SECRET},
                                          "b": {"alg": "RS256", "public_key": RSA_PUBLIC_PEM}})
    assert not [error for error in run_checks() if error.id.startswith(("accounts.", "forum.W001"))]
    assert post_token(make_token(kid="b", key=RSA_KEY, alg="RS256")).status_code == 200


def test_with_no_keys_every_token_is_refused(settings):
    settings.FORUM_SSO_KEYS = ""
    response = post_token(make_token())
    assert response.status_code == 400 and rows() == (0, 0, 0, 0)


# --- Forum users like any other --------------------------------------------------------------------


def test_an_sso_reader_posts_through_the_hooks_and_a_suspension_shuts_their_token_out(make_article, moderator):
    from forum.moderation.suspensions import user_ban
    from forum.posting import services as posting

    post_token(make_token(username="jane", email="jane@news.example", email_verified=True,
                          iat=int(time.time()) - 5))
    jane = User.objects.get(username="jane")
    reply = posting.reply_create(article=make_article(), author=jane, body="Read from the newsroom's page.")
    assert reply.author == jane
    user_ban(user=jane, moderator=moderator, reason="Spam")
    response = post_token(make_token(username="jane"))
    assert response.status_code == 403 and "Spam" in response.json()["error"]
