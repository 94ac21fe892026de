"""Notifications: receivers of the signals the services send on commit (forum.notifications)."""

import pytest
from django.core import mail
from django.urls import reverse

from forum.models import Notification, Reply
from forum.moderation import actions
from forum.posting import services as posting

pytestmark = pytest.mark.django_db



@pytest.fixture
def conversation(make_article, make_user):
    article = make_article(title="Talk")
    alice, bob = make_user("alice"), make_user("bob")
    first = posting.reply_create(article=article, author=alice, body="Alice speaks")
    return article, alice, bob, first


def test_a_reply_to_you_shows_in_your_header_and_list_and_reading_marks_it_read(client, conversation, committed):
    article, alice, bob, first = conversation
    answer = committed(posting.reply_create, article=article, author=bob, parent=first, body="Bob answers")
    client.force_login(alice)
    page = client.get(reverse("forum:home")).content.decode()
    assert 'aria-label="1 unread">1</span>' in page
    listing = client.get(reverse("forum:notifications")).content.decode()
    assert "bob" in listing and "Bob answers" in listing and "unread" in listing
    note = Notification.objects.get(recipient=alice)
    response = client.post(reverse("forum:notification", args=[note.pk]))
    assert response.status_code == 302 and response["Location"].endswith(f"#r{answer.pk}")
    note.refresh_from_db()
    assert note.read_at is not None
    assert 'unread">' not in client.get(reverse("forum:home")).content.decode()


def test_nothing_is_notified_before_the_reply_commits(conversation):
    article, alice, bob, first = conversation
    posting.reply_create(article=article, author=bob, parent=first, body="Not yet")
    assert Notification.objects.count() == 0


def test_replying_to_yourself_notifies_nobody(conversation, committed):
    article, alice, _, first = conversation
    committed(posting.reply_create, article=article, author=alice, parent=first, body="And another thing")
    assert Notification.objects.count() == 0


def test_someone_elses_notification_is_404_and_stays_unread(client, conversation, committed):
    article, alice, bob, first = conversation
    committed(posting.reply_create, article=article, author=bob, parent=first, body="Hi")
    note = Notification.objects.get()
    client.force_login(bob)
    assert client.post(reverse("forum:notification", args=[note.pk])).status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


def test_the_email_goes_out_after_the_commit_not_inside_it(conversation, django_capture_on_commit_callbacks):
    article, alice, bob, first = conversation
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        posting.reply_create(article=article, author=bob, parent=first, body="Bob answers")
    assert mail.outbox == []  # nothing is sent while the transaction is open
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:  # the commit: the signal's task, then the email's
            callback()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["alice@example.com"]
    assert "bob replied to you" in message.subject
    assert "Bob answers" in message.body and f"#r{first.pk + 1}" in message.body


def test_the_email_can_be_switched_off_in_settings(client, conversation, django_capture_on_commit_callbacks):
    article, alice, bob, first = conversation
    client.force_login(alice)
    response = client.post(reverse("accounts:settings"), {"display_name": ""})  # box unticked
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.email_on_reply is False
    with django_capture_on_commit_callbacks(execute=True):
        posting.reply_create(article=article, author=bob, parent=first, body="Quietly")
    assert mail.outbox == []
    assert Notification.objects.filter(recipient=alice).count() == 1  # still in the app


def test_the_email_is_on_by_default(make_user):
    assert make_user().email_on_reply is True


def test_a_held_reply_notifies_nobody_until_a_moderator_approves_it_and_then_once(
    conversation, committed, settings, make_moderator
):
    article, alice, bob, first = conversation
    settings.FORUM_MODERATION_HOOKS = ["forum.tests.test_moderation.hold_everything"]
    held = committed(posting.reply_create, article=article, author=bob, parent=first, body="Wait for it")
    assert held.status == Reply.Status.HELD and Notification.objects.count() == 0
    moderator = make_moderator()
    committed(actions.reply_approve, reply=held, moderator=moderator)
    assert Notification.objects.filter(recipient=alice, reply=held).count() == 1
    # Held again by a moderator, then approved again: no second notification.
    committed(actions.reply_hold, reply=held, moderator=moderator, reason="Second look")
    committed(actions.reply_approve, reply=held, moderator=moderator)
    assert Notification.objects.filter(reply=held, kind=Notification.Kind.REPLY).count() == 1
    # (bob was told of the hold itself: a moderation decision about his reply, issue 14)
    assert Notification.objects.get(reply=held, kind=Notification.Kind.DECISION).recipient == bob


def test_a_reader_is_told_of_a_reply_once_even_if_two_approvals_race(conversation, committed):
    from django.db import IntegrityError, transaction

    article, alice, bob, first = conversation
    answer = committed(posting.reply_create, article=article, author=bob, parent=first, body="Once")
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(recipient=alice, reply=answer, created=answer.created)
    assert Notification.objects.filter(reply=answer).count() == 1


def test_a_receiver_that_fails_after_the_commit_does_not_fail_the_post(client, conversation, django_capture_on_commit_callbacks, caplog):
    from forum import signals

    article, alice, bob, first = conversation

    def broken(**_):
        raise RuntimeError("the mail server is on fire")

    signals.reply_posted.connect(broken, dispatch_uid="broken-receiver")
    try:
        client.force_login(bob)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("forum:reply_to", args=[article.slug, first.pk]), {"body": "Still here"})
    finally:
        signals.reply_posted.disconnect(dispatch_uid="broken-receiver")
    assert response.status_code == 302
    assert Reply.objects.filter(body="Still here").exists()
    assert "the mail server is on fire" in caplog.text
