"""Issue 10's "Weigh" in a real browser, with JavaScript on and off: a reader recommends a reply
and the best order puts it first; a moderator features a reply and readers find it in the strip
above the discussion, linked to its place."""

import pytest
from playwright.sync_api import expect

from forum.models import Article, Reply

from .support import OP_ED

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _last_top_level_reply() -> Reply:
    return Reply.objects.filter(article__slug=OP_ED, parent=None, status=Reply.Status.PUBLISHED).order_by("-tree_id").first()


def test_a_reader_recommends_a_reply_and_the_best_order_puts_it_first(open_page, seeded, js, make_user):
    article = Article.objects.get(slug=OP_ED)
    reply = _last_top_level_reply()
    page = open_page(js=js, user=make_user("weigher"))

    page.goto(article.get_absolute_url() + "?sort=best")
    expect(page.locator(".best-note")).to_contain_text("No reply here has been recommended yet")
    first = page.locator("ol.thread > li.reply").first
    expect(first).not_to_have_id(f"r{reply.pk}")

    page.goto(article.get_absolute_url())
    card = page.locator(f"#r{reply.pk} > .reply-card")
    card.get_by_role("button", name="Recommend").click()
    expect(card.get_by_role("button", name="Recommend")).to_have_attribute("aria-pressed", "true")
    expect(card.locator(".recommend-count")).to_have_text("1 recommendation")
    # Without JavaScript the form's post lands back on the reply; with it, the page stays put.
    expect(page).to_have_url(article.get_absolute_url() + ("" if js else f"#r{reply.pk}"))

    page.goto(article.get_absolute_url() + "?sort=best")
    expect(page.locator("ol.thread > li.reply").first).to_have_id(f"r{reply.pk}")
    expect(page.locator(".best-note")).to_have_count(0)
    expect(page.locator(f"#r{reply.pk} > .reply-card").get_by_role("button", name="Recommend")).to_have_attribute(
        "aria-pressed", "true"
    )

    # Taken back, from the best order's page: it returns to its place, and the count goes.
    page.locator(f"#r{reply.pk} > .reply-card").get_by_role("button", name="Recommend").click()
    card = page.locator(f"#r{reply.pk} > .reply-card")
    expect(card.get_by_role("button", name="Recommend")).to_have_attribute("aria-pressed", "false")
    expect(card).not_to_contain_text("1 recommendation")
    expect(page).to_have_url(f"{article.get_absolute_url()}?sort=best" + ("" if js else f"#r{reply.pk}"))
    page.goto(article.get_absolute_url() + "?sort=best")
    expect(page.locator("ol.thread > li.reply").first).not_to_have_id(f"r{reply.pk}")
    assert Reply.objects.get(pk=reply.pk).recommend_count == 0


def test_a_moderator_features_a_reply_and_readers_find_it_above_the_discussion(
    open_page, seeded, js, make_moderator
):
    article = Article.objects.get(slug=OP_ED)
    reply = _last_top_level_reply()
    moderator = open_page(js=js, user=make_moderator("mod"))
    moderator.goto(article.get_absolute_url())
    moderator.locator(f"#r{reply.pk} > .reply-card").get_by_role("link", name="Moderate").click()
    moderator.get_by_role("button", name="Feature (editor's pick)").click()
    expect(moderator.get_by_role("status")).to_contain_text("Featured")
    expect(moderator.get_by_role("button", name="Unfeature")).to_be_visible()

    reader = open_page(js=js)
    reader.goto(article.get_absolute_url())
    strip = reader.get_by_role("region", name="Editor’s picks")
    expect(strip).to_contain_text(reply.author.public_name)
    expect(strip).to_contain_text(reply.body.split()[0])
    strip.get_by_role("link", name="Read it in the discussion").click()
    expect(reader).to_have_url(f"{article.get_absolute_url()}#r{reply.pk}")
    expect(reader.locator(f"#r{reply.pk} > .reply-card")).to_be_in_viewport()

    moderator.get_by_role("button", name="Unfeature").click()
    expect(moderator.get_by_role("status")).to_contain_text("no longer featured")
    reader.goto(article.get_absolute_url())
    expect(reader.get_by_role("region", name="Editor’s picks")).to_have_count(0)
