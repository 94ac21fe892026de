"""Reading a saved news page: the article's title, byline, date and body, without the page's
chrome (navigation, teasers and their "Read more", related links, share buttons). Pure: no
database.

trafilatura does the extraction: a maintained library that scores a page's blocks as text or
boilerplate, not patterns written per site. It runs offline: it is given the HTML, never a URL
to fetch.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from urllib.parse import urlsplit

import trafilatura
from django.utils.translation import gettext as _

from forum.errors import Refused

MAX_PAGE_BYTES = 5 * 1024 * 1024
MIN_WORDS = 25


@dataclass(frozen=True)
class ExtractedArticle:
    title: str
    body: str  # Markdown
    link: str
    byline: str = ""
    source: str = ""
    published_on: datetime.date | None = None
    # The page's own <link rel="canonical"> (or og:url), when it names an http(s) address.
    canonical: str = ""


def check_url(url: str) -> str:
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Refused(_("%(url)r is not the address of a web page (it must start with http:// or https://).") % {"url": url})
    if len(url) > 500:
        raise Refused(_("The address is longer than 500 characters."))
    return url


def extract_article(page: bytes | str, *, url: str) -> ExtractedArticle:
    """The article in `page`, the HTML saved from `url`. Raises Refused saying what is wrong."""
    url = check_url(url)
    if not page or not page.strip():
        raise Refused(_("The file is empty."))
    if len(page) > MAX_PAGE_BYTES:
        raise Refused(_("The file is over %(megabytes)s MB; a saved news page is far smaller.") % {"megabytes": MAX_PAGE_BYTES // (1024 * 1024)})
    if isinstance(page, bytes) and b"\x00" in page[:4096]:
        raise Refused(_("The file is not a web page (it holds binary data)."))
    body = trafilatura.extract(
        page, url=url, output_format="markdown", include_formatting=True, include_links=False,
        include_comments=False, include_tables=False, include_images=False, with_metadata=False,
    )
    meta = trafilatura.extract_metadata(page, default_url=url)
    title = (meta.title if meta else "") or ""
    words = len((body or "").split())
    if words < MIN_WORDS:
        # trafilatura falls back to whatever text a page has: a menu's few words are no article.
        raise Refused(
            _("No article text was found in the file (%(words)s words where an article has at least %(minimum)s): is it the HTML of a news article?") % {"words": words, "minimum": MIN_WORDS}
        )
    if not title.strip():
        raise Refused(_("The page has no title to give the article."))
    return ExtractedArticle(
        title=title.strip()[:300],
        body=body.strip(),
        link=url,
        byline=((meta.author or "") if meta else "")[:200],
        source=((meta.sitename or "") if meta else "")[:200] or (urlsplit(url).hostname or ""),
        published_on=_date(meta.date if meta else None),
        canonical=_canonical(meta.url if meta else None),
    )


def _canonical(url: str | None) -> str:
    try:
        return check_url(url) if url else ""
    except Refused:
        return ""


def _date(text: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(text) if text else None
    except ValueError:
        return None
