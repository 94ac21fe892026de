"""forum.policy: one answer to "may this user do this here", wherever it is asked, and the
refusals mapped to HTTP in one place (forum.web)."""

import pytest
from django.urls import reverse

from forum import errors, policy
from forum.models import Article, Reply
from forum.moderation import actions
from forum.web import STATUS, status_of

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "kind, status",
    [(errors.Refused, 400), (errors.Forbidden, 403), (errors.NotFound, 404), (errors.Conflict, 409),
     (errors.RateLimited, 429)],
)
def test_each_kind_of_refusal_has_one_status(kind, status):
    assert status_of(kind("message")) == status and STATUS[kind] == status


def test_a_refusal_no_view_catches_becomes_a_page_that_says_what_went_wrong(client, make_user):
    client.force_login(make_user())
    response = client.get(reverse("forum:edit", args=[987654]))
    assert response.status_code == 404
    assert "There is no reply 987654" in response.content.decode()


def test_an_unknown_moderation_action_is_a_404_that_names_it(client, make_moderator, make_reply, make_article):
    reply = make_reply(article=make_article())
    client.force_login(make_moderator())
    response = client.post(reverse("forum:moderation_action", args=[reply.pk, "obliterate"]))
    assert response.status_code == 404 and "obliterate" in response.content.decode()


def test_an_inactive_moderator_is_no_moderator_anywhere(make_moderator, make_reply, make_article, client):
    moderator = make_moderator()
    moderator.is_active = False
    moderator.save()
    assert not policy.is_moderator(moderator)
    with pytest.raises(errors.Forbidden):
        actions.reply_remove_by_moderator(reply=make_reply(article=make_article()), moderator=moderator, reason="x")


def _reply_links(page: str, reply: Reply) -> bool:
    return reverse("forum:reply_to", args=[reply.article.slug, reply.pk]) in page


def test_reply_links_are_offered_exactly_where_a_reply_would_be_accepted(client, make_user, make_reply, make_article,
                                                                       make_moderator):
    article = make_article()
    root = make_reply(article=article, body="root")
    locked = make_reply(article=article, parent=root, body="locked")
    under = make_reply(article=article, parent=locked, body="under the lock")
    held = make_reply(article=article, parent=root, body="held")
    open_one = make_reply(article=article, body="open")
    moderator = make_moderator()
    actions.branch_lock(reply=locked, moderator=moderator, reason="Cooling off")
    actions.reply_hold(reply=held, moderator=moderator, reason="Check")
    reader = make_user()
    client.force_login(reader)
    page = client.get(article.get_absolute_url()).content.decode()
    for reply in (root, locked, under, held, open_one):
        shown = _reply_links(page, reply)
        posted = client.post(reverse("forum:reply_to", args=[article.slug, reply.pk]), {"body": f"To {reply.pk}"})
        assert shown == (posted.status_code == 302), (reply.body, shown, posted.status_code)
    assert [_reply_links(page, r) for r in (root, locked, under, held, open_one)] == [True, False, False, False, True]


def test_a_locked_article_offers_no_reply_anywhere(client, make_user, make_reply, make_article):
    article = make_article()
    reply = make_reply(article=article)
    Article.objects.filter(pk=article.pk).update(locked=True)
    client.force_login(make_user())
    page = client.get(article.get_absolute_url()).content.decode()
    assert not _reply_links(page, reply) and "This discussion is locked" in page


def test_an_importer_keeps_a_threads_shape_but_not_in_a_locked_article(make_user, make_article):
    from forum.posting import services as posting

    article = make_article()
    parent = posting.reply_create(article=article, author=make_user(), body="Parent")
    Reply.objects.filter(pk=parent.pk).update(status=Reply.Status.REMOVED)
    # Under a removed reply: the thread happened that way.
    posting.reply_create(article=article, author=make_user(), body="Child", parent=parent, imported=True)
    Article.objects.filter(pk=article.pk).update(locked=True)
    with pytest.raises(errors.Forbidden, match="discussion is locked"):
        posting.reply_create(article=article, author=make_user(), body="Late", imported=True)
    assert Reply.objects.count() == 2


def test_pages_for_moderators_only_say_so_in_their_own_words(client, make_user, make_reply, make_article):
    reply = make_reply(article=make_article())
    client.force_login(make_user())
    history = client.get(reverse("forum:history", args=[reply.pk]))
    queue = client.get(reverse("forum:moderation_queue"))
    assert history.status_code == queue.status_code == 403
    assert "Only moderators can see the edit history of a reply." in history.content.decode()
    assert "Only moderators can see this page or do this." in queue.content.decode()
