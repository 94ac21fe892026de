"""A page is bounded whatever the thread's shape: at most FORUM_PAGE_REPLY_BUDGET replies and
500 KB of HTML, and the branches it cuts end in links that lead, page by page, to every reply."""

import html
import re
from collections import Counter

import pytest
from django.urls import reverse

from forum.threads.models import ArticleVisit, Reply
from testkit.forest import build_forest

from .test_reading import ReplyNesting

pytestmark = pytest.mark.django_db

PAGE_BYTES = 500_000
_REPLY = re.compile(r'<li class="reply[^"]*" id="r(\d+)"')
# The links a reader (or a crawler) follows to what a page left out.
_ONWARD = re.compile(
    r'<(?:p class="continue[^"]*"|li class="more-replies"|p class="folded"|li class="gap")><a href="([^"]+)"'
    r'|<link rel="next" href="([^"]+)"'
)


def _check_page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    page = response.content.decode()
    assert len(response.content) <= PAGE_BYTES, (url, len(response.content))
    drawn = [int(pk) for pk in _REPLY.findall(page)]
    assert len(drawn) <= 300, (url, len(drawn))
    nesting = ReplyNesting()
    nesting.feed(page)
    assert not nesting.open
    onward = [html.unescape(a or b) for a, b in _ONWARD.findall(page)]
    return page, drawn, onward


def _crawl(client, start):
    """Every page reached from `start` by the onward links, and every reply drawn on them."""
    seen, queue, drawn = {start}, [start], Counter()
    while queue:
        url = queue.pop()
        _, replies, onward = _check_page(client, url)
        drawn.update(replies)
        for link in onward:
            if link not in seen:
                seen.add(link)
                queue.append(link)
    return seen, drawn


def test_a_wide_thread_is_cut_at_the_budget_and_the_cut_answers_are_reached_page_by_page(
    client, make_article, make_user
):
    article = make_article()
    replies = build_forest(article, make_user(), 1001, parents=[None] + [0] * 1000)  # one reply, 1000 answers
    page, drawn, onward = _check_page(client, article.get_absolute_url())
    assert len(drawn) == 300
    root = replies[0]
    assert f'<a href="{root.get_absolute_url()}?from=299">701 more replies →</a>' in page
    pages, everything = _crawl(client, article.get_absolute_url())
    assert set(everything) == {reply.pk for reply in replies}
    assert len(pages) == 5  # the article page, then the answers 299 at a time on the reply's page


def test_a_deep_line_keeps_its_pages_bounded_and_its_ancestors_few(client, make_article, make_user):
    article = make_article()
    replies = build_forest(article, make_user(), 400, parents=[None] + list(range(399)))  # a chain
    deepest = replies[-1]
    page, drawn, onward = _check_page(client, deepest.get_absolute_url())
    assert len(drawn) == 12 + 1  # the top-level reply, the nearest 11 above, and the reply itself
    assert "↑ 387 replies between these" in page
    assert replies[387].get_absolute_url() in onward  # the deepest of those left out
    pages, everything = _crawl(client, article.get_absolute_url())
    assert set(everything) == {reply.pk for reply in replies}


def test_a_mixed_thread_is_reached_whole_through_pages_and_links(client, settings, make_article, make_user):
    settings.FORUM_PAGE_REPLY_BUDGET = 60
    settings.FORUM_PAGE_SIZE = 10
    article = make_article()
    replies = build_forest(article, make_user(), 600)
    pages, everything = _crawl(client, article.get_absolute_url())
    assert set(everything) == {reply.pk for reply in replies}


def test_long_replies_keep_the_page_under_500_kb_by_folding_the_last(client, make_article, make_user):
    article = make_article()
    replies = build_forest(article, make_user(), 100, parents=[None] * 50 + list(range(50)))
    long_text = "<p>" + "A long reply. " * 700 + "</p>"  # about 10 KB each, the most a reply can hold
    Reply.objects.filter(article=article).update(body_html=long_text)
    page, drawn, onward = _check_page(client, article.get_absolute_url())
    assert len(drawn) == 50  # every top-level reply of the page is on it
    folded = page.count('<p class="folded">')
    assert 0 < folded < 50 and page.count("A long reply.") == 700 * (50 - folded)
    pages, everything = _crawl(client, article.get_absolute_url())
    assert set(everything) == {reply.pk for reply in replies}


def test_the_budget_is_a_setting(client, settings, make_article, make_user):
    settings.FORUM_PAGE_REPLY_BUDGET = 100
    article = make_article()
    build_forest(article, make_user(), 1001, parents=[None] + [0] * 1000)
    page, drawn, onward = _check_page(client, article.get_absolute_url())
    assert len(drawn) == 100 and "901 more replies →" in page


@pytest.mark.parametrize("value", ["abc", "-1", "1" * 13])
def test_a_bad_from_is_refused_and_nothing_is_recorded(client, make_article, make_reply, make_user, value):
    article = make_article()
    reply = make_reply(article=article)
    client.force_login(make_user())
    response = client.get(reply.get_absolute_url() + f"?from={value}")
    assert response.status_code == 400
    assert "is not a number of replies to skip" in response.content.decode()
    assert not ArticleVisit.objects.exists()


def test_a_reply_budget_under_the_page_size_stops_start_up(settings):
    from forum.checks import settings_have_the_right_types

    settings.FORUM_PAGE_REPLY_BUDGET = 10
    assert any("FORUM_PAGE_REPLY_BUDGET" in error.msg for error in settings_have_the_right_types(None))
    assert reverse("forum:home")


def test_a_reply_under_long_ancestors_is_still_on_its_own_page_with_its_first_answer(client, make_article, make_user):
    """Twelve long replies above a reply fill its page (they are always drawn in full): the reply
    itself and its first answer are drawn all the same, or its links would lead back to itself."""
    from forum.posting import services as posting

    article, author = make_article(), make_user()
    parent = None
    for number in range(13):
        parent = posting.reply_create(article=article, author=author, parent=parent, body="<" * 9_990 + str(number))
    focus = posting.reply_create(article=article, author=author, parent=parent, body="The reply itself")
    answer = posting.reply_create(article=article, author=author, parent=focus, body="Its first answer")
    page, drawn, _ = _check_page(client, focus.get_absolute_url())
    assert focus.pk in drawn and answer.pk in drawn
    assert "The reply itself" in page and "Its first answer" in page
