"""The embedded frame's cookies, and the sign-in popup's link to its opener (issue 16).

Partitioned cookies (CHIPS). A frame of the forum on a news site is a third-party context:
Safari, Firefox's Total Cookie Protection and Chrome with third-party cookies blocked do not
send the forum's first-party cookies into it, and drop the ones it sets. A cookie marked
`Partitioned` (with `Secure; SameSite=None`) is kept, in a jar of its own per top-level site.
So every answer to the frame (a path under /embed/, or see is_frame_request) sends the
session, CSRF and messages cookies that way. Django 5.2's set_cookie() has no `partitioned` argument, and Python 3.11's Morsel refuses
unknown attributes (3.14 knows it: CPython gh-112713), so the Morsel is replaced by one that
writes the attribute itself. Django ticket #34613 (pull request 19603, open, aimed at 6.2) would
add SESSION_COOKIE_PARTITIONED and CSRF_COOKIE_PARTITIONED; they are global settings, and the
frame needs the attribute on its own answers only, so this module may still be needed then.
A cookie deleted in the frame (logging out) is rewritten too: the deletion must name the
partitioned cookie, or the browser keeps it.

The same cookie names as first-party, on purpose: the frame posts through the forum's ordinary
views, which read the ordinary names. What a browser then holds:
- third-party cookies blocked: in the frame, only the partitioned cookie (keyed to the news
  site); first-party, only the unpartitioned one. They never meet.
- third-party cookies allowed (Chrome's default): the frame is sent both, when the reader has
  signed in on the forum too. Both are this browser's own sessions; Django keeps the last one
  of the header, which Chrome orders oldest first, so the newer sign-in wins. Either way no
  one else's session can get in: a partitioned cookie set under another news site stays there.
The popup (/embed/signin/) is first-party and keeps the ordinary cookies: it is where the
reader's forum session lives.

Cross-Origin-Opener-Policy. Django sends `same-origin` on every page, which would cut the
popup off from the frame that opened it (the frame's top-level page is the news site's, another
origin), so the code could not be handed over. The popup's pages say `unsafe-none` instead:
/embed/signin/ and the allauth pages on the way to it (their `next` is /embed/signin/).
"""

from __future__ import annotations

from http.cookies import Morsel

from django.conf import settings

EMBED_PREFIX = "/embed/"
MESSAGES_COOKIE = "messages"  # django.contrib.messages' CookieStorage
POPUP_PATH = "/embed/signin/"


class PartitionedMorsel(Morsel):
    """A Morsel whose Set-Cookie line ends in `; Partitioned` (Python 3.14 knows the attribute;
    3.11 does not)."""

    def OutputString(self, attrs=None):  # noqa: N802 - http.cookies' name
        line = super().OutputString(attrs)
        if "partitioned" in Morsel._reserved:  # a Python that writes it itself
            return line
        return f"{line}; Partitioned"


def partitioned(morsel: Morsel) -> Morsel:
    copy = PartitionedMorsel()
    copy.set(morsel.key, morsel.value, morsel.coded_value)
    copy.update({key: value for key, value in morsel.items() if value != ""})
    copy["samesite"] = "None"
    copy["secure"] = True
    if "partitioned" in Morsel._reserved:
        copy["partitioned"] = True
    return copy


def is_frame_request(request) -> bool:
    """A request from the embedded frame: under /embed/ (but not the first-party popup), or a
    navigation inside a frame anywhere on the forum (`Sec-Fetch-Dest: iframe`: the frame's
    forms post to the forum's ordinary views, and only the embed pages may be framed), or a
    fetch the frame's script marks with `X-Forum-Frame: 1`."""
    path = request.path_info
    if path.startswith(POPUP_PATH):
        return False
    return (
        path.startswith(EMBED_PREFIX)
        or request.headers.get("Sec-Fetch-Dest") == "iframe"
        or request.headers.get("X-Forum-Frame") == "1"
    )


def is_popup_request(request) -> bool:
    if request.path_info.startswith(POPUP_PATH):
        return True
    if not request.path_info.startswith("/accounts/"):  # allauth's pages; nothing else reads POST here
        return False
    following = request.GET.get("next") or (request.POST.get("next") if request.method == "POST" else None)
    return bool(following) and following.startswith(POPUP_PATH)


class EmbedCookiesMiddleware:
    """Listed before SessionMiddleware and CsrfViewMiddleware, so it sees the cookies their
    answers set, and after SecurityMiddleware, whose Cross-Origin-Opener-Policy only fills a
    header not set yet."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if is_frame_request(request):
            # The flash messages too ("Your reply is posted"), which Django keeps in a cookie.
            for name in (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME, MESSAGES_COOKIE):
                if name in response.cookies:
                    response.cookies[name] = partitioned(response.cookies[name])
        elif is_popup_request(request):
            response.headers["Cross-Origin-Opener-Policy"] = "unsafe-none"
        return response
