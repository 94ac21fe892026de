"""Signing in inside the real frame on a news site, and posting, following and flagging there, in
Chromium (issue 16): the frame (/embed/thread/, put in place by embed.js) opens the forum's
sign-in in a popup, allauth signs the reader in first-party, the popup hands the frame a one-time
code, the frame trades it for a session in a partitioned cookie, reloads, and the reader posts.

The news site is a second local server (testkit.news_site, on 127.0.0.1), the forum the live
server (on localhost): another site, so the frame is a third-party context. Chromium's fresh
contexts block third-party cookies, as Safari does by default;
test_the_forums_own_session_never_reaches_the_frame shows it, so everything here works only
through the partitioned cookies.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD
from forum.moderation.models import Flag
from forum.notifications.models import ArticleFollow
from forum.threads.models import Article, Reply
from testkit.news_site import NewsSite, Page, article_html

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

FRAME = "div[data-forum-thread] iframe"


@pytest.fixture
def news(settings, live_server):
    assert "localhost" in live_server.url  # the news site is on 127.0.0.1: another site
    site = NewsSite()
    settings.FORUM_EMBED_ORIGINS = [site.origin]
    yield site
    site.close()


@pytest.fixture
def story(news, live_server, make_article, make_reply):
    """An article page on the news site with the snippet, and its discussion with one reply."""
    article = make_article(title="The council's budget")
    Article.objects.filter(pk=article.pk).update(page_url=news.url("/story"))
    article.refresh_from_db()
    first = make_reply(article=article, body="Bob's view of the budget")
    host(news, live_server)
    return article, first


def host(site, live_server, *, sso_token=""):
    token = f' data-sso-token="{sso_token}"' if sso_token else ""
    site.pages["/story"] = Page(article_html(title="The council's budget", extra_body=(
        f'<div data-forum-thread data-url="{site.url("/story")}"{token}></div>'
        f'<script src="{live_server.url}/embed.js" async></script>')))


def inner_frame(page):
    for _ in range(100):
        frames = [frame for frame in page.frames if "/embed/thread/" in frame.url]
        if frames:
            return frames[0]
        page.wait_for_timeout(100)
    raise AssertionError("no frame")


def sign_in_through_the_popup(page, username):
    thread = page.frame_locator(FRAME)
    with page.expect_popup() as opened:
        thread.locator(".js-embed-signin").click()
    popup = opened.value
    popup.wait_for_url("**/accounts/login/?next=/embed/signin/")
    popup.get_by_label("Login:").fill(username)
    popup.get_by_label("Password:").fill(PASSWORD)
    with popup.expect_event("close"):  # it hands the code over and closes itself
        popup.locator("main form button[type=submit]").click()
    expect(thread.locator("body[data-signed-in=true] .signed-in-as")).to_be_visible()


def test_a_reader_signs_in_through_the_popup_and_posts_follows_and_flags_in_the_frame(
    open_page, news, story, live_server, make_user, settings
):
    article, bobs = story
    settings.FORUM_RECOMMEND_RATE, settings.FORUM_RECOMMEND_RATE_SECONDS = 1, 3600  # a second Recommend is refused
    jane = make_user("jane", display_name="Jane Doe")
    page = open_page()
    # First, a first-party cookie of the forum's in this browser (the sign-in page's CSRF cookie).
    page.goto(f"{live_server.url}/accounts/login/")
    first_party_csrf = next(c["value"] for c in page.context.cookies() if c["name"] == settings.CSRF_COOKIE_NAME)
    posts = []  # every POST the frame's scripts send: (path, X-Forum-Frame)
    page.on("request", lambda request: request.method == "POST" and posts.append(
        (request.url.removeprefix(live_server.url), request.headers.get("x-forum-frame"))))
    frame_cookies = []  # the Cookie header of every load of the frame
    page.on("request", lambda request: "/embed/thread/" in request.url and frame_cookies.append(
        request.all_headers().get("cookie", "")))
    page.goto(news.url("/story"))
    thread = page.frame_locator(FRAME)
    expect(thread.locator(f"#r{bobs.pk}")).to_contain_text("Bob's view of the budget")
    token_before = thread.locator('meta[name="csrf-token"]').get_attribute("content")
    # Third-party cookies are blocked in this browser: the forum's first-party cookie never
    # reached the frame on the news site.
    assert frame_cookies and first_party_csrf not in frame_cookies[0]

    sign_in_through_the_popup(page, "jane")
    expect(thread.locator(".signed-in-as")).to_have_text("Jane Doe")
    # The reloaded frame carries the CSRF token of the session login() rotated: the posts below pass.
    assert thread.locator('meta[name="csrf-token"]').get_attribute("content") != token_before

    # A reply to the article, posted in place by thread.js: the frame does not navigate.
    frame = inner_frame(page)
    frame.evaluate("window.__same_page = true")
    thread.locator("details.new-reply > summary").click()
    thread.locator("details.new-reply textarea[name=body]").fill("Jane's answer, from the news site's page")
    thread.locator("details.new-reply button[name=post]").click()
    expect(thread.locator("#discussion")).to_contain_text("Jane's answer, from the news site's page")
    assert frame.evaluate("window.__same_page") is True
    posted = Reply.objects.get(author=jane, parent=None)
    assert posted.article_id == article.pk and "Jane's answer" in posted.body

    # An answer to Bob, in the box that opens under his reply.
    thread.locator(f"#r{bobs.pk} > .reply-card a.js-reply").first.click()
    box = thread.locator(f"#r{bobs.pk} .inline-reply")
    box.locator("textarea[name=body]").fill("Jane answers Bob")
    box.locator("button[name=post]").click()
    expect(thread.locator(f"#r{bobs.pk} ol.replies")).to_contain_text("Jane answers Bob")
    assert Reply.objects.get(author=jane, parent=bobs).body == "Jane answers Bob"

    # Recommend Bob's reply, in place; at once again is too fast: the refusal is said in the frame.
    recommend = thread.locator(f"#r{bobs.pk} > .reply-card button.js-recommend")
    recommend.click()
    expect(recommend).to_have_attribute("aria-pressed", "true")
    assert Reply.objects.get(pk=bobs.pk).recommend_count == 1
    recommend.click()
    expect(thread.locator(f"#r{bobs.pk} .js-recommend-error")).to_contain_text("recommending too fast")
    assert Reply.objects.get(pk=bobs.pk).recommend_count == 1

    # Follow: the frame posts the form and reloads, following.
    thread.locator("form.follow-form button").click()
    expect(thread.locator("form.follow-form button")).to_have_attribute("aria-pressed", "true")
    assert ArticleFollow.objects.filter(user=jane, article=article).exists()

    # Flag Bob's reply: the forum's flag form, under the reply, in the frame.
    thread.locator(f"#r{bobs.pk} > .reply-card a.js-flag").click()
    flag = thread.locator(f"#r{bobs.pk} .inline-flag form.flag-form")
    flag.locator("input[name=reason]").first.check()
    flag.locator("button[type=submit]").click()
    expect(thread.locator(".messages")).to_contain_text("the moderators will look at it")
    assert Flag.objects.filter(reply=bobs).count() == 1
    assert "/embed/thread/" in inner_frame(page).url  # never left for a page that refuses framing

    # Every post from inside the frame said so, so its answers' cookies stayed partitioned.
    from_frame = [(path, marked) for path, marked in posts if not path.startswith("/accounts/")]
    paths = {path.split("?")[0] for path, _ in from_frame}
    assert {"/embed/session/", f"/articles/{article.slug}/reply/", f"/articles/{article.slug}/replies/{bobs.pk}/reply/",
            f"/articles/{article.slug}/follow/", f"/replies/{bobs.pk}/flag/"} <= paths, paths
    assert all(marked == "1" for _, marked in from_frame), from_frame

    cookies = page.context.cookies()
    sessions = [c for c in cookies if c["name"] == settings.SESSION_COOKIE_NAME]
    partitioned = [c for c in sessions if c.get("partitionKey")]
    first_party = [c for c in sessions if not c.get("partitionKey")]
    # Two sessions: the popup's first-party one, and the frame's, kept for the news site only.
    assert len(partitioned) == 1 and len(first_party) == 1
    assert partitioned[0]["partitionKey"].startswith("http://127.0.0.1")
    assert partitioned[0]["sameSite"] == "None" and partitioned[0]["secure"]
    assert partitioned[0]["value"] != first_party[0]["value"]
    # The frame's CSRF and messages cookies are partitioned too (the flag's thanks came through one).
    in_frame = {c["name"] for c in cookies if c.get("partitionKey")}
    assert {settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME} <= in_frame

    # The next visit to the news site's page: still signed in, in the frame, by the frame's own
    # session only (the popup's first-party one is not sent into it).
    page.reload()
    expect(page.frame_locator(FRAME).locator(".signed-in-as")).to_have_text("Jane Doe")
    assert partitioned[0]["value"] in frame_cookies[-1] and first_party[0]["value"] not in frame_cookies[-1]

    # Signing out in the frame ends the frame's session only (the deletion names the partitioned
    # cookie); the reader stays signed in on the forum itself.
    page.frame_locator(FRAME).get_by_role("button", name="Sign out").click()
    expect(page.frame_locator(FRAME).locator(".js-embed-signin")).to_be_visible()
    left = [c for c in page.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME]
    assert [c["value"] for c in left] == [first_party[0]["value"]]


def test_the_forums_own_session_never_reaches_the_frame(open_page, news, story, live_server, make_user):
    """Signed in on the forum itself, the reader still sees a signed-out frame on the news site:
    this browser blocks third-party cookies, so only the partitioned path can sign the frame in."""
    make_user("jane")
    forum = open_page()
    forum.goto(f"{live_server.url}/accounts/login/")
    forum.get_by_label("Login:").fill("jane")
    forum.get_by_label("Password:").fill(PASSWORD)
    forum.locator("main form button[type=submit]").click()
    forum.wait_for_url(f"{live_server.url}/")
    expect(forum.locator(".signed-in-as")).to_be_visible()

    page = forum.context.new_page()
    page.goto(news.url("/story"))
    thread = page.frame_locator(FRAME)
    expect(thread.locator(".js-embed-signin")).to_have_text("Sign in")
    expect(thread.locator("body[data-signed-in]")).to_have_count(0)


def test_a_code_posted_by_the_host_page_is_ignored(open_page, news, story, live_server, make_user):
    """The news site's page posts a real, live code into the frame: the frame takes codes only
    from the popup it opened on the forum's origin, so nobody is signed in and the code is unused."""
    from django.utils import timezone

    from accounts.models import EmbedSigninCode
    from accounts.services import signin_code_issue

    code = signin_code_issue(user=make_user("jane"), now=timezone.now())
    page = open_page()
    exchanges = []
    page.on("request", lambda request: "/embed/session/" in request.url and exchanges.append(request.method))
    page.goto(news.url("/story"))
    thread = page.frame_locator(FRAME)
    expect(thread.locator(".js-embed-signin")).to_be_visible()
    page.evaluate("""(code) => document.querySelector('div[data-forum-thread] iframe').contentWindow
        .postMessage({type: 'forum:signin', code: code}, '*')""", code)
    page.wait_for_timeout(800)
    assert "POST" not in exchanges
    assert EmbedSigninCode.objects.count() == 1
    page.reload()
    expect(page.frame_locator(FRAME).locator(".js-embed-signin")).to_be_visible()


# --- Single sign-on: the news site's token, through the snippet's data-sso-token ------------------

SSO_SECRET = "a-shared-secret-of-at-least-32-bytes!"


def sso_token(*, kid="news", key=SSO_SECRET, alg="HS256", drop=(), **claims) -> str:
    import time
    import uuid

    import jwt

    now = int(time.time())
    payload = {"sub": "reader-1", "iat": now, "exp": now + 600, "jti": uuid.uuid4().hex, "username": "jane",
               "name": "Jane Doe", **claims}
    for claim in drop:
        payload.pop(claim)
    return jwt.encode(payload, key, algorithm=alg, headers={"kid": kid})


@pytest.fixture
def sso_keys(settings):
    settings.FORUM_SSO_KEYS = {"news": {"alg": "HS256", "secret": SSO_SECRET}}


def open_with_token(open_page, news, live_server, token):
    """The news site's page for a reader it signs in: the snippet carries their token. Returns the
    page, every request's address, and the answers of /embed/sso/ (a refusal's body stays readable:
    the frame does not reload then)."""
    host(news, live_server, sso_token=token)
    page = open_page()
    addresses, answers = [], []
    page.context.on("request", lambda request: addresses.append(request.url))
    page.on("response", lambda response: "/embed/sso/" in response.url and answers.append(response))
    page.goto(news.url("/story"))
    return page, addresses, answers


def test_a_news_sites_token_signs_the_reader_in_and_they_post_from_the_frame(
    open_page, news, story, live_server, sso_keys
):
    from accounts.models import SsoLink

    article, _ = story
    # The site vouches for the address, which lets the reader post (FORUM_REQUIRE_VERIFIED_EMAIL).
    token = sso_token(email="jane@news.example", email_verified=True)
    page, addresses, answers = open_with_token(open_page, news, live_server, token)
    thread = page.frame_locator(FRAME)
    expect(thread.locator(".signed-in-as")).to_have_text("Jane Doe")
    link = SsoLink.objects.get()
    assert (link.kid, link.sub, link.user.username) == ("news", "reader-1", "jane")
    assert [answer.status for answer in answers] == [200]

    thread.locator("details.new-reply > summary").click()
    thread.locator("details.new-reply textarea[name=body]").fill("Signed in by my newspaper")
    thread.locator("details.new-reply button[name=post]").click()
    expect(thread.locator("#discussion")).to_contain_text("Signed in by my newspaper")
    assert Reply.objects.get(author=link.user).article_id == article.pk

    # The token travelled only in the frame's fragment: in no request's address (so in no server's
    # log), and the frame's address no longer carries it.
    assert not [url for url in addresses if token in url or "sso=" in url]
    assert "#sso" not in inner_frame(page).url
    # The reload (signed in) exchanged nothing more.
    assert len(answers) == 1

    # The same token again, in another browser (a cached page, say): refused, no second account.
    page, _, answers = open_with_token(open_page, news, live_server, token)
    thread = page.frame_locator(FRAME)
    expect(thread.locator(".js-embed-status")).to_contain_text("used already")
    expect(thread.locator(".js-embed-signin")).to_be_visible()
    assert answers[0].status == 400 and SsoLink.objects.count() == 1


def test_a_link_to_the_frame_with_someones_token_signs_nobody_in(open_page, news, story, live_server, sso_keys):
    """Opened as a page of its own (a link in a mail, say), the frame's address with another
    reader's token in its fragment exchanges nothing: only a frame on a listed site does."""
    from urllib.parse import quote

    from accounts.models import SsoLink, SsoTokenSeen

    page = open_page()
    answers = []
    page.on("response", lambda response: "/embed/sso/" in response.url and answers.append(response))
    page.goto(f"{live_server.url}/embed/thread/?url={quote(news.url('/story'), safe='')}#sso={sso_token()}")
    expect(page.locator(".js-embed-signin")).to_be_visible()
    page.wait_for_timeout(500)
    assert answers == [] and not SsoLink.objects.exists() and not SsoTokenSeen.objects.exists()


def _refused_tokens():
    import time

    import jwt

    now = int(time.time())
    return {
        "alg none": lambda: jwt.encode({"sub": "r", "iat": now, "exp": now + 60, "jti": "j"}, None, algorithm="none",
                                       headers={"kid": "news"}),
        "alg not configured for the kid": lambda: sso_token(alg="HS512", key=SSO_SECRET * 2),
        "unknown kid": lambda: sso_token(kid="elsewhere"),
        "bad signature": lambda: sso_token(key="not-the-secret-but-32-bytes-long!!"),
        "expired": lambda: sso_token(iat=now - 700, exp=now - 100),
        "iat in the future": lambda: sso_token(iat=now + 600, exp=now + 900),
        "missing sub": lambda: sso_token(drop=("sub",)),
    }


@pytest.mark.parametrize("case", list(_refused_tokens()))
def test_each_refused_token_shows_its_error_in_the_frame_and_writes_nothing(
    open_page, news, story, live_server, sso_keys, case
):
    from accounts.models import SsoLink, SsoTokenSeen, User

    users = User.objects.count()
    page, _, answers = open_with_token(open_page, news, live_server, _refused_tokens()[case]())
    thread = page.frame_locator(FRAME)
    expect(thread.locator(".js-embed-status")).to_be_visible()
    status, answer = answers[0].status, answers[0].json()
    assert 400 <= status < 500 and answer["error"]
    expect(thread.locator(".js-embed-status")).to_have_text(answer["error"])
    expect(thread.locator(".js-embed-signin")).to_be_visible()  # still signed out
    assert (User.objects.count(), SsoLink.objects.count(), SsoTokenSeen.objects.count()) == (users, 0, 0)


def test_a_replayed_jti_is_refused_in_the_frame(open_page, news, story, live_server, sso_keys):
    """A new token that reuses a jti the forum has seen: refused, and nothing more written."""
    from accounts.models import SsoLink, SsoTokenSeen, User

    page, _, _ = open_with_token(open_page, news, live_server, sso_token(jti="once"))
    expect(page.frame_locator(FRAME).locator(".signed-in-as")).to_be_visible()
    counts = (User.objects.count(), SsoLink.objects.count(), SsoTokenSeen.objects.count())

    page, _, answers = open_with_token(open_page, news, live_server, sso_token(jti="once", name="Someone Else"))
    thread = page.frame_locator(FRAME)
    expect(thread.locator(".js-embed-status")).to_contain_text("used already")
    assert answers[0].status == 400
    expect(thread.locator(".js-embed-status")).to_have_text(answers[0].json()["error"])
    assert (User.objects.count(), SsoLink.objects.count(), SsoTokenSeen.objects.count()) == counts
    assert User.objects.get(username="jane").display_name == "Jane Doe"


def test_a_nudged_reply_offers_post_it_anyway_in_the_frame(open_page, news, story, live_server, make_user, settings,
                                                             monkeypatch):
    """The warning the writer may overrule (the toxicity hook): on the forum its page offers "post
    it anyway"; the frame cannot show that page, so the box offers it in place."""
    from forum.moderation import toxicity

    settings.FORUM_MODERATION_HOOKS = ["forum.moderation.toxicity.toxicity"]
    settings.FORUM_TOXICITY_THRESHOLD = 0.8
    monkeypatch.setattr(toxicity, "score", lambda text: 0.93)
    jane = make_user("jane", display_name="Jane Doe")
    page = open_page()
    page.goto(news.url("/story"))
    sign_in_through_the_popup(page, "jane")
    thread = page.frame_locator(FRAME)
    thread.locator("details.new-reply > summary").click()
    form = thread.locator("details.new-reply form.reply-form")
    form.locator("textarea[name=body]").fill("You are all idiots")
    form.locator("button[name=post]").click()
    expect(form.locator(".js-post-error")).to_contain_text("may read as abusive")
    assert not Reply.objects.filter(author=jane).exists()
    form.get_by_label("Post it anyway").check()
    form.locator("button[name=post]").click()
    expect(thread.locator(".js-live-announce")).to_contain_text("waiting for a moderator")
    assert Reply.objects.get(author=jane).status == Reply.Status.HELD
    assert "/embed/thread/" in inner_frame(page).url

    # The browser loses the frame's cookies (cleared, expired): the next post fails Django's CSRF
    # check with a page, not JSON. The frame says so, and stays (the page would refuse framing).
    page.context.clear_cookies()
    expect(form.locator("textarea[name=body]")).to_be_visible()  # the box stays open, emptied
    form.locator("textarea[name=body]").fill("Posted after the cookies went")
    form.locator("button[name=post]").click()
    expect(form.locator(".js-post-error")).to_contain_text("did not work")
    assert "/embed/thread/" in inner_frame(page).url
    assert Reply.objects.filter(author=jane).count() == 1
