"""The members' article page put together from the page kept around the shared thread
(forum.threads.chrome) is the page drawn for each reader: their name and unread count, their
tokens, their Follow button, their new replies; drawn once per version for all of them."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from forum.moderation import actions
from forum.posting import services as posting
from forum.reactions.services import recommend_set
from forum.threads import cache, chrome
from forum.threads import services as articles
from testkit.forest import build_forest

pytestmark = pytest.mark.django_db

_TOKENS = re.compile(r'(name="(?:csrfmiddlewaretoken|form_token)" value=")[^"]*"')


def _page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "\x00" not in html
    tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]*)"', html))
    assert len(tokens) == 1 and len(next(iter(tokens))) == 64  # one masked token for every form
    return _TOKENS.sub(r'\1…"', html)


def _kept_and_drawn(client, settings, url):
    settings.FORUM_THREAD_CACHE_SECONDS = 60
    kept = _page(client, url)
    settings.FORUM_THREAD_CACHE_SECONDS = 0
    drawn = _page(client, url)
    settings.FORUM_THREAD_CACHE_SECONDS = 60
    return kept, drawn


@pytest.fixture
def draws(monkeypatch):
    """How many times the page around the thread was drawn."""
    calls = []
    real = chrome.draw

    def counted(request, context, **kwargs):
        calls.append(request.user.pk)
        return real(request, context, **kwargs)

    monkeypatch.setattr(chrome, "draw", counted)
    return calls


def test_every_reader_gets_the_page_drawn_for_them(client, settings, make_article, make_user, draws,
                                                   django_capture_on_commit_callbacks):
    article = make_article()
    url = article.get_absolute_url()
    writer = make_user("writer")
    reader = make_user("ann.o-neil+x@y", display_name="Ann <O'Neil> & co")
    now = timezone.now()
    old = build_forest(article, writer, 30, first_created=now - timedelta(hours=2, minutes=30))
    articles.visit_record(user=reader, article=article, at=now - timedelta(hours=2), previous=None)
    with django_capture_on_commit_callbacks(execute=True):
        mine = posting.reply_create(article=article, parent=old[2], author=reader, body="Mine")
        posting.reply_create(article=article, parent=mine, author=writer, body="An answer, new to her")
    settings.FORUM_THREAD_CACHE_SECONDS = 60
    client.force_login(make_user())
    first = _page(client, url)  # draws the shared thread and the page around it
    assert draws and 'class="badge"' not in first

    client.force_login(reader)  # her own reply, a new one, an unread notification, a name to escape
    kept, drawn = _kept_and_drawn(client, settings, url)
    assert kept == drawn
    assert "Ann &lt;O&#x27;Neil&gt; &amp; co" in kept and 'class="badge"' in kept
    assert "1 new reply since your last visit" in kept and ">Edit</a>" in kept

    # Following: the button says so; the message after the POST is drawn with the page, once.
    client.post(reverse("forum:follow", kwargs={"slug": article.slug}), {"follow": "1"})
    with_message = _page(client, url)
    assert "You follow this discussion" in with_message and 'aria-pressed="true"' in with_message
    kept, drawn = _kept_and_drawn(client, settings, url)
    assert kept == drawn and "You follow this discussion" not in kept and "Following: stop" in kept

    client.force_login(writer)  # most of the page is theirs: nothing new, nothing unread
    kept, drawn = _kept_and_drawn(client, settings, url)
    assert kept == drawn
    assert len(draws) == 1  # the follow wrote no reply: the same version, the same page around it


def test_a_locked_article_is_drawn_again_without_the_box(client, settings, make_article, make_user, make_moderator,
                                                        draws, django_capture_on_commit_callbacks):
    article = make_article()
    url = article.get_absolute_url()
    settings.FORUM_THREAD_CACHE_SECONDS = 60
    client.force_login(make_user())
    assert 'class="reply-form"' in _page(client, url)
    with django_capture_on_commit_callbacks(execute=True):
        actions.article_lock(article=article, moderator=make_moderator(), reason="Enough")
    kept, drawn = _kept_and_drawn(client, settings, url)
    assert kept == drawn and "This discussion is locked" in kept and 'class="reply-form"' not in kept
    assert len(draws) == 2


def test_a_shared_thread_kept_before_the_chrome_existed_is_served(client, settings, make_article, make_user):
    article = make_article()
    settings.FORUM_THREAD_CACHE_SECONDS = 60
    client.force_login(make_user())
    first = _page(client, article.get_absolute_url())
    for entry in cache._local.values():  # as unpickled from an entry a deploy found in Redis
        vars(entry[1]).pop("chromes", None)
    assert _page(client, article.get_absolute_url()) == first


def test_the_replies_a_reader_recommends_come_with_the_visit(client, settings, make_article, make_user,
                                                            django_assert_num_queries, django_capture_on_commit_callbacks):
    article = make_article()
    url = article.get_absolute_url()
    writer, reader = make_user(), make_user()
    replies = build_forest(article, writer, 12, first_created=timezone.now() - timedelta(hours=2, minutes=30))
    with django_capture_on_commit_callbacks(execute=True):
        recommend_set(reply=replies[4], user=reader, on=True)
    settings.FORUM_THREAD_CACHE_SECONDS = 60
    client.force_login(writer)
    _page(client, url)  # draws the shared thread: the writer's own replies are drawn again for them
    client.force_login(reader)
    _page(client, url)  # the first visit
    # The session, the user, the visit with the ids of the replies they recommend, that reply's row.
    with django_assert_num_queries(4):
        kept = _page(client, url)
    settings.FORUM_THREAD_CACHE_SECONDS = 0
    assert kept == _page(client, url)
    assert kept.count('aria-pressed="true"') == 1
