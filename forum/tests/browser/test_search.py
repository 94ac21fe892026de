"""A reader searches the discussion from the article page and follows a result to the reply."""

import re

import pytest
from playwright.sync_api import expect

from forum.models import Article, Reply

from .support import OP_ED

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

HIGHLIGHT = "rgb(255, 248, 214)"  # the yellow of a reply someone was sent to (forum.css)


def test_a_reader_searches_the_discussion_and_follows_a_result_to_the_highlighted_reply(open_page, seeded, js):
    article = Article.objects.get(slug=OP_ED)
    tank = Reply.objects.get(article=article, body__startswith="You are obviously referring to a T-14 Armata tank")
    page = open_page(js=js)

    page.goto(article.get_absolute_url())
    page.get_by_role("searchbox", name="Search this discussion").fill("armata")
    page.get_by_role("button", name="Search", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(f"Search the discussion of “{article.title}”")
    results = page.locator(".search-hit")
    expect(results).to_have_count(Reply.objects.filter(article=article, body__icontains="armata").count())
    expect(results.locator("mark").first).to_have_text(re.compile("^armata$", re.IGNORECASE))
    page.locator(f'a.search-hit-link[href$="#r{tank.pk}"]').click()

    expect(page).to_have_url(f"{tank.get_absolute_url()}#r{tank.pk}")
    focus = page.locator(f"#r{tank.pk} > .reply-card")
    expect(focus).to_contain_text("T-14 Armata")
    expect(focus).to_have_css("background-color", HIGHLIGHT)
