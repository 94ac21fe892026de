"""What a browser and an operator see of config/middleware.py and the security settings."""

import json
import logging
import re
from html.parser import HTMLParser

import pytest
from django.db import OperationalError
from django.urls import reverse

from config import middleware
from config.tests.test_deploy import run_production

pytestmark = pytest.mark.django_db

OPED = "putins-syrian-withdrawal-announcement-neither-a-full-russian-withdrawal-nor-victory-in-syria"
PROD_SECURITY_SETTINGS = [
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
]


@pytest.fixture(scope="session")
def production_security():
    """The production settings' HTTPS values, read from a process that loaded them."""
    script = "import django, json; django.setup(); from django.conf import settings as s; print(json.dumps({n: getattr(s, n) for n in %r}))"
    result = run_production(["-c", script % PROD_SECURITY_SETTINGS])
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def behind_the_load_balancer(settings, production_security):
    for name, value in production_security.items():
        setattr(settings, name, tuple(value) if isinstance(value, list) else value)


@pytest.fixture
def request_log(caplog):
    caplog.set_level(logging.INFO, logger="forum.requests")
    return lambda: [r.getMessage() for r in caplog.records if r.name == "forum.requests"]


def directives(response) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    return {d.split()[0]: d.partition(" ")[2] for d in (part.strip() for part in policy.split(";")) if d}


@pytest.mark.parametrize("url", [reverse("forum:home"), reverse("forum:article", kwargs={"slug": OPED})])
def test_pages_forbid_inline_script_framing_and_cross_origin_referrers(client, seeded, url):
    response = client.get(url)
    assert response.status_code == 200
    policy = directives(response)
    assert policy["script-src"] == "'self'"
    assert policy["default-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("url", [reverse("forum:home"), reverse("forum:article", kwargs={"slug": OPED})])
def test_https_pages_behind_the_load_balancer_carry_hsts(client, seeded, behind_the_load_balancer, url):
    response = client.get(url, headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == 200
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_plain_http_is_redirected_to_https_in_production(client, seeded, behind_the_load_balancer):
    response = client.get(reverse("forum:home"))
    assert response.status_code == 301
    assert response.headers["Location"] == "https://testserver/"


def test_session_cookie_is_https_only_in_production(client, make_user, behind_the_load_balancer):
    from conftest import PASSWORD

    user = make_user()
    response = client.post(
        reverse("account_login"), {"login": user.username, "password": PASSWORD}, headers={"X-Forwarded-Proto": "https"}
    )
    assert response.status_code == 302
    assert response.cookies["sessionid"]["secure"] is True


class _InlineCode(HTMLParser):
    """Collects what `script-src 'self'; style-src 'self'` stops a browser from running."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and "src" not in attrs and attrs.get("type") != "application/json":
            self.found.append("inline <script>")
        if tag == "style":
            self.found.append("<style> element")
        self.found += [f"{name}= on <{tag}>" for name in attrs if name.startswith("on") or name == "style"]


def blocked_by_the_policy(html: str, *, style_attributes_allowed=False) -> list[str]:
    parser = _InlineCode()
    parser.feed(html)
    if style_attributes_allowed:
        return [item for item in parser.found if not item.startswith("style=")]
    return parser.found


@pytest.mark.parametrize("signed_in", [False, True])
def test_forum_pages_hold_nothing_the_policy_would_block(client, seeded, make_user, make_article, make_reply, signed_in):
    article = make_article()
    reply = make_reply(article=article, body="**bold** <b onclick=x style=color:red>raw</b> [link](https://example.org)")
    urls = [
        reverse("forum:home"),
        reverse("forum:article", kwargs={"slug": OPED}),
        reverse("forum:article", kwargs={"slug": article.slug}),
        reverse("forum:reply_to", kwargs={"slug": article.slug, "parent_pk": reply.pk}),
    ]
    if not signed_in:
        urls += [reverse("account_login"), reverse("account_signup"), reverse("account_reset_password")]
    else:
        client.force_login(reply.author)
        urls += [
            reverse("forum:edit", kwargs={"pk": reply.pk}),
            reverse("forum:notifications"),
            reverse("accounts:settings"),
            reverse("forum:profile", kwargs={"username": reply.author.username}),
            reverse("account_email"),
            reverse("account_change_password"),
        ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert blocked_by_the_policy(response.content.decode()) == [], url


def test_admin_pages_run_no_inline_script_and_keep_their_tree_indentation(client, seeded, make_user):
    from forum.models import Article, Reply

    client.force_login(make_user(is_staff=True, is_superuser=True))
    reply = Reply.objects.first()
    urls = [
        reverse("admin:index"),
        reverse("admin:forum_reply_changelist"),
        reverse("admin:forum_reply_change", args=[reply.pk]),
        reverse("admin:forum_article_add"),
        reverse("admin:forum_article_change", args=[Article.objects.first().pk]),
        reverse("admin:accounts_user_changelist"),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert blocked_by_the_policy(response.content.decode(), style_attributes_allowed=True) == [], url
        policy = directives(response)
        assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'", url
        assert policy["style-src-attr"] == "'unsafe-inline'", url


def test_each_request_is_logged_once_with_method_path_status_time_and_user(client, seeded, make_user, request_log):
    client.get(reverse("forum:home"))
    client.get("/no-such-page/")
    user = make_user()
    client.force_login(user)
    client.get(reverse("forum:notifications"))
    lines = request_log()
    assert len(lines) == 3, lines
    assert re.fullmatch(r"GET / 200 \d+ms user=-", lines[0])
    assert re.fullmatch(r"GET /no-such-page/ 404 \d+ms user=-", lines[1])
    assert re.fullmatch(rf"GET /notifications/ 200 \d+ms user={user.pk}", lines[2])


def test_request_log_leaves_out_the_query_string_and_cannot_be_split_by_a_crafted_path(client, db, request_log):
    client.get("/no-such-page%0A2026 forged line/?token=secret")
    [line] = request_log()
    assert "\n" not in line and "secret" not in line
    assert line.startswith("GET /no-such-page%0A2026%20forged%20line/ 404 ")


def test_request_log_hides_the_one_time_keys_in_reset_and_confirmation_links(client, db, request_log):
    client.get("/accounts/password/reset/key/2-cf3a9-0123456789abcdef/")
    client.get("/accounts/confirm-email/MQ:1vXyZ:secretsignature/")
    lines = request_log()
    assert "0123456789abcdef" not in "".join(lines) and "secretsignature" not in "".join(lines)
    assert lines[0].startswith("GET /accounts/password/reset/key/[key]/ ")
    assert lines[1].startswith("GET /accounts/confirm-email/[key]/ ")


def test_health_check_answers_a_probe_by_private_address_over_plain_http(client, db, behind_the_load_balancer, request_log):
    response = client.get("/healthz", HTTP_HOST="10.0.0.5:8000")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert request_log() == []  # probes every few seconds would bury the traffic


def test_health_check_takes_a_server_without_its_database_out_of_rotation(client, db, monkeypatch):
    def unreachable():
        raise OperationalError("connection refused")

    monkeypatch.setattr(middleware.connection, "cursor", unreachable)
    response = client.get("/healthz")
    assert response.status_code == 503
