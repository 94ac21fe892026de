"""Languages in a real browser (issue 17): the article page in French and in Arabic (screenshots
article-fr-desktop.png and article-ar-desktop.png under docs/screenshots/raw/), Arabic's thread
mirrored, the footer's switcher with and without JavaScript, and axe on both languages."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from forum.models import Reply

from .support import OP_ED, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

THREAD = f"/articles/{OP_ED}/"


def _nested_pair() -> tuple[Reply, Reply]:
    """A published seed reply and a published answer to it."""
    answer = (
        Reply.objects.filter(article__slug=OP_ED, status=Reply.Status.PUBLISHED, parent__status=Reply.Status.PUBLISHED)
        .select_related("parent")
        .order_by("tree_id", "lft")
        .first()
    )
    return answer.parent, answer


def _in(open_page, language: str, **options):
    page = open_page(**options)
    page.context.set_extra_http_headers({"Accept-Language": f"{language},en;q=0.5"})
    return page


def _boxes(page, parent: Reply, answer: Reply):
    return (page.locator(f"#r{parent.pk} > .reply-card").bounding_box(),
            page.locator(f"#r{answer.pk} > .reply-card").bounding_box())


def test_the_article_page_in_french_reads_left_to_right(open_page, seeded):
    parent, answer = _nested_pair()
    page = _in(open_page, "fr")
    page.goto(THREAD)
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    expect(page.locator("article.story .story-body")).to_have_attribute("lang", "en")  # the seed is English
    expect(page.locator(f"#r{answer.pk} > .reply-card .reply-body")).to_have_attribute("dir", "auto")
    outer, inner = _boxes(page, parent, answer)
    assert inner["x"] > outer["x"] + 8  # indented from the left
    page.locator(f"#r{parent.pk}").evaluate("element => element.scrollIntoView()")
    screenshot(page, "article-fr-desktop")


def test_the_article_page_in_arabic_reads_right_to_left_with_the_thread_mirrored(open_page, seeded):
    parent, answer = _nested_pair()
    page = _in(open_page, "ar")
    page.goto(THREAD)
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("article.story .story-body")).to_have_attribute("lang", "en")
    outer, inner = _boxes(page, parent, answer)
    # The answer's box ends left of its parent's right edge: the indentation is on the right...
    assert inner["x"] + inner["width"] < outer["x"] + outer["width"] - 8
    # ...and its guide line too (the list's border on the inline-start side, the right).
    replies = page.locator(f"#r{parent.pk} ol.replies").first
    assert replies.evaluate("element => getComputedStyle(element).borderRightStyle") == "solid"
    assert replies.evaluate("element => getComputedStyle(element).borderLeftStyle") == "none"
    # The seed's English text still reads left to right inside the Arabic page.
    for part in ("h1", ".story-body"):
        assert page.locator(f"article.story {part}").evaluate("element => getComputedStyle(element).direction") == "ltr"
    # The byline and date are the interface's words: they read right to left.
    assert page.locator("article.story .meta").evaluate("element => getComputedStyle(element).direction") == "rtl"
    body = page.locator(f"#r{answer.pk} > .reply-card .reply-body")
    assert body.evaluate("element => element.matches(':dir(ltr)')")
    page.locator(f"#r{parent.pk}").evaluate("element => element.scrollIntoView()")
    screenshot(page, "article-ar-desktop")


def test_in_arabic_the_home_page_shows_each_articles_source_before_its_date(open_page, seeded):
    """Right to left, the source comes first (on the right), then the date. Without isolation the
    day's number joined the source's left-to-right run: "11 · FRANCE 24 ديسمبر 2017"."""
    page = _in(open_page, "ar")
    page.goto("/")
    meta = page.locator(".article-item .meta", has=page.locator("time")).first
    source, date = meta.locator(".source").bounding_box(), meta.locator("time").bounding_box()
    # The date's box lies wholly left of the source: its day number was not pulled across.
    assert date["x"] + date["width"] <= source["x"]


def test_a_reply_written_in_arabic_reads_right_to_left_in_an_english_page(open_page, seeded, make_user):
    from forum.posting import services as posting
    from forum.threads.models import Article

    article = Article.objects.get(slug=OP_ED)
    reply = posting.reply_create(article=article, parent=None, author=make_user(), body="انسحاب جزئي وليس انتصاراً كاملاً")
    page = _in(open_page, "en")
    page.goto(reply.get_absolute_url())
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    body = page.locator(f"#r{reply.pk} > .reply-card .reply-body")
    assert body.evaluate("element => element.matches(':dir(rtl)')")


def test_the_footer_switcher_changes_the_language_and_keeps_it(open_page, seeded, js):
    page = _in(open_page, "en", js=js)
    page.goto(THREAD)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_label("Language").select_option("ar")
    page.get_by_role("button", name="Change language").click()
    page.wait_for_url(f"**{THREAD}")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("#language-choice")).to_have_value("ar")
    # Kept for the next pages and visits, whatever the browser asks for.
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    page.locator("#language-choice").select_option("fr")
    page.locator(".language-form button").click()
    page.wait_for_url("**/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_axe_finds_nothing_on_the_article_page(open_page, seeded, language):
    page = _in(open_page, language)
    page.goto(THREAD)
    expect(page.locator("html")).to_have_attribute("lang", language)
    results = Axe().run(page)
    assert results.response["violations"] == [], results.generate_report()
