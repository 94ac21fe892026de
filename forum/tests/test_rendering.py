import html
import re
from urllib.parse import unquote

import pytest
from django.conf import settings

from forum.rendering import escape_markdown, render_markdown
from forum.seeds import read_seed


def text_of(fragment: str) -> str:
    """What a reader sees: tags dropped, entities decoded, whitespace collapsed."""
    fragment = re.sub(r"<br\s*/?>", " ", fragment)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def test_raw_html_is_shown_as_text_never_rendered():
    out = render_markdown('<script>alert("x")</script> <b onclick="x()">bold</b>')
    assert "<script" not in out and "<b" not in out
    assert "&lt;script&gt;" in out


def test_links_get_nofollow_ugc_and_only_safe_schemes():
    out = render_markdown("[site](https://example.com) [bad](javascript:alert(1)) https://example.org/a")
    assert out.count('rel="nofollow ugc noopener noreferrer"') == 2
    assert 'href="https://example.com"' in out and 'href="https://example.org/a"' in out
    assert 'href="javascript' not in out  # shown as text, never as a link


def test_markdown_basics_render():
    out = render_markdown("*em* **strong**\n\n> quote\n\n`code`\n\n- one\n- two")
    for tag in ["<em>em</em>", "<strong>strong</strong>", "<blockquote>", "<code>code</code>", "<li>one</li>"]:
        assert tag in out


def test_a_single_newline_is_a_line_break():
    assert "<br" in render_markdown("line one\nline two")


def test_images_are_not_embedded():
    assert "<img" not in render_markdown("![x](https://example.com/x.png)")


@pytest.mark.parametrize(
    "text",
    [
        "Partners** in Syria conflict is disingenuous!",
        "Terror */Terrorists in Syria,\nWhen Putin infact Knows **….who",
        "1. not a list\n- not a bullet\n# not a heading\n> not a quote",
        "a <b>tag</b> & an &amp; entity",
        "snake_case and _emphasis_ and `code` and [link](x)",
        "    four spaces are not code",
    ],
)
def test_escaped_plain_text_renders_back_to_itself(text):
    assert text_of(render_markdown(escape_markdown(text))) == " ".join(text.split())


def test_every_seed_paragraph_renders_back_to_its_text():
    """Imported text is shown as it was written, whatever Markdown would have made of it."""
    for path in sorted((settings.BASE_DIR / "seeds").glob("*.txt")):
        article = read_seed(path)
        stack = list(article.comments)
        while stack:
            comment = stack.pop()
            stack.extend(comment.children)
            shown = text_of(render_markdown(escape_markdown(comment.body)))
            # linkify shows a URL percent-decoded; compare what a reader would read.
            assert unquote(shown) == unquote(" ".join(comment.body.split())), comment.line
