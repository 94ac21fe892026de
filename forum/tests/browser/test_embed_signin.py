"""Signing in inside a frame on a news site, in Chromium (issue 16): the frame opens the forum's
sign-in in a popup, allauth signs the reader in first-party, the popup hands the frame a
one-time code, and the frame trades it for a session in a partitioned cookie.

The news site is a second local server (127.0.0.1, another site than the forum's localhost).
The frame itself is the embed helper's /embed/thread/; until it is merged, a stand-in page on
the forum's origin (served by Playwright's routing, at /embed/test-frame/) does what its script
does: ask /embed/session/ whom it is signed in as, open /embed/signin/, take the code from
the message (checking its origin), and post it back with its CSRF token.

Chromium here (Playwright's fresh contexts) blocks third-party cookies, as Safari does by
default: test_the_forums_own_cookie_never_reaches_the_frame shows it, so the sign-in below
works only through the partitioned cookie.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.conf import settings

from conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

FRAME_PATH = "/embed/test-frame/"

FRAME_HTML = """<!doctype html><html><body data-before="" data-exchanged="" data-after="">
<button id="signin">Sign in</button>
<script>
let csrf = null;
async function who() {
  const answer = await (await fetch("/embed/session/", {credentials: "same-origin"})).json();
  csrf = answer.csrf_token;
  return String(answer.username);
}
// One first request: two at once would each set a new CSRF cookie, and the token kept could
// belong to the cookie that lost.
const ready = who().then((name) => { document.body.dataset.before = name; });
document.getElementById("signin").addEventListener("click", () => {
  window.open("/embed/signin/", "forum-signin", "popup,width=480,height=640");
});
const sso = new URLSearchParams(location.hash.slice(1)).get("sso");
if (sso !== null) {
  (async () => {
    await ready;
    const answer = await (await fetch("/embed/sso/", {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrf},
      body: JSON.stringify({token: sso}),
    })).json();
    document.body.dataset.exchanged = answer.username || ("refused: " + answer.error);
    document.body.dataset.after = await who();
  })();
}
window.addEventListener("message", async (event) => {
  if (event.origin !== location.origin || !event.data || event.data.type !== "forum:signin") return;
  const answer = await (await fetch("/embed/session/", {
    method: "POST", credentials: "same-origin",
    headers: {"Content-Type": "application/json", "X-CSRFToken": csrf},
    body: JSON.stringify({code: event.data.code}),
  })).json();
  document.body.dataset.exchanged = answer.username || ("refused: " + answer.error);
  document.body.dataset.after = await who();
});
</script></body></html>"""


class _NewsSite(BaseHTTPRequestHandler):
    """The news site's article page: the forum's frame under it."""

    forum_url = ""

    def do_GET(self):  # noqa: N802 - http.server's name
        # /article?sso=TOKEN: the page of a reader the site signs in (the snippet's data-sso-token).
        token = self.path.partition("?sso=")[2]
        fragment = f"#sso={token}" if token else ""
        body = (f'<!doctype html><title>News</title><h1>An article</h1>'
                f'<iframe id="forum" src="{self.forum_url}{FRAME_PATH}{fragment}" width="600" height="400"></iframe>'
                ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def news_site(live_server):
    handler = type("NewsSite", (_NewsSite,), {"forum_url": live_server.url})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/article"
    server.shutdown()
    server.server_close()


@pytest.fixture
def context(browser, live_server):
    assert "localhost" in live_server.url  # the news site is 127.0.0.1: another site
    context = browser.new_context()
    context.route(f"{live_server.url}{FRAME_PATH}",
                  lambda route: route.fulfill(status=200, content_type="text/html", body=FRAME_HTML))
    context.set_default_timeout(15_000)
    yield context
    context.close()


def test_a_reader_signs_in_through_the_popup_and_the_frame_gets_its_own_session(
    context, news_site, live_server, make_user
):
    make_user("jane", display_name="Jane Doe")
    page = context.new_page()
    page.goto(news_site)
    frame = page.frame_locator("#forum")
    frame.locator("body[data-before='null']").wait_for()

    with page.expect_popup() as opened:
        frame.locator("#signin").click()
    popup = opened.value
    popup.wait_for_url("**/accounts/login/?next=/embed/signin/")
    popup.get_by_label("Login:").fill("jane")
    popup.get_by_label("Password:").fill(PASSWORD)
    popup.locator("main form button[type=submit]").click()  # not the footer's language form
    popup.wait_for_event("close")  # it handed the code over and closed itself

    frame.locator("body[data-exchanged='jane'][data-after='jane']").wait_for()
    sessions = [c for c in context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME]
    partitioned = [c for c in sessions if c.get("partitionKey")]
    first_party = [c for c in sessions if not c.get("partitionKey")]
    # Two sessions: the popup's first-party one, and the frame's, kept for the news site only.
    assert len(partitioned) == 1 and len(first_party) == 1
    assert partitioned[0]["partitionKey"].startswith("http://127.0.0.1")
    assert partitioned[0]["sameSite"] == "None" and partitioned[0]["secure"]
    assert partitioned[0]["value"] != first_party[0]["value"]

    # The frame stays signed in on the next article of the same site.
    page.reload()
    page.frame_locator("#forum").locator("body[data-before='jane']").wait_for()


def test_the_forums_own_cookie_never_reaches_the_frame(context, news_site, live_server, make_user):
    """The reader is signed in on the forum itself, yet the frame on the news site is signed
    out: this browser blocks third-party cookies, so only the partitioned path can work."""
    make_user("jane")
    forum = context.new_page()
    forum.goto(f"{live_server.url}/accounts/login/")
    forum.get_by_label("Login:").fill("jane")
    forum.get_by_label("Password:").fill(PASSWORD)
    forum.locator("main form button[type=submit]").click()  # not the footer's language form
    forum.wait_for_url(f"{live_server.url}/")
    page = context.new_page()
    page.goto(news_site)
    page.frame_locator("#forum").locator("body[data-before='null']").wait_for()


def test_a_code_posted_by_another_window_is_not_the_forums(context, news_site, live_server, make_user):
    """The news site's page posts a made-up code message into the frame: the frame's origin
    check drops it, and nobody is signed in."""
    page = context.new_page()
    page.goto(news_site)
    frame = page.frame_locator("#forum")
    frame.locator("body[data-before='null']").wait_for()
    page.evaluate("""() => document.getElementById('forum').contentWindow.postMessage(
        {type: 'forum:signin', code: 'made-up'}, '*')""")
    page.wait_for_timeout(300)
    assert frame.locator("body").get_attribute("data-exchanged") == ""


# --- Single sign-on: the news site's token, exchanged by the frame --------------------------------

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


def frame_answer(context, news_site, token) -> tuple[str, str]:
    page = context.new_page()
    page.goto(f"{news_site}?sso={token}")
    body = page.frame_locator("#forum").locator("body:not([data-after=''])")
    body.wait_for()
    answer = body.get_attribute("data-exchanged"), body.get_attribute("data-after")
    page.close()
    return answer


@pytest.fixture
def sso_keys(settings):
    settings.FORUM_SSO_KEYS = {"news": {"alg": "HS256", "secret": SSO_SECRET}}


def test_a_news_sites_token_signs_the_reader_in_inside_the_frame(context, news_site, sso_keys):
    from accounts.models import SsoLink

    token = sso_token()
    assert frame_answer(context, news_site, token) == ("jane", "jane")
    assert SsoLink.objects.get().user.display_name == "Jane Doe"
    # The same token again (a reload of a cached page) is refused; the session stays.
    exchanged, after = frame_answer(context, news_site, token)
    assert exchanged.startswith("refused: ") and "used already" in exchanged and after == "jane"


def _refused_tokens():
    import time

    now = int(time.time())
    return {
        "alg none": lambda: __import__("jwt").encode({"sub": "r", "iat": now, "exp": now + 60, "jti": "j"}, None,
                                                    algorithm="none", headers={"kid": "news"}),
        "alg not configured": lambda: sso_token(alg="HS512", key=SSO_SECRET * 2),
        "unknown kid": lambda: sso_token(kid="elsewhere"),
        "bad signature": lambda: sso_token(key="not-the-secret-but-32-bytes-long!!"),
        "expired": lambda: sso_token(iat=now - 700, exp=now - 100),
        "iat in the future": lambda: sso_token(iat=now + 600, exp=now + 900),
        "missing sub": lambda: sso_token(drop=("sub",)),
        "exp too far": lambda: sso_token(exp=now + 7200),
    }


def test_each_bad_token_is_refused_in_the_frame(context, news_site, sso_keys):
    from accounts.models import SsoLink, SsoTokenSeen, User

    for case, make in _refused_tokens().items():
        exchanged, after = frame_answer(context, news_site, make())
        assert exchanged.startswith("refused: ") and after == "null", (case, exchanged, after)
    assert (User.objects.count(), SsoLink.objects.count(), SsoTokenSeen.objects.count()) == (0, 0, 0)
