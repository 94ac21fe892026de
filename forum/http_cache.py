"""What caches in front of the forum (a CDN, Varnish) and browsers may keep: Cache-Control.

A page a signed-out reader gets is the same for every signed-out reader (forum.threads.cache
draws it once per thread version), so a shared cache may keep it for a few seconds and serve
it stale while it asks again: `public, max-age=0, s-maxage=…, stale-while-revalidate=…`.
max-age=0 keeps browsers from reusing it, so a reader who signs in never sees their own
signed-out copy. Such a response must carry no cookie and no `Vary: Cookie`: Django's session
middleware adds that header whenever the session was looked at, which is every page (is this
reader signed in?), and a shared cache would then keep one copy per visitor's cookies, which
is to say none. The cache in front must instead pass every request that carries the session
cookie straight to the forum (docs/deploy.md), so the Vary is not needed.

Everything a signed-in reader gets is `private`.

Languages (issue 17): a signed-out page is in the reader's language, which comes from the
switcher's cookie or else from Accept-Language (LocaleMiddleware). The response keeps the
`Vary: Accept-Language` LocaleMiddleware adds, so a shared cache keeps one copy per header value
(docs/deploy.md: normalise it to the forum's languages at the edge). A language cookie cannot be
named in Vary without naming every cookie, so a page asked for with one is `private`, like a
signed-in reader's; the cache in front passes such requests to the forum, as it does those with
the session cookie (or keys on the cookie's value).
"""

from __future__ import annotations

import functools

from django.conf import settings
from django.utils.cache import patch_cache_control

from .conf import forum_settings

MARK = "forum_shared_when_signed_out"


def shared_when_signed_out(view):
    """Let a shared cache keep `view`'s answers to signed-out readers (see the module's note)."""

    @functools.wraps(view)
    def run(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        setattr(response, MARK, True)
        return response

    return run


def _chosen_language(request) -> bool:
    return settings.LANGUAGE_COOKIE_NAME in request.COOKIES


def _signed_in(request) -> bool:
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated


class CacheControlMiddleware:
    """Sets Cache-Control as the module's note says. It sits outside the session, CSRF and
    messages middleware, so it sees the cookies and the Vary they added."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Cache-Control" in response:  # a view or WhiteNoise decided
            return response
        if _signed_in(request) or (getattr(response, MARK, False) and _chosen_language(request)):
            patch_cache_control(response, private=True)
        elif self._shareable(request, response):
            patch_cache_control(
                response,
                public=True,
                max_age=0,
                s_maxage=forum_settings.SHARED_CACHE_SECONDS,
                stale_while_revalidate=forum_settings.SHARED_CACHE_STALE_SECONDS,
            )
            vary = [value.strip() for value in response.get("Vary", "").split(",") if value.strip()]
            kept = [value for value in vary if value.lower() != "cookie"]
            if kept:
                response["Vary"] = ", ".join(kept)
            elif "Vary" in response:
                del response["Vary"]
        return response

    @staticmethod
    def _shareable(request, response) -> bool:
        return (
            getattr(response, MARK, False)
            and forum_settings.SHARED_CACHE_SECONDS > 0
            and request.method in ("GET", "HEAD")
            and response.status_code == 200
            # A response that sets a cookie (a CSRF token, a message read, a session) is this
            # visitor's own.
            and not response.cookies
        )
