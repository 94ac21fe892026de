import pytest
from django.core import mail
from django.urls import reverse

from forum import services
from forum.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def conversation(make_article, make_user):
    article = make_article(title="Talk")
    alice, bob = make_user("alice"), make_user("bob")
    first = services.reply_create(article=article, author=alice, body="Alice speaks")
    return article, alice, bob, first


def test_a_reply_to_you_shows_in_your_header_and_list_and_reading_marks_it_read(client, conversation):
    article, alice, bob, first = conversation
    answer = services.reply_create(article=article, author=bob, parent=first, body="Bob answers")
    client.force_login(alice)
    page = client.get(reverse("forum:home")).content.decode()
    assert 'aria-label="1 unread">1</span>' in page
    listing = client.get(reverse("forum:notifications")).content.decode()
    assert "bob" in listing and "Bob answers" in listing and "unread" in listing
    note = Notification.objects.get(recipient=alice)
    response = client.get(reverse("forum:notification", args=[note.pk]))
    assert response.status_code == 302 and response["Location"].endswith(f"#r{answer.pk}")
    note.refresh_from_db()
    assert note.read_at is not None
    assert 'unread">' not in client.get(reverse("forum:home")).content.decode()


def test_replying_to_yourself_notifies_nobody(conversation):
    article, alice, _, first = conversation
    services.reply_create(article=article, author=alice, parent=first, body="And another thing")
    assert Notification.objects.count() == 0


def test_someone_elses_notification_is_403_and_stays_unread(client, conversation):
    article, alice, bob, first = conversation
    services.reply_create(article=article, author=bob, parent=first, body="Hi")
    note = Notification.objects.get()
    client.force_login(bob)
    assert client.get(reverse("forum:notification", args=[note.pk])).status_code == 403
    note.refresh_from_db()
    assert note.read_at is None


def test_the_email_goes_out_after_the_commit_not_inside_it(conversation, django_capture_on_commit_callbacks):
    article, alice, bob, first = conversation
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.reply_create(article=article, author=bob, parent=first, body="Bob answers")
    assert mail.outbox == []  # nothing is sent while the transaction is open
    for callback in callbacks:
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
        services.reply_create(article=article, author=bob, parent=first, body="Quietly")
    assert mail.outbox == []
    assert Notification.objects.filter(recipient=alice).count() == 1  # still in the app


def test_the_email_is_on_by_default(make_user):
    assert make_user().email_on_reply is True
