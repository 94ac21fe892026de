"""The short versions of bench/faults.py that run in `make test`: Redis stopped and started again
under the pages, posting and sign-in, and a database that cannot be reached."""

from django.db import OperationalError
from django.urls import reverse

from forum.threads import cache as thread_cache
from forum.threads.models import Reply
from testkit.services import needs_redis


@needs_redis
def test_redis_stopped_pages_and_posting_still_work_and_sign_in_fails_closed(
    client, redis_server, make_article, make_user, make_reply, django_capture_on_commit_callbacks
):
    article = make_article(title="Kept up")
    make_reply(article=article, body="Before the outage")
    alice = make_user("alice")
    url = article.get_absolute_url()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.get(url).status_code == 200
    assert thread_cache.page_get(article.slug, 1, "oldest")[0] is not None  # the page is cached in Redis

    redis_server.stop()
    page = client.get(url)
    assert page.status_code == 200 and "Before the outage" in page.content.decode()
    signed_in = client.__class__()
    signed_in.force_login(alice)
    assert signed_in.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        posted = signed_in.post(reverse("forum:reply_top", args=[article.slug]), {"body": "During the outage"})
    assert posted.status_code == 302
    assert Reply.objects.filter(body="During the outage").exists()
    # Sign-in attempts are counted in Redis: without it they are refused, not let through uncounted.
    attempt = client.post(reverse("account_login"), {"login": "alice", "password": "wrong"})
    assert attempt.status_code == 429

    redis_server.start()  # empty, as a restarted Redis is
    with django_capture_on_commit_callbacks(execute=True):
        page = client.get(url)
    assert page.status_code == 200 and "During the outage" in page.content.decode()
    assert thread_cache.page_get(article.slug, 1, "oldest")[0] is not None  # caching again, by itself


def test_a_database_that_cannot_be_reached_is_a_503_page_not_a_500(client, monkeypatch, db):
    def unreachable(*args, **kwargs):
        raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')

    monkeypatch.setattr("forum.threads.selectors.article_list", unreachable)
    client.raise_request_exception = False
    response = client.get(reverse("forum:home"))
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "Back in a moment" in response.content.decode()


def test_any_other_error_is_still_a_500(client, monkeypatch, db):
    def broken(*args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr("forum.threads.selectors.article_list", broken)
    client.raise_request_exception = False
    assert client.get(reverse("forum:home")).status_code == 500
