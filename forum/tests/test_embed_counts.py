"""/embed/counts.json: reply counts for the news site's listing pages, from the cache with no
query on a hit, current at once after a reply, never creating an article or fetching a page."""

import pytest
from django.urls import reverse

from forum.threads.models import Article
from testkit.news_site import NewsSite, Page, article_html

pytestmark = pytest.mark.django_db


@pytest.fixture
def news(settings):
    site = NewsSite()
    settings.FORUM_EMBED_ORIGINS = [site.origin]
    settings.FORUM_THREAD_CACHE_SECONDS = 60
    yield site
    site.close()


def embed(article, url):
    Article.objects.filter(pk=article.pk).update(page_url=url)


def counts(client, *urls):
    query = "&".join(f"url={url}" for url in urls)
    return client.get(reverse("forum:embed_counts") + "?" + query)


def test_counts_answer_each_address_as_asked(client, news, make_article, make_reply, django_capture_on_commit_callbacks):
    story, quiet = make_article(), make_article()
    embed(story, news.url("/story"))
    embed(quiet, news.url("/quiet"))
    with django_capture_on_commit_callbacks(execute=True):
        first = make_reply(article=story)
        make_reply(article=story, parent=first)
    asked = [news.url("/story/?utm_source=list"), news.url("/quiet"), news.url("/never-embedded")]
    response = counts(client, *asked)
    assert response.status_code == 200 and response["Access-Control-Allow-Origin"] == "*"
    assert response.json() == {asked[0]: 2, asked[1]: 0, asked[2]: 0}


def test_a_hit_makes_no_query_and_a_new_reply_counts_at_once(
    client, news, make_article, make_reply, django_assert_num_queries, django_capture_on_commit_callbacks
):
    story = make_article()
    embed(story, news.url("/story"))
    asked = [news.url("/story"), news.url("/unknown")]
    assert counts(client, *asked).json() == {asked[0]: 0, asked[1]: 0}
    with django_assert_num_queries(0):
        assert counts(client, *asked).json() == {asked[0]: 0, asked[1]: 0}
    with django_capture_on_commit_callbacks(execute=True):
        make_reply(article=story)
    assert counts(client, *asked).json() == {asked[0]: 1, asked[1]: 0}
    with django_assert_num_queries(0):
        assert counts(client, *asked).json() == {asked[0]: 1, asked[1]: 0}


def test_asking_never_creates_an_article_or_fetches_a_page(client, news, django_assert_num_queries):
    news.pages["/story"] = Page(article_html(title="Not yet embedded"))
    assert counts(client, news.url("/story"), "https://unlisted.example/x", "not a url").json() == {
        news.url("/story"): 0, "https://unlisted.example/x": 0, "not a url": 0}
    assert news.hits == [] and not Article.objects.exists()


def test_an_address_counted_before_its_article_existed_counts_once_it_does(
    client, news, make_reply, django_capture_on_commit_callbacks
):
    news.pages["/story"] = Page(article_html(title="Embedded later"))
    assert counts(client, news.url("/story")).json() == {news.url("/story"): 0}
    with django_capture_on_commit_callbacks(execute=True):
        assert client.get(reverse("forum:embed_thread"), {"url": news.url("/story")}).status_code == 200
    article = Article.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        make_reply(article=article, body="Hello")
    assert counts(client, news.url("/story")).json() == {news.url("/story"): 1}


def test_fifty_addresses_at_most(client, news):
    fifty = [news.url(f"/s{n}") for n in range(50)]
    assert counts(client, *fifty).status_code == 200
    response = counts(client, *fifty, news.url("/one-more"))
    assert response.status_code == 400
    assert response.json() == {"error": "At most 50 addresses at a time; this asked for 51."}
    assert not Article.objects.exists()


def test_no_address_is_a_400(client, news):
    response = client.get(reverse("forum:embed_counts"))
    assert response.status_code == 400 and "error" in response.json()


def test_count_js_and_embed_js_are_served_at_their_addresses(client):
    for path, needle in (("/embed.js", "data-forum-thread"), ("/embed/count.js", "data-forum-count")):
        response = client.get(path)
        assert response.status_code == 200, path
        assert needle in b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()
