"""thread.json is bounded like the page (FORUM_PAGE_REPLY_BUDGET replies, 500 KB) at every depth,
and the branches it cuts carry "more" links (?reply=<id>&from=<n>) that lead, response by
response, to every reply exactly once."""

import json
from collections import Counter

import pytest
from django.urls import reverse

from forum.threads.models import Reply
from testkit.forest import build_forest

pytestmark = pytest.mark.django_db

PAGE_BYTES = 500_000


def json_url(article, query=""):
    return reverse("forum:thread_json", kwargs={"slug": article.slug}) + query


def _get(client, url, budget):
    response = client.get(url)
    assert response.status_code == 200, url
    assert len(response.content) <= PAGE_BYTES, (url, len(response.content))
    data = response.json()
    assert len(data["replies"]) <= budget, (url, len(data["replies"]))
    return data


def _crawl(client, start, budget):
    """Every reply reached from `start` by "more" and "next", with how often each was given whole."""
    seen, queue, given = {start}, [start], Counter()
    while queue:
        data = _get(client, queue.pop(), budget)
        onward = [reply["more"]["url"] for reply in data["replies"] if reply["more"]]
        if data.get("next"):
            onward.append(data["next"])
        given.update(reply["id"] for reply in data["replies"] if reply["html"] is not None)
        for link in onward:
            link = link.removeprefix("http://testserver")
            if link not in seen:
                seen.add(link)
                queue.append(link)
    return given


@pytest.fixture
def site(settings):
    settings.FORUM_SITE_URL = "http://testserver"


def test_a_wide_branch_is_cut_at_the_budget_and_continued_to_every_reply(client, site, settings, make_article, make_user):
    settings.FORUM_PAGE_REPLY_BUDGET = 50
    article = make_article()
    replies = build_forest(article, make_user(), 301, parents=[None] + [0] * 300)  # one reply, 300 answers
    first = _get(client, json_url(article), 50)
    assert len(first["replies"]) == 50
    cut = first["replies"][0]
    assert cut["id"] == replies[0].pk and cut["more"]["replies"] == 251
    assert cut["more"]["url"] == f"http://testserver{json_url(article)}?from=49&reply={replies[0].pk}"
    assert [reply["more"] for reply in first["replies"][1:]] == [None] * 49
    given = _crawl(client, json_url(article), 50)
    assert set(given) == {reply.pk for reply in replies}
    # Each continuation starts with the reply it continues; every other reply comes once.
    assert {count for pk, count in given.items() if pk != replies[0].pk} == {1}


def test_a_mixed_deep_thread_is_reached_whole(client, site, settings, make_article, make_user):
    settings.FORUM_PAGE_REPLY_BUDGET = 40
    settings.FORUM_PAGE_SIZE = 10
    article = make_article()
    replies = build_forest(article, make_user(), 600)
    given = _crawl(client, json_url(article, "?sort=replies"), 40)
    assert set(given) == {reply.pk for reply in replies}


def test_long_replies_fold_and_their_continuation_gives_their_text(client, site, make_article, make_user):
    article = make_article()
    replies = build_forest(article, make_user(), 60, parents=[None] * 60)
    Reply.objects.filter(article=article).update(body_html="<p>" + "x" * 20_000 + "</p>")
    data = _get(client, json_url(article), 300)
    folded = [reply for reply in data["replies"] if reply["html"] is None]
    assert folded and folded[0]["more"]["url"].endswith(f"?reply={folded[0]['id']}")
    again = _get(client, folded[0]["more"]["url"].removeprefix("http://testserver"), 300)
    assert again["reply"] == folded[0]["id"] and again["replies"][0]["html"].startswith("<p>xxx")
    assert len(replies) == 60


@pytest.mark.parametrize(
    "query, status, message",
    [
        ("?reply=abc", 400, "“abc” is not a reply number."),
        ("?reply=1&from=x", 400, "“x” is not a number of replies to skip."),
        ("?reply=999999", 404, "There is no reply 999999 on this article."),
    ],
)
def test_a_bad_continuation_is_a_json_error(client, make_article, make_reply, query, status, message):
    article = make_article()
    make_reply(article=article)
    response = client.get(json_url(article, query))
    assert response.status_code == status and response["Content-Type"] == "application/json"
    assert message in json.loads(response.content)["error"]


def test_a_reply_of_another_article_is_not_continued_here(client, make_article, make_reply):
    elsewhere = make_reply(article=make_article())
    article = make_article()
    response = client.get(json_url(article, f"?reply={elsewhere.pk}"))
    assert response.status_code == 404
