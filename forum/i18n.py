"""The forum's languages (issue 17): the footer's switcher, the account's choice, the page
scripts' catalog.

Who decides (LocaleMiddleware, then AccountLanguageMiddleware here): the language cookie the
switcher sets; for a signed-in reader without one (a new browser), the language saved on their
account, which a sign-in also puts back in the cookie; else the browser's Accept-Language; else
LANGUAGE_CODE. The account's language comes with the user row (accounts/backends.py): no query.

The JavaScript catalog (Django's JavaScriptCatalog, at /jsi18n/) is loaded by every page as an
external script (the CSP forbids inline ones). Its URL names the language and a digest of the
compiled catalogs, `/jsi18n/?lang=fr&v=…`, and the view answers in the language the URL names:
so a browser or a CDN may keep it a day, one copy per language, and a new translation has a new
URL. A URL naming no language (or one the forum does not speak) is answered in the reader's and
kept by no one.
"""

from __future__ import annotations

import functools
import hashlib

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.i18n import JavaScriptCatalog
from django.views.i18n import set_language as django_set_language

from forum.errors import Refused
from forum.templatetags.cached_url import cached_reverse

CATALOG_MAX_AGE = 24 * 3600


def supported(code: str | None) -> str | None:
    """`code` if the forum speaks it (one of LANGUAGES), else None."""
    return code if code in dict(settings.LANGUAGES) else None


@functools.lru_cache(maxsize=16)
def choices(current: str) -> tuple[dict, ...]:
    """The switcher's languages, each named in its own language, the current one marked."""
    return tuple(
        {"code": code, "name": name, "current": code == current} for code, name in settings.LANGUAGES
    )


@functools.cache
def _catalog_version() -> str:
    # The compiled catalogs as deployed: a new translation changes the catalog's URL.
    digest = hashlib.sha256()
    for directory in settings.LOCALE_PATHS:
        for path in sorted(directory.glob("*/LC_MESSAGES/djangojs.mo")):
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


@functools.lru_cache(maxsize=16)
def catalog_url(code: str) -> str:
    return f"{cached_reverse('javascript-catalog')}?lang={code}&v={_catalog_version()}"


_catalog = JavaScriptCatalog.as_view()


def javascript_catalog(request):
    language = supported(request.GET.get("lang"))
    if language is None:
        response = _catalog(request)
        patch_cache_control(response, private=True, max_age=0)
        return response
    with translation.override(language):
        response = _catalog(request)
    response["Content-Language"] = language
    patch_cache_control(response, public=True, max_age=CATALOG_MAX_AGE)
    return response


def language_of(user) -> str:
    """The language to write to `user` in when no request of theirs says (emails, notices made by
    the task queue): the one saved on their account (the switcher), else the site's."""
    return supported(getattr(user, "language", "") or None) or settings.LANGUAGE_CODE


@csrf_exempt
def set_language(request):
    """Django's set_language (the cookie, and back to `next`), and for a signed-in reader the
    choice saved on the account. A signed-out reader's form carries no CSRF token: their page is
    cached and the same for everyone, and all a forged post could do is set a cookie of theirs to
    another language. A signed-in reader's form has one, and it is checked."""
    if request.method == "POST" and supported(request.POST.get("language")) is None:
        # Django's view would keep any language it has a catalog for (de, say) in the cookie.
        from forum.web import refusal_page

        return refusal_page(request, Refused(_("The forum does not speak that language. Choose one from the list.")))
    if request.user.is_authenticated:
        return _set_language_for_account(request)
    return django_set_language(request)


@csrf_protect
def _set_language_for_account(request):
    from accounts import services as accounts

    response = django_set_language(request)
    if request.method == "POST":
        accounts.language_set(user=request.user, language=request.POST["language"])
    return response


def _signed_in(sender, request, user, **kwargs):
    """At sign-in, the language saved on the account becomes this browser's (the cookie is set on
    the sign-in's response, by AccountLanguageMiddleware)."""
    if supported(getattr(user, "language", "")):
        request.forum_account_language = user.language


class AccountLanguageMiddleware:
    """After AuthenticationMiddleware: a signed-in reader with no language cookie reads in the
    language saved on their account; a sign-in sets the cookie to it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        cookie = supported(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))
        if cookie is None and settings.SESSION_COOKIE_NAME in request.COOKIES:
            user = request.user
            saved = supported(getattr(user, "language", "")) if user.is_authenticated else None
            if saved is not None:
                translation.activate(saved)
                request.LANGUAGE_CODE = saved
                request.forum_account_language = saved
        response = self.get_response(request)
        chosen = getattr(request, "forum_account_language", None)
        if chosen is not None and chosen != cookie:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME, chosen,
                max_age=settings.LANGUAGE_COOKIE_AGE, path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN, secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY, samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response
