"""The thread inside the news site's frame: the layout it is drawn in (the article page's thread,
cache and query counts, forum.threads.views.article_page), and the headers that let exactly the
listed sites frame it.

Links in the frame: the sort and page links stay in the frame (their base is /embed/thread/?url=,
forum.threads.navigation); a form posted in the frame is sent by static/js/frame.js and the frame
reloads, since the pages the forum's forms land on refuse to be framed; every other link (a reply's
permalink, a profile, Flag, Edit, the search) opens the forum's own page in a new tab
(target="_blank" rel="noopener", set by frame.js as it is followed; the frame's own links carry it).
"""

from __future__ import annotations

from urllib.parse import quote

from django.urls import reverse
from django.utils.cache import patch_cache_control

from config.middleware import framed_policy
from forum.threads.views import Layout

from .addresses import listed_origins, origin_of


def thread_url(page_url: str) -> str:
    """The frame's address for the page at `page_url` (normalised)."""
    return reverse("forum:embed_thread") + "?url=" + quote(page_url, safe="")


def _extra(article) -> dict:
    return {
        "embed": {
            # postMessage's targetOrigin: the embedding page's origin, from the validated address.
            "parent_origin": origin_of(article.page_url),
            "page_url": article.page_url,
            "article_url": article.get_absolute_url(),
            # The popup that signs a reader in first-party, and the exchanges that give the frame
            # its own session (accounts.embed_views).
            "signin_url": reverse("embed_accounts:signin"),
            "session_url": reverse("embed_accounts:session"),
            "sso_url": reverse("embed_accounts:sso"),
        }
    }


EMBED = Layout(
    template="forum/embed/thread.html",
    kind="embed-page",
    base_url=lambda article: thread_url(article.page_url),
    place_url=lambda article: "",
    signed_out_csrf=True,
    extra=_extra,
)


def framed_by_listed(response):
    """Let the listed origins, and only they, frame `response` (the view is xframe_options_exempt)."""
    response["Content-Security-Policy"] = framed_policy(listed_origins())
    # Every reader's frame carries their CSRF token: no shared cache may keep it.
    patch_cache_control(response, private=True, max_age=0)
    return response


def framed_by_anyone(response):
    """A read-only frame (one reply, for oEmbed): any site may show it; it has no form to press."""
    response["Content-Security-Policy"] = framed_policy("*")
    return response
