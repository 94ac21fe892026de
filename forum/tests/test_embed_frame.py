"""The thread inside the news site's frame: the article page's thread, cache and query counts;
framed by exactly the listed origins, while every other page refuses to be framed."""

import re

import pytest
from django.urls import reverse

from forum.threads import selectors
from forum.threads.models import Article
from testkit.forest import build_forest

pytestmark = pytest.mark.django_db

ORIGINS = ["https://news.example", "https://www.other.example:8443"]


@pytest.fixture
def listed(settings):
    settings.FORUM_EMBED_ORIGINS = ORIGINS


@pytest.fixture
def embedded(make_article, listed):
    """Articles that pages on news.example embed (as the creation service leaves them)."""

    def make(path="/story", **fields):
        article = make_article(**fields)
        Article.objects.filter(pk=article.pk).update(page_url=f"https://news.example{path}")
        article.refresh_from_db()
        return article

    return make


def frame_url(path="/story", **params):
    query = "&".join(f"{name}={value}" for name, value in params.items())
    return reverse("forum:embed_thread") + f"?url=https://news.example{path}" + (f"&{query}" if query else "")


def test_the_frame_may_be_framed_by_exactly_the_listed_origins(client, embedded):
    embedded()
    response = client.get(frame_url())
    assert response.status_code == 200
    policies = response.headers["Content-Security-Policy"].split("; ")
    assert "frame-ancestors https://news.example https://www.other.example:8443" in policies
    assert "frame-ancestors 'none'" not in policies
    assert "X-Frame-Options" not in response.headers
    assert "private" in response["Cache-Control"]


def test_a_refusal_in_the_frame_is_framed_by_the_listed_origins_only(client, listed):
    response = client.get(reverse("forum:embed_thread"), {"url": "https://evil.example/x"})
    assert response.status_code == 403
    assert "frame-ancestors https://news.example https://www.other.example:8443" in response["Content-Security-Policy"]


@pytest.mark.parametrize("name, kwargs", [("forum:home", {}), ("account_login", {}), ("forum:search", {})])
def test_every_other_page_still_refuses_to_be_framed(client, listed, name, kwargs):
    response = client.get(reverse(name, kwargs=kwargs))
    assert response["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_the_article_page_still_refuses_to_be_framed(client, embedded):
    article = embedded()
    response = client.get(article.get_absolute_url())
    assert response["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response.headers["Content-Security-Policy"].count("frame-ancestors") == 1


def test_the_frame_has_no_site_header_and_the_same_thread(client, embedded, make_reply):
    article = embedded()
    make_reply(article=article, body="A word from the thread")
    page = client.get(frame_url()).content.decode()
    full = client.get(article.get_absolute_url()).content.decode()
    assert 'class="site-header"' not in page and 'class="site-footer"' not in page
    assert 'class="site-header"' in full

    def thread_of(html):
        return html[html.index('<ol class="thread">'):html.rindex("</ol>")]

    assert thread_of(page) == thread_of(full) and "A word from the thread" in page
    assert 'src="/static/js/frame.js"' in page
    assert 'data-parent-origin="https://news.example"' in page
    # A signed-out reader is offered the popup sign-in, and the frame carries a CSRF token to post it.
    assert 'class="button js-embed-signin"' in page and 'data-session-url="/embed/session/"' in page
    token = re.search(r'<meta name="csrf-token" content="([^"]+)">', page).group(1)
    assert len(token) == 64 and "\x00" not in page


def test_sort_and_page_links_stay_in_the_frame(client, embedded, make_user, settings):
    settings.FORUM_PAGE_SIZE = 2
    settings.FORUM_PAGE_REPLY_BUDGET = 2
    article = embedded()
    build_forest(article, make_user(), 6, parents=[None] * 6)
    page = client.get(frame_url()).content.decode()
    hrefs = re.findall(r'href="([^"]*(?:sort|page)=[^"]*)"', page)
    assert hrefs and all(href.startswith("/embed/thread/?url=https%3A%2F%2Fnews.example%2Fstory&amp;") for href in hrefs)
    second = client.get(frame_url(page=2))
    assert second.status_code == 200 and "Page 2 of 3" in second.content.decode()
    # Links that leave the frame open the forum in a new tab (frame.js sets target on the way out).
    assert 'target="_blank" rel="noopener">Open this discussion on' in page


def test_a_bad_sort_in_the_frame_says_why(client, embedded):
    embedded()
    response = client.get(frame_url(sort="sideways"))
    assert response.status_code == 400 and "There is no sort order" in response.content.decode()


def test_a_signed_out_frame_is_drawn_once_per_version_and_carries_each_readers_token(
    client, embedded, make_reply, settings, django_assert_num_queries, django_capture_on_commit_callbacks
):
    settings.FORUM_THREAD_CACHE_SECONDS = 60
    article = embedded()
    with django_capture_on_commit_callbacks(execute=True):
        make_reply(article=article, body="First")
    first = client.get(frame_url()).content.decode()
    client.cookies.clear()
    with django_assert_num_queries(0):  # the address's slug, the version and the page: all cached
        second = client.get(frame_url()).content.decode()
    token = re.compile(r'(<meta name="csrf-token" content=")[^"]+"')
    assert token.sub(r"\1", first) == token.sub(r"\1", second)
    assert token.search(first).group(0) != token.search(second).group(0)
    with django_capture_on_commit_callbacks(execute=True):
        make_reply(article=article, body="Second, posted since")
    assert "Second, posted since" in client.get(frame_url()).content.decode()


def test_a_signed_in_reader_gets_their_parts_in_the_frame(client, embedded, make_user, settings):
    settings.FORUM_THREAD_CACHE_SECONDS = 60
    embedded()
    for name in ("first", "second"):
        reader = make_user(username=name)
        client.force_login(reader)
        page = client.get(frame_url()).content.decode()
        assert 'class="reply-form"' in page and reader.public_name in page
        assert "js-embed-signin" not in page and 'data-signed-in="true"' in page
        assert "Follow this discussion" in page and "\x00" not in page
        meta = re.search(r'<meta name="csrf-token" content="([^"]+)">', page).group(1)
        assert len(meta) == 64


# Queries: the same at any thread size, as on the article page (test_reading.py) --------------

# The article found by its page's address; then as the article page: the article, the page's
# top-level replies with the thread's totals, their trees with authors.
ANONYMOUS_FRAME_QUERIES = 1 + 3
SIGNED_IN_FRAME_QUERIES = ANONYMOUS_FRAME_QUERIES + 3  # the session, the user, the visit's upsert


@pytest.mark.parametrize("sort", list(selectors.SORTS))
@pytest.mark.parametrize("viewer", ["anonymous", "signed-in"])
def test_the_frame_costs_the_same_queries_at_50_replies_as_at_5000(
    client, make_article, make_user, listed, django_assert_num_queries, viewer, sort
):
    author = make_user()
    small, big = make_article(), make_article()
    for article, path in ((small, "/small"), (big, "/big")):
        Article.objects.filter(pk=article.pk).update(page_url=f"https://news.example{path}")
    build_forest(small, author, 50)
    build_forest(big, author, 5_000)
    expected = ANONYMOUS_FRAME_QUERIES
    if viewer == "signed-in":
        client.force_login(make_user())
        expected = SIGNED_IN_FRAME_QUERIES
    responses = []
    for path, page in [("/small", 1), ("/big", 1), ("/big", 2), ("/big", 1)]:
        with django_assert_num_queries(expected):
            responses.append(client.get(frame_url(path, page=page, sort=sort)))
    assert {response.status_code for response in responses} == {200}
    assert "Continue this thread" in responses[0].content.decode()


def test_a_reply_a_form_posts_inside_the_frame_lands_back_in_the_frame(client, embedded, make_user):
    """The frame's script posts replies in place; should it fall back to posting the form, the
    frame is navigated, and the article page (which refuses framing) would show nothing."""
    from forum.threads.models import Reply

    article = embedded()
    client.force_login(make_user("writer"))
    url = reverse("forum:reply_top", args=[article.slug])
    framed = client.post(url, {"body": "From the frame"}, headers={"Sec-Fetch-Dest": "iframe"})
    new = Reply.objects.get()
    assert framed.status_code == 302
    assert framed["Location"] == frame_url().replace("https://news.example/story",
                                                      "https%3A%2F%2Fnews.example%2Fstory") + f"#r{new.pk}"
    # On the forum itself the reply lands on the article page as ever.
    plain = client.post(url, {"body": "On the forum"})
    assert plain.status_code == 302 and plain["Location"].startswith(article.get_absolute_url())


def test_a_reply_posted_in_a_frame_to_an_article_no_site_embeds_lands_on_the_forum(client, make_article, make_user):
    article = make_article()
    client.force_login(make_user("writer"))
    response = client.post(reverse("forum:reply_top", args=[article.slug]), {"body": "Hello"},
                           headers={"Sec-Fetch-Dest": "iframe"})
    assert response.status_code == 302 and response["Location"].startswith(article.get_absolute_url())
