"""CONTRACT TESTS, to be replaced after the merge with the sign-in helper's work.

The frame's side of signing in (static/js/frame.js), tested against the contract of issue 16's
sign-in endpoints, which are NOT on this branch: /embed/signin/ (the popup), /embed/session/ and
/embed/sso/ (the exchanges). Here Playwright answers those three addresses itself, standing in
for the endpoints only to see what the frame sends and how it reacts; the frame, embed.js, the
host page and the forum are real. Once the endpoints are merged, the journeys with the real
popup, the real exchanges and third-party cookies blocked supersede these.
"""

import json

import pytest
from playwright.sync_api import expect

from forum.threads.models import Article
from testkit.news_site import NewsSite, Page, article_html

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def news(settings, make_article):
    site = NewsSite()
    settings.FORUM_EMBED_ORIGINS = [site.origin]
    article = make_article(title="Signing in from the frame")
    Article.objects.filter(pk=article.pk).update(page_url=site.url("/story"))
    yield site
    site.close()


def host(site, live_server, *, sso_token=""):
    token = f' data-sso-token="{sso_token}"' if sso_token else ""
    site.pages["/story"] = Page(article_html(title="Signing in from the frame", extra_body=(
        f'<div data-forum-thread data-url="{site.url("/story")}"{token}></div>'
        f'<script src="{live_server.url}/embed.js" async></script>')))


def test_the_popup_hands_a_code_that_the_frame_posts_with_its_csrf_token(open_page, news, live_server):
    host(news, live_server)
    page = open_page()
    posted = []
    page.context.route(f"{live_server.url}/embed/signin/", lambda route: route.fulfill(
        status=200, content_type="text/html",
        body="<script>window.opener.postMessage({type: 'forum:signin', code: 'one-time-code'}, location.origin);"
             "window.close();</script>"))

    def session(route):
        request = route.request
        posted.append({"method": request.method, "csrf": request.headers.get("x-csrftoken"), "body": request.post_data})
        route.fulfill(status=200, content_type="application/json", body=json.dumps({"username": "reader"}))

    page.context.route(f"{live_server.url}/embed/session/", session)
    page.goto(news.url("/story"))
    frame = page.frame_locator("div[data-forum-thread] iframe")
    button = frame.locator(".js-embed-signin")
    expect(button).to_have_text("Sign in")
    token = frame.locator('meta[name="csrf-token"]').get_attribute("content")
    inner = next(f for f in page.frames if "/embed/thread/" in f.url)
    inner.evaluate("window.__before_reload = true")
    with page.expect_popup():
        button.click()
    inner.wait_for_function("!window.__before_reload", timeout=15_000)  # the frame reloaded
    assert len(posted) == 1
    assert posted[0]["method"] == "POST" and posted[0]["csrf"] == token
    assert 'name="code"' in posted[0]["body"] and "one-time-code" in posted[0]["body"]


def test_a_message_from_another_origin_is_ignored(open_page, news, live_server):
    host(news, live_server)
    page = open_page()
    posted = []
    page.context.route(f"{live_server.url}/embed/session/", lambda route: (posted.append(1), route.fulfill(status=200)))
    page.goto(news.url("/story"))
    frame = page.frame_locator("div[data-forum-thread] iframe")
    expect(frame.locator(".js-embed-signin")).to_be_visible()
    # The host page (another origin) tries to hand the frame a code.
    page.evaluate("document.querySelector('div[data-forum-thread] iframe').contentWindow"
                  ".postMessage({type: 'forum:signin', code: 'forged'}, '*')")
    page.wait_for_timeout(800)
    assert posted == []


@pytest.mark.parametrize("answer, shown", [
    ((200, {"username": "reader", "display_name": "Reader"}), None),
    ((400, {"error": "This token has expired."}), "This token has expired."),
])
def test_an_sso_token_goes_in_the_fragment_and_is_posted_as_json(open_page, news, live_server, answer, shown):
    host(news, live_server, sso_token="header.payload.signature")
    page = open_page()
    requests, posted = [], []
    page.context.on("request", lambda request: requests.append(request.url))

    def sso(route):
        request = route.request
        posted.append({"csrf": request.headers.get("x-csrftoken"), "type": request.headers.get("content-type"),
                       "body": request.post_data})
        route.fulfill(status=answer[0], content_type="application/json", body=json.dumps(answer[1]))

    page.context.route(f"{live_server.url}/embed/sso/", sso)
    page.goto(news.url("/story"))
    frame = page.frame_locator("div[data-forum-thread] iframe")
    expect(frame.locator(".js-embed-signin")).to_be_visible()
    page.wait_for_timeout(1000)
    assert len(posted) >= 1
    assert json.loads(posted[0]["body"]) == {"token": "header.payload.signature"}
    assert posted[0]["type"] == "application/json" and len(posted[0]["csrf"]) == 64
    # The token travelled in no request's address (so in no server's log), and the frame's
    # address no longer carries it.
    assert not [url for url in requests if "header.payload.signature" in url]
    inner = next(f for f in page.frames if "/embed/thread/" in f.url)
    assert "#sso" not in inner.url
    if shown:
        expect(frame.locator(".js-embed-status")).to_have_text(shown)
    else:
        assert len(posted) == 1  # reloaded once, without the fragment: no second exchange
