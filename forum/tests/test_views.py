"""What a reader sees on the home page and on an article's page."""

import re

import pytest
from django.urls import reverse

from forum.models import Reply
from forum.posting import services as posting

pytestmark = pytest.mark.django_db


def test_home_lists_articles_newest_first_with_source_date_and_reply_count(client, seeded):
    page = client.get(reverse("forum:home")).content.decode()
    france24 = page.index("Putin orders partial withdrawal")
    oped = page.index("Neither A Full Russian Withdrawal")
    assert france24 < oped  # dated before undated
    assert "FRANCE 24" in page and "The Duran" in page
    assert "11 December 2017" in page and "date not given" in page
    # 54 in the thread, 2 of them held by the watched-words hook, and shown there as placeholders:
    # the home page counts what the thread's heading counts (issue 14: it said 52 against 54).
    assert "54 replies" in page and "0 replies" in page


def test_home_and_the_threads_heading_count_the_same_replies(client, make_article, make_reply):
    article = make_article()
    make_reply(article=article)
    hidden = make_reply(article=article)
    Reply.objects.filter(pk=hidden.pk).update(status=Reply.Status.REMOVED)
    assert "2 replies" in client.get(reverse("forum:home")).content.decode()
    assert "Discussion <span class=\"count\">(2 replies)</span>" in client.get(article.get_absolute_url()).content.decode()


def test_unknown_article_is_404(client, db):
    assert client.get(reverse("forum:article", kwargs={"slug": "nope"})).status_code == 404


def test_article_page_shows_the_article_and_its_whole_discussion_nested(client, seeded):
    response = client.get(reverse("forum:article", kwargs={"slug": "putins-syrian-withdrawal-announcement-neither-a-full-russian-withdrawal-nor-victory-in-syria"}))
    page = response.content.decode()
    assert response.status_code == 200
    assert "By Alexander Mercouris" in page and "The Duran" in page
    assert "President Putin’s brief stop-over visit" in page
    assert page.count('class="reply"') == 54
    assert len(re.findall(r"<li[ >]", page)) == page.count("</li>")
    assert page.count("<ol") == page.count("</ol>")
    assert page.count("<details") == page.count("</details>")
    # Every reply has an anchor to jump to, and its time links to its own page.
    ids = re.findall(r'<li class="reply" id="r(\d+)"', page)
    assert len(set(ids)) == 54
    for pk in ids:
        assert f'href="{Reply.objects.get(pk=pk).get_absolute_url()}"' in page
    assert "Atle Rørdam" in page and "time not recorded" in page
    assert "(no text)" in page  # the seed's two empty comments show as empty


def test_branches_collapse_without_javascript_and_say_how_many_replies(client, make_article, make_reply):
    article = make_article()
    root = make_reply(article=article, body="root")
    child = make_reply(article=article, parent=root, body="child")
    make_reply(article=article, parent=child, body="grandchild")
    make_reply(article=article, body="second root")
    page = client.get(article.get_absolute_url()).content.decode()
    assert page.count('<details class="branch" open>') == 2
    assert "Hide 2 replies</span>" in page and "Show 1 reply</span></summary>" in page
    # Nesting follows the tree: the grandchild's list sits inside the child's, inside the root's.
    assert re.search(r"root.*<ol class=\"replies\">.*child.*<ol class=\"replies\">.*grandchild.*</ol>.*</ol>.*second root", page, re.S)


def test_held_and_removed_replies_are_placeholders_that_keep_their_children(client, make_article, make_reply):
    article = make_article()
    removed = make_reply(article=article, body="something rude")
    make_reply(article=article, parent=removed, body="an answer to it")
    held = make_reply(article=article, body="not yet approved")
    Reply.objects.filter(pk=removed.pk).update(status=Reply.Status.REMOVED, removed_by=Reply.RemovedBy.MODERATOR)
    Reply.objects.filter(pk=held.pk).update(status=Reply.Status.HELD)
    page = client.get(article.get_absolute_url()).content.decode()
    assert "something rude" not in page and "[removed by moderator]" in page
    assert "not yet approved" not in page and "[awaiting moderation]" in page
    assert "an answer to it" in page


def test_reply_shows_relative_and_exact_time(client, make_article, make_reply):
    article = make_article()
    make_reply(article=article)
    page = client.get(article.get_absolute_url()).content.decode()
    assert re.search(r"<time datetime=\"\d{4}-\d\d-\d\dT[^\"]+\">now</time>", page)
    assert re.search(r"\(\d{1,2} \w{3} \d{4}, \d\d:\d\d UTC\)", page)


def build_thread(article, author, size):
    """A thread of `size` replies through the services: a fifth top-level, the rest in chains and bushes."""
    replies = []
    for number in range(size):
        if number % 5 == 0:
            parent = None
        elif number % 3 == 0:
            parent = replies[-1]  # a chain
        else:
            parent = replies[(number * 7) % len(replies)]  # somewhere earlier: bushes
        replies.append(posting.reply_create(article=article, author=author, body=f"reply {number} on {article.slug}", parent=parent))
    return replies


def test_big_thread_is_in_tree_order(client, make_article, make_user):
    article = make_article()
    build_thread(article, make_user(), 60)
    page = client.get(article.get_absolute_url()).content.decode()
    shown = [int(pk) for pk in re.findall(r'<li class="reply" id="r(\d+)"', page)]
    expected = list(Reply.objects.filter(article=article).order_by("tree_id", "lft").values_list("pk", flat=True))
    assert shown == expected


@pytest.mark.parametrize("signed_in", [False, True])
def test_no_template_syntax_leaks_into_a_page(client, seeded, make_user, signed_in):
    # A Django {# #} comment is one line only: one that spans two prints itself (it did, above
    # the discussion, for every signed-in reader).
    from forum.threads.models import Article, Reply

    if signed_in:
        client.force_login(make_user())
    article = Article.objects.filter(replies__isnull=False).first()
    reply = Reply.objects.filter(article=article, parent__isnull=False).first()
    for url in ("/", article.get_absolute_url(), reply.get_absolute_url(), f"/u/{reply.author.username}/"):
        page = client.get(url).content.decode()
        for syntax in ("{#", "#}", "{%", "%}", "{{", "}}"):
            assert syntax not in page, f"{syntax} in {url}"


def test_machine_readable_times_are_valid_html(client, make_user, make_article):
    # HTML allows at most three digits of a fraction of a second; isoformat() writes six.
    writer = make_user("timely")
    article = make_article()
    posting.reply_create(article=article, parent=None, author=writer, body="On time")
    for url in (article.get_absolute_url(), f"/u/{writer.username}/"):
        times = re.findall(r'datetime="([^"]+)"', client.get(url).content.decode())
        assert times and all(re.fullmatch(r"\d{4}-\d\d-\d\d(T\d\d:\d\d:\d\d\+00:00)?", t) for t in times), times
