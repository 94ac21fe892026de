"""Two frames of a new page loading at once make one article: the second waits for the first's
fetch (a lock in the cache), and where that lock is not held (the cache lost it), the unique
page_url lets one insert win and the other read its row. Real threads, real commits."""

import threading

import pytest
from django.db import connections

from forum.embed import services
from forum.threads.models import Article
from testkit.news_site import NewsSite, Page, article_html

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def news(settings):
    site = NewsSite()
    settings.FORUM_EMBED_ORIGINS = [site.origin]
    site.pages["/race"] = Page(article_html(title="Two frames at once"), delay=0.5)
    yield site
    site.close()


def _at_once(url, count=2):
    results, errors = [], []
    barrier = threading.Barrier(count)

    def load():
        try:
            barrier.wait()
            results.append(services.article_for_page(url).pk)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=load) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results, errors


def test_two_frames_at_once_fetch_once_and_make_one_article(news):
    results, errors = _at_once(news.url("/race"))
    assert errors == []
    assert len(results) == 2 and len(set(results)) == 1
    assert Article.objects.count() == 1
    assert news.fetches == ["/race"]


def test_without_the_lock_the_unique_address_still_makes_one_article(news, monkeypatch):
    from django.core.cache import cache

    real_add = cache.add
    monkeypatch.setattr(cache, "add", lambda key, *args, **kwargs: True if key.startswith("embed-creating:")
                        else real_add(key, *args, **kwargs))
    results, errors = _at_once(news.url("/race"))
    assert errors == []
    assert len(results) == 2 and len(set(results)) == 1
    assert Article.objects.count() == 1
