"""Page URLs as the forum keys threads by, and the origins that may embed.

One page must have one thread, whatever address a reader arrived at, so a page URL is
normalised before anything is looked up or stored:

- the scheme and the host are lowercased; the default port (80 for http, 443 for https) is dropped;
- an empty path becomes "/", and a trailing slash is dropped from any longer path
  ("/news/story/" and "/news/story" are one page);
- the fragment is dropped;
- tracking parameters are dropped: every `utm_*`, and TRACKING_PARAMETERS below;
- the parameters left are sorted (by name, then value), so their order does not matter.

docs/embed.md repeats these rules for the news site.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

from django.utils.translation import gettext as _

from forum.conf import forum_settings
from forum.errors import Refused

MAX_URL_LENGTH = 500  # the column's length; a news page's address is far shorter

# Parameters that say how a reader arrived, not which page they read (compared lowercased).
TRACKING_PARAMETERS = frozenset({
    "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "ttclid", "li_fat_id",
    "mc_cid", "mc_eid", "_ga", "_gl", "_hsenc", "_hsmi", "mkt_tok", "igshid", "ref_src", "ref_url", "cmpid",
    "ocid", "smid", "s_cid", "at_medium", "at_campaign",
})
DEFAULT_PORTS = {"http": 80, "https": 443}


class BadPageURL(Refused):
    """A page URL that is not the address of a web page."""


def _is_tracking(name: str) -> bool:
    name = name.lower()
    return name.startswith("utm_") or name in TRACKING_PARAMETERS


def split_origin(url: str) -> tuple[str, str, int | None]:
    """(scheme, host, port or None for the default) of an http(s) URL; BadPageURL otherwise."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as error:
        raise BadPageURL(_("“%(url)s” is not a web address: %(error)s.") % {"url": url[:200], "error": error}) from None
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if scheme not in DEFAULT_PORTS or not host:
        raise BadPageURL(_("“%(url)s” is not the address of a web page: it must start with https:// or http://.")
                         % {"url": url[:200]})
    if parts.username or parts.password:
        raise BadPageURL(_("A page address must not carry a user name or password."))
    return scheme, host, None if port in (None, DEFAULT_PORTS[scheme]) else port


def _netloc(host: str, port: int | None) -> str:
    host = f"[{host}]" if ":" in host else host  # an IPv6 address
    return host if port is None else f"{host}:{port}"


def origin_of(url: str) -> str:
    """The URL's origin as a browser writes it: "https://news.example" or "http://host:8001"."""
    scheme, host, port = split_origin(url)
    return f"{scheme}://{_netloc(host, port)}"


def normalise(url: str) -> str:
    """The one address of the page at `url` (the module's note has the rules)."""
    if not url or not url.strip():
        raise BadPageURL(_("No page address was given (?url=)."))
    if len(url) > 2000:
        raise BadPageURL(_("The page address is too long."))
    scheme, host, port = split_origin(url)
    parts = urlsplit(url.strip())
    # The path as one spelling: percent-escapes decoded where they stand for safe characters.
    path = quote(unquote(parts.path), safe="/:@!$&'()*+,;=-._~") or "/"
    if len(path) > 1:
        path = path.rstrip("/") or "/"
    query = sorted((name, value) for name, value in parse_qsl(parts.query, keep_blank_values=True)
                   if not _is_tracking(name))
    normal = urlunsplit((scheme, _netloc(host, port), path, urlencode(query), ""))
    if len(normal) > MAX_URL_LENGTH:
        raise BadPageURL(_("The page address is longer than %(limit)s characters.") % {"limit": MAX_URL_LENGTH})
    return normal


def listed_origins() -> list[str]:
    """FORUM_EMBED_ORIGINS, each as origin_of() writes it (forum.checks refuses a bad one)."""
    return [origin_of(origin) for origin in forum_settings.EMBED_ORIGINS]


def is_listed(url: str) -> bool:
    """Whether `url` is on an origin that may embed the forum (so may be fetched)."""
    try:
        return origin_of(url) in listed_origins()
    except BadPageURL:
        return False
