"""Signing in inside the embedded frame: the popup's one-time code, its exchange for the frame's
own session, and the partitioned cookies that session rides in (issue 16)."""

from __future__ import annotations

import datetime
import http.client
import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import EmbedSigninCode

pytestmark = pytest.mark.django_db

CSRF = "a" * 32  # an unmasked secret: the cookie and the header carry the same value


def frame_client() -> Client:
    """The embedded frame: Django's CSRF check enforced, a CSRF cookie as its page would have."""
    client = Client(enforce_csrf_checks=True)
    client.cookies[settings.CSRF_COOKIE_NAME] = CSRF
    return client


def exchange(client, code, *, as_json=False):
    if as_json:
        return client.post(reverse("embed_accounts:session"), {"code": code}, content_type="application/json",
                           HTTP_X_CSRFTOKEN=CSRF)
    return client.post(reverse("embed_accounts:session"), {"code": code}, HTTP_X_CSRFTOKEN=CSRF)


def popup_code(client) -> str:
    page = client.get("/embed/signin/").content.decode()
    return re.search(r'data-code="([^"]+)"', page).group(1)


def signed_in_as(client):
    return client.session.get("_auth_user_id")


# --- The popup -------------------------------------------------------------------------------------


def test_the_popup_sends_a_signed_out_reader_through_allauths_sign_in_and_back():
    response = Client().get("/embed/signin/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/embed/signin/"
    assert EmbedSigninCode.objects.count() == 0


def test_the_popup_page_hands_a_code_to_its_opener_on_the_forums_own_origin(client, make_user):
    user = make_user("jane", display_name="Jane Doe")
    client.force_login(user)
    response = client.get("/embed/signin/")
    page = response.content.decode()
    assert response.status_code == 200
    assert re.search(r'data-code="[A-Za-z0-9_-]{40,}"', page)
    assert 'data-origin="http://testserver"' in page
    assert "js/embed-signin.js" in page and "<script>" not in page  # CSP: no inline script
    assert "You are signed in as Jane Doe; you can close this window." in page
    # The code is secret and short-lived: nothing keeps the page, and only its digest is stored.
    assert "no-store" in response["Cache-Control"]
    row = EmbedSigninCode.objects.get()
    code = re.search(r'data-code="([^"]+)"', page).group(1)
    assert row.user == user and code not in row.digest
    assert timezone.now() < row.expires <= timezone.now() + datetime.timedelta(seconds=60)


def test_the_popup_and_the_sign_in_on_the_way_to_it_keep_their_opener(client, make_user):
    # Django's Cross-Origin-Opener-Policy: same-origin would cut the popup off from the frame.
    assert client.get("/accounts/login/?next=/embed/signin/")["Cross-Origin-Opener-Policy"] == "unsafe-none"
    refused = client.post("/accounts/login/", {"login": "nobody", "password": "wrong", "next": "/embed/signin/"})
    assert refused["Cross-Origin-Opener-Policy"] == "unsafe-none"
    client.force_login(make_user())
    assert client.get("/embed/signin/")["Cross-Origin-Opener-Policy"] == "unsafe-none"
    # Every other page keeps the protection.
    assert Client().get("/accounts/login/")["Cross-Origin-Opener-Policy"] == "same-origin"
    assert client.get("/")["Cross-Origin-Opener-Policy"] == "same-origin"


def test_signing_in_with_allauth_in_the_popup_lands_on_the_code_page(make_user):
    from conftest import PASSWORD

    make_user("jane")
    popup = Client()
    response = popup.post("/accounts/login/", {"login": "jane", "password": PASSWORD, "next": "/embed/signin/"},
                          follow=True)
    assert response.redirect_chain[-1][0] == "/embed/signin/"
    assert 'data-code="' in response.content.decode()


# --- The exchange ----------------------------------------------------------------------------------


@pytest.mark.parametrize("as_json", [False, True], ids=["form", "json"])
def test_the_frame_trades_a_code_for_a_session_of_its_own(client, make_user, as_json):
    user = make_user("jane", display_name="Jane Doe")
    client.force_login(user)
    frame = frame_client()
    response = exchange(frame, popup_code(client), as_json=as_json)
    assert response.status_code == 200
    answer = response.json()
    assert (answer["username"], answer["display_name"]) == ("jane", "Jane Doe")
    assert signed_in_as(frame) == str(user.pk)
    assert EmbedSigninCode.objects.count() == 0
    # login() gave the session a new CSRF secret: the answer carries a token that passes with it.
    after = frame.post(reverse("embed_accounts:session"), {"code": "x"}, HTTP_X_CSRFTOKEN=answer["csrf_token"])
    assert after.status_code == 400  # past the CSRF check (a 403 otherwise), refused for the code


def test_a_code_signs_in_once(client, make_user):
    client.force_login(make_user())
    code = popup_code(client)
    assert exchange(frame_client(), code).status_code == 200
    second = frame_client()
    response = exchange(second, code)
    assert response.status_code == 400
    assert "used already" in response.json()["error"]
    assert signed_in_as(second) is None
    assert settings.SESSION_COOKIE_NAME not in response.cookies


def test_an_expired_code_is_refused_and_writes_nothing(make_user):
    user = make_user()
    code = services.signin_code_issue(user=user, now=timezone.now() - datetime.timedelta(seconds=61))
    frame = frame_client()
    response = exchange(frame, code)
    assert response.status_code == 400 and response.json()["error"]
    assert signed_in_as(frame) is None
    assert settings.SESSION_COOKIE_NAME not in response.cookies


@pytest.mark.parametrize("body", [{}, {"code": ""}, {"code": "not-a-code"}, {"code": "x" * 500}])
def test_a_missing_or_made_up_code_is_refused(body, django_user_model):
    frame = frame_client()
    response = frame.post(reverse("embed_accounts:session"), body, HTTP_X_CSRFTOKEN=CSRF)
    assert response.status_code == 400 and response.json()["error"]
    assert signed_in_as(frame) is None
    assert settings.SESSION_COOKIE_NAME not in response.cookies


def test_malformed_json_is_refused():
    frame = frame_client()
    response = frame.post(reverse("embed_accounts:session"), "{not json", content_type="application/json",
                          HTTP_X_CSRFTOKEN=CSRF)
    assert response.status_code == 400 and response.json()["error"]


def test_the_exchange_needs_the_csrf_token(client, make_user):
    client.force_login(make_user())
    code = popup_code(client)
    frame = frame_client()
    response = frame.post(reverse("embed_accounts:session"), {"code": code})  # no X-CSRFToken
    assert response.status_code == 403
    assert signed_in_as(frame) is None
    assert EmbedSigninCode.objects.count() == 1  # the code is still unused


def test_a_code_in_a_get_signs_nobody_in(client, make_user):
    client.force_login(make_user())
    frame = frame_client()
    response = frame.get(reverse("embed_accounts:session"), {"code": popup_code(client)})
    assert response.json()["username"] is None
    assert signed_in_as(frame) is None and EmbedSigninCode.objects.count() == 1


def test_the_frame_asks_whom_it_is_signed_in_as_and_gets_a_csrf_token(client, make_user):
    frame = Client(enforce_csrf_checks=True)
    response = frame.get(reverse("embed_accounts:session"))
    assert response.json()["username"] is None
    assert "Partitioned" in response.cookies[settings.CSRF_COOKIE_NAME].output()
    token = response.json()["csrf_token"]
    client.force_login(make_user("jane"))
    signed_in = frame.post(reverse("embed_accounts:session"), {"code": popup_code(client)}, HTTP_X_CSRFTOKEN=token)
    assert signed_in.status_code == 200
    assert frame.get(reverse("embed_accounts:session")).json()["username"] == "jane"


def test_a_code_signs_in_the_account_it_was_issued_for_and_no_other(client, make_user):
    jane, john = make_user("jane"), make_user("john")
    frame = frame_client()
    frame.force_login(john)
    client.force_login(jane)
    assert exchange(frame, popup_code(client)).json()["username"] == "jane"
    assert signed_in_as(frame) == str(jane.pk)  # john's session was replaced, not merged


def test_an_account_deactivated_since_the_code_was_issued_is_refused(client, make_user):
    user = make_user()
    client.force_login(user)
    code = popup_code(client)
    user.is_active = False
    user.save(update_fields=["is_active"])
    frame = frame_client()
    assert exchange(frame, code).status_code == 400
    assert signed_in_as(frame) is None


# --- The frame's cookies ----------------------------------------------------------------------------


def test_the_frames_session_and_csrf_cookies_are_partitioned(client, make_user):
    client.force_login(make_user())
    response = exchange(frame_client(), popup_code(client))
    session = response.cookies[settings.SESSION_COOKIE_NAME].output(header="Set-Cookie:")
    csrf = response.cookies[settings.CSRF_COOKIE_NAME].output(header="Set-Cookie:")
    for line in (session, csrf):
        attributes = {part.strip().split("=")[0].lower(): part for part in line.split(";")[1:]}
        assert "Partitioned" in line and "secure" in attributes and "SameSite=None" in line
        assert attributes["path"].strip() == "Path=/"
    assert "HttpOnly" in session


def test_a_navigation_inside_the_frame_gets_partitioned_cookies_anywhere_on_the_forum(make_user):
    """The frame's forms post to the forum's ordinary views: a browser says it is in a frame."""
    from conftest import PASSWORD

    make_user("jane")
    in_frame = Client().post("/accounts/login/", {"login": "jane", "password": PASSWORD},
                             HTTP_SEC_FETCH_DEST="iframe")
    assert "Partitioned" in in_frame.cookies[settings.SESSION_COOKIE_NAME].output()
    marked = Client().get("/accounts/login/", HTTP_X_FORUM_FRAME="1")
    assert "Partitioned" in marked.cookies[settings.CSRF_COOKIE_NAME].output()
    top_level = Client().get("/accounts/login/", HTTP_SEC_FETCH_DEST="document")
    assert "Partitioned" not in top_level.cookies[settings.CSRF_COOKIE_NAME].output()


def test_first_party_cookies_stay_as_they_were(make_user):
    from conftest import PASSWORD

    make_user("jane")
    response = Client().post("/accounts/login/", {"login": "jane", "password": PASSWORD})
    line = response.cookies[settings.SESSION_COOKIE_NAME].output()
    assert "Partitioned" not in line and "SameSite=Lax" in line


def test_the_popup_keeps_the_first_party_cookies(make_user):
    """The popup is first-party, where the reader's forum session lives: a partitioned cookie
    set there would be a second session of the same name on every page of the forum."""
    from conftest import PASSWORD

    make_user("jane")
    popup = Client()
    popup.post("/accounts/login/", {"login": "jane", "password": PASSWORD, "next": "/embed/signin/"})
    response = popup.get("/embed/signin/")
    for morsel in response.cookies.values():
        assert "Partitioned" not in morsel.output()


@pytest.mark.django_db(transaction=True)
def test_the_set_cookie_header_on_the_wire(live_server, make_user):
    """Through a real HTTP server, as a browser reads it: one Set-Cookie line per cookie, each
    with its attributes."""
    user = make_user()
    code = services.signin_code_issue(user=user, now=timezone.now())
    connection = http.client.HTTPConnection(live_server.url.removeprefix("http://"), timeout=10)
    connection.request("POST", "/embed/session/", body=f"code={code}", headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": f"{settings.CSRF_COOKIE_NAME}={CSRF}",
        "X-CSRFToken": CSRF,
    })
    response = connection.getresponse()
    assert response.status == 200, response.read()
    lines = [value for name, value in response.getheaders() if name.lower() == "set-cookie"]
    by_name = {line.split("=", 1)[0]: line for line in lines}
    session, csrf = by_name[settings.SESSION_COOKIE_NAME], by_name[settings.CSRF_COOKIE_NAME]
    assert re.search(r"; HttpOnly; Max-Age=\d+; Path=/; SameSite=None; Secure; Partitioned$", session), session
    assert re.search(r"; Max-Age=\d+; Path=/; SameSite=None; Secure; Partitioned$", csrf), csrf


def test_a_cookie_deleted_in_the_frame_is_deleted_in_its_partition(rf):
    """Signing out inside the frame must name the partitioned cookie, or the browser keeps it."""
    from django.http import HttpResponse

    from config.embed_cookies import EmbedCookiesMiddleware

    def sign_out(request):
        response = HttpResponse()
        response.delete_cookie(settings.SESSION_COOKIE_NAME)
        return response

    line = EmbedCookiesMiddleware(sign_out)(rf.post("/embed/anything/")).cookies[settings.SESSION_COOKIE_NAME].output()
    assert "Max-Age=0" in line and "Partitioned" in line and "SameSite=None" in line
