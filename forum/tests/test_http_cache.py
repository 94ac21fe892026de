"""Cache-Control: signed-out pages may be kept by a CDN in front; signed-in pages are private."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread(make_article, make_reply):
    article = make_article()
    reply = make_reply(article=article, body="Shared with everyone")
    return article, reply


def _reading_urls(article, reply):
    return [
        reverse("forum:home"),
        article.get_absolute_url(),
        article.get_absolute_url() + "?sort=newest",
        reply.get_absolute_url(),
        reverse("forum:thread_json", kwargs={"slug": article.slug}),
        reverse("forum:profile", args=[reply.author.username]),
    ]


@pytest.mark.parametrize("thread_cache", [0, 60])
def test_signed_out_pages_are_public_with_no_cookie_and_no_vary_cookie(client, settings, thread, thread_cache):
    settings.FORUM_THREAD_CACHE_SECONDS = thread_cache
    settings.FORUM_SHARED_CACHE_SECONDS, settings.FORUM_SHARED_CACHE_STALE_SECONDS = 10, 30
    for url in _reading_urls(*thread):
        for _ in range(2):  # drawn, then (for the article page) from the forum's own cache
            response = client.get(url)
            assert response.status_code == 200, url
            assert response["Cache-Control"] == "public, max-age=0, s-maxage=10, stale-while-revalidate=30", url
            assert "cookie" not in response.get("Vary", "").lower(), url
            assert not response.cookies, url  # no CSRF token, no session


def test_signed_in_pages_are_private(client, thread, make_user):
    client.force_login(make_user())
    for url in _reading_urls(*thread):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "private", url


def test_a_signed_out_page_with_a_message_waiting_is_not_shared(client, thread, make_user):
    article, _ = thread
    client.force_login(make_user())
    client.post(reverse("account_logout"))  # leaves "You have signed out." for the next page
    response = client.get(article.get_absolute_url())
    assert "You have signed out." in response.content.decode()
    assert "public" not in response.get("Cache-Control", "")


def test_errors_and_forms_are_not_shared(client, thread):
    article, _ = thread
    assert "public" not in client.get(article.get_absolute_url() + "?page=abc").get("Cache-Control", "")
    assert "public" not in client.get(reverse("forum:article", args=["nope"])).get("Cache-Control", "")
    sign_in = client.get(reverse("account_login"))
    assert sign_in.status_code == 200 and "public" not in sign_in.get("Cache-Control", "")


def test_the_public_header_can_be_turned_off(client, settings, thread):
    settings.FORUM_SHARED_CACHE_SECONDS = 0
    article, _ = thread
    assert "public" not in client.get(article.get_absolute_url()).get("Cache-Control", "")
