"""The forum's own settings: defaults in the app (forum/conf.py), checked at start-up."""

import pytest
from django.core.checks import run_checks

from forum.conf import DEFAULTS, forum_settings


def forum_errors():
    return [error for error in run_checks() if error.id.startswith("forum.")]


def test_every_forum_setting_has_a_default_in_the_app(settings):
    for name in DEFAULTS:
        if hasattr(settings, f"FORUM_{name}"):
            delattr(settings, f"FORUM_{name}")
        assert getattr(forum_settings, name) == DEFAULTS[name]


def test_a_setting_overrides_its_default_when_read(settings):
    settings.FORUM_PAGE_SIZE = 7
    assert forum_settings.PAGE_SIZE == 7


def test_an_unknown_forum_setting_is_an_error_not_a_silent_none():
    with pytest.raises(AttributeError):
        forum_settings.NO_SUCH_SETTING  # noqa: B018


def test_the_shipped_settings_pass_the_checks():
    # Warnings included: every FORUM_* name the project sets is one the app knows.
    assert forum_errors() == []


@pytest.mark.parametrize(
    "name, value, says",
    [
        ("FORUM_PAGE_SIZE", "50", "FORUM_PAGE_SIZE must be int"),
        ("FORUM_FLOOD_SECONDS", -1, "must be at least 0"),
        ("FORUM_PAGE_SIZE", 0, "FORUM_PAGE_SIZE must be at least 1"),
        ("FORUM_DISPLAY_DEPTH", 0, "FORUM_DISPLAY_DEPTH must be at least 1"),
        ("FORUM_PAGE_SIZ", 50, "FORUM_PAGE_SIZ is not a forum setting"),
        ("FORUM_REQUIRE_VERIFIED_EMAIL", "yes", "must be bool"),
        ("FORUM_DISPLAY_DEPTH", True, "FORUM_DISPLAY_DEPTH must be int"),
        ("FORUM_WATCHED_WORDS", {"hold": ["(unclosed"]}, "FORUM_WATCHED_WORDS"),
        ("FORUM_WATCHED_WORDS", {"ban": []}, "unknown verdict"),
    ],
)
def test_a_bad_setting_fails_the_start_up_checks(settings, name, value, says):
    setattr(settings, name, value)
    messages = [error.msg for error in forum_errors()]
    assert any(says in message for message in messages), messages


def test_a_site_address_that_is_not_a_url_fails_the_checks(settings):
    settings.FORUM_SITE_URL = "forum.example.org"
    assert any("FORUM_SITE_URL" in error.msg for error in forum_errors())


def test_production_warns_when_the_site_address_is_not_an_allowed_host(settings):
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["forum.example.org"]
    settings.FORUM_SITE_URL = "http://127.0.0.1:8000"
    assert [error.id for error in forum_errors()] == ["forum.W002"]
    settings.FORUM_SITE_URL = "https://forum.example.org"
    assert forum_errors() == []
