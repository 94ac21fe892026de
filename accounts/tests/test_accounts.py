"""The account flows (django-allauth) in the forum's look, and the settings page."""

import re
import subprocess
import sys

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from accounts.models import User

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-enough-passphrase"


def sign_up(client, username="newbie", email="newbie@example.com"):
    return client.post(
        reverse("account_signup"),
        {"username": username, "email": email, "password1": PASSWORD, "password2": PASSWORD},
    )


def test_sign_up_then_verify_the_email_from_the_outbox_then_post(client, make_article):
    # Sign-up waits for the email link (ACCOUNT_EMAIL_VERIFICATION "mandatory", issue 14: so that
    # a taken address is answered as a new one); the link signs the account in and leads back
    # to the reply written before signing up.
    article = make_article()
    reply_url = reverse("forum:reply_top", args=[article.slug])
    assert client.post(reply_url, {"body": "Written before signing up"}).status_code == 302
    signed_up = sign_up(client)
    assert signed_up.status_code == 302 and signed_up["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session
    user = User.objects.get(username="newbie")
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/confirm-email/[^/\s]+/)", mail.outbox[0].body).group(1)
    assert client.get(link).status_code == 200
    confirmed = client.post(link)
    assert confirmed.status_code == 302 and confirmed["Location"] == reply_url
    assert user.emailaddress_set.get().verified
    assert "Written before signing up" in client.get(reply_url).content.decode()
    posted = client.post(reply_url, {"body": "Now I can"})
    assert posted.status_code == 302
    assert user.replies.count() == 1


@pytest.mark.parametrize("login", ["member", "member@example.com"])
def test_log_in_by_username_or_email_and_log_out(client, make_user, login):
    make_user("member")
    response = client.post(reverse("account_login"), {"login": login, "password": "pw-for-tests-1"})
    assert response.status_code == 302
    assert "_auth_user_id" in client.session
    client.post(reverse("account_logout"))
    assert "_auth_user_id" not in client.session


def test_a_wrong_password_is_refused_with_a_message(client, make_user):
    make_user("member")
    response = client.post(reverse("account_login"), {"login": "member", "password": "wrong"})
    assert response.status_code == 200
    assert "not correct" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_forgotten_password_is_reset_by_email(client, make_user):
    make_user("member")
    client.post(reverse("account_reset_password"), {"email": "member@example.com"})
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/password/reset/key/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    action = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    done = client.post(action, {"password1": "a-brand-new-passphrase", "password2": "a-brand-new-passphrase"})
    assert done.status_code == 302
    assert User.objects.get(username="member").check_password("a-brand-new-passphrase")


def test_a_member_changes_their_password(client, make_user):
    user = make_user("member")
    client.force_login(user)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": "pw-for-tests-1", "password1": "another-long-passphrase", "password2": "another-long-passphrase"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("another-long-passphrase")


@pytest.mark.parametrize(
    "name", ["account_login", "account_signup", "account_reset_password", "account_email", "account_change_password"]
)
def test_account_pages_wear_the_forums_look_and_link_back(client, make_user, name):
    if name in {"account_email", "account_change_password"}:
        client.force_login(make_user())
    page = client.get(reverse(name)).content.decode()
    assert 'class="site-header"' in page and 'href="/static/css/forum.css"' in page
    assert f'href="{reverse("forum:home")}"' in page


def test_rate_limits_are_on(client):
    assert getattr(settings, "ACCOUNT_RATE_LIMITS", None) is not False
    # Hammer the login: allauth answers 429 once its per-IP limit is spent.
    statuses = {client.post(reverse("account_login"), {"login": "x", "password": "y"}).status_code for _ in range(40)}
    assert 429 in statuses


def test_the_admin_login_goes_through_allauth(client):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def load_caches(env):
    code = "import django; django.setup(); from django.conf import settings; from django.core.cache import cache; " \
           "cache.set('probe', 41); print(settings.CACHES['default']['BACKEND'], cache.get('probe'))"
    return subprocess.run(
        [sys.executable, "-c", code], env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "config.settings.test", **env},
        cwd=settings.BASE_DIR, capture_output=True, text=True,
    )


def test_the_cache_is_local_memory_by_default_and_redis_when_configured():
    local = load_caches({})
    assert local.stdout.split() == ["django.core.cache.backends.locmem.LocMemCache", "41"], local.stderr
    redis = load_caches({"REDIS_URL": "redis://127.0.0.1:6379/15"})
    if "Redis unreachable" in redis.stdout + redis.stderr:  # config/cache.py logs it and serves without
        pytest.skip("no Redis on 127.0.0.1:6379")
    assert redis.stdout.split() == ["config.cache.ResilientRedisCache", "41"], redis.stderr


def test_a_display_name_that_looks_like_someone_elses_is_refused(client, make_user, seeded):
    user = make_user("honest")
    client.force_login(user)
    response = client.post(reverse("accounts:settings"), {"display_name": "Atle Rordam", "email_on_reply": "on"})
    assert response.status_code == 400
    assert "looks too much like a name that is" in response.content.decode()
    user.refresh_from_db()
    assert user.display_name == ""


def test_settings_need_a_signed_in_member(client):
    response = client.get(reverse("accounts:settings"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_a_session_made_before_accounts_backends_still_signs_its_reader_in(client, make_user):
    """Sessions name the backend that signed them in; the ones made before accounts.backends
    name Django's and allauth's, which stay listed so a deploy signs nobody out."""
    person = make_user("veteran")
    client.force_login(person, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(reverse("accounts:settings")).status_code == 200
