"""The one fetch the forum makes of a news site's page: to create the article for a page that
embeds the discussion (forum.embed.services). Guarded, because the address comes from a browser:

- only a page on a listed origin (the caller checks; fetch_page checks again);
- redirects are followed by hand, at most MAX_REDIRECTS, each only to the same origin: a redirect
  anywhere else is refused, so a listed site cannot point the forum at an internal address;
- a timeout (FORUM_EMBED_FETCH_TIMEOUT_SECONDS) on the connection and on every read;
- a size cap (FORUM_EMBED_FETCH_MAX_BYTES): read past it, the fetch is refused.
"""

from __future__ import annotations

import http.client
import socket
import time
import urllib.error
import urllib.request
from urllib.parse import urljoin

from django.utils.translation import gettext as _

from forum.conf import forum_settings
from forum.errors import Refused

from .addresses import BadPageURL, is_listed, origin_of

MAX_REDIRECTS = 5
USER_AGENT = "ForumEmbed/1.0 (+docs/embed.md; fetches a page once to title its discussion)"


class FetchRefused(Refused):
    """The page could not be fetched as the rules allow: nothing is created."""


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # answered as it is: fetch_page decides where a redirect may lead


_opener = urllib.request.build_opener(_NoRedirects)


def fetch_page(url: str) -> tuple[bytes, str]:
    """(the page's bytes, the address it was finally read at). FetchRefused says why not."""
    if not is_listed(url):
        raise FetchRefused(_("The page is not on a site that may embed this forum."))
    origin = origin_of(url)
    for _hop in range(MAX_REDIRECTS + 1):
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "text/html"})
        try:
            response = _opener.open(request, timeout=forum_settings.EMBED_FETCH_TIMEOUT_SECONDS)
        except urllib.error.HTTPError as error:
            if error.code in (301, 302, 303, 307, 308) and error.headers.get("Location"):
                url = _same_origin(urljoin(url, error.headers["Location"]), origin)
                error.close()
                continue
            error.close()
            raise FetchRefused(_("The page answered %(status)s.") % {"status": error.code}) from None
        except (urllib.error.URLError, socket.timeout, TimeoutError, http.client.HTTPException, OSError) as error:
            raise FetchRefused(_("The page could not be fetched: %(reason)s.") % {
                "reason": getattr(error, "reason", error)}) from None
        with response:
            return _read_capped(response), url
    raise FetchRefused(_("The page redirects too many times."))


def _same_origin(target: str, origin: str) -> str:
    try:
        same = origin_of(target) == origin
    except BadPageURL:
        same = False
    if not same:
        raise FetchRefused(_("The page redirects to another site; the forum follows redirects only within the site."))
    return target


def _read_capped(response) -> bytes:
    """The body, read in chunks against one deadline: a server dripping a byte at a time within
    each read's timeout is still given up on."""
    cap = forum_settings.EMBED_FETCH_MAX_BYTES
    too_big = FetchRefused(_("The page is larger than the %(kb)s KB the forum reads.") % {"kb": cap // 1024})
    declared = response.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > cap:
        raise too_big
    deadline = time.monotonic() + forum_settings.EMBED_FETCH_TIMEOUT_SECONDS
    chunks, size = [], 0
    try:
        while chunk := response.read(min(64 * 1024, cap + 1 - size)):
            chunks.append(chunk)
            size += len(chunk)
            if size > cap:
                raise too_big
            if time.monotonic() > deadline:
                raise FetchRefused(_("The page took too long to arrive."))
    except (socket.timeout, TimeoutError, OSError, http.client.HTTPException) as error:
        raise FetchRefused(_("The page could not be read: %(reason)s.") % {"reason": error}) from None
    return b"".join(chunks)
