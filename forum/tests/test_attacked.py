"""Issue 14, "Found when attacked": each test failed before its fix."""

import datetime

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from forum import errors
from forum.models import Flag, ModerationLog, Reply
from forum.moderation import actions, suspensions
from forum.notifications.models import Notification
from forum.posting import services as posting

pytestmark = pytest.mark.django_db


@pytest.fixture
def article(make_article):
    return make_article(title="Debate")



@pytest.fixture
def established(make_user, make_article):
    """A reader who joined weeks ago and has published replies: not a new account."""

    def make(username=None):
        user = make_user(username)
        elsewhere = make_article()
        for number in range(3):
            posting.reply_create(article=elsewhere, author=user, body=f"An older reply, number {number}.")
        type(user).objects.filter(pk=user.pk).update(date_joined=timezone.now() - datetime.timedelta(days=30))
        user.refresh_from_db()
        return user

    return make


def flag(client, reply, reason="spam", text=""):
    return client.post(reverse("forum:flag", args=[reply.pk]), {"reason": reason, "text": text})


# --- A flag needs what posting needs -----------------------------------------------------------------


@pytest.mark.parametrize("kind", ["unverified", "suspended", "inactive"])
def test_only_an_account_that_may_post_may_flag(client, make_user, make_reply, article, moderator, kind):
    reply = make_reply(article=article)
    user = make_user(verified=kind != "unverified")
    if kind == "suspended":
        suspensions.user_ban(user=user, moderator=moderator, reason="Trolling")
    if kind == "inactive":
        user.is_active = False
        user.save(update_fields=["is_active"])
        client.force_login(user)  # a session from before it was deactivated
    client.force_login(user)
    response = flag(client, reply)
    if kind == "inactive":  # Django's ModelBackend signs an inactive account out
        assert response.status_code == 302 and Flag.objects.count() == 0
        return
    assert response.status_code == 403
    assert ("verify your email" if kind == "unverified" else "suspended") in response.content.decode()
    assert Flag.objects.count() == 0
    user.refresh_from_db()
    with pytest.raises(errors.Forbidden):
        actions.reply_flag(reply=reply, flagger=user, reason="spam")


def test_three_unverified_accounts_cannot_hold_a_reply(make_user, make_reply, article):
    reply = make_reply(article=article)
    for _ in range(3):
        with pytest.raises(errors.Forbidden):
            actions.reply_flag(reply=reply, flagger=make_user(verified=False), reason="abuse")
    reply.refresh_from_db()
    assert reply.status == Reply.Status.PUBLISHED


def test_new_accounts_flags_weigh_less_than_established_readers(make_user, make_reply, established, article, settings):
    reply = make_reply(article=article)
    for _ in range(3):
        actions.reply_flag(reply=reply, flagger=make_user(), reason="abuse")
    reply.refresh_from_db()
    assert reply.status == Reply.Status.PUBLISHED  # three new accounts are not enough
    other = make_reply(article=article)
    for _ in range(3):
        actions.reply_flag(reply=other, flagger=established(), reason="abuse")
    other.refresh_from_db()
    assert other.status == Reply.Status.HELD  # three established readers are
    weights = set(Flag.objects.values_list("weight", flat=True))
    assert weights == {1, 2}


def test_a_flag_is_not_offered_on_a_placeholder_awaiting_moderation(client, make_user, make_reply, article, settings):
    settings.FORUM_MODERATION_HOOKS = ["forum.tests.test_moderation.hold_everything"]
    held = make_reply(article=article, body="Waiting")
    settings.FORUM_MODERATION_HOOKS = []
    client.force_login(make_user())
    page = client.get(article.get_absolute_url()).content.decode()
    assert "[awaiting moderation]" in page
    assert reverse("forum:flag", args=[held.pk]) not in page
    response = flag(client, held)
    assert response.status_code == 400 and Flag.objects.count() == 0


# --- The moderation log under a role that does not own it (PostgreSQL) -----------------------------------


@pytest.mark.postgres
def test_truncate_of_the_moderation_log_is_refused(make_reply, article, moderator):
    from django.db import DatabaseError, connection, transaction

    reply = make_reply(article=article)
    actions.reply_hold(reply=reply, moderator=moderator, reason="Look")
    with connection.cursor() as cursor:
        # The test's transaction has deferred foreign-key checks pending, which would refuse a
        # TRUNCATE before the guard is reached; outside a test there are none.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            cursor.execute("TRUNCATE forum_moderationlog CASCADE")
    assert ModerationLog.objects.count() == 1


@pytest.mark.postgres
def test_an_app_role_with_insert_and_select_on_the_log_cannot_change_or_empty_it(make_reply, article, moderator):
    """docs/deploy.md: the app runs as a role that owns no table, with INSERT and SELECT on the log."""
    from django.db import DatabaseError, connection, transaction

    reply = make_reply(article=article)
    actions.reply_hold(reply=reply, moderator=moderator, reason="Look")
    role = f"forum_app_{connection.settings_dict['NAME']}"[:60]
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE ROLE "{role}" NOLOGIN')
        cursor.execute(f'GRANT SELECT, INSERT ON forum_moderationlog TO "{role}"')
        cursor.execute(f'GRANT USAGE ON SEQUENCE forum_moderationlog_id_seq TO "{role}"')
        cursor.execute(f'GRANT SELECT ON forum_reply, forum_article, accounts_user TO "{role}"')
        cursor.execute(f'SET ROLE "{role}"')
        try:
            for statement in [
                "UPDATE forum_moderationlog SET reason = 'rewritten'",
                "DELETE FROM forum_moderationlog",
                "TRUNCATE forum_moderationlog",
                "ALTER TABLE forum_moderationlog DISABLE TRIGGER forum_moderationlog_append_only",
                "ALTER TABLE forum_moderationlog DISABLE TRIGGER ALL",
                "DROP TABLE forum_moderationlog",
            ]:
                with pytest.raises(DatabaseError), transaction.atomic():
                    cursor.execute(statement)
            with transaction.atomic():
                cursor.execute(
                    "INSERT INTO forum_moderationlog (action, reason, detail, created, reply_id) "
                    "VALUES ('hold', 'by the app role', '', now(), %s)",
                    [reply.pk],
                )
            cursor.execute("SELECT count(*) FROM forum_moderationlog")
            assert cursor.fetchone()[0] == 2
        finally:
            cursor.execute("RESET ROLE")
    assert ModerationLog.objects.filter(reason="rewritten").count() == 0


# --- A signed-out visitor's drafts -------------------------------------------------------------------------


def test_a_signed_out_visitor_keeps_one_draft_no_longer_than_the_limit(client, make_reply, article, settings):
    settings.FORUM_REPLY_MAX_LENGTH = 500
    parents = [make_reply(article=article) for _ in range(5)]
    for parent in parents:
        response = client.post(reverse("forum:reply_to", args=[article.slug, parent.pk]), {"body": "x" * 100_000})
        assert response.status_code == 302
    session = Session.objects.get().get_decoded()
    drafts = [key for key in session if key.startswith("draft")]
    assert len(drafts) == 1
    assert len(str(session[drafts[0]])) < 1000
    # The last one is the one kept, and shown on its page.
    page = client.get(reverse("forum:reply_to", args=[article.slug, parents[-1].pk])).content.decode()
    assert "x" * 500 in page and "x" * 501 not in page
    page = client.get(reverse("forum:reply_to", args=[article.slug, parents[0].pk])).content.decode()
    assert "x" * 500 not in page


# --- Names: bidi controls, zero width, control characters, NFKC ---------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["\u202emitcivx", "Jane\nDoe", "Jane\u200bDoe", "Jane\u2066Doe", "Jane\x07Doe", "Jane\u200dDoe", "\ufeffJane"],
)
def test_display_names_with_invisible_or_control_characters_are_refused(client, make_user, name):
    user = make_user()
    client.force_login(user)
    response = client.post(reverse("accounts:settings"), {"display_name": name, "email_on_reply": "on"})
    assert response.status_code == 400
    assert "cannot contain" in response.content.decode()
    user.refresh_from_db()
    assert user.display_name == ""


def test_a_signup_username_with_a_bidi_override_is_refused(client):
    from accounts.models import User

    response = client.post(
        reverse("account_signup"),
        {"username": "\u202emitcivx", "email": "x@example.com", "password1": "a-long-pass-9", "password2": "a-long-pass-9"},
    )
    assert response.status_code == 200 and User.objects.count() == 0


# --- The admin's Suspend action ------------------------------------------------------------------------------


def test_the_admin_suspends_until_a_date_written_the_sites_way(client, make_user, moderator):
    target = make_user("troll")
    client.force_login(moderator)
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "ban", "_selected_action": [target.pk], "reason": "Trolling", "until": "31/12/2099"},
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.banned_until == datetime.datetime(2099, 12, 31, 23, 59, 59, 999999, tzinfo=datetime.UTC)


def test_the_admin_refuses_a_bad_suspension_date_without_a_500(client, make_user, moderator):
    target = make_user("troll")
    client.force_login(moderator)
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "ban", "_selected_action": [target.pk], "reason": "Trolling", "until": "31/02/2099"},
        follow=True,
    )
    assert response.status_code == 200 and "must be a date" in response.content.decode()
    target.refresh_from_db()
    assert target.banned_at is None


# --- Text that is not what was posted --------------------------------------------------------------------------


@pytest.mark.parametrize("raw", [b"body=caf%E9", b"body=%ED%A0%80lone", b"body=%FF%FE"])
def test_a_reply_body_that_is_not_utf8_is_a_400_and_nothing_is_written(client, make_user, article, raw):
    client.force_login(make_user())
    response = client.post(
        reverse("forum:reply_top", args=[article.slug]), raw, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    assert "UTF-8" in response.content.decode()
    assert Reply.objects.count() == 0


def test_a_multipart_body_that_is_not_utf8_is_a_400(client, make_user, article):
    client.force_login(make_user())
    boundary = "BoUnDaRy"
    raw = (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"body\"\r\n\r\n".encode()
        + b"caf\xe9 \xed\xa0\x80"
        + f"\r\n--{boundary}--\r\n".encode()
    )
    response = client.post(
        reverse("forum:reply_top", args=[article.slug]), raw, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert response.status_code == 400 and Reply.objects.count() == 0


def test_a_valid_utf8_body_with_a_replacement_character_still_posts(client, make_user, article):
    client.force_login(make_user())
    response = client.post(reverse("forum:reply_top", args=[article.slug]), {"body": "A \ufffd sign, pasted."})
    assert response.status_code == 302 and Reply.objects.count() == 1


# --- Locks, notifications ---------------------------------------------------------------------------------------


def test_an_edit_inside_a_locked_branch_is_refused(client, make_user, make_reply, article, moderator):
    author = make_user()
    top = make_reply(article=article)
    reply = posting.reply_create(article=article, author=author, parent=top, body="Before the lock")
    actions.branch_lock(reply=top, moderator=moderator, reason="Heated")
    client.force_login(author)
    response = client.post(reverse("forum:edit", args=[reply.pk]), {"body": "After the lock"})
    assert response.status_code == 403 and "locked" in response.content.decode()
    reply.refresh_from_db()
    assert reply.body == "Before the lock" and not reply.revisions.exists()
    assert client.get(reverse("forum:edit", args=[reply.pk])).status_code == 403
    page = client.get(reply.get_absolute_url()).content.decode()
    assert reverse("forum:edit", args=[reply.pk]) not in page


def test_an_edit_in_a_locked_article_is_refused(client, make_user, article, moderator):
    author = make_user()
    reply = posting.reply_create(article=article, author=author, body="Before the lock")
    actions.article_lock(article=article, moderator=moderator, reason="Closed")
    client.force_login(author)
    response = client.post(reverse("forum:edit", args=[reply.pk]), {"body": "After the lock"})
    assert response.status_code == 403
    reply.refresh_from_db()
    assert reply.body == "Before the lock"
    with pytest.raises(errors.Forbidden):
        posting.reply_edit(reply=reply, editor=author, body="Through the service")


@pytest.fixture
def notification(make_user, make_reply, article, django_capture_on_commit_callbacks):
    recipient = make_user("recipient")
    parent = posting.reply_create(article=article, author=recipient, body="Mine")
    with django_capture_on_commit_callbacks(execute=True):
        make_reply(article=article, parent=parent)
    return Notification.objects.get(recipient=recipient)


def test_opening_a_notification_by_get_changes_nothing(client, notification):
    client.force_login(notification.recipient)
    url = reverse("forum:notification", args=[notification.pk])
    response = client.get(url)
    notification.refresh_from_db()
    assert notification.read_at is None
    assert response.status_code == 405
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == notification.reply.get_landing_url()
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_the_notification_list_opens_each_with_a_post(client, notification):
    client.force_login(notification.recipient)
    page = client.get(reverse("forum:notifications")).content.decode()
    assert f'action="{reverse("forum:notification", args=[notification.pk])}"' in page
    assert 'method="post"' in page


def test_another_users_notification_is_404_like_a_missing_one(client, make_user, notification):
    client.force_login(make_user())
    theirs = client.post(reverse("forum:notification", args=[notification.pk]))
    missing = client.post(reverse("forum:notification", args=[notification.pk + 1000]))
    assert theirs.status_code == missing.status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


# --- Sign-up does not tell who has an account -------------------------------------------------------------------


def signup(client, username, email):
    return client.post(
        reverse("account_signup"),
        {"username": username, "email": email, "password1": "a-long-pass-9", "password2": "a-long-pass-9"},
    )


def test_signup_with_a_taken_email_answers_as_a_new_one_and_mails_the_owner(client, make_user, settings):
    from accounts.models import User

    make_user("owner", email="taken@example.com")
    new = signup(client, "newcomer", "fresh@example.com")
    client.logout()
    mail.outbox.clear()
    taken = signup(client, "someoneelse", "taken@example.com")
    assert "already registered" not in taken.content.decode()
    assert taken.status_code == new.status_code == 302
    assert taken["Location"] == new["Location"]
    assert not User.objects.filter(username="someoneelse").exists()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["taken@example.com"]
    assert "password" in mail.outbox[0].body.lower()


# --- Headers --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/no-such-page/", "/healthz"])
def test_every_response_carries_a_permissions_policy(client, path):
    response = client.get(path)
    policy = response["Permissions-Policy"]
    for feature in ["camera=()", "microphone=()", "geolocation=()", "payment=()"]:
        assert feature in policy
