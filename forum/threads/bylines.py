"""The names in the articles' bylines, read for accounts: it reserves them
(ACCOUNTS_RESERVED_NAME_SOURCES), so nobody can sign up as an author the forum publishes."""

from __future__ import annotations

import re

from .models import Article

# "Jane Doe and John Roe", "Jane Doe, John Roe & Ann Poe": one name each.
_BYLINE_SEPARATORS = re.compile(r"\s*(?:,|&|\band\b)\s*", re.IGNORECASE)


def byline_names() -> list[str]:
    """Every name in every article's byline, one name each."""
    names = []
    for byline in Article.objects.exclude(byline="").values_list("byline", flat=True):
        names.extend(name for name in _BYLINE_SEPARATORS.split(byline.removeprefix("By ")) if name.strip())
    return names
