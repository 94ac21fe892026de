"""Signed-out readers get article pages from the cache, and never a stale one after a change."""

import pytest
from django.urls import reverse

from forum.models import Reply
from forum.moderation import actions
from forum.posting import services as posting
from forum.threads import cache as thread_cache
from forum.threads import services as articles

pytestmark = pytest.mark.django_db


@pytest.fixture
def cached(settings):
    settings.FORUM_THREAD_CACHE_SECONDS = 60


@pytest.fixture
def thread(make_article, make_reply):
    article = make_article()
    first = make_reply(article=article, body="The first word")
    return article, first


def test_a_second_signed_out_read_is_served_from_the_cache(client, cached, thread, django_assert_num_queries):
    article, _ = thread
    first = client.get(article.get_absolute_url()).content.decode()
    with django_assert_num_queries(0):  # the slug, the thread's version and the page: all cached
        second = client.get(article.get_absolute_url()).content.decode()
    def thread_of(page):  # the forms around it carry per-request tokens
        return page[page.index('<ol class="thread">') : page.rindex("</ol>")]

    assert thread_of(second) == thread_of(first) and "The first word" in second


def test_a_new_reply_shows_at_once_to_signed_out_readers(client, cached, thread, make_user, django_capture_on_commit_callbacks):
    article, first = thread
    client.get(article.get_absolute_url())
    with django_capture_on_commit_callbacks(execute=True):
        posting.reply_create(article=article, parent=first, author=make_user(), body="A fresh answer")
    assert "A fresh answer" in client.get(article.get_absolute_url()).content.decode()


def test_a_moderators_removal_shows_at_once(client, cached, thread, make_moderator, django_capture_on_commit_callbacks):
    article, first = thread
    client.get(article.get_absolute_url())
    with django_capture_on_commit_callbacks(execute=True):
        actions.reply_remove_by_moderator(reply=first, moderator=make_moderator(), reason="Spam")
    page = client.get(article.get_absolute_url()).content.decode()
    assert "The first word" not in page and "[removed by moderator]" in page


def test_signed_in_readers_always_get_their_own_page(client, cached, thread, make_user):
    article, first = thread
    client.get(article.get_absolute_url())  # fills the cache for signed-out readers
    client.force_login(first.author)
    page = client.get(article.get_absolute_url()).content.decode()
    assert ">Edit</a>" in page  # their own reply's actions: never from the shared cache


def test_pages_and_orders_are_cached_apart(client, cached, thread, make_reply):
    article, _ = thread
    make_reply(article=article, body="Second top-level")
    oldest = client.get(article.get_absolute_url()).content.decode()
    newest = client.get(reverse("forum:article", args=[article.slug]) + "?sort=newest").content.decode()
    assert oldest.index("The first word") < oldest.index("Second top-level")
    assert newest.index("Second top-level") < newest.index("The first word")
    assert Reply.objects.count() == 2


def test_the_signed_out_page_is_the_same_for_everyone_and_carries_no_token(client, cached, thread):
    article, _ = thread
    first = client.get(article.get_absolute_url()).content
    second = client.get(article.get_absolute_url()).content
    assert first == second
    assert b"csrfmiddlewaretoken" not in first and b"form_token" not in first
    assert reverse("forum:reply_top", args=[article.slug]).encode() in first  # the way to reply


def test_a_visitor_with_a_message_waiting_gets_it(client, cached, thread, make_user):
    article, _ = thread
    client.get(article.get_absolute_url())  # cached now
    user = make_user()
    client.force_login(user)
    client.post(reverse("account_logout"))  # leaves "You have signed out." for the next page
    page = client.get(article.get_absolute_url()).content.decode()
    assert "You have signed out." in page


def test_an_edited_article_is_drawn_again(client, cached, thread, django_capture_on_commit_callbacks):
    article, _ = thread
    client.get(article.get_absolute_url())
    article.body = "A corrected text."
    with django_capture_on_commit_callbacks(execute=True):
        articles.article_save(article=article)
    assert "A corrected text." in client.get(article.get_absolute_url()).content.decode()


def test_a_bad_page_number_is_still_refused_when_the_page_is_cached(client, cached, thread):
    article, _ = thread
    client.get(article.get_absolute_url())
    assert client.get(article.get_absolute_url() + "?page=abc").status_code == 400
    assert client.get(article.get_absolute_url() + "?page=9").status_code == 404


def test_a_page_drawn_before_a_write_is_never_served_after_it(client, cached, thread, make_user, django_capture_on_commit_callbacks):
    article, first = thread
    content, drawn_at = thread_cache.page_get(article.slug, 1, "oldest")
    assert content is None
    drawn_at = drawn_at or thread_cache.version(article.slug)  # as the view does, before drawing
    with django_capture_on_commit_callbacks(execute=True):  # a write commits while the page is drawn
        posting.reply_create(article=article, parent=first, author=make_user(), body="Written meanwhile")
    thread_cache.page_set(article=article, page=1, sort="oldest", content=b"stale", drawn_at=drawn_at)
    assert thread_cache.page_get(article.slug, 1, "oldest")[0] is None
    assert "Written meanwhile" in client.get(article.get_absolute_url()).content.decode()


def test_an_article_moved_to_a_new_slug_is_no_longer_served_at_the_old_one(client, cached, thread, django_capture_on_commit_callbacks):
    article, _ = thread
    old_url = article.get_absolute_url()
    assert client.get(old_url).status_code == 200  # cached under the old slug
    article.slug = "a-new-address"
    with django_capture_on_commit_callbacks(execute=True):
        articles.article_save(article=article)
    assert client.get(old_url).status_code == 404
    assert "The first word" in client.get(article.get_absolute_url()).content.decode()


def test_a_local_copy_never_outlives_the_shared_entry_it_came_from(settings):
    import time

    from forum.threads import cache as thread_cache

    settings.FORUM_THREAD_CACHE_SECONDS = 60
    thread_cache.local_clear()
    thread_cache._local_put("article-page:x:1:oldest", "v1", b"page", expires_at=time.time() - 1)
    assert thread_cache._local_get("article-page:x:1:oldest", "v1") is None
    thread_cache._local_put("article-page:x:1:oldest", "v1", b"page", expires_at=time.time() + 30)
    assert thread_cache._local_get("article-page:x:1:oldest", "v1") == b"page"
    assert thread_cache._local["article-page:x:1:oldest"][3] - time.monotonic() <= 30
    thread_cache.local_clear()
