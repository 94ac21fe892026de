"""A signed-in reader's article page laid over the members' shared thread is the page drawn for
them directly: their own replies' actions and held text, the "new" marks, locks, folds."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Ignore
from forum.moderation import actions
from forum.posting import services as posting
from forum.reactions.services import recommend_set
from forum.threads import services as articles
from forum.threads.models import ArticleVisit, Reply
from testkit.forest import build_forest

pytestmark = pytest.mark.django_db

_TOKENS = re.compile(r'(name="(?:csrfmiddlewaretoken|form_token)" value=")[^"]*"')


def _page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return _TOKENS.sub(r'\1…"', response.content.decode())


@pytest.fixture
def scene(make_article, make_user, make_moderator, django_capture_on_commit_callbacks):
    """A thread read before by `reader`, with their own replies (open, held, removed, past the
    edit window), others' replies since their last visit, and a locked branch."""
    article = make_article()
    reader, other, moderator = make_user(), make_user(), make_moderator()
    now = timezone.now()
    old = build_forest(article, other, 120, first_created=now - timedelta(hours=2, minutes=30))
    articles.visit_record(user=reader, article=article, at=now - timedelta(hours=2), previous=None)
    with django_capture_on_commit_callbacks(execute=True):
        mine = [posting.reply_create(article=article, parent=old[i], author=reader, body=f"Mine {i}") for i in (0, 5, 9)]
        top = posting.reply_create(article=article, parent=None, author=reader, body="My own thread")
        new = [posting.reply_create(article=article, parent=parent, author=other, body=f"Fresh {parent.pk}") for parent in (mine[0], old[3], top)]
        actions.reply_hold(reply=mine[1], moderator=moderator, reason="Check this")
        posting.reply_remove_own(reply=mine[2], user=reader)
        actions.branch_lock(reply=old[3], moderator=moderator, reason="Heated")
        Reply.objects.filter(pk=old[7].pk).update(author=reader)  # an own reply past the edit window
    return article, reader, other, mine, new


@pytest.mark.parametrize("sort", ["oldest", "newest", "replies"])
def test_the_overlaid_page_equals_the_page_drawn_for_the_reader(client, settings, scene, make_user, sort):
    article, reader, other, mine, new = scene
    url = article.get_absolute_url() + ("" if sort == "oldest" else f"?sort={sort}")
    settings.FORUM_THREAD_CACHE_SECONDS = 60
    client.force_login(make_user())  # someone else draws the members' shared thread
    client.get(url)
    client.force_login(reader)
    laid = _page(client, url)  # from the shared thread
    settings.FORUM_THREAD_CACHE_SECONDS = 0
    direct = _page(client, url)  # drawn for the reader, as before the shared thread
    assert laid == direct
    assert ">Edit</a>" in laid and "Check this" in laid and 'class="new-label"' in laid
    assert "3 new replies since your last visit" in laid


def test_the_shared_thread_drawn_for_a_reader_is_their_page_too(client, settings, scene):
    article, reader, *_ = scene
    client.force_login(reader)
    settings.FORUM_THREAD_CACHE_SECONDS = 60
    first = _page(client, article.get_absolute_url())  # a miss: drawn, kept, and laid over
    second = _page(client, article.get_absolute_url())  # a hit
    settings.FORUM_THREAD_CACHE_SECONDS = 0
    assert first == second == _page(client, article.get_absolute_url())


def test_a_new_reply_reaches_signed_in_readers_at_once(client, settings, scene, make_user, django_capture_on_commit_callbacks):
    article, reader, other, mine, new = scene
    settings.FORUM_THREAD_CACHE_SECONDS = 60
    client.force_login(reader)
    client.get(article.get_absolute_url())
    with django_capture_on_commit_callbacks(execute=True):
        posting.reply_create(article=article, parent=mine[0], author=make_user(), body="Just now")
    assert "Just now" in client.get(article.get_absolute_url()).content.decode()


def test_moderators_get_their_own_page(client, settings, scene, make_moderator):
    article, reader, *_ = scene
    settings.FORUM_THREAD_CACHE_SECONDS = 60
    client.force_login(reader)
    client.get(article.get_absolute_url())
    client.force_login(make_moderator())
    page = client.get(article.get_absolute_url()).content.decode()
    assert ">Moderate</a>" in page and "Mine 5" in page  # a held reply's text, with the note


@pytest.mark.parametrize(
    "own_or_new, ignoring, recommending",
    [(False, False, False), (True, False, False), (False, True, False), (False, False, True)],
)
def test_a_shared_thread_page_costs_the_same_queries_at_50_replies_as_at_5000(
    client, settings, make_article, make_user, django_assert_num_queries, own_or_new, ignoring, recommending
):
    settings.FORUM_THREAD_CACHE_SECONDS = 60
    author, reader = make_user(), make_user()
    if ignoring:  # the writer's replies are drawn again, as tombstones; whom they ignore comes with the user
        Ignore.objects.create(user=reader, ignored=author, created=timezone.now())
    threads = []
    for size in (50, 5000):
        article = make_article()
        build_forest(article, reader if own_or_new else author, size)
        if recommending:
            first = Reply.objects.filter(article=article, parent__isnull=True).order_by("tree_id").first()
            recommend_set(reply=first, user=reader, on=True)
        threads.append(article)
    client.force_login(reader)
    for article in threads:
        client.get(article.get_absolute_url())  # draws the shared thread
        # The session; the user (whom they ignore comes with it); the visit, with whether they
        # follow it (the Follow button) and which replies they recommend; and, when any reply
        # differs for them (their own, new, ignored or recommended), those rows. The article
        # comes with the shared thread.
        with django_assert_num_queries(4 if own_or_new or ignoring or recommending else 3):
            page = client.get(article.get_absolute_url())
        html = page.content.decode()
        assert page.status_code == 200 and ('class="ignored-reply"' in html) == ignoring
        assert ('aria-pressed="true"' in html) == recommending
    assert ArticleVisit.objects.filter(user=reader).count() == 2


def test_an_article_locked_or_edited_shows_at_once_to_signed_in_readers(
    client, settings, scene, make_moderator, django_capture_on_commit_callbacks
):
    article, reader, *_ = scene
    settings.FORUM_THREAD_CACHE_SECONDS = 60
    client.force_login(reader)
    assert "Reply to the article" in client.get(article.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        actions.article_lock(article=article, moderator=make_moderator(), reason="Closed")
    page = client.get(article.get_absolute_url()).content.decode()
    assert "This discussion is locked" in page and "<summary>Reply to the article</summary>" not in page
    article.refresh_from_db()
    article.body = "A corrected text."
    with django_capture_on_commit_callbacks(execute=True):
        articles.article_save(article=article)
    assert "A corrected text." in client.get(article.get_absolute_url()).content.decode()


def test_a_suspended_reader_is_offered_no_reply_or_flag_on_the_shared_page_either(client, settings, scene, make_user):
    # Issue 14 (a suspended reader learns of it before writing) met issue 12's shared thread:
    # such a reader gets a page drawn for them, not the members' one.
    article, reader, *_ = scene
    settings.FORUM_THREAD_CACHE_SECONDS = 60
    client.force_login(reader)
    assert ">Flag</a>" in client.get(article.get_absolute_url()).content.decode()  # the shared page is cached
    suspended = make_user()
    suspended.banned_at = timezone.now()
    suspended.save(update_fields=["banned_at"])
    client.force_login(suspended)
    page = client.get(article.get_absolute_url()).content.decode()
    assert ">Flag</a>" not in page and ">Reply</a>" not in page


def test_a_draft_drawn_for_staff_is_not_served_to_other_members(client, settings, scene, make_user, django_user_model):
    article, reader, *_ = scene
    settings.FORUM_THREAD_CACHE_SECONDS = 60
    articles_draft = type(article).objects.filter(pk=article.pk)
    articles_draft.update(draft=True)
    staff = django_user_model.objects.create_user("editor", "editor@example.com", "pw-for-tests-1", is_staff=True)
    client.force_login(staff)
    assert client.get(article.get_absolute_url()).status_code == 200  # staff review drafts; this caches it
    client.force_login(reader)
    assert client.get(article.get_absolute_url()).status_code == 404
