"""Page URLs normalised so one page has one thread (forum.embed.addresses), and the listed
origins checked at start-up."""

import pytest
from django.core import checks

from forum.embed.addresses import BadPageURL, is_listed, normalise, origin_of


@pytest.mark.parametrize(
    "given, normal",
    [
        ("https://news.example/story", "https://news.example/story"),
        # scheme and host case; the default port
        ("HTTPS://News.Example:443/story", "https://news.example/story"),
        ("http://news.example:80/story", "http://news.example/story"),
        ("http://news.example:8080/story", "http://news.example:8080/story"),
        ("https://news.example:80/story", "https://news.example:80/story"),  # not https's default
        # the trailing slash; an empty path
        ("https://news.example/story/", "https://news.example/story"),
        ("https://news.example", "https://news.example/"),
        ("https://news.example/", "https://news.example/"),
        # the fragment
        ("https://news.example/story#comments", "https://news.example/story"),
        # tracking parameters, and the rest sorted
        ("https://news.example/story?utm_source=x&utm_medium=y&UTM_Campaign=z", "https://news.example/story"),
        ("https://news.example/story?fbclid=1&gclid=2&mc_cid=3&mc_eid=4", "https://news.example/story"),
        ("https://news.example/story?b=2&a=1&utm_term=t", "https://news.example/story?a=1&b=2"),
        ("https://news.example/story?id=7&a=1#x", "https://news.example/story?a=1&id=7"),
        # the path's case is the site's: kept
        ("https://news.example/Story", "https://news.example/Story"),
        # one spelling of an escaped path
        ("https://news.example/caf%C3%A9", "https://news.example/caf%C3%A9"),
        ("https://news.example/a%2Db", "https://news.example/a-b"),
    ],
)
def test_a_page_has_one_address(given, normal):
    assert normalise(given) == normal


@pytest.mark.parametrize(
    "given",
    ["", "   ", "news.example/story", "ftp://news.example/story", "javascript:alert(1)", "https://",
     "https://user:pass@news.example/story", "https://news.example:99999/story", "https://news.example/" + "a" * 600],
)
def test_what_is_not_a_page_address_is_refused(given):
    with pytest.raises(BadPageURL):
        normalise(given)


def test_origins_are_written_as_browsers_write_them():
    assert origin_of("HTTPS://News.Example:443/a?b#c") == "https://news.example"
    assert origin_of("http://127.0.0.1:8001/x") == "http://127.0.0.1:8001"


def test_only_a_listed_origin_is_listed(settings):
    settings.FORUM_EMBED_ORIGINS = ["https://news.example", "http://127.0.0.1:8001"]
    assert is_listed("https://NEWS.example/story?x=1")
    assert is_listed("http://127.0.0.1:8001/story")
    assert not is_listed("http://news.example/story")  # another scheme is another origin
    assert not is_listed("https://news.example.evil/story")
    assert not is_listed("https://evil.example/?https://news.example")
    assert not is_listed("http://127.0.0.1:8002/story")
    assert not is_listed("not a url")


@pytest.mark.parametrize("origin", ["https://news.example/path", "news.example", "https://news.example:443", "ftp://x"])
def test_a_listed_origin_that_is_not_an_origin_fails_the_checks(settings, origin):
    settings.FORUM_EMBED_ORIGINS = [origin]
    errors = [error for error in checks.run_checks() if error.id == "forum.E007"]
    assert len(errors) == 1 and repr(origin) in errors[0].msg


def test_well_written_origins_pass_the_checks(settings):
    settings.FORUM_EMBED_ORIGINS = ["https://news.example", "https://www.other.example:8443"]
    assert not [error for error in checks.run_checks() if error.id.startswith("forum.")]


def test_the_origins_come_from_the_environment_as_a_comma_separated_list(monkeypatch):
    import importlib

    import config.settings.base as base

    monkeypatch.setenv("FORUM_EMBED_ORIGINS", "https://news.example, https://other.example")
    monkeypatch.setenv("SECRET_KEY", "x")
    try:
        reloaded = importlib.reload(base)
        assert reloaded.FORUM_EMBED_ORIGINS == ["https://news.example", "https://other.example"]
    finally:
        monkeypatch.delenv("FORUM_EMBED_ORIGINS")
        importlib.reload(base)


def test_a_plain_http_origin_is_warned_about_in_production(settings):
    settings.FORUM_EMBED_ORIGINS = ["http://news.example"]
    warnings = [error for error in checks.run_checks() if error.id == "forum.W003"]
    assert len(warnings) == 1 and "HTTPS" in warnings[0].msg
