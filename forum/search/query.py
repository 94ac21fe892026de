"""What a reader types in the search box, understood once and written out for each database.

The syntax is PostgreSQL's websearch one, which readers know from search engines: words (all
must match), "a phrase", -word or -"a phrase" to leave out, `or` between two terms, and
`author:name` to keep one person's replies. `parse()` turns the text into a `Query` of plain
words, or refuses it with a message the reader can act on; nothing the reader typed reaches
the database but those words, each quoted (`websearch()`, `fts5()`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.formats import number_format
from django.utils.translation import gettext

from forum.conf import forum_settings
from forum.errors import Refused
from forum.rendering import CONTROL_CHARACTERS

# A word as both databases' tokenizers see one: letters and digits, anything else separates.
_WORD = re.compile(r"[^\W_]+")
# A term: an optional minus, then a quoted phrase or a run of anything but spaces and quotes.
_TERM = re.compile(r'(-?)"([^"]*)"|(-?)([^\s"]+)')
_AUTHOR = re.compile(r"author:(\S*)", re.IGNORECASE)


class BadQuery(Refused):
    """A search that cannot be run; its message says how to fix it."""


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]  # one word, or the words of a phrase, in order
    negated: bool = False
    # As typed, without quotes or minus: PostgreSQL's parser reads "T-14" as its own token
    # ('-14'), which the same parser made of the reply's text, so it gets the text itself.
    text: str = ""


@dataclass
class Query:
    text: str  # as typed, for the search box
    # Terms that must all match; each is a list of alternatives joined by `or`.
    clauses: list[list[Term]] = field(default_factory=list)
    excluded: list[Term] = field(default_factory=list)
    author: str = ""

    def words(self) -> list[str]:
        return [word for clause in self.clauses for term in clause for word in term.words]


def parse(text: str) -> Query:
    """The reader's search, or BadQuery saying what is wrong with it."""
    limit = forum_settings.SEARCH_MAX_QUERY_LENGTH
    if CONTROL_CHARACTERS.search(text):
        raise BadQuery(gettext("Your search contains a control character (such as a NUL byte). Remove it and try again."))
    text = text.strip()
    if not text:
        raise BadQuery(gettext("Type a word or two to search for."))
    if len(text) > limit:
        raise BadQuery(gettext("Your search is %(length)s characters long; the limit is %(limit)s. Try a few key words.") % {
            "length": number_format(len(text), force_grouping=True), "limit": number_format(limit, force_grouping=True),
        })
    if text.count('"') % 2:
        raise BadQuery(gettext('A quotation mark is not closed: add a " at the end of the phrase, or remove it.'))
    authors = _AUTHOR.findall(text)
    if len(authors) > 1:
        raise BadQuery(gettext("Search one author at a time: use author: once."))
    if authors and not authors[0]:
        raise BadQuery(gettext("Put a name after author:, as in author:batavian01."))
    query = Query(text=text, author=authors[0] if authors else "")
    pending_or = False
    for match in _TERM.finditer(_AUTHOR.sub(" ", text)):
        negated = bool(match.group(1) or match.group(3))
        raw = match.group(2) if match.group(2) is not None else match.group(4)
        if match.group(4) is not None and not negated and raw.lower() == "or":
            pending_or = bool(query.clauses)
            continue
        words = tuple(_WORD.findall(raw))
        if not words:
            continue  # only punctuation: an operator, or nothing a tokenizer would keep
        term = Term(words=words, negated=negated, text=raw)
        if negated:
            query.excluded.append(term)
        elif pending_or:
            query.clauses[-1].append(term)
        else:
            query.clauses.append([term])
        pending_or = False
    if len(query.clauses) + len(query.excluded) > forum_settings.SEARCH_MAX_TERMS:
        raise BadQuery(gettext("Your search has too many terms; use at most %(limit)s.") % {"limit": forum_settings.SEARCH_MAX_TERMS})
    if not query.clauses:
        if query.excluded:
            raise BadQuery(gettext("Say what to look for, not only what to leave out: add a word without a minus sign."))
        if query.author:
            raise BadQuery(gettext("Add a word to look for in the replies of %(author)s.") % {"author": query.author})
        raise BadQuery(gettext("Your search has no words to look for, only operators or punctuation. Add a word."))
    return query


def _quoted(term: Term) -> str:
    # The words are letters and digits only, so a quote can never close early.
    return '"' + " ".join(term.words) + '"'


def _quoted_text(term: Term) -> str:
    # Inside quotes websearch_to_tsquery reads no operator, only words; the text has no quote
    # (parse() split on them), so this one cannot close early either.
    return '"' + term.text + '"'


def websearch(query: Query) -> str:
    """The query for PostgreSQL's websearch_to_tsquery: every term quoted, nothing else passed."""
    parts = [" or ".join(_quoted_text(term) for term in clause) for clause in query.clauses]
    parts += ["-" + _quoted_text(term) for term in query.excluded]
    return " ".join(parts)


def fts5(query: Query) -> str:
    """The same query in SQLite FTS5's syntax: quoted phrases, OR in brackets, NOT at the end."""
    clauses = []
    for clause in query.clauses:
        alternatives = [_quoted(term) for term in clause]
        clauses.append(alternatives[0] if len(alternatives) == 1 else "(" + " OR ".join(alternatives) + ")")
    expression = " AND ".join(clauses)
    if query.excluded:
        expression = f"({expression}) NOT ({' OR '.join(_quoted(term) for term in query.excluded)})"
    return expression
