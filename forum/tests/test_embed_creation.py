"""An article is created the first time a page on a listed origin is embedded, guarded: never
for an unlisted origin (nothing fetched), fetched once, no redirect off the origin, a size cap, a
timeout, a rate per origin. A real HTTP server stands in for the news site (testkit.news_site)."""

import datetime

import pytest
from django.urls import reverse

from forum.embed import services
from forum.embed.addresses import normalise
from forum.errors import RateLimited
from forum.threads.models import Article
from testkit.news_site import NewsSite, Page, article_html

pytestmark = pytest.mark.django_db


@pytest.fixture
def news(settings):
    site = NewsSite()
    settings.FORUM_EMBED_ORIGINS = [site.origin]
    yield site
    site.close()


@pytest.fixture
def elsewhere():
    site = NewsSite()  # another port: another origin, not listed
    yield site
    site.close()


def frame(client, url):
    return client.get(reverse("forum:embed_thread"), {"url": url})


def test_a_page_not_on_a_listed_origin_is_refused_and_never_fetched(client, news, elsewhere):
    elsewhere.pages["/story"] = Page(article_html(title="Elsewhere"))
    response = frame(client, elsewhere.url("/story"))
    assert response.status_code == 403
    assert "may not embed the discussion" in response.content.decode()
    assert elsewhere.origin in response.content.decode()
    assert elsewhere.hits == [] and news.hits == []
    assert not Article.objects.exists()


def test_nothing_may_embed_when_no_origin_is_listed(client, settings, elsewhere):
    settings.FORUM_EMBED_ORIGINS = []
    elsewhere.pages["/story"] = Page(article_html(title="Elsewhere"))
    assert frame(client, elsewhere.url("/story")).status_code == 403
    assert elsewhere.hits == [] and not Article.objects.exists()


@pytest.mark.parametrize("url, message", [
    ("", "No page address was given"),
    ("not a url", "is not the address of a web page"),
    ("javascript:alert(1)", "is not the address of a web page"),
    ("ftp://127.0.0.1/x", "is not the address of a web page"),
])
def test_a_bad_address_is_refused_with_nothing_created(client, news, url, message):
    response = frame(client, url)
    assert response.status_code == 400
    assert response.content.decode().count('role="alert"') == 1 and message in response.content.decode()
    assert news.hits == [] and not Article.objects.exists()


def test_the_first_embed_creates_the_article_from_the_page_and_later_ones_find_it(client, news):
    news.pages["/politics/vote"] = Page(article_html(title="The council votes on the budget",
                                                     canonical=news.url("/politics/vote"), author="Amal Haddad"))
    response = frame(client, news.url("/politics/vote/?utm_source=newsletter#comments"))
    assert response.status_code == 200
    article = Article.objects.get()
    assert article.title == "The council votes on the budget"
    assert article.byline == "Amal Haddad"
    assert article.published_on == datetime.date(2026, 11, 20)
    assert article.link == news.url("/politics/vote")
    assert article.page_url == news.url("/politics/vote")
    assert not article.draft
    assert "Reply to the article" in response.content.decode()
    # Other spellings of the same page: the same thread, no fetch.
    for url in (news.url("/politics/vote"), news.url("/politics/vote?fbclid=abc"),
                news.url("/politics/vote/").replace("http://", "HTTP://")):
        assert frame(client, url).status_code == 200
    assert news.hits_of("/politics/vote") == 1
    assert Article.objects.count() == 1


def test_a_redirect_within_the_site_is_followed(client, news):
    news.pages["/old"] = Page("", status=301, headers={"Location": "/new"})
    news.pages["/new"] = Page(article_html(title="Moved story"))
    assert frame(client, news.url("/old")).status_code == 200
    article = Article.objects.get()
    assert article.title == "Moved story" and article.page_url == news.url("/old")
    assert news.hits_of("/new") == 1


def test_a_redirect_off_the_site_is_refused_and_nothing_is_created(client, news, elsewhere):
    elsewhere.pages["/trap"] = Page(article_html(title="Trap"))
    news.pages["/story"] = Page("", status=302, headers={"Location": elsewhere.url("/trap")})
    response = frame(client, news.url("/story"))
    assert response.status_code == 400
    assert "redirects to another site" in response.content.decode()
    assert elsewhere.hits == []
    assert not Article.objects.exists()


def test_a_page_over_the_size_cap_is_refused(client, news, settings):
    settings.FORUM_EMBED_FETCH_MAX_BYTES = 20_000
    news.pages["/huge"] = Page(article_html(title="Huge", extra_body="<p>" + "x" * 30_000 + "</p>"))
    response = frame(client, news.url("/huge"))
    assert response.status_code == 400 and "larger than" in response.content.decode()
    assert not Article.objects.exists()


def test_a_page_that_answers_too_slowly_is_refused(client, news, settings):
    settings.FORUM_EMBED_FETCH_TIMEOUT_SECONDS = 1
    news.pages["/slow"] = Page(article_html(title="Slow"), delay=2.5)
    response = frame(client, news.url("/slow"))
    assert response.status_code == 400 and "could not be" in response.content.decode()
    assert not Article.objects.exists()


def test_a_page_that_is_no_article_is_refused(client, news):
    news.pages["/menu"] = Page("<html><head><title>Menu</title></head><body><a href='/'>Home</a></body></html>")
    response = frame(client, news.url("/menu"))
    assert response.status_code == 400 and "No article text" in response.content.decode()
    assert not Article.objects.exists()


def test_a_missing_page_is_refused(client, news):
    response = frame(client, news.url("/gone"))
    assert response.status_code == 400 and "404" in response.content.decode()
    assert not Article.objects.exists()


def test_creation_is_rate_limited_per_origin(client, news, settings):
    settings.FORUM_EMBED_CREATE_RATE = 2
    for n in range(3):
        news.pages[f"/s{n}"] = Page(article_html(title=f"Story {n}"))
    assert frame(client, news.url("/s0")).status_code == 200
    assert frame(client, news.url("/s1")).status_code == 200
    refused = frame(client, news.url("/s2"))
    assert refused.status_code == 429 and "Too many new discussions" in refused.content.decode()
    assert int(refused["Retry-After"]) > 0
    assert news.hits_of("/s2") == 0  # counted before fetching
    assert Article.objects.count() == 2
    # Pages that have their article are still served.
    assert frame(client, news.url("/s0")).status_code == 200


def test_the_rate_is_per_origin(client, news, settings):
    other = NewsSite()
    try:
        settings.FORUM_EMBED_ORIGINS = [news.origin, other.origin]
        settings.FORUM_EMBED_CREATE_RATE = 1
        news.pages["/a"] = news.pages["/b"] = Page(article_html(title="News story"))
        other.pages["/a"] = Page(article_html(title="Other story"))
        assert frame(client, news.url("/a")).status_code == 200
        assert frame(client, news.url("/b")).status_code == 429
        assert frame(client, other.url("/a")).status_code == 200
    finally:
        other.close()


def test_two_frames_creating_at_once_make_one_article(news):
    """The loser of the race (its insert hits the unique page_url) reads the winner's row."""
    news.pages["/race"] = Page(article_html(title="Raced"))
    first = services.article_for_page(news.url("/race"))
    extracted = type("Extracted", (), {"title": "Raced", "body": "x", "byline": "", "source": "",
                                        "published_on": None})()
    second = services.article_create_for_page(extracted=extracted, page_url=normalise(news.url("/race")),
                                               link=news.url("/race-copy"))
    assert second.pk == first.pk and Article.objects.count() == 1


def test_a_page_whose_canonical_address_is_an_imported_article_gets_that_discussion(client, news, make_article):
    imported = make_article(title="Imported earlier", link=news.url("/canonical"))
    news.pages["/amp/story"] = Page(article_html(title="Imported earlier", canonical=news.url("/canonical")))
    assert frame(client, news.url("/amp/story")).status_code == 200
    imported.refresh_from_db()
    assert imported.page_url == news.url("/amp/story") and Article.objects.count() == 1


def test_the_noscript_link_opens_the_discussion_on_the_forum(client, news):
    news.pages["/story"] = Page(article_html(title="No script story"))
    response = client.get(reverse("forum:embed_open"), {"url": news.url("/story")})
    article = Article.objects.get()
    assert response.status_code == 302 and response["Location"] == article.get_absolute_url()
    page = client.get(response["Location"])
    assert page.status_code == 200 and "No script story" in page.content.decode()


def test_the_noscript_link_refuses_an_unlisted_page(client, news, elsewhere):
    response = client.get(reverse("forum:embed_open"), {"url": elsewhere.url("/story")})
    assert response.status_code == 403 and elsewhere.hits == [] and not Article.objects.exists()


def test_a_rate_limit_refusal_says_when_to_come_back(news, settings):
    settings.FORUM_EMBED_CREATE_RATE = 1
    news.pages["/x"] = news.pages["/y"] = Page(article_html(title="X"))
    services.article_for_page(news.url("/x"))
    with pytest.raises(RateLimited) as refused:
        services.article_for_page(news.url("/y"))
    assert refused.value.retry_after > 0
