"""A moderator's page per account: replies in every status, flags made and received, actions
taken, append-only notes; and the automatic pre-moderation of an account whose replies keep
being removed."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from forum.moderation import actions, people
from forum.moderation.models import ModerationLog, ModeratorNote
from forum.posting import services as posting
from forum.threads.models import Reply

pytestmark = pytest.mark.django_db



def _history(client, person):
    return client.get(reverse("forum:moderation_user", args=[person.username]))


def test_the_history_shows_every_status_flags_and_actions(client, make_article, make_user, moderator):
    article = make_article(title="History")
    troll, reader = make_user("troll"), make_user("reader")
    kept = posting.reply_create(article=article, author=troll, body="A fair point")
    gone = posting.reply_create(article=article, author=troll, body="Something nasty")
    actions.reply_remove_by_moderator(reply=gone, moderator=moderator, reason="abuse")
    actions.reply_flag(reply=kept, flagger=reader, reason="off_topic", text="")
    posting.reply_create(article=article, author=reader, body="Reader speaks")
    client.force_login(moderator)
    page = _history(client, troll).content.decode()
    assert "A fair point" in page and "Something nasty" in page  # moderators read removed text here
    assert "(removed)" in page and "(published)" in page
    assert "Off-topic" in page and "from reader" in page
    assert "removed a reply" in page and "abuse" in page
    their = _history(client, reader).content.decode()
    assert "Off-topic" in their and "by troll" in their  # the flag they made


def test_the_history_costs_the_same_queries_for_a_long_record(client, make_article, make_user, moderator):
    article = make_article()
    person = make_user("busy")
    client.force_login(moderator)
    posting.reply_create(article=article, author=person, body="one")
    with CaptureQueriesContext(connection) as short:
        assert _history(client, person).status_code == 200
    for number in range(12):
        reply = posting.reply_create(article=article, author=person, body=f"reply {number}")
        people.note_add(user=person, moderator=moderator, text=f"note {number}")
        if number % 3 == 0:
            actions.reply_hold(reply=reply, moderator=moderator, reason="check")
    with CaptureQueriesContext(connection) as long:
        assert _history(client, person).status_code == 200
    assert len(long) == len(short)


def test_notes_are_added_by_moderators_and_never_changed(client, make_user, moderator):
    person = make_user("noted")
    client.force_login(moderator)
    response = client.post(reverse("forum:moderation_user_note", args=[person.username]), {"text": "Warned by email on Monday."})
    assert response.status_code == 302
    note = ModeratorNote.objects.get()
    assert note.author == moderator and "Warned by email" in _history(client, person).content.decode()
    with pytest.raises(TypeError):
        note.save()
    with pytest.raises(TypeError):
        ModeratorNote.objects.all().delete()


@pytest.mark.parametrize("text, message", [("   ", "cannot be empty"), ("x" * 2001, "at most 2000"), ("bell\x07", "control characters")])
def test_a_bad_note_is_a_400_and_writes_nothing(client, make_user, moderator, text, message):
    person = make_user("noted")
    client.force_login(moderator)
    response = client.post(reverse("forum:moderation_user_note", args=[person.username]), {"text": text})
    assert response.status_code == 400 and message in response.content.decode()
    assert not ModeratorNote.objects.exists()


def test_readers_cannot_see_a_history_or_add_notes(client, make_user):
    person, nosy = make_user("person"), make_user("nosy")
    client.force_login(nosy)
    assert _history(client, person).status_code == 403
    assert client.post(reverse("forum:moderation_user_note", args=[person.username]), {"text": "hi"}).status_code == 403
    assert not ModeratorNote.objects.exists()


@pytest.mark.postgres
def test_the_database_refuses_to_change_a_note(make_user, moderator):
    note = people.note_add(user=make_user("x"), moderator=moderator, text="kept")
    from django.db import DatabaseError, transaction

    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE forum_moderatornote SET text = 'changed' WHERE id = %s", [note.pk])


def test_an_account_whose_replies_keep_being_removed_is_premoderated_and_logged(client, make_article, make_user, moderator, settings):
    settings.FORUM_REMOVAL_RATE_MIN, settings.FORUM_REMOVAL_RATE_THRESHOLD, settings.FORUM_REMOVAL_RATE_WINDOW = 3, 50, 6
    article = make_article()
    person = make_user("repeat")
    for number in range(4):
        reply = posting.reply_create(article=article, author=person, body=f"bad {number}")
        if number < 3:
            actions.reply_remove_by_moderator(reply=reply, moderator=moderator, reason="abuse")
    held = posting.reply_create(article=article, author=person, body="and again")
    assert held.status == Reply.Status.HELD
    entry = ModerationLog.objects.filter(reply=held, action=ModerationLog.Action.HOLD).get()
    assert entry.actor is None and "3 of this account's last 4 replies were removed" in entry.reason
    client.force_login(moderator)
    assert "Pre-moderated automatically: 3 of this account" in _history(client, person).content.decode()
