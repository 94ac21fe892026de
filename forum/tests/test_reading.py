"""Reading big threads: pages of top-level branches, sort orders, deep branches, a reply's own
page, what is new since the last visit, the JSON view, and what each costs in queries."""

import json
import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Ignore
from forum.models import ArticleVisit, Reply
from forum.posting import services as posting
from forum.threads import selectors
from forum.threads import services as articles
from testkit.forest import build_forest

pytestmark = pytest.mark.django_db

REPLY_LI = re.compile(r'<li class="reply[^"]*" id="r(\d+)"')


def shown(response) -> list[int]:
    """The replies a page draws, in the order it draws them."""
    return [int(pk) for pk in REPLY_LI.findall(response.content.decode())]


def thread_url(article, **params):
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return article.get_absolute_url() + (f"?{query}" if query else "")


def json_url(article, **params):
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return reverse("forum:thread_json", kwargs={"slug": article.slug}) + (f"?{query}" if query else "")


def reply_url(reply, **params):
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return reply.get_absolute_url() + (f"?{query}" if query else "")


@pytest.fixture
def small_pages(settings):
    settings.FORUM_PAGE_SIZE = 2


@pytest.fixture
def branches(make_article, make_reply):
    """Five top-level replies, each with one reply under it, posted in order: (article, roots, children)."""
    article = make_article()
    roots, children = [], []
    for number in range(5):
        roots.append(make_reply(article=article, body=f"top {number}"))
        children.append(make_reply(article=article, parent=roots[-1], body=f"under {number}"))
    return article, roots, children


# Pages of top-level branches -----------------------------------------------------------------


def test_a_page_shows_page_size_top_level_replies_each_with_its_whole_branch(client, small_pages, branches):
    article, roots, children = branches
    pages = [shown(client.get(thread_url(article, page=n))) for n in (1, 2, 3)]
    assert pages[0] == [roots[0].pk, children[0].pk, roots[1].pk, children[1].pk]
    assert pages[1] == [roots[2].pk, children[2].pk, roots[3].pk, children[3].pk]
    assert pages[2] == [roots[4].pk, children[4].pk]


def test_pages_are_plain_links_with_rel_next_and_prev(client, small_pages, branches):
    article = branches[0]
    base = article.get_absolute_url()
    first = client.get(base).content.decode()
    assert f'<link rel="next" href="{base}?page=2">' in first
    assert 'rel="prev"' not in first
    # Page links land on the discussion, not the article's top, and the pager is above it too
    # (issue 14).
    assert first.count(f'<a href="{base}?page=2#discussion" rel="next">') == 2
    assert first.count(f'<a href="{base}?page=3#discussion">3</a>') == 2
    assert first.index('class="pagination pagination-top"') < first.index('class="thread"')
    assert first.index('class="thread"') < first.index('class="pagination pagination-bottom"')
    assert "Page 1 of 3" in first

    middle = client.get(f"{base}?page=2").content.decode()
    # Page 1 is the plain article URL, so a crawler does not find the first page twice.
    assert f'<link rel="prev" href="{base}">' in middle
    assert f'<link rel="next" href="{base}?page=3">' in middle
    assert f'<a href="{base}#discussion" rel="prev">' in middle

    last = client.get(f"{base}?page=3").content.decode()
    assert 'rel="next"' not in last and f'<link rel="prev" href="{base}?page=2">' in last


def test_a_thread_on_one_page_has_no_page_links(client, branches):
    page = client.get(branches[0].get_absolute_url()).content.decode()
    assert 'class="pagination' not in page and 'rel="next"' not in page


def test_every_page_counts_the_whole_discussion(client, small_pages, branches):
    article = branches[0]
    for n in (1, 3):
        assert "Discussion <span class=\"count\">(10 replies)</span>" in client.get(thread_url(article, page=n)).content.decode()


def test_long_threads_list_the_first_last_and_nearby_page_numbers(client, settings, make_article, make_reply):
    settings.FORUM_PAGE_SIZE = 1
    article = make_article()
    for _ in range(12):
        make_reply(article=article)
    page = client.get(thread_url(article, page=6)).content.decode()
    numbers = re.findall(r'<li>(?:<a href="[^"]*">|<span[^>]*>)([^<]+)<', page)
    assert numbers == ["1", "…", "4", "5", "6", "7", "8", "…", "12"] * 2  # above and below the replies


# Bad page and sort parameters ----------------------------------------------------------------


@pytest.mark.parametrize("value", ["abc", "0", "-1", "1.5", "", "2abc", "%C2%B2"])
def test_a_page_that_is_not_a_page_number_is_a_400_that_says_so_and_records_no_visit(
    client, make_user, branches, value
):
    client.force_login(make_user())
    response = client.get(f"{branches[0].get_absolute_url()}?page={value}")
    assert response.status_code == 400
    assert "is not a page number" in response.content.decode()
    assert ArticleVisit.objects.count() == 0


@pytest.mark.parametrize("value", ["2", "999", "99999999999999999999999"])
def test_a_page_past_the_last_is_a_404_that_says_so_and_records_no_visit(client, make_user, branches, value):
    client.force_login(make_user())
    response = client.get(f"{branches[0].get_absolute_url()}?page={value}")
    assert response.status_code == 404
    assert f"The discussion has no page {value}." in response.content.decode()
    assert branches[0].get_absolute_url() in response.content.decode()  # a way back
    assert ArticleVisit.objects.count() == 0


def test_an_unknown_sort_is_a_400_that_names_the_choices_and_records_no_visit(client, make_user, branches):
    client.force_login(make_user())
    response = client.get(f"{branches[0].get_absolute_url()}?sort=bogus")
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is no sort order “bogus”" in page and "oldest, newest, replies" in page
    assert ArticleVisit.objects.count() == 0


def test_the_first_page_of_an_empty_discussion_is_fine_and_the_second_is_a_404(client, make_article):
    article = make_article()
    assert "No replies yet." in client.get(article.get_absolute_url()).content.decode()
    assert client.get(thread_url(article, page=2)).status_code == 404


# Sort orders ---------------------------------------------------------------------------------


@pytest.fixture
def bushy(make_article, make_reply):
    """
    a               (3 replies below)
    ├── a1          (1)
    │   └── a1x
    └── a2          (0)
    b               (0)
    c               (3)
    ├── c1          (0)
    └── c2          (1)
        └── c2x
    """
    article = make_article()
    r = {}
    r["a"] = make_reply(article=article)
    r["b"] = make_reply(article=article)
    r["a1"] = make_reply(article=article, parent=r["a"])
    r["c"] = make_reply(article=article)
    r["c1"] = make_reply(article=article, parent=r["c"])
    r["a2"] = make_reply(article=article, parent=r["a"])
    r["c2"] = make_reply(article=article, parent=r["c"])
    r["a1x"] = make_reply(article=article, parent=r["a1"])
    r["c2x"] = make_reply(article=article, parent=r["c2"])
    return article, {name: reply.pk for name, reply in r.items()}


def names(pks, r):
    by_pk = {pk: name for name, pk in r.items()}
    return [by_pk[pk] for pk in pks]


def test_oldest_first_is_the_default_order(client, bushy):
    article, r = bushy
    expected = ["a", "a1", "a1x", "a2", "b", "c", "c1", "c2", "c2x"]
    assert names(shown(client.get(article.get_absolute_url())), r) == expected
    assert names(shown(client.get(thread_url(article, sort="oldest"))), r) == expected


def test_newest_first_reverses_top_level_replies_and_siblings_and_keeps_replies_under_their_parents(client, bushy):
    article, r = bushy
    order = names(shown(client.get(thread_url(article, sort="newest"))), r)
    assert order == ["c", "c2", "c2x", "c1", "b", "a", "a2", "a1", "a1x"]


def test_most_replies_puts_bigger_branches_first_and_breaks_ties_on_id(client, bushy):
    article, r = bushy
    order = names(shown(client.get(thread_url(article, sort="replies"))), r)
    # a and c tie at 3 replies: a was posted first. Under c, c2 (1 reply) comes before c1 (none).
    assert order == ["a", "a1", "a1x", "a2", "c", "c2", "c2x", "c1", "b"]


def test_sort_links_start_each_order_at_page_one_and_page_links_keep_the_order(client, small_pages, branches):
    article = branches[0]
    base = article.get_absolute_url()
    page = client.get(f"{base}?page=2&sort=newest").content.decode()
    assert f'href="{base}?sort=replies#discussion"' in page
    assert f'href="{base}#discussion"' in page  # oldest, the default, needs no parameter
    assert '<strong aria-current="true">Newest</strong>' in page
    assert f'<link rel="next" href="{base}?page=3&amp;sort=newest">' in page
    assert f'<link rel="prev" href="{base}?sort=newest">' in page


@pytest.mark.parametrize("sort", list(selectors.SORTS))
def test_every_order_keeps_each_reply_under_its_parent_and_pages_cover_the_thread_once(
    client, settings, make_article, make_user, sort
):
    settings.FORUM_PAGE_SIZE = 7
    article = make_article()
    build_forest(article, make_user(), 200)
    seen = []
    url = json_url(article, sort=sort)
    while url:
        data = client.get(url).json()
        seen.extend(data["replies"])
        url = data["next"]
    assert sorted(reply["id"] for reply in seen) == sorted(Reply.objects.filter(article=article).values_list("pk", flat=True))
    # In reading order a reply's parent is the nearest reply above it that is still open, i.e.
    # the chain of open ancestors is a stack: this fails if any reply leaves its parent's block.
    open_chain: list[int] = []
    for reply in seen:
        while open_chain and open_chain[-1] != reply["parent"]:
            open_chain.pop()
        assert (open_chain[-1] if open_chain else None) == reply["parent"]
        open_chain.append(reply["id"])


class ReplyNesting(HTMLParser):
    """Which reply's <li> each reply's <li> is drawn inside, as the browser will nest them."""

    def __init__(self):
        super().__init__()
        self.open: list[int | None] = []  # one entry per open <li>: its reply pk, or None
        self.drawn_inside: dict[int, int | None] = {}

    def handle_starttag(self, tag, attrs):
        if tag != "li":
            return
        attrs = dict(attrs)
        pk = int(attrs["id"][1:]) if "reply" in (attrs.get("class") or "").split() else None
        if pk is not None:
            self.drawn_inside[pk] = next((outer for outer in reversed(self.open) if outer is not None), None)
        self.open.append(pk)

    def handle_endtag(self, tag):
        if tag == "li":
            self.open.pop()


@pytest.mark.parametrize("sort", list(selectors.SORTS))
def test_every_reply_on_a_page_is_drawn_inside_its_parent_in_every_order(
    client, settings, make_article, make_user, sort
):
    settings.FORUM_PAGE_SIZE = settings.FORUM_PAGE_REPLY_BUDGET = 1000
    article = make_article()
    build_forest(article, make_user(), 400)
    nesting = ReplyNesting()
    nesting.feed(client.get(thread_url(article, sort=sort)).content.decode())
    assert not nesting.open  # every list item closed
    parents = dict(Reply.objects.filter(pk__in=nesting.drawn_inside).values_list("pk", "parent_id"))
    assert nesting.drawn_inside == parents
    assert len(parents) > 300  # all but the replies below the display depth


# Deep branches -------------------------------------------------------------------------------


@pytest.fixture
def chain(settings, make_article, make_reply):
    """One branch six deep, with the display depth at 3."""
    settings.FORUM_DISPLAY_DEPTH = 3
    article = make_article()
    replies = [make_reply(article=article, body="level 0")]
    for level in range(1, 6):
        replies.append(make_reply(article=article, parent=replies[-1], body=f"level {level}"))
    return article, replies


def test_a_branch_past_the_display_depth_ends_in_a_continue_link_to_the_deepest_shown_reply(client, chain):
    article, replies = chain
    page = client.get(article.get_absolute_url()).content.decode()
    assert shown_pks(page) == [reply.pk for reply in replies[:3]]
    assert "level 3" not in page
    assert f'<a href="{replies[2].get_absolute_url()}">Continue this thread →</a>' in page
    assert "(3 more replies)" in page
    assert page.count("Continue this thread") == 1


def test_continue_links_keep_the_order(client, chain):
    article, replies = chain
    page = client.get(thread_url(article, sort="newest")).content.decode()
    assert f'href="{replies[2].get_absolute_url()}?sort=newest">Continue this thread' in page


def shown_pks(page: str) -> list[int]:
    return [int(pk) for pk in REPLY_LI.findall(page)]


# A reply's own page --------------------------------------------------------------------------


def test_reply_page_shows_its_ancestors_expanded_then_it_highlighted_then_its_branch(client, chain):
    article, replies = chain
    response = client.get(replies[2].get_absolute_url())
    page = response.content.decode()
    assert response.status_code == 200
    # 0 and 1 above; then 2, 3 and 4: three levels, the display depth, counted from the reply.
    assert shown_pks(page) == [reply.pk for reply in replies[:5]]
    ancestors = page[page.index('<ol class="ancestors">') : page.index('<ol class="thread">')]
    assert "level 0" in ancestors and "level 1" in ancestors and "level 2" not in ancestors
    assert f'<li class="reply is-focus" id="r{replies[2].pk}">' in page
    assert f'<a href="{replies[4].get_absolute_url()}">Continue this thread →</a>' in page


def test_reply_page_says_which_article_it_belongs_to_and_links_back_to_the_full_thread(client, chain):
    article, replies = chain
    page = client.get(replies[4].get_absolute_url()).content.decode()
    assert f'<a href="{article.get_absolute_url()}">{article.title}</a>' in page
    # Reply 4 is below the display depth on the thread page: the link goes to the reply that continues to it.
    assert f'<a href="{article.get_absolute_url()}#r{replies[2].pk}">← Back to the full discussion</a>' in page


def test_the_link_back_goes_to_the_page_of_the_thread_that_holds_the_reply_in_the_same_order(
    client, small_pages, branches
):
    article, roots, children = branches
    base = article.get_absolute_url()
    page = client.get(children[4].get_absolute_url()).content.decode()
    assert f'href="{base}?page=3#r{children[4].pk}"' in page
    newest = client.get(reply_url(children[4], sort="newest")).content.decode()
    assert f'href="{base}?sort=newest#r{children[4].pk}"' in newest
    most = client.get(reply_url(roots[1], sort="replies")).content.decode()
    assert f'href="{base}?sort=replies#r{roots[1].pk}"' in most  # all tie at 1 reply: by id


def test_reply_page_shows_removed_ancestors_as_placeholders(client, make_article, make_reply):
    article = make_article()
    rude = make_reply(article=article, body="something rude")
    answer = make_reply(article=article, parent=rude, body="an answer to it")
    Reply.objects.filter(pk=rude.pk).update(status=Reply.Status.REMOVED, removed_by=Reply.RemovedBy.MODERATOR)
    page = client.get(answer.get_absolute_url()).content.decode()
    assert "something rude" not in page and "[removed by moderator]" in page and "an answer to it" in page


def test_a_reply_that_does_not_exist_or_is_on_another_article_is_a_404_that_says_so(
    client, make_user, make_article, make_reply
):
    client.force_login(make_user())
    article, other = make_article(), make_article()
    elsewhere = make_reply(article=other)
    for pk in (elsewhere.pk, elsewhere.pk + 1000, 10**30):
        response = client.get(reverse("forum:reply", kwargs={"slug": article.slug, "pk": pk}))
        assert response.status_code == 404
        assert f"There is no reply {pk} on this article." in response.content.decode()
    assert client.get(reverse("forum:reply", kwargs={"slug": "nope", "pk": elsewhere.pk})).status_code == 404
    assert ArticleVisit.objects.count() == 0


def test_reply_page_with_an_unknown_sort_is_a_400_and_records_no_visit(client, make_user, chain):
    client.force_login(make_user())
    response = client.get(reply_url(chain[1][2], sort="bogus"))
    assert response.status_code == 400 and "There is no sort order" in response.content.decode()
    assert ArticleVisit.objects.count() == 0


# New since the last visit --------------------------------------------------------------------


@pytest.fixture
def returning_reader(make_user, make_article, make_reply):
    """A reader who last read the article two hours ago; since then two replies by others and one of their own."""
    now = timezone.now()
    reader, other = make_user(), make_user()
    article = make_article()
    old = make_reply(article=article, author=other, body="old")
    older = posting.reply_create(article=article, author=other, body="older still")
    Reply.objects.filter(pk__in=[old.pk, older.pk]).update(created=now - timedelta(hours=3))
    articles.visit_record(user=reader, article=article, at=now - timedelta(hours=2), previous=None)
    first_new = make_reply(article=article, parent=old, author=other, body="first new")
    own = make_reply(article=article, author=reader, body="my own")
    second_new = make_reply(article=article, author=other, body="second new")
    return reader, article, {"old": old, "first_new": first_new, "own": own, "second_new": second_new}


def new_pks(page: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<li class="reply is-new" id="r(\d+)"', page)]


def test_a_returning_reader_sees_replies_by_others_since_their_last_visit_marked_new(client, returning_reader):
    reader, article, r = returning_reader
    client.force_login(reader)
    page = client.get(article.get_absolute_url()).content.decode()
    assert new_pks(page) == [r["first_new"].pk, r["second_new"].pk]
    assert page.count('<span class="new-label">new</span>') == 2
    assert f'<a href="#r{r["first_new"].pk}">2 new replies since your last visit — jump to the first</a>' in page


def test_the_jump_goes_to_the_first_new_reply_in_the_order_shown(client, returning_reader):
    reader, article, r = returning_reader
    client.force_login(reader)
    page = client.get(thread_url(article, sort="newest")).content.decode()
    assert f'<a href="#r{r["second_new"].pk}">2 new replies' in page


def test_a_first_visit_marks_nothing_new_and_is_remembered(client, make_user, branches):
    reader = make_user()
    client.force_login(reader)
    page = client.get(branches[0].get_absolute_url()).content.decode()
    assert "is-new" not in page and "new replies since your last visit" not in page
    assert ArticleVisit.objects.filter(user=reader, article=branches[0]).count() == 1


def test_new_marks_last_through_the_visit_so_page_two_still_shows_them(client, small_pages, returning_reader):
    reader, article, r = returning_reader
    client.force_login(reader)
    client.get(article.get_absolute_url())
    client.get(article.get_absolute_url())  # a reload within the visit
    later = client.get(thread_url(article, page=2)).content.decode()
    assert new_pks(later) == [r["second_new"].pk]


def test_a_later_visit_marks_only_what_came_after_the_one_before(client, returning_reader):
    reader, article, r = returning_reader
    now = timezone.now()
    # The reader came back an hour ago (after the first new reply's time, seen then) and left.
    Reply.objects.filter(pk=r["first_new"].pk).update(created=now - timedelta(minutes=90))
    visit = ArticleVisit.objects.get(user=reader, article=article)
    articles.visit_record(user=reader, article=article, at=now - timedelta(hours=1), previous=visit)
    client.force_login(reader)
    page = client.get(article.get_absolute_url()).content.decode()
    assert new_pks(page) == [r["second_new"].pk]


def test_anonymous_readers_see_nothing_marked_new_and_nothing_is_recorded(client, returning_reader):
    page = client.get(returning_reader[1].get_absolute_url()).content.decode()
    assert "is-new" not in page
    assert ArticleVisit.objects.count() == 1  # the returning reader's own, from the fixture


def test_a_held_reply_posted_since_is_not_marked_new(client, returning_reader):
    reader, article, r = returning_reader
    Reply.objects.filter(pk=r["second_new"].pk).update(status=Reply.Status.HELD)
    client.force_login(reader)
    page = client.get(article.get_absolute_url()).content.decode()
    assert new_pks(page) == [r["first_new"].pk]


# The JSON view -------------------------------------------------------------------------------


def test_thread_json_gives_each_reply_in_the_same_order_as_the_page(client, bushy):
    article, r = bushy
    data = client.get(json_url(article, sort="replies")).json()
    page = client.get(thread_url(article, sort="replies"))
    assert [reply["id"] for reply in data["replies"]] == shown(page)
    assert data["article"] == article.slug and data["sort"] == "replies"
    assert data["page"] == 1 and data["pages"] == 1 and data["next"] is None and data["previous"] is None
    first = data["replies"][0]
    stored = Reply.objects.select_related("author").get(pk=first["id"])
    assert first == {
        "id": stored.pk,
        "parent": None,
        "author": stored.author.public_name,
        "created": stored.created.isoformat(),
        "status": "published",
        "html": stored.body_html,
        "more": None,  # the page's budget cut none of its answers (test_thread_json_budget.py)
    }


def test_thread_json_says_null_for_a_seed_reply_without_a_time(client, seeded):
    article_slug = "putins-syrian-withdrawal-announcement-neither-a-full-russian-withdrawal-nor-victory-in-syria"
    data = client.get(reverse("forum:thread_json", kwargs={"slug": article_slug})).json()
    assert len(data["replies"]) == 54
    assert {reply["created"] for reply in data["replies"]} == {None}


def test_thread_json_does_not_leak_held_or_removed_text(client, make_article, make_reply):
    article = make_article()
    removed = make_reply(article=article, body="something rude")
    held = make_reply(article=article, body="not yet approved")
    Reply.objects.filter(pk=removed.pk).update(status=Reply.Status.REMOVED)
    Reply.objects.filter(pk=held.pk).update(status=Reply.Status.HELD)
    response = client.get(json_url(article))
    assert "rude" not in response.content.decode() and "approved" not in response.content.decode()
    assert [(reply["status"], reply["html"]) for reply in response.json()["replies"]] == [("removed", None), ("held", None)]


def test_thread_json_is_paginated_like_the_page_and_gives_whole_branches(
    client, small_pages, chain, make_reply, settings
):
    # Absolute links are on the site's address (FORUM_SITE_URL, issue 14), whatever the Host.
    settings.FORUM_SITE_URL = "http://testserver"
    article, replies = chain
    for _ in range(2):
        make_reply(article=article)
    first = client.get(json_url(article)).json()
    assert first["pages"] == 2
    assert first["next"] == "http://testserver" + json_url(article, page=2) and first["previous"] is None
    # The page stops at the display depth; the JSON has no "continue" link, so it gives the lot.
    assert [reply["id"] for reply in first["replies"]][:6] == [reply.pk for reply in replies]
    second = client.get(first["next"]).json()
    assert second["previous"] == "http://testserver" + json_url(article) and len(second["replies"]) == 1


@pytest.mark.parametrize(
    "params, status, message",
    [
        ({"page": "abc"}, 400, "“abc” is not a page number"),
        ({"page": "0"}, 400, "“0” is not a page number"),
        ({"sort": "bogus"}, 400, "There is no sort order “bogus”"),
        ({"page": "999"}, 404, "The discussion has no page 999."),
    ],
)
def test_thread_json_answers_bad_parameters_with_a_json_error(client, branches, params, status, message):
    response = client.get(json_url(branches[0], **params))
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert message in response.json()["error"]


def test_thread_json_of_an_unknown_article_is_a_json_404(client, db):
    response = client.get(reverse("forum:thread_json", kwargs={"slug": "nope"}))
    assert response.status_code == 404 and json.loads(response.content) == {"error": "There is no article 'nope'."}


# Queries: the same at any thread size --------------------------------------------------------

# The article; the page's top-level replies with the thread's totals; their trees with authors.
ANONYMOUS_PAGE_QUERIES = 3
# Also the session, the user (with its moderator permission and unread count: accounts.backends)
# and the visit, read and recorded in one upsert.
SIGNED_IN_PAGE_QUERIES = ANONYMOUS_PAGE_QUERIES + 3


@pytest.fixture
def small_and_big(make_article, make_user):
    author = make_user()
    small, big = make_article(), make_article()
    build_forest(small, author, 50)
    build_forest(big, author, 5_000)
    return small, big


@pytest.mark.parametrize("sort", list(selectors.SORTS))
@pytest.mark.parametrize("viewer", ["anonymous", "signed-in", "ignoring-the-writer"])
def test_a_thread_page_costs_the_same_queries_at_50_replies_as_at_5000(
    client, make_user, django_assert_num_queries, small_and_big, viewer, sort
):
    small, big = small_and_big
    expected = ANONYMOUS_PAGE_QUERIES
    if viewer != "anonymous":
        reader = make_user()
        client.force_login(reader)
        expected = SIGNED_IN_PAGE_QUERIES
    if viewer == "ignoring-the-writer":  # every reply a tombstone; whom they ignore comes with the user
        writer = Reply.objects.filter(article=small).first().author
        Ignore.objects.create(user=reader, ignored=writer, created=timezone.now())
    responses = []
    # The big thread twice when signed in: a first visit inserts the visit, a second updates it.
    for article, page in [(small, 1), (big, 1), (big, 2), (big, 1)]:
        with django_assert_num_queries(expected):
            responses.append(client.get(thread_url(article, page=page, sort=sort)))
    assert {response.status_code for response in responses} == {200}
    assert ('class="ignored-reply"' in responses[1].content.decode()) == (viewer == "ignoring-the-writer")
    # Both sizes reach the depth limit or the page's reply budget (the newest 50 branches of the
    # big thread are too young to).
    assert "Continue this thread" in responses[0].content.decode()
    big = responses[1].content.decode()
    assert sort == "newest" or "Continue this thread" in big or "more replies →" in big
    assert 'rel="next"' in responses[1].content.decode()


def test_thread_json_costs_three_queries_at_50_replies_as_at_5000(client, django_assert_num_queries, small_and_big):
    for article in small_and_big:
        with django_assert_num_queries(3):  # the article; the page's top-level replies; their trees
            assert client.get(json_url(article)).status_code == 200


@pytest.mark.parametrize("viewer", ["anonymous", "signed-in"])
def test_a_reply_page_costs_the_same_queries_at_50_replies_as_at_5000(
    client, make_user, django_assert_num_queries, small_and_big, viewer
):
    # The reply with its article and author; its ancestors and branch; where its branch sits in
    # the thread. Signed in: also the session, the user with its permission and unread count,
    # and the visit's upsert.
    expected = 3
    if viewer == "signed-in":
        client.force_login(make_user())
        expected = 6
    for article in small_and_big:
        deepest = Reply.objects.filter(article=article).order_by("-level", "pk").first()
        middle = Reply.objects.filter(article=article, level=deepest.level // 2).order_by("pk").first()
        for url in (deepest.get_absolute_url(), middle.get_absolute_url()):
            with django_assert_num_queries(expected):
                assert client.get(url).status_code == 200
