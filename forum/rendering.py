"""Markdown to sanitised HTML, done once when a reply or article is written; and the one module
that marks HTML safe for a template.

Two layers, because either alone has failed somewhere: markdown-it's `js-default` preset never
passes raw HTML through, and nh3 (ammonia) then allows only a small set of tags and attributes
and only http, https and mailto links, whatever the Markdown produced.

Two things are marked safe, both here: a `body_html` column (stored_html), which only
render_markdown() fills, and the output of the Jinja2 fragments (jinja_fragment), which
autoescape everything they print but what is already marked safe.
"""

import re

import nh3
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt
from markdown_it.token import Token
from markdownify import MarkdownConverter

from forum.jinja_env import template_for

# breaks: a single newline is a line break, as Discourse and most comment boxes treat it; the
# seed thread's comments rely on it (one of them is a poem-like list of lines).
_markdown = MarkdownIt("js-default", {"breaks": True, "linkify": True}).enable("linkify")
_markdown.disable(["table", "image"])  # images would load third-party content into the page
# A link's visible text is the address as it was written. markdown-it's default decodes it for
# display (mdurl.decode, and punycode to Unicode), so a seed comment's
# "...(2014%E2%80%93present)" read "(2014–present)": not what the commenter wrote, and a
# decoded address can look like another one. The link target is normalised as before.
_markdown.normalizeLinkText = lambda url: url

# C0 and C1 control characters, except tab, newline and carriage return: refused in anything a
# person writes. PostgreSQL refuses NUL in text outright; the others are invisible in a page and
# only good for mischief.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

ALLOWED_TAGS = {
    "p", "br", "em", "strong", "a", "blockquote", "code", "pre", "ul", "ol", "li", "hr",
    "h2", "h3", "h4", "del", "s",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title", "class"}, "ol": {"start"}}
LINK_REL = "nofollow ugc noopener noreferrer"


# @name, not inside a word or an address (a@b.org), ending on a letter, digit or underscore.
MENTION = re.compile(r"(?<![\w@/.])@([A-Za-z0-9_.+-]*[A-Za-z0-9_])")


def _mention_texts(tokens):
    """The text tokens where a mention counts: not in a quote (the quoted writer did not call
    anyone in), a code span or block, or a link's text."""
    quote_depth = 0
    for token in tokens:
        if token.type == "blockquote_open":
            quote_depth += 1
        elif token.type == "blockquote_close":
            quote_depth -= 1
        elif token.type == "inline" and quote_depth == 0:
            link_depth = 0
            for child in token.children or []:
                if child.type == "link_open":
                    link_depth += 1
                elif child.type == "link_close":
                    link_depth -= 1
                elif child.type == "text" and link_depth == 0:
                    yield token, child


def mentioned_names(source: str) -> list[str]:
    """The @names a text calls in, in order, each once (case-insensitively)."""
    seen = {}
    for _, text in _mention_texts(_markdown.parse(source)):
        for name in MENTION.findall(text.content):
            seen.setdefault(name.casefold(), name)
    return list(seen.values())


def _link_mentions(state):
    """markdown-it core rule: each @name of an existing account (env["mentions"]: casefolded
    name -> username, looked up by the caller) becomes a link to their profile."""
    known = state.env.get("mentions") or {}
    if not known:
        return
    for inline, text in list(_mention_texts(state.tokens)):
        pieces, last = [], 0
        for match in MENTION.finditer(text.content):
            username = known.get(match.group(1).casefold())
            if username is None:
                continue
            pieces.append(("text", text.content[last:match.start()]))
            pieces.append(("mention", username, match.group(0)))
            last = match.end()
        if not pieces:
            continue
        pieces.append(("text", text.content[last:]))
        replacement = []
        for piece in pieces:
            if piece[0] == "text":
                if piece[1]:
                    token = Token("text", "", 0)
                    token.content = piece[1]
                    replacement.append(token)
                continue
            opening = Token("link_open", "a", 1)
            opening.attrs = {"href": f"/u/{piece[1]}/", "class": "mention"}
            label = Token("text", "", 0)
            label.content = piece[2]
            replacement += [opening, label, Token("link_close", "a", -1)]
        position = inline.children.index(text)
        inline.children[position:position + 1] = replacement


_markdown.core.ruler.push("mentions", _link_mentions)


def render_markdown(source: str, *, mentions: dict[str, str] | None = None) -> str:
    """Return HTML that is safe to put into a page as it is. `mentions`: the @names to link, as
    forum.mentions.resolve looked them up (rendering itself reads no database)."""
    html = _markdown.render(source, {"mentions": mentions or {}})
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel=LINK_REL,
    )


# HTML written elsewhere (a Disqus message) says emphasis with <b> and <i> too; they are kept
# long enough to become Markdown's ** and *.
_IMPORTED_TAGS = ALLOWED_TAGS | {"b", "i"}


def html_to_markdown(html: str) -> str:
    """Markdown for a comment written in HTML on another system (a Disqus message).

    The HTML is first cut down by nh3 to this module's allowlist (links, emphasis, quotes,
    paragraphs, lists, code; scripts and their text dropped, only http/https/mailto links), then
    turned into Markdown. The reply stores that as its source like any other, and its HTML is
    render_markdown()'s, so every stored `body_html` still comes from one function.
    """
    cleaned = nh3.clean(
        html, tags=_IMPORTED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes={"http", "https", "mailto"}
    )
    markdown = _HtmlToMarkdown(
        heading_style="ATX", bullets="-", escape_misc=True, newline_style="backslash"
    ).convert(cleaned)
    # markdownify leaves runs of blank lines between blocks; one blank line is a paragraph break.
    return re.sub(r"\n{3,}", "\n\n", markdown).strip()


class _HtmlToMarkdown(MarkdownConverter):
    def escape(self, text, parent_tags):
        # URLs in the text stay whole, so that linkify still finds them (as escape_markdown does).
        parts = _URL.split(text)
        for index in range(0, len(parts), 2):
            parts[index] = super().escape(parts[index], parent_tags)
        return "".join(parts)


def stored_html(html: str) -> SafeString:
    """Mark HTML from the database as safe. Only call it on a `body_html` column, which only
    render_markdown() fills."""
    return mark_safe(html)  # noqa: S308 - sanitised by nh3 when it was written


def jinja_fragment(name: str, context: dict) -> SafeString:
    """A Jinja2 template of templates/jinja2/ (the thread, the reply card) drawn to safe HTML.

    Jinja2 autoescapes everything it prints (forum.jinja_env) and lets through only what is
    already marked safe, by stored_html. So its output as a whole is safe HTML.
    """
    # In the request's language, read once: the fragment compiled for it (forum.jinja_env).
    language = translation.get_language()
    context = {"LANGUAGE_CODE": language, **context}
    return mark_safe(template_for(name, language).render(context))  # noqa: S308


# Characters that start Markdown syntax anywhere in a line.
_INLINE_SPECIAL = re.compile(r"([\\`*\[\]<>&~])")
# An underscore is only emphasis at a word boundary; inside a word (and so inside most URLs) it
# is literal, and escaping it there would stop linkify from seeing the URL.
_LOOSE_UNDERSCORE = re.compile(r"(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")
# Syntax that only counts at the start of a line: headings, quotes, list items, rules, tables.
_LINE_START = re.compile(r"^(\s*)([#>+\-=|]|\d+[.)])")


# URLs are left as they are so that linkify still finds them whole.
_URL = re.compile(r"(https?://\S+)")


def escape_markdown(text: str) -> str:
    """Turn plain text into Markdown that renders back to the same text.

    Imported comments were written as plain text; without this, "Partners** in Syria" or a line
    starting "1." would be re-read as Markdown and shown differently from the source.
    """
    lines = []
    for line in text.split("\n"):
        parts = _URL.split(line.strip())
        for index in range(0, len(parts), 2):  # even parts are text, odd ones URLs
            part = _INLINE_SPECIAL.sub(r"\\\1", parts[index])
            parts[index] = _LOOSE_UNDERSCORE.sub(r"\\_", part)
        line = _LINE_START.sub(lambda m: m.group(1) + _escape_line_start(m.group(2)), "".join(parts))
        lines.append(line)
    return "\n".join(lines)


def _escape_line_start(token: str) -> str:
    if token[0].isdigit():
        return token[:-1] + "\\" + token[-1]
    return "\\" + token


# The marks the databases put around matched words in a search snippet (ts_headline's
# StartSel/StopSel, FTS5's snippet()). Control characters: nothing a person writes contains
# them (CONTROL_CHARACTERS refuses them), so no text can pass itself off as a mark.
MATCH_START, MATCH_STOP = "\x02", "\x03"
_MATCH = re.compile(f"{MATCH_START}([^{MATCH_START}{MATCH_STOP}]*){MATCH_STOP}")
_MARKDOWN_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!>|~])")


def snippet_html(text: str) -> SafeString:
    """A search snippet as HTML: all of the text escaped, the matched words in <mark>.

    The text is a reply's Markdown source, so its backslash escapes are dropped as the page
    would drop them; any mark left unpaired is dropped too.
    """
    text = _MARKDOWN_ESCAPE.sub(r"\1", text)
    parts = []
    position = 0
    for match in _MATCH.finditer(text):
        parts.append(_escape_text(text[position : match.start()]))
        parts.append(f"<mark>{_escape_text(match.group(1))}</mark>")
        position = match.end()
    parts.append(_escape_text(text[position:]))
    return mark_safe("".join(parts))  # noqa: S308 - every part escaped above


def _escape_text(text: str) -> str:
    return escape(text.replace(MATCH_START, "").replace(MATCH_STOP, ""))
