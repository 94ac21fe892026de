"""Issue 16 in Chromium: a second local server on another port stands in for the news site. It
serves an article page with the snippet; the forum (the live server) lists its origin, fetches
that page once to create the discussion, and the thread appears in the host page's frame, as
tall as its content, growing and shrinking as branches open and close. A site not on the list
gets no thread, and no article."""

import pytest
from playwright.sync_api import expect

from forum.threads.models import Article
from testkit.news_site import NewsSite, Page, article_html

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def host_page(site, live_server, path, *, title="A story with a discussion", tail=""):
    snippet = (f'<div data-forum-thread data-url="{site.url(path)}"></div>'
               f'<script src="{live_server.url}/embed.js" async></script>'
               f'<noscript><a href="{live_server.url}/embed/open/?url={site.url(path)}">Read the discussion</a></noscript>')
    site.pages[path] = Page(article_html(title=title, extra_body=snippet + tail))


@pytest.fixture
def news(settings):
    site = NewsSite()
    settings.FORUM_EMBED_ORIGINS = [site.origin]
    yield site
    site.close()


def frame_height(page) -> float:
    return page.locator("div[data-forum-thread] iframe").bounding_box()["height"]


def test_the_thread_appears_in_the_host_page_and_resizes_as_branches_open(open_page, news, live_server, make_article,
                                                                            make_reply):
    article = make_article(title="A story with a discussion")
    Article.objects.filter(pk=article.pk).update(page_url=news.url("/story"))
    first = make_reply(article=article, body="The first reader's view")
    previous = first
    for n in range(8):  # a branch tall enough to see it go
        previous = make_reply(article=article, parent=previous, body=f"Answer number {n} " + "and more words " * 30)
    host_page(news, live_server, "/story")

    page = open_page()
    page.goto(news.url("/story"))
    thread = page.frame_locator("div[data-forum-thread] iframe")
    expect(thread.locator(f"#r{first.pk}")).to_contain_text("The first reader's view")
    expect(thread.locator(".site-header")).to_have_count(0)
    # The frame grows to its content, from the 320 px embed.js starts it at.
    page.wait_for_function("document.querySelector('div[data-forum-thread] iframe').offsetHeight > 600")
    open_height = frame_height(page)

    thread.locator(f"#r{first.pk} > details.branch > summary").click()  # close the branch
    page.wait_for_function(f"document.querySelector('div[data-forum-thread] iframe').offsetHeight < {open_height - 300}")
    closed_height = frame_height(page)
    thread.locator(f"#r{first.pk} > details.branch > summary").click()  # and open it again
    page.wait_for_function(f"document.querySelector('div[data-forum-thread] iframe').offsetHeight > {closed_height + 300}")
    assert frame_height(page) == pytest.approx(open_height, abs=2)
    assert news.fetches == []  # the article existed: nothing fetched


def test_a_new_page_gets_its_discussion_created_from_the_page(open_page, news, live_server):
    host_page(news, live_server, "/new-story", title="Brand new story")
    page = open_page()
    page.goto(news.url("/new-story"))
    thread = page.frame_locator("div[data-forum-thread] iframe")
    expect(thread.locator("#discussion")).to_contain_text("No replies yet.")
    expect(thread.locator(".js-embed-signin")).to_have_text("Sign in")
    article = Article.objects.get()
    assert article.title == "Brand new story" and article.page_url == news.url("/new-story")
    assert news.fetches == ["/new-story"]


def test_without_javascript_the_noscript_link_opens_the_discussion_on_the_forum(open_page, news, live_server):
    host_page(news, live_server, "/story", title="Read without scripts")
    page = open_page(js=False)
    page.goto(news.url("/story"))
    page.get_by_role("link", name="Read the discussion").click()
    expect(page.locator("h1")).to_have_text("Read without scripts")
    expect(page.locator("#discussion")).to_contain_text("Reply to the article")


def test_a_site_not_on_the_list_gets_no_thread_and_makes_no_article(open_page, news, live_server):
    unlisted = NewsSite()
    try:
        host_page(unlisted, live_server, "/story", title="Not listed")
        page = open_page()
        page.goto(unlisted.url("/story"))
        page.wait_for_selector("div[data-forum-thread] iframe", state="attached")
        page.wait_for_timeout(1500)
        frames = [frame for frame in page.frames if frame != page.main_frame]
        assert len(frames) == 1
        # Refused (403) and framed by the listed origins only: the browser shows nothing of it.
        assert frames[0].locator("#discussion").count() == 0
        assert not Article.objects.exists()
        assert unlisted.fetches == [] and news.fetches == []
    finally:
        unlisted.close()


def test_in_thread_links_scroll_the_host_page_and_other_links_open_a_new_tab(open_page, news, live_server, make_article,
                                                                             make_reply):
    article = make_article(title="A story with a discussion")
    Article.objects.filter(pk=article.pk).update(page_url=news.url("/story"))
    parent = make_reply(article=article, body="Up here")
    child = parent
    for n in range(6):
        child = make_reply(article=article, parent=child, body=f"Further down {n} " + "words " * 60)
    host_page(news, live_server, "/story", tail='<div style="height:3000px">More of the news site</div>')
    page = open_page()
    page.goto(news.url("/story"))
    thread = page.frame_locator("div[data-forum-thread] iframe")
    expect(thread.locator(f"#r{child.pk}")).to_be_visible()
    page.wait_for_function("document.querySelector('div[data-forum-thread] iframe').offsetHeight > 900")
    inner = next(frame for frame in page.frames if "/embed/thread/" in frame.url)

    def parent_top():  # where the parent's card is in the host page's window
        inside = inner.evaluate(f"document.getElementById('r{child.parent_id}').getBoundingClientRect().top")
        return page.evaluate("document.querySelector('div[data-forum-thread] iframe').getBoundingClientRect().top") + inside

    link = thread.locator(f"#r{child.pk} .in-reply-to a")
    link.scroll_into_view_if_needed()
    page.evaluate("window.scrollBy(0, 200)")  # the parent's card now above the window's top
    assert parent_top() < 0
    link.click()
    for _ in range(50):
        if abs(parent_top() - 16) < 3:
            break
        page.wait_for_timeout(100)
    assert abs(parent_top() - 16) < 3  # the host page scrolled the parent's card to the top
    assert "/embed/thread/" in inner.url  # the frame stayed where it was

    # A link off the thread (the author's profile) opens the forum in a new tab; the frame stays.
    with page.expect_popup() as opened:
        thread.locator(f"#r{parent.pk} > .reply-card .reply-author").click()
    profile = opened.value
    profile.wait_for_load_state()
    assert "/u/" in profile.url
    assert profile.evaluate("window.opener") is None  # rel="noopener"
    assert "/embed/thread/" in inner.url
