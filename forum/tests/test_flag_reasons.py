"""Flags name their reason; an illegal-content notice (EU Digital Services Act) carries the
reporter's statement, and the decision reaches the reporter and, with its reasons, the author."""

import pytest
from django.core import mail
from django.urls import reverse

from forum.moderation import actions
from forum.moderation.models import Flag, ModerationLog
from forum.notifications.decisions import notify_decision
from forum.notifications.models import Notification
from forum.posting import services as posting
from forum.threads.models import Reply

pytestmark = pytest.mark.django_db

STATEMENT = "This accuses a named person of a crime without any basis: defamation under national law."



@pytest.fixture
def scene(make_article, make_user, make_moderator):
    article = make_article(title="Reasons")
    author, reporter = make_user("writer"), make_user("reporter")
    reply = posting.reply_create(article=article, author=author, body="Something contested")
    return article, author, reporter, reply, make_moderator("mod")


def _flag(client, reply, **fields):
    return client.post(reverse("forum:flag", args=[reply.pk]), fields)


@pytest.mark.parametrize("reason", ["spam", "abuse", "off_topic", "misinformation"])
def test_each_reason_is_recorded(client, scene, reason):
    article, author, reporter, reply, moderator = scene
    client.force_login(reporter)
    assert _flag(client, reply, reason=reason).status_code == 302
    assert Flag.objects.get().reason == reason


def test_the_flag_form_offers_every_reason_and_the_good_faith_statement(client, scene):
    article, author, reporter, reply, moderator = scene
    client.force_login(reporter)
    page = client.get(reverse("forum:flag", args=[reply.pk])).content.decode()
    for label in ("Spam", "Abuse or harassment", "Off-topic", "Misinformation", "Illegal content", "Something else"):
        assert label in page
    assert 'name="good_faith"' in page


@pytest.mark.parametrize("fields, message", [
    ({"reason": "illegal", "text": "", "good_faith": "on"}, "needs your statement"),
    ({"reason": "illegal", "text": "illegal!", "good_faith": "on"}, "needs your statement"),
    ({"reason": "illegal", "text": STATEMENT}, "good faith"),
    ({"reason": "other", "text": ""}, "Say what is wrong"),
    ({"reason": "because"}, "Choose why"),
])
def test_an_incomplete_notice_is_a_400_with_the_reason_and_writes_nothing(client, scene, fields, message):
    article, author, reporter, reply, moderator = scene
    client.force_login(reporter)
    response = _flag(client, reply, **fields)
    assert response.status_code == 400 and message in response.content.decode()
    assert not Flag.objects.exists()


def test_an_illegal_content_notice_keeps_the_statement_and_the_decision_reaches_both(client, scene, committed):
    article, author, reporter, reply, moderator = scene
    client.force_login(reporter)
    assert _flag(client, reply, reason="illegal", text=STATEMENT, good_faith="on").status_code == 302
    flag = Flag.objects.get()
    assert flag.text == STATEMENT and flag.good_faith
    mail.outbox.clear()
    committed(actions.reply_remove_by_moderator, reply=reply, moderator=moderator, reason="Defamatory claim about a person")
    entry = ModerationLog.objects.get(action=ModerationLog.Action.REMOVE)
    assert Flag.objects.get().decision == entry
    to_author = Notification.objects.get(kind=Notification.Kind.DECISION)
    assert to_author.recipient == author
    assert "A moderator removed your reply" in to_author.text and "Defamatory claim about a person" in to_author.text
    assert "reported as illegal content under the EU Digital Services Act" in to_author.text
    assert "contest it" in to_author.text
    to_reporter = Notification.objects.get(kind=Notification.Kind.REPORT)
    assert to_reporter.recipient == reporter and "a moderator removed the reply" in to_reporter.text
    subjects = sorted(message.subject for message in mail.outbox)
    assert subjects == ["A moderation decision about your reply on “Reasons”", "The decision on your report on “Reasons”"]
    client.force_login(author)
    assert "A moderator removed your reply" in client.get(reverse("forum:notifications")).content.decode()


def test_a_dismissed_notice_tells_the_reporter_no_breach_was_found_and_the_author_nothing(client, scene, committed):
    article, author, reporter, reply, moderator = scene
    actions.reply_flag(reply=reply, flagger=reporter, reason="illegal", text=STATEMENT, good_faith=True)
    committed(actions.flags_dismiss, reply=reply, moderator=moderator, reason="Opinion, not a claim of fact")
    told = Notification.objects.get()
    assert told.recipient == reporter and told.kind == Notification.Kind.REPORT
    assert "found no breach" in told.text and "Opinion, not a claim of fact" in told.text


def test_readers_flags_holding_a_reply_tell_its_author_why(scene, make_user, committed, settings):
    article, author, reporter, reply, moderator = scene
    settings.FORUM_FLAG_HOLD_THRESHOLD = 1
    committed(actions.reply_flag, reply=reply, flagger=reporter, reason="abuse")
    assert Reply.objects.get(pk=reply.pk).status == Reply.Status.HELD
    told = Notification.objects.get(kind=Notification.Kind.DECISION)
    assert told.recipient == author and told.text.startswith("The forum hid your reply until a moderator reviews it")
    assert "Readers flagged it" in told.text


def test_a_decision_is_told_once_however_often_its_task_runs(scene, committed):
    article, author, reporter, reply, moderator = scene
    actions.reply_flag(reply=reply, flagger=reporter, reason="illegal", text=STATEMENT, good_faith=True)
    committed(actions.reply_remove_by_moderator, reply=reply, moderator=moderator, reason="Defamation")
    entry = ModerationLog.objects.get(action=ModerationLog.Action.REMOVE)
    assert notify_decision(reply=Reply.objects.get(pk=reply.pk), entry=entry) == []  # a rerun of the task
    assert Notification.objects.count() == 2


def test_a_hold_by_manage_py_moderate_tells_the_author_why(scene, committed, settings):
    from django.core.management import call_command

    article, author, reporter, reply, moderator = scene
    settings.FORUM_WATCHED_WORDS = {"reject": [], "hold": [r"\bcontested\b"]}
    committed(call_command, "moderate", verbosity=0)
    assert Reply.objects.get(pk=reply.pk).status == Reply.Status.HELD
    told = Notification.objects.get(kind=Notification.Kind.DECISION)
    assert told.recipient == author and told.text.startswith("The forum hid your reply")
