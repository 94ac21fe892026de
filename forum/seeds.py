"""Parsing the seed documents in seeds/. Pure functions: no database, so they test in isolation.

Two formats are known:

- an op-ed with a Disqus-style comment export: title, "Written by X; Originally appeared at Y",
  a standfirst, the body, then comments. A line of 2*(d+1) spaces, "• " and a name opens a
  comment at depth d; the lines indented under it are its body; blank lines separate paragraphs.
- a FRANCE 24 page wrapped in site chrome: teasers each followed by "Read more", the "#THE 51%"
  strip, then section, title, photo caption, "Latest update : DATE", the body, "Date created :
  DATE" and a list of related articles. Everything but the article itself is dropped.

Anything else is refused with the file and line that could not be read.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.text import slugify

from .rendering import escape_markdown

FRANCE24 = "FRANCE 24"


class SeedError(Exception):
    def __init__(self, path: Path, line: int, message: str):
        self.path, self.line, self.message = path, line, message
        super().__init__(f"{path}:{line}: {message}")


@dataclass
class SeedComment:
    author: str
    body: str  # plain text, paragraphs separated by a blank line
    line: int
    children: list[SeedComment] = field(default_factory=list)


@dataclass
class SeedArticle:
    path: Path
    title: str
    slug: str
    source: str
    body: str  # Markdown, built from the plain text so it renders back to that text
    byline: str = ""
    section: str = ""
    standfirst: str = ""
    photo_caption: str = ""
    published_on: datetime.date | None = None
    updated_on: datetime.date | None = None
    comments: list[SeedComment] = field(default_factory=list)

    def comment_count(self) -> int:
        def count(nodes):
            return sum(1 + count(node.children) for node in nodes)

        return count(self.comments)


def read_seed(path: Path) -> SeedArticle:
    lines = _read_lines(path)
    if _find(lines, _FRANCE24_UPDATED) is not None:
        return _parse_france24(path, lines)
    if _find(lines, _BYLINE) is not None:
        return _parse_oped(path, lines)
    first = next((n for n, text in enumerate(lines, 1) if text.strip()), 1)
    raise SeedError(
        path,
        first,
        'unrecognised document: neither an op-ed ("Written by ...; Originally appeared at ...") '
        'nor a FRANCE 24 page ("Latest update : YYYY-MM-DD")',
    )


def _read_lines(path: Path) -> list[str]:
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise SeedError(path, 0, f"cannot read the file: {error.strerror or error}") from error
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise SeedError(path, line, "not valid UTF-8 text") from error
    if "\x00" in text:
        raise SeedError(path, text[: text.index("\x00")].count("\n") + 1, "contains a NUL byte")
    # Non-breaking spaces come from the pages' HTML; as text they only stop lines from wrapping.
    return [line.replace("\u00a0", " ").rstrip() for line in text.replace("\r\n", "\n").split("\n")]


def _find(lines: list[str], pattern: re.Pattern) -> int | None:
    return next((n for n, line in enumerate(lines) if pattern.match(line)), None)


def _paragraphs(lines: list[str]) -> list[str]:
    """Group lines into paragraphs at blank lines; lines inside a paragraph stay separate lines."""
    paragraphs, current = [], []
    for line in lines:
        if line.strip():
            current.append(line.strip())
        elif current:
            paragraphs.append("\n".join(current))
            current = []
    if current:
        paragraphs.append("\n".join(current))
    return paragraphs


def _markdown_from(paragraphs: list[str], headings: set[int] = frozenset()) -> str:
    blocks = []
    for index, paragraph in enumerate(paragraphs):
        text = escape_markdown(paragraph)
        blocks.append(f"## {text}" if index in headings else text)
    return "\n\n".join(blocks)


def _slug(title: str) -> str:
    slug = slugify(title)[:100].rstrip("-")
    return slug or "article"


# --- The op-ed with its comment thread ------------------------------------------------------

_BYLINE = re.compile(r"^Written by (?P<byline>.+?); Originally appeared at (?P<source>.+)$")
_COMMENT = re.compile(r"^(?P<indent> *)• (?P<author>\S.*)$")


def _parse_oped(path: Path, lines: list[str]) -> SeedArticle:
    byline_at = _find(lines, _BYLINE)
    title_lines = [line for line in lines[:byline_at] if line.strip()]
    if len(title_lines) != 1:
        raise SeedError(path, 1, "expected exactly one title line before the byline")
    match = _BYLINE.match(lines[byline_at])
    first_comment = _find(lines, _COMMENT)
    end_of_body = len(lines) if first_comment is None else first_comment
    paragraphs = _paragraphs(lines[byline_at + 1 : end_of_body])
    if not paragraphs:
        raise SeedError(path, byline_at + 2, "the article has no text after the byline")
    standfirst, body = paragraphs[0], paragraphs[1:]
    title = title_lines[0].strip()
    return SeedArticle(
        path=path,
        title=title,
        slug=_slug(title),
        source=match["source"].strip(),
        byline=match["byline"].strip(),
        standfirst=standfirst,
        body=_markdown_from(body),
        comments=[] if first_comment is None else _parse_comments(path, lines, first_comment),
    )


def _parse_comments(path: Path, lines: list[str], start: int) -> list[SeedComment]:
    roots: list[SeedComment] = []
    stack: list[SeedComment] = []  # stack[d] is the open comment at depth d
    body_lines: list[str] = []

    def close_body():
        if stack:
            stack[-1].body = "\n\n".join(_paragraphs(body_lines))
        body_lines.clear()

    for index in range(start, len(lines)):
        line, number = lines[index], index + 1
        if not line.strip():
            body_lines.append("")
            continue
        match = _COMMENT.match(line)
        if match:
            indent = len(match["indent"])
            if indent < 2 or indent % 2:
                raise SeedError(path, number, f"a comment indented by {indent} spaces; expected 2, 4, 6, ...")
            depth = indent // 2 - 1
            if depth > len(stack):
                raise SeedError(
                    path, number, f"a comment at depth {depth} with no comment at depth {depth - 1} above it"
                )
            close_body()
            comment = SeedComment(author=match["author"].strip(), body="", line=number)
            del stack[depth:]
            (stack[-1].children if stack else roots).append(comment)
            stack.append(comment)
            continue
        body_indent = 2 * len(stack) + 2
        indent = len(line) - len(line.lstrip(" "))
        if not stack or indent < body_indent:
            raise SeedError(
                path, number, f"text indented by {indent} spaces where a comment body needs {body_indent}"
            )
        body_lines.append(line[body_indent:])
    close_body()
    return roots


# --- The FRANCE 24 page ------------------------------------------------------------------------

_FRANCE24_UPDATED = re.compile(r"^Latest update\s*:\s*(?P<date>\S+)$")
_FRANCE24_CREATED = re.compile(r"^Date created\s*:\s*(?P<date>\S+)$")
_CHROME_LINES = {"Don't miss", "Read more", "#THE 51%"}
_HEADING_MAX_WORDS = 6


def _parse_date(path: Path, number: int, text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as error:
        raise SeedError(path, number, f"{text!r} is not a date (YYYY-MM-DD)") from error


def _without_teasers(numbered: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Drop the page chrome: fixed labels and every teaser, which is the line before a "Read more"."""
    kept = []
    for position, (number, text) in enumerate(numbered):
        following = numbered[position + 1][1] if position + 1 < len(numbered) else None
        if text in _CHROME_LINES or following == "Read more":
            continue
        kept.append((number, text))
    return kept


def _parse_france24(path: Path, lines: list[str]) -> SeedArticle:
    updated_at = _find(lines, _FRANCE24_UPDATED)
    created_at = _find(lines, _FRANCE24_CREATED)
    if created_at is None or created_at < updated_at:
        raise SeedError(path, updated_at + 1, 'no "Date created : YYYY-MM-DD" line after the article body')

    head = _without_teasers([(n + 1, line.strip()) for n, line in enumerate(lines[:updated_at]) if line.strip()])
    caption = ""
    if head and head[-1][1].startswith("©"):
        caption = head.pop()[1]
    if not head or len(head) > 2:
        line = head[0][0] if head else updated_at + 1
        raise SeedError(path, line, "expected a section line and a title before the photo caption")
    title = head[-1][1]
    section = head[0][1] if len(head) == 2 else ""

    tail = _without_teasers([(n + 1, line.strip()) for n, line in enumerate(lines) if n > created_at and line.strip()])
    if tail:
        raise SeedError(path, tail[0][0], "unexpected text after the related articles")

    paragraphs = _paragraphs(lines[updated_at + 1 : created_at])
    # FRANCE 24 subheads ("Homeward bound", "Electoral Boost?") are short lines without a full stop.
    headings = {
        index
        for index, text in enumerate(paragraphs)
        if "\n" not in text and len(text.split()) <= _HEADING_MAX_WORDS and text[-1] not in '.,:;"”\''
    }
    return SeedArticle(
        path=path,
        title=title,
        slug=_slug(title),
        source=FRANCE24,
        section=section,
        photo_caption=caption,
        body=_markdown_from(paragraphs, headings),
        updated_on=_parse_date(path, updated_at + 1, _FRANCE24_UPDATED.match(lines[updated_at])["date"]),
        published_on=_parse_date(path, created_at + 1, _FRANCE24_CREATED.match(lines[created_at])["date"]),
    )
