"""Issue 10, Live and Shut out: "in reply to", ignored writers' tombstones, where a posted reply
lands, the in-place post's JSON, and the poll for new replies."""

import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import services as accounts
from forum.models import Reply
from forum.moderation import actions
from forum.posting import services as posting
from forum.threads.models import Article
from testkit.forest import build_forest

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}
_TOKENS = re.compile(r'(name="(?:csrfmiddlewaretoken|form_token)" value=")[^"]*"')


def top_url(article, query=""):
    return reverse("forum:reply_top", kwargs={"slug": article.slug}) + query


def reply_url(parent, query=""):
    return reverse("forum:reply_to", kwargs={"slug": parent.article.slug, "parent_pk": parent.pk}) + query


def activity_url(slug):
    return reverse("forum:activity", kwargs={"slug": slug})


# --- In reply to --------------------------------------------------------------------------------


def test_each_reply_below_the_top_level_says_whom_it_answers_and_links_to_its_card(client, make_article, make_user):
    article = make_article()
    ann, bob = make_user("ann", display_name="Ann Aster"), make_user("bob")
    top = posting.reply_create(article=article, parent=None, author=ann, body="Top")
    answer = posting.reply_create(article=article, parent=top, author=bob, body="Answer")
    page = client.get(article.get_absolute_url()).content.decode()
    assert f'<span class="in-reply-to">in reply to <a href="#r{top.pk}">Ann Aster</a></span>' in page
    assert page.count('class="in-reply-to"') == 1  # the top-level reply answers nobody
    # On the answer's own page its parent is drawn above it: the link is the anchor there too.
    own = client.get(answer.get_absolute_url()).content.decode()
    assert f'in reply to <a href="#r{top.pk}">Ann Aster</a>' in own


def test_a_parent_not_drawn_on_the_page_is_linked_to_its_own_page(client, settings, make_article, make_user):
    settings.FORUM_DISPLAY_DEPTH = 2
    article = make_article()
    author = make_user("deep")
    chain = [posting.reply_create(article=article, parent=None, author=author, body="0")]
    for depth in range(1, 16):
        chain.append(posting.reply_create(article=article, parent=chain[-1], author=author, body=str(depth)))
    # The reply page of the deepest draws the top-level reply and the nearest 11 above it: the
    # second reply's answer (the third) names a parent left out in the gap.
    page = client.get(chain[-1].get_absolute_url()).content.decode()
    gap_child = chain[-12]
    parent = chain[-13]
    assert f'id="r{gap_child.pk}"' in page and f'id="r{parent.pk}"' not in page
    assert f'in reply to <a href="{parent.get_absolute_url()}">deep</a>' in page


# --- Ignoring: tombstones -----------------------------------------------------------------------


@pytest.fixture
def ignoring_scene(make_article, make_user):
    article = make_article()
    reader, pest, other = make_user("reader"), make_user("pest", display_name="The Pest"), make_user("other")
    top = posting.reply_create(article=article, parent=None, author=other, body="Calm words")
    loud = posting.reply_create(article=article, parent=top, author=pest, body="Loud words")
    under = posting.reply_create(article=article, parent=loud, author=other, body="Answer to the loud one")
    accounts.ignore_add(user=reader, ignored=pest, now=timezone.now())
    return article, reader, pest, loud, under


def test_an_ignored_writers_reply_is_a_tombstone_with_a_show_toggle_that_needs_no_script(client, ignoring_scene):
    article, reader, pest, loud, under = ignoring_scene
    client.force_login(reader)
    page = client.get(article.get_absolute_url()).content.decode()
    tombstone = re.search(rf'<li class="reply" id="r{loud.pk}"><details class="ignored-reply"><summary>(.*?)</summary>', page)
    assert tombstone and "You ignore The Pest." in tombstone.group(1) and "Show their reply" in tombstone.group(1)
    assert "Loud words" in page  # inside <details>, for the toggle
    assert page.count('class="ignored-reply"') == 1  # the answer to it is not the pest's
    assert f'id="r{under.pk}"><article' in page
    # The reply's own page and the reply being answered do the same.
    assert 'class="ignored-reply"' in client.get(loud.get_absolute_url()).content.decode()


def test_others_and_signed_out_readers_see_the_reply_as_ever(client, ignoring_scene, make_user):
    article, *_ = ignoring_scene
    assert 'class="ignored-reply"' not in client.get(article.get_absolute_url()).content.decode()
    client.force_login(make_user())
    assert 'class="ignored-reply"' not in client.get(article.get_absolute_url()).content.decode()


def test_the_tombstones_on_the_shared_page_equal_the_page_drawn_for_the_reader(client, settings, ignoring_scene, make_user):
    article, reader, *_ = ignoring_scene
    settings.FORUM_THREAD_CACHE_SECONDS = 60
    client.force_login(make_user())  # someone else draws the members' shared thread
    client.get(article.get_absolute_url())
    client.force_login(reader)
    laid = _TOKENS.sub(r'\1…"', client.get(article.get_absolute_url()).content.decode())
    settings.FORUM_THREAD_CACHE_SECONDS = 0
    direct = _TOKENS.sub(r'\1…"', client.get(article.get_absolute_url()).content.decode())
    assert laid == direct and 'class="ignored-reply"' in laid


def test_a_held_or_removed_reply_of_an_ignored_writer_stays_a_placeholder(client, ignoring_scene, moderator):
    article, reader, pest, loud, under = ignoring_scene
    actions.reply_hold(reply=loud, moderator=moderator, reason="Check")
    client.force_login(reader)
    page = client.get(article.get_absolute_url()).content.decode()
    assert 'class="ignored-reply"' not in page and "[awaiting moderation]" in page


def test_the_moderation_queue_shows_an_ignored_writers_reply_in_full_to_a_moderator(client, ignoring_scene, moderator):
    article, reader, pest, loud, under = ignoring_scene
    accounts.ignore_add(user=moderator, ignored=pest, now=timezone.now())
    actions.reply_hold(reply=loud, moderator=moderator, reason="Check")
    client.force_login(moderator)
    queue = client.get(reverse("forum:moderation_queue")).content.decode()
    assert "Loud words" in queue and 'class="ignored-reply"' not in queue


def test_the_ignore_list_comes_with_the_signed_in_user_at_no_extra_query(client, ignoring_scene, django_assert_num_queries):
    article, reader, *_ = ignoring_scene
    client.force_login(reader)
    client.get(article.get_absolute_url())
    # The session; the user; the article; the page's top-level replies; their trees; the visit.
    with django_assert_num_queries(6):
        assert 'class="ignored-reply"' in client.get(article.get_absolute_url()).content.decode()


# --- Where a posted reply lands -----------------------------------------------------------------


@pytest.fixture
def member(client, make_user):
    user = make_user("member")
    client.force_login(user)
    return user


def test_a_reply_lands_on_the_page_of_the_thread_that_draws_it_in_the_readers_order(
    client, settings, member, make_article, make_reply
):
    settings.FORUM_PAGE_SIZE = 2
    article = make_article()
    tops = [make_reply(article=article) for _ in range(5)]
    response = client.post(reply_url(tops[0]), {"body": "To the first"})
    mine = Reply.objects.get(author=member)
    assert response.status_code == 302 and response["Location"] == f"{article.get_absolute_url()}#r{mine.pk}"
    response = client.post(reply_url(tops[0], "?sort=newest"), {"body": "Again, newest first"})
    again = Reply.objects.filter(author=member).latest("pk")
    assert response["Location"] == f"{article.get_absolute_url()}?page=3&sort=newest#r{again.pk}"
    assert f'id="r{again.pk}"' in client.get(response["Location"]).content.decode()


def test_the_reply_links_and_the_forms_keep_the_order(client, member, make_article, make_reply):
    article = make_article()
    top = make_reply(article=article)
    page = client.get(article.get_absolute_url() + "?sort=newest").content.decode()
    assert f'href="{reply_url(top, "?sort=newest")}"' in page and f'action="{top_url(article, "?sort=newest")}"' in page
    form = client.get(reply_url(top, "?sort=newest&quote=1")).content.decode()
    assert f'action="{reply_url(top, "?sort=newest")}"' in form


def test_an_unknown_order_in_the_action_lands_in_the_default_one_and_the_reply_is_kept(client, member, make_article):
    article = make_article()
    response = client.post(top_url(article, "?sort=bogus"), {"body": "Still posted"})
    mine = Reply.objects.get(author=member)
    assert response["Location"] == f"{article.get_absolute_url()}#r{mine.pk}"


def test_a_reply_below_the_display_depth_lands_on_its_own_page(client, settings, member, make_article, make_reply):
    settings.FORUM_DISPLAY_DEPTH = 2
    article = make_article()
    parent = make_reply(article=article, parent=make_reply(article=article))
    client.post(reply_url(parent), {"body": "Too deep for the article page"})
    mine = Reply.objects.get(author=member)
    assert client.post(reply_url(parent), {"body": "x"}).status_code == 302
    assert mine.level == 2
    response = client.post(reply_url(parent), {"body": "Deep again"})
    latest = Reply.objects.filter(author=member).latest("pk")
    assert response["Location"] == latest.get_landing_url()


def test_a_held_reply_lands_on_the_article_page_where_its_author_sees_it_with_its_note(client, member, make_article):
    article = make_article()
    Article.objects.filter(pk=article.pk).update(premoderate=True)  # a moderator's rule for this discussion
    response = client.post(top_url(article), {"body": "Waiting words"})
    mine = Reply.objects.get(author=member)
    assert mine.status == Reply.Status.HELD
    assert response["Location"] == f"{article.get_absolute_url()}#r{mine.pk}"
    page = client.get(response["Location"]).content.decode()
    assert "Waiting words" in page and "others see a placeholder" in page and "waiting for a moderator" in page


def test_a_draft_kept_through_sign_in_lands_on_the_article_page_once_posted(client, make_user, make_article):
    article = make_article()
    response = client.post(top_url(article), {"body": "Written signed out"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(make_user("later"))
    form = client.get(top_url(article)).content.decode()
    assert "Written signed out" in form
    token = re.search(r'name="form_token" value="([0-9a-f]+)"', form).group(1)
    response = client.post(top_url(article), {"body": "Written signed out", "form_token": token})
    mine = Reply.objects.get()
    assert response["Location"] == f"{article.get_absolute_url()}#r{mine.pk}"


# --- Posting in place (JSON) --------------------------------------------------------------------


def test_a_post_asking_for_json_gets_the_new_reply_drawn_by_the_threads_macro(client, member, make_article, make_reply):
    article = make_article()
    parent = make_reply(article=article)
    response = client.post(reply_url(parent), {"body": "In *place*"}, **JSON)
    mine = Reply.objects.get(author=member)
    assert response.status_code == 201
    body = json.loads(response.content)
    assert body["id"] == mine.pk and body["parent"] == parent.pk
    assert body["html"].startswith(f'<li class="reply" id="r{mine.pk}"><article class="reply-card"')
    assert "In <em>place</em>" in body["html"] and ">Edit</a>" in body["html"] and "in reply to" in body["html"]
    assert body["url"] == f"{article.get_absolute_url()}#r{mine.pk}"
    assert body["message"] == "Your reply is posted." and re.fullmatch("[0-9a-f]{32}", body["form_token"])


def test_an_empty_json_post_is_a_400_with_the_message_and_writes_nothing(client, member, make_article):
    article = make_article()
    response = client.post(top_url(article), {"body": "   "}, **JSON)
    assert response.status_code == 400 and "error" in json.loads(response.content)
    assert json.loads(response.content)["error"]
    assert not Reply.objects.exists()


def test_a_json_post_to_a_locked_article_is_refused_with_the_policys_words_and_writes_nothing(
    client, member, make_article, moderator
):
    article = make_article()
    actions.article_lock(article=article, moderator=moderator, reason="Enough")
    response = client.post(top_url(article), {"body": "Let me in"}, **JSON)
    assert response.status_code in (403, 409) and "locked" in json.loads(response.content)["error"].lower()
    assert not Reply.objects.exists()


def test_a_json_post_signed_out_keeps_the_draft_and_sends_to_sign_in_like_a_form(client, make_article):
    article = make_article()
    response = client.post(top_url(article), {"body": "Who am I"}, **JSON)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Reply.objects.exists()


# --- The poll for new replies -------------------------------------------------------------------


def test_the_poll_says_how_many_replies_the_discussion_has(client, make_article, make_reply):
    article = make_article()
    replies = [make_reply(article=article) for _ in range(3)]
    response = client.get(activity_url(article.slug))
    assert response.status_code == 200
    assert json.loads(response.content) == {"replies": 3, "recent": [reply.pk for reply in replies]}
    assert "public" in response["Cache-Control"] and "max-age=10" in response["Cache-Control"]
    assert "Cookie" not in response.get("Vary", "")


def test_the_page_carries_the_count_it_was_drawn_with_and_the_poll_url(client, make_article, make_reply):
    article = make_article()
    make_reply(article=article)
    page = client.get(article.get_absolute_url()).content.decode()
    assert f'data-activity-url="{activity_url(article.slug)}"' in page and 'data-replies="1"' in page


def test_the_poll_is_served_from_the_cache_with_no_query_and_sees_a_new_reply_at_once(
    client, settings, make_article, make_reply, make_user, django_assert_num_queries, committed
):
    settings.FORUM_THREAD_CACHE_SECONDS = 60
    article = make_article()
    build_forest(article, make_user(), 50)
    def poll():
        return json.loads(client.get(activity_url(article.slug)).content)

    with django_assert_num_queries(1):  # a miss: one query, then kept
        assert poll()["replies"] == 50
    with django_assert_num_queries(0):
        assert poll()["replies"] == 50
    now = committed(posting.reply_create, article=article, parent=None, author=make_user(), body="Now")
    assert poll()["replies"] == 51 and poll()["recent"][-1] == now.pk  # the bump made it stale
    with django_assert_num_queries(0):
        assert len(poll()["recent"]) == 20


def test_an_empty_discussion_polls_as_none_yet(client, make_article):
    article = make_article()
    assert json.loads(client.get(activity_url(article.slug)).content) == {"replies": 0, "recent": []}


def test_the_poll_for_a_missing_or_draft_article_is_a_json_404_and_keeps_nothing(client, settings, make_article):
    settings.FORUM_THREAD_CACHE_SECONDS = 60
    draft = make_article(draft=True)
    for slug in ("no-such-article", draft.slug):
        response = client.get(activity_url(slug))
        assert response.status_code == 404 and "There is no article" in json.loads(response.content)["error"]
        assert "no-store" in response["Cache-Control"]
    from django.core.cache import cache

    assert cache.get(f"thread-activity:{draft.slug}") is None


# --- "Show": to the page that draws a new reply ---------------------------------------------------


def in_thread_url(slug, pk, query=""):
    return reverse("forum:reply_in_thread", kwargs={"slug": slug, "pk": pk}) + query


def test_show_leads_to_the_page_that_draws_the_reply_in_the_readers_order(client, settings, make_article, make_reply):
    settings.FORUM_PAGE_SIZE = 2
    article = make_article()
    tops = [make_reply(article=article) for _ in range(5)]
    response = client.get(in_thread_url(article.slug, tops[-1].pk))
    assert response.status_code == 302 and response["Location"] == f"{article.get_absolute_url()}?page=3#r{tops[-1].pk}"
    response = client.get(in_thread_url(article.slug, tops[-1].pk, "?sort=newest"))
    assert response["Location"] == f"{article.get_absolute_url()}?sort=newest#r{tops[-1].pk}"


@pytest.mark.parametrize("query, status, message", [
    ("?sort=bogus", 400, "There is no sort order"),
    ("", 404, "There is no reply"),
])
def test_show_with_a_bad_order_or_a_reply_of_another_article_says_why(client, make_article, make_reply, query, status, message):
    article, other = make_article(), make_article()
    reply = make_reply(article=other if status == 404 else article)
    response = client.get(in_thread_url(article.slug, reply.pk, query))
    assert response.status_code == status and message in response.content.decode()


def test_a_held_reply_posted_in_place_comes_back_with_its_note_and_says_it_waits(client, member, make_article):
    article = make_article()
    Article.objects.filter(pk=article.pk).update(premoderate=True)
    response = client.post(top_url(article), {"body": "Held in place"}, **JSON)
    body = json.loads(response.content)
    assert response.status_code == 201 and body["parent"] is None
    assert "Held in place" in body["html"] and "others see a placeholder" in body["html"]
    assert body["message"] == "Your reply is waiting for a moderator before others can see it."
    assert Reply.objects.get().status == Reply.Status.HELD


def test_a_json_post_over_the_rate_limit_is_a_429_with_retry_after_and_writes_nothing(
    client, settings, member, make_article
):
    article = make_article()
    Article.objects.filter(pk=article.pk).update(slow_mode_minutes=10)
    assert client.post(top_url(article), {"body": "First"}, **JSON).status_code == 201
    response = client.post(top_url(article), {"body": "Second, too soon"}, **JSON)
    assert response.status_code == 429 and response["Retry-After"]
    assert json.loads(response.content)["error"]
    assert Reply.objects.count() == 1
