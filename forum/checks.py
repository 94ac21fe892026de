"""Start-up checks: a bad forum setting fails `manage.py check` (and every start), not the first
post that reads it."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Warning, register
from django.http.request import validate_host
from django.utils.module_loading import import_string

from .conf import DEFAULTS, MINIMUMS, TYPES, forum_settings


@register()
def moderation_hooks_import(app_configs, **kwargs):
    errors = []
    for path in forum_settings.MODERATION_HOOKS:
        try:
            hook = import_string(path)
        except ImportError as error:
            errors.append(
                Error(f"FORUM_MODERATION_HOOKS: cannot import {path!r}: {error}", id="forum.E001",
                      hint="Check the dotted path, or remove it from the list.")
            )
            continue
        if not callable(hook):
            errors.append(Error(f"FORUM_MODERATION_HOOKS: {path!r} is not callable", id="forum.E002"))
    if "forum.moderation.toxicity.toxicity" in forum_settings.MODERATION_HOOKS:
        from .moderation import toxicity

        if not toxicity.available():
            errors.append(Error("FORUM_MODERATION_HOOKS lists the toxicity hook, but its model is not installed",
                                id="forum.E006", hint="pip install -r requirements-toxicity.txt"))
    return errors


@register()
def settings_have_the_right_types(app_configs, **kwargs):
    errors = []
    for name in DEFAULTS:
        if not hasattr(settings, f"FORUM_{name}"):
            continue
        value = getattr(forum_settings, name)
        expected = TYPES[name]
        # A bool is an int to isinstance(); an int setting must not be True.
        wrong_bool = isinstance(value, bool) and expected is int
        if wrong_bool or not isinstance(value, expected):
            errors.append(Error(f"FORUM_{name} must be {_type_name(expected)}, not {value!r}", id="forum.E003"))
        elif expected is int and value < MINIMUMS.get(name, 0):
            errors.append(Error(f"FORUM_{name} must be at least {MINIMUMS.get(name, 0)}, not {value}", id="forum.E003"))
    budget, page_size = forum_settings.PAGE_REPLY_BUDGET, forum_settings.PAGE_SIZE
    if isinstance(budget, int) and isinstance(page_size, int) and budget < page_size:
        # Every top-level reply of a page is drawn (forum.threads.budget): a smaller budget would not hold.
        errors.append(Error(f"FORUM_PAGE_REPLY_BUDGET ({budget}) must be at least FORUM_PAGE_SIZE ({page_size})",
                            id="forum.E003"))
    unknown = sorted(name for name in dir(settings) if name.startswith("FORUM_") and name[6:] not in DEFAULTS)
    for name in unknown:
        errors.append(Warning(f"{name} is not a forum setting; it has no effect", id="forum.W001",
                              hint="See forum/conf.py for the settings and their names."))
    watched = forum_settings.WATCHED_WORDS
    if isinstance(watched, dict):
        for verdict, patterns in watched.items():
            if verdict not in {"reject", "hold"}:
                errors.append(Error(f"FORUM_WATCHED_WORDS: unknown verdict {verdict!r}", id="forum.E004",
                                    hint='Use "reject" or "hold".'))
            for pattern in patterns:
                try:
                    re.compile(pattern)
                except re.error as error:
                    errors.append(Error(f"FORUM_WATCHED_WORDS: {pattern!r}: {error}", id="forum.E004"))
    return errors


@register()
def site_url_is_where_the_site_is(app_configs, **kwargs):
    """Every email link and absolute link is built on FORUM_SITE_URL (forum.web.absolute_url): a
    production site still on the development default mails links to 127.0.0.1."""
    url = urlsplit(str(forum_settings.SITE_URL))
    if url.scheme not in {"http", "https"} or not url.hostname:
        return [Error(f"FORUM_SITE_URL must be an http(s) address such as https://forum.example.org, "
                      f"not {forum_settings.SITE_URL!r}", id="forum.E005")]
    hosts = settings.ALLOWED_HOSTS
    if not settings.DEBUG and not validate_host(url.hostname, hosts):
        return [Warning(f"FORUM_SITE_URL ({forum_settings.SITE_URL}) is not served here: its host is not in "
                        "ALLOWED_HOSTS, so the links in emails lead elsewhere", id="forum.W002",
                        hint="Set FORUM_SITE_URL to the address readers use.")]
    return []


def _type_name(expected) -> str:
    kinds = expected if isinstance(expected, tuple) else (expected,)
    return " or ".join(kind.__name__ for kind in kinds)


@register()
def embed_origins_are_origins(app_configs, **kwargs):
    """FORUM_EMBED_ORIGINS: each an origin, scheme and host (and port), as the browser sends it in
    frame-ancestors and postMessage; a path or a typo would silently refuse every embed."""
    from .embed.addresses import BadPageURL, origin_of

    origins = forum_settings.EMBED_ORIGINS
    if not isinstance(origins, (list, tuple)):
        return []  # settings_have_the_right_types says so
    errors = []
    for origin in origins:
        try:
            ok = isinstance(origin, str) and origin_of(origin) == origin.rstrip("/").lower()
            ok = ok and urlsplit(origin).path in ("", "/") and not urlsplit(origin).query
        except BadPageURL:
            ok = False
        if not ok:
            errors.append(Error(f"FORUM_EMBED_ORIGINS: {origin!r} is not an origin such as https://news.example",
                                id="forum.E007", hint="Scheme and host (and a port other than the default), no path."))
        elif not settings.DEBUG and origin.startswith("http://"):
            errors.append(Warning(f"FORUM_EMBED_ORIGINS: {origin!r} is not HTTPS: the frame's sign-in needs "
                                  "a secure page (docs/embed.md)", id="forum.W003"))
    return errors
