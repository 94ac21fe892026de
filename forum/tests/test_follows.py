"""Following a discussion, @mentions, ignoring someone, one-click unsubscribe, and the digest."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import Ignore, User
from forum.notifications.follows import follow_set, send_digests
from forum.notifications.models import ArticleFollow, Notification
from forum.posting import services as posting

pytestmark = pytest.mark.django_db



@pytest.fixture
def scene(make_article, make_user):
    article = make_article(title="Followed")
    return article, make_user("alice"), make_user("bob"), make_user("carol")


def _follow(client, article, value="1"):
    return client.post(reverse("forum:follow", args=[article.slug]), {"follow": value})


def test_a_follower_is_told_of_every_new_reply_and_emailed_with_a_one_click_unsubscribe(client, scene, committed):
    article, alice, bob, carol = scene
    client.force_login(alice)
    assert _follow(client, article).status_code == 302
    assert ArticleFollow.objects.filter(user=alice, article=article).exists()
    mail.outbox.clear()
    reply = committed(posting.reply_create, article=article, author=bob, body="News from Hmeimim")
    told = Notification.objects.get(recipient=alice)
    assert told.kind == Notification.Kind.FOLLOW and told.reply == reply
    (message,) = [m for m in mail.outbox if m.to == ["alice@example.com"]]
    assert "News from Hmeimim" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = re.search(r"<(http[^>]+)>", message.extra_headers["List-Unsubscribe"]).group(1)
    assert link in message.body
    path = urlsplit(link).path
    signed_out = client.__class__()
    assert "Stop emails about new replies in" in signed_out.get(path).content.decode()
    assert ArticleFollow.objects.filter(user=alice).exists()  # a GET changes nothing
    assert signed_out.post(path, {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert not ArticleFollow.objects.filter(user=alice).exists()


def test_a_tampered_unsubscribe_link_is_a_400_and_changes_nothing(client, scene):
    article, alice, bob, carol = scene
    ArticleFollow.objects.create(user=alice, article=article, created=article.published_on or "2026-01-01T00:00Z")
    response = client.post(reverse("forum:unsubscribe", args=["not-a-token"]))
    assert response.status_code == 400 and "not valid" in response.content.decode()
    assert ArticleFollow.objects.filter(user=alice).exists()


def test_posting_follows_by_default_and_the_setting_turns_it_off(scene, committed):
    article, alice, bob, carol = scene
    committed(posting.reply_create, article=article, author=bob, body="I follow now")
    assert ArticleFollow.objects.filter(user=bob, article=article).exists()
    carol.follow_on_reply = False
    carol.save(update_fields=["follow_on_reply"])
    committed(posting.reply_create, article=article, author=carol, body="I do not")
    assert not ArticleFollow.objects.filter(user=carol).exists()


def test_a_digest_reader_gets_no_email_per_reply_and_one_digest(scene, committed):
    article, alice, bob, carol = scene
    alice.follow_email = User.FollowEmail.DIGEST
    alice.save(update_fields=["follow_email"])
    ArticleFollow.objects.create(user=alice, article=article, created="2026-01-01T00:00Z")
    mail.outbox.clear()
    committed(posting.reply_create, article=article, author=bob, body="First of the day")
    committed(posting.reply_create, article=article, author=carol, body="Second of the day")
    assert not [m for m in mail.outbox if m.to == ["alice@example.com"]]
    committed(send_digests.call)
    (digest,) = [m for m in mail.outbox if m.to == ["alice@example.com"]]
    assert digest.subject == "2 new replies in the discussions you follow"
    assert "First of the day" in digest.body and "Second of the day" in digest.body
    assert "List-Unsubscribe" in digest.extra_headers
    committed(send_digests.call)  # nothing new: nothing sent twice
    assert len([m for m in mail.outbox if m.to == ["alice@example.com"]]) == 1


def test_a_mention_links_the_profile_and_notifies_once_but_not_in_quotes_or_code(scene, committed):
    article, alice, bob, carol = scene
    reply = committed(
        posting.reply_create, article=article, author=bob,
        body="> @carol said this\n\nWhat do you think, @Alice? And `@carol` in code. @alice again, @nobody.",
    )
    assert '<a href="/u/alice/" class="mention"' in reply.body_html
    assert "/u/carol/" not in reply.body_html and "@nobody" in reply.body_html
    assert Notification.objects.filter(recipient=alice, kind=Notification.Kind.MENTION).count() == 1
    assert not Notification.objects.filter(recipient=carol).exists()


def test_an_answer_that_also_mentions_you_in_a_discussion_you_follow_is_one_notification(scene, committed):
    article, alice, bob, carol = scene
    first = committed(posting.reply_create, article=article, author=alice, body="My point")  # alice follows now
    committed(posting.reply_create, article=article, author=bob, parent=first, body="@alice, no")
    assert Notification.objects.filter(recipient=alice).count() == 1
    assert Notification.objects.get(recipient=alice).kind == Notification.Kind.REPLY


def test_someone_you_ignore_cannot_notify_you(client, scene, committed):
    article, alice, bob, carol = scene
    client.force_login(alice)
    response = client.post(reverse("accounts:ignore"), {"username": "bob"})
    assert response.status_code == 302 and Ignore.objects.filter(user=alice, ignored=bob).exists()
    first = committed(posting.reply_create, article=article, author=alice, body="Mine")
    committed(posting.reply_create, article=article, author=bob, parent=first, body="@alice answer me")
    assert not Notification.objects.filter(recipient=alice).exists()
    page = client.get(reverse("accounts:settings")).content.decode()
    assert "People you ignore" in page and "bob" in page
    client.post(reverse("accounts:ignore"), {"username": "bob", "ignore": "0"})
    assert not Ignore.objects.exists()


@pytest.mark.parametrize("username, status", [("alice", 400), ("nobody-here", 404)])
def test_ignoring_yourself_or_nobody_is_refused_and_writes_nothing(client, scene, username, status):
    article, alice, bob, carol = scene
    client.force_login(alice)
    response = client.post(reverse("accounts:ignore"), {"username": username})
    assert response.status_code == status and 'role="alert"' in response.content.decode()
    assert not Ignore.objects.exists()


@pytest.mark.parametrize("value", ["", "yes", "2"])
def test_a_follow_post_without_a_clear_answer_is_a_400(client, scene, value):
    article, alice, bob, carol = scene
    client.force_login(alice)
    assert _follow(client, article, value).status_code == 400
    assert not ArticleFollow.objects.exists()


def test_the_profile_lives_at_u_and_the_old_address_redirects(client, scene):
    article, alice, bob, carol = scene
    assert client.get("/u/alice/").status_code == 200
    response = client.get("/users/alice/")
    assert response.status_code == 301 and response["Location"] == "/u/alice/"


def test_the_article_page_offers_follow_and_says_when_you_do_on_every_path(client, scene, settings):
    article, alice, bob, carol = scene
    for cache_seconds in (0, 60):  # drawn for the reader, and the members' shared thread
        settings.FORUM_THREAD_CACHE_SECONDS = cache_seconds
        ArticleFollow.objects.all().delete()
        client.force_login(alice)
        assert "Follow this discussion" in client.get(article.get_absolute_url()).content.decode()
        _follow(client, article)
        assert 'aria-pressed="true">Following: stop' in client.get(article.get_absolute_url()).content.decode()
        client.force_login(bob)  # the shared thread alice drew does not carry her choice
        assert "Follow this discussion" in client.get(article.get_absolute_url()).content.decode()


def test_the_notifications_list_says_who_mentioned_you_and_who_posted_where_you_follow(client, scene, committed):
    article, alice, bob, carol = scene
    committed(follow_set, user=carol, article=article, following=True)
    committed(posting.reply_create, article=article, author=bob, body="Ask @alice about Hmeimim.")
    client.force_login(alice)
    page = client.get(reverse("forum:notifications")).content.decode()
    assert "bob mentioned you on “Followed”" in page and "Ask @alice about Hmeimim." in page
    client.force_login(carol)
    page = client.get(reverse("forum:notifications")).content.decode()
    assert "bob replied in “Followed”, which you follow" in page and "Ask @alice about Hmeimim." in page
