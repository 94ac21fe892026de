"""What every signed-in request pays for, made cheaper without changing what it does: the session
read in plain SQL (config/sessions.py), `{% url %}` from a memo (forum/templatetags/cached_url.py),
prepared statements on PostgreSQL (config/settings/base.py)."""

from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore as DjangoSessionStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse, set_script_prefix
from django.utils import timezone

from config.sessions import SessionStore
from config.settings import base as base_settings


@pytest.mark.django_db
def test_a_session_made_by_djangos_own_store_is_read_in_one_query():
    made = DjangoSessionStore()
    made["answer"] = 42
    made.create()
    store = SessionStore(made.session_key)
    with CaptureQueriesContext(connection) as queries:
        assert store["answer"] == 42
    assert len(queries) == 1
    assert store.session_key == made.session_key


@pytest.mark.django_db
def test_an_expired_or_unknown_session_reads_as_empty_and_gets_a_new_key_when_saved():
    made = DjangoSessionStore()
    made["answer"] = 42
    made.create()
    Session.objects.filter(session_key=made.session_key).update(expire_date=timezone.now() - timedelta(seconds=1))
    for key in (made.session_key, "nosuchsessionkey0000"):
        store = SessionStore(key)
        assert store.get("answer") is None
        store["other"] = 1
        store.save()
        assert store.session_key not in (key, None)


@pytest.mark.django_db
def test_signing_in_and_out_work_through_the_store(client, make_user):
    user = make_user()
    client.force_login(user)
    assert client.get(reverse("forum:notifications")).status_code == 200
    client.logout()
    assert client.get(reverse("forum:notifications")).status_code == 302


def test_the_url_tag_answers_as_reverse_does_with_arguments_and_as():
    template = Template(
        "{% url 'forum:home' %}|{% url 'forum:article' 'a-b' %}|{% url 'forum:article' slug='c' %}"
        "|{% url 'forum:article' slug='d' as link %}{{ link }}|{% url 'nope' as missing %}[{{ missing }}]"
    )
    assert template.render(Context()) == "|".join([
        reverse("forum:home"), reverse("forum:article", args=["a-b"]), reverse("forum:article", kwargs={"slug": "c"}),
        reverse("forum:article", kwargs={"slug": "d"}), "[]",
    ])
    with pytest.raises(NoReverseMatch):
        Template("{% url 'nope' %}").render(Context())


def test_the_url_tag_follows_the_script_prefix():
    template = Template("{% url 'forum:home' %}")
    try:
        set_script_prefix("/forum/")
        assert template.render(Context()) == "/forum/"
    finally:
        set_script_prefix("/")
    assert template.render(Context()) == "/"


def test_postgresql_prepares_statements_unless_behind_a_transaction_pooler(monkeypatch):
    postgres = {"ENGINE": "django.db.backends.postgresql", "NAME": "forum"}
    assert base_settings.prepared_statements(postgres)["OPTIONS"] == {"server_side_binding": True, "prepare_threshold": 5}
    monkeypatch.setenv("DATABASE_PREPARE_THRESHOLD", "0")
    assert "OPTIONS" not in base_settings.prepared_statements(postgres)
    monkeypatch.setenv("DATABASE_PREPARE_THRESHOLD", "5")
    monkeypatch.setenv("DATABASE_TRANSACTION_POOLING", "true")
    assert "OPTIONS" not in base_settings.prepared_statements(postgres)
    sqlite = {"ENGINE": "django.db.backends.sqlite3", "NAME": "x"}
    monkeypatch.delenv("DATABASE_TRANSACTION_POOLING")
    assert "OPTIONS" not in base_settings.prepared_statements(sqlite)
