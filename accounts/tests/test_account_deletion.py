"""Delete your account (issue 17): /settings/delete/ asks for the password (or a fresh sign-in),
a grace period follows in which signing in offers to cancel, then a task anonymises the account:
afterwards its email, names and words are in no row of any table."""

import io
import json
import re
import zipfile
from datetime import timedelta

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accounts import services as account_services
from accounts.services import NameRefused, check_name_available
from conftest import PASSWORD
from forum.moderation import actions as moderation
from forum.moderation import people, suspensions
from forum.moderation.models import Flag, ModerationLog, ModeratorNote
from forum.notifications import follows
from forum.notifications.models import ArticleFollow, Notification
from forum.posting import services as posting
from forum.privacy.models import DataExport
from forum.reactions import services as reactions
from forum.threads import presenters
from forum.threads.models import Reply, ReplyRevision

User = get_user_model()
DELETE = "/settings/delete/"
CANCEL = "/settings/delete/cancel/"
DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# What must be gone: the account's names and address, and words only its replies and flag held.
USERNAME, DISPLAY, EMAIL = "zebulonq", "Quistorp Vantablack", "zq.hidden@mailbox.example"
WORDS = ["zorblax", "glimmerwhisk", "frobnicant", "quuxwort"]


def run_worker():
    """One pass of the real worker over every task that is due (as forum/tests/test_tasks.py)."""
    call_command("worker", batch=True, startup_delay=False, reload=False, interval=0, worker_id="test-worker",
                 verbosity=0)


def rows_holding(needles) -> list[tuple[str, str, str]]:
    """(table, column, needle) for every value of every column of every table (text, JSON and
    binary alike: `SELECT *`, nothing left out) that holds a needle, case-insensitively. The
    tables come from the database itself, so the queue's, the sessions', the search index's and
    allauth's are in."""
    found = []
    folded = [needle.casefold() for needle in needles]
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            columns = [column[0] for column in cursor.description]
            for row in cursor.fetchall():
                for column, value in zip(columns, row):
                    if value is None or isinstance(value, (int, float, bool)):
                        continue
                    if isinstance(value, (bytes, memoryview)):
                        text = _readable(bytes(value))
                    elif isinstance(value, (dict, list)):
                        text = json.dumps(value, ensure_ascii=False)
                    else:
                        text = str(value)
                    text = text.casefold()
                    found += [(table, column, needle) for needle in folded if needle in text]
    return found


def _readable(data: bytes) -> str:
    """Bytes as text; a ZIP (an archive of someone's data) with its files unpacked."""
    text = data.decode("utf-8", "replace")
    if data.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            text += "".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
    return text


def _password_reset_mail(client, email):
    client.post(reverse("account_reset_password"), {"email": email})


@pytest.mark.django_db(transaction=True)
def test_after_the_grace_period_the_account_is_anonymised_and_named_in_no_row(
    client, make_user, make_article, settings
):
    settings.TASKS = DATABASE_BACKEND
    settings.FORUM_THREAD_CACHE_SECONDS = 60
    article = make_article(title="Withdrawal")
    alice = make_user(USERNAME, display_name=DISPLAY, email=EMAIL)
    bob, carol = make_user("bob"), make_user("carol")
    mod = make_user("boss", is_superuser=True, is_staff=True)
    # A life: posted, edited, mentioned, was mentioned, quoted, flagged, recommended, followed,
    # ignored and was ignored, was moderated and suspended, got email, asked for an archive.
    first = posting.reply_create(article=article, author=alice, body="A glimmerwhisk thought")
    first = posting.reply_edit(reply=first, editor=alice, body="A zorblax thought")
    answer = posting.reply_create(article=article, author=bob, parent=first,
                                  body=presenters.quote_of(first) + "@zebulonq I disagree.")
    under = posting.reply_create(article=article, author=carol, parent=first, body="Carol under Alice")
    second = posting.reply_create(article=article, author=alice, parent=answer, body="@bob quuxwort indeed")
    moderation.reply_flag(reply=answer, flagger=alice, reason=Flag.Reason.OTHER, text="frobnicant, I say")
    reactions.recommend_set(reply=answer, user=alice, on=True)
    reactions.recommend_set(reply=first, user=bob, on=True)
    follows.follow_set(user=alice, article=article, following=True)
    account_services.ignore_add(user=alice, ignored=carol, now=timezone.now())
    account_services.ignore_add(user=carol, ignored=alice, now=timezone.now())
    moderation.reply_remove_by_moderator(reply=second, moderator=mod, reason=f"{DISPLAY} posted quuxwort again")
    suspensions.user_ban(user=alice, moderator=mod, reason=f"{USERNAME} was warned", until=timezone.now() + timedelta(days=1))
    people.note_add(user=alice, moderator=mod, text=f"Wrote from {EMAIL}")
    _password_reset_mail(client, EMAIL)
    LogEntry.objects.create(  # an admin changed her account once
        user=mod, content_type=ContentType.objects.get_for_model(User), object_id=str(alice.pk),
        object_repr=str(alice), action_flag=CHANGE, change_message='[{"changed": {"fields": ["Display name"]}}]',
    )
    elsewhere = Client()
    elsewhere.force_login(alice)  # signed in on another device too
    client.force_login(alice)
    assert client.post("/settings/data/").status_code == 302
    run_worker()
    assert Notification.objects.filter(recipient=alice).exists()
    assert DataExport.objects.get(user=alice).size > 0
    assert any(EMAIL in json.dumps(row.args_kwargs) for row in DBTaskResult.objects.all())
    page = client.get(article.get_absolute_url())  # a page drawn with the words, cached
    assert "zorblax" in page.content.decode()
    # The scan finds what is there, down to the queue's rows and the search index.
    before = {(table, column) for table, column, _ in rows_holding([USERNAME, DISPLAY, EMAIL, *WORDS])}
    search = ("forum_reply", "search_vector") if connection.vendor == "postgresql" else ("forum_reply_fts_data", "block")
    assert {("forum_reply", "body"), ("django_tasks_database_dbtaskresult", "args_kwargs"), ("forum_dataexport", "archive"),
            ("accounts_user", "username"), ("forum_moderationlog", "reason"), search} <= before

    assert client.post(DELETE, {"password": PASSWORD}).status_code == 302
    alice.refresh_from_db()
    assert alice.deletion_due_at > timezone.now() + timedelta(days=6)
    scheduled = DBTaskResult.objects.get(task_path__endswith="account_delete")
    assert scheduled.args_kwargs == {"args": [alice.pk, None], "kwargs": {}}  # ids only
    run_worker()  # not due yet: nothing happens
    alice.refresh_from_db()
    assert alice.deleted_at is None and Reply.objects.get(pk=first.pk).body == "A zorblax thought"

    # Seven days later.
    past = timezone.now() - timedelta(seconds=1)
    User.objects.filter(pk=alice.pk).update(deletion_due_at=past)
    DBTaskResult.objects.filter(pk=scheduled.pk).update(run_after=past)
    run_worker()

    left = rows_holding([USERNAME, DISPLAY, EMAIL, *WORDS])
    assert left == []
    # Sessions are encoded, so the scan cannot read them: decoded, none is hers.
    store = Session.get_session_store_class()()
    assert not [row for row in Session.objects.all() if store.decode(row.session_data).get("_auth_user_id") == str(alice.pk)]
    assert elsewhere.get(reverse("accounts:settings")).status_code == 302  # signed out there too
    alice.refresh_from_db()
    assert alice.username == f"deleted-{alice.pk}" and alice.deleted_at is not None
    assert alice.email == "" and alice.display_name == "" and not alice.is_active
    assert alice.password.startswith(UNUSABLE_PASSWORD_PREFIX)
    # The thread keeps its shape: the tombstones in place, the replies under them too.
    for reply in (first, second):
        row = Reply.objects.get(pk=reply.pk)
        assert (row.body, row.status, row.removed_by) == ("[deleted]", "removed", "deleted")
    assert Reply.objects.get(pk=under.pk).parent_id == first.pk
    assert Reply.objects.get(pk=answer.pk).parent_id == first.pk
    assert not ReplyRevision.objects.filter(reply__author=alice).exists()
    call_command("check_tree", verbosity=0)
    bob_now = Reply.objects.get(pk=answer.pk)
    assert f"@deleted-{alice.pk} I disagree." in bob_now.body and "[deleted] wrote:" in bob_now.body
    assert (bob_now.recommend_count, bob_now.best_score) == (0, 0.0)  # her recommendation withdrawn, rescored
    # Kept, without the words: her flag and the log's entries.
    flag = Flag.objects.get(flagger=alice)
    assert flag.text == "" and flag.reason == "other"
    entries = ModerationLog.objects.filter(user=alice)
    assert {entry.action for entry in entries} >= {"remove", "ban"}
    assert {entry.reason for entry in entries} == {ModerationLog.REDACTED}
    assert ModeratorNote.objects.get(user=alice).text == ModerationLog.REDACTED
    # Gone.
    for model, field in ((Notification, "recipient"), (ArticleFollow, "user"), (DataExport, "user")):
        assert not model.objects.filter(**{field: alice}).exists()
    assert not alice.recommendations.exists()
    assert Reply.objects.get(pk=first.pk).recommend_count == 1  # Bob's, of the tombstone: his to withdraw
    # Pages: the cached thread was dropped, the old profile is not found, nor the new one.
    client.logout()
    page = client.get(article.get_absolute_url()).content.decode()
    assert "zorblax" not in page and DISPLAY not in page and USERNAME not in page and "[deleted]" in page
    assert client.get(f"/u/{USERNAME}/").status_code == 404
    assert client.get(f"/u/deleted-{alice.pk}/").status_code == 404
    # Nobody signs in as her any more.
    assert not client.login(username=USERNAME, password=PASSWORD)


@pytest.mark.django_db(transaction=True)
def test_cancelling_by_signing_in_during_the_grace_period_leaves_everything_and_the_task_does_not_run(
    client, make_user, make_article, settings
):
    settings.TASKS = DATABASE_BACKEND
    alice = make_user("alice")
    reply = posting.reply_create(article=make_article(), author=alice, body="Still mine")
    client.force_login(alice)
    assert client.post(DELETE, {"password": PASSWORD}).status_code == 302
    assert "_auth_user_id" not in client.session  # signed out
    assert DBTaskResult.objects.filter(task_path__endswith="account_delete", status="READY").count() == 1
    signed_in = client.post(reverse("account_login"), {"login": "alice", "password": PASSWORD})
    assert signed_in.status_code == 302 and signed_in["Location"] == DELETE
    offer = client.get(DELETE).content.decode()
    assert "Your account will be deleted on" in offer and f'action="{CANCEL}"' in offer
    assert client.post(CANCEL).status_code == 302
    alice.refresh_from_db()
    assert alice.deletion_due_at is None
    assert not DBTaskResult.objects.filter(task_path__endswith="account_delete").exists()
    DBTaskResult.objects.update(run_after=timezone.now() - timedelta(seconds=1))
    run_worker()
    alice.refresh_from_db()
    assert alice.deleted_at is None and alice.username == "alice"
    assert Reply.objects.get(pk=reply.pk).body == "Still mine"


pytestmark_unit = pytest.mark.django_db


@pytestmark_unit
def test_a_task_that_runs_after_a_cancel_does_nothing(make_user):
    from forum.privacy import services
    from forum.privacy.tasks import account_delete

    alice = make_user("alice")
    services.deletion_request(user=alice)
    services.deletion_cancel(user=alice)
    assert account_delete.call(alice.pk) == "cancelled"
    alice.refresh_from_db()
    assert alice.username == "alice"


@pytestmark_unit
def test_grace_zero_deletes_at_once(client, make_user, make_article, settings, django_capture_on_commit_callbacks):
    settings.FORUM_ACCOUNT_DELETION_GRACE_DAYS = 0
    alice = make_user("alice")
    reply = posting.reply_create(article=make_article(), author=alice, body="Gone at once")
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(DELETE, {"password": PASSWORD})
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.deleted_at is not None and alice.username == f"deleted-{alice.pk}"
    assert Reply.objects.get(pk=reply.pk).body == "[deleted]"
    assert "_auth_user_id" not in client.session


@pytestmark_unit
def test_a_wrong_password_is_refused_and_nothing_is_written(client, make_user):
    alice = make_user("alice")
    client.force_login(alice)
    response = client.post(DELETE, {"password": "not it"})
    assert response.status_code == 400 and "not your password" in response.content.decode()
    alice.refresh_from_db()
    assert alice.deletion_due_at is None


@pytestmark_unit
def test_guessing_the_password_is_limited(client, make_user):
    alice = make_user("alice")
    client.force_login(alice)
    statuses = [client.post(DELETE, {"password": f"guess {n}"}).status_code for n in range(11)]
    assert statuses == [400] * 10 + [429]
    assert "Too many tries" in client.post(DELETE, {"password": PASSWORD}).content.decode()
    alice.refresh_from_db()
    assert alice.deletion_due_at is None


@pytestmark_unit
def test_imported_accounts_they_claimed_are_anonymised_too(make_user, django_capture_on_commit_callbacks, settings):
    from forum.privacy import services

    settings.FORUM_ACCOUNT_DELETION_GRACE_DAYS = 0
    imported, _ = account_services.imported_account_get_or_create(
        key="disqus:oldzeb", name="Old Zebulon", email="alice@example.com")
    alice = make_user("alice")
    account_services.imported_accounts_claim(user=alice, email="alice@example.com", now=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        services.deletion_request(user=alice)
    imported.refresh_from_db()
    assert imported.username == f"deleted-{imported.pk}" and imported.display_name == ""
    assert imported.claim_email == "" and imported.import_key is None


@pytestmark_unit
def test_an_account_without_a_password_needs_a_fresh_sign_in(client, make_user):
    alice = make_user("alice")
    alice.set_unusable_password()
    alice.save()
    client.force_login(alice)  # no record of how: not a sign-in made now
    page = client.get(DELETE).content.decode()
    assert "sign in again" in page.lower() and "Your password" not in page
    response = client.post(DELETE)
    assert response.status_code == 403 and "Sign in again first" in response.content.decode()
    alice.refresh_from_db()
    assert alice.deletion_due_at is None
    # Just signed in (allauth's record of the sign-in, as its login flow leaves it).
    session = client.session
    session["account_authentication_methods"] = [{"method": "password", "at": timezone.now().timestamp()}]
    session["account_authentication_methods_user"] = str(alice.pk)
    session.save()
    assert client.post(DELETE).status_code == 302
    alice.refresh_from_db()
    assert alice.deletion_due_at is not None


@pytestmark_unit
def test_asking_twice_and_cancelling_nothing_and_get_on_a_post_are_refused(client, make_user):
    alice = make_user("alice")
    client.force_login(alice)
    response = client.post(CANCEL)
    assert response.status_code == 400 and "no deletion of your account to cancel" in response.content.decode()
    assert client.get(CANCEL).status_code == 405
    assert client.put(DELETE).status_code == 405
    alice.refresh_from_db()
    assert alice.deletion_due_at is None
    client.post(DELETE, {"password": PASSWORD})
    client.force_login(alice)
    due = User.objects.get(pk=alice.pk).deletion_due_at
    again = client.post(DELETE, {"password": PASSWORD})
    assert again.status_code == 400 and "already planned" in again.content.decode()
    assert User.objects.get(pk=alice.pk).deletion_due_at == due


@pytestmark_unit
def test_signed_out_visitors_are_sent_to_sign_in(client):
    assert client.post(DELETE, {"password": PASSWORD}).status_code == 302
    assert client.post(CANCEL).status_code == 302


@pytestmark_unit
def test_a_moderator_deletes_an_account_with_a_reason_and_it_is_logged(
    client, make_user, make_article, moderator, django_capture_on_commit_callbacks
):
    spammer = make_user("spammer")
    reply = posting.reply_create(article=make_article(), author=spammer, body="Buy pills")
    client.force_login(moderator)
    url = reverse("privacy:moderation_delete", args=["spammer"])
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 400 and "Give a reason" in refused.content.decode()
    assert not ModerationLog.objects.filter(action="delete_account").exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": "Spam account"})
    assert response.status_code == 302
    spammer.refresh_from_db()
    assert spammer.deleted_at is not None and Reply.objects.get(pk=reply.pk).body == "[deleted]"
    entry = ModerationLog.objects.get(action="delete_account")
    assert (entry.actor, entry.user_id, entry.reason) == (moderator, spammer.pk, "Spam account")
    page = client.get(reverse("forum:moderation_user", args=[spammer.username])).content.decode()
    assert "This account was deleted" in page


@pytestmark_unit
def test_a_moderators_reason_naming_the_person_is_redacted(make_user, moderator, django_capture_on_commit_callbacks):
    from forum.privacy import services

    target = make_user("target")
    with django_capture_on_commit_callbacks(execute=True):
        services.deletion_by_moderator(user=target, moderator=moderator, reason="target keeps spamming")
    assert ModerationLog.objects.get(action="delete_account").reason == ModerationLog.REDACTED


@pytestmark_unit
def test_only_moderators_delete_others_and_not_moderators(client, make_user, make_moderator):
    victim, other_mod = make_user("victim"), make_moderator("othermod")
    client.force_login(make_user("reader"))
    assert client.post(reverse("privacy:moderation_delete", args=["victim"]), {"reason": "x"}).status_code == 403
    client.force_login(make_moderator("mod2"))
    assert client.post(reverse("privacy:moderation_delete", args=["othermod"]), {"reason": "x"}).status_code == 403
    for person in (victim, other_mod):
        person.refresh_from_db()
        assert person.deletion_due_at is None and person.deleted_at is None
    assert not ModerationLog.objects.filter(action="delete_account").exists()


@pytestmark_unit
def test_the_admin_action_deletes_with_a_reason(admin_client, make_user, django_capture_on_commit_callbacks):
    person = make_user("person")
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("admin:accounts_user_changelist"),
                          {"action": "delete_accounts", "_selected_action": [person.pk], "reason": "Asked by email"})
    person.refresh_from_db()
    assert person.deleted_at is not None
    assert ModerationLog.objects.get(action="delete_account").reason == "Asked by email"


@pytestmark_unit
@pytest.mark.parametrize("name", ["deleted-12", "Deleted_12", "deleted12", "DELETED-1O", "deleted"])
def test_nobody_may_take_a_deleted_accounts_name(name):
    with pytest.raises(NameRefused):
        check_name_available(name)


@pytestmark_unit
def test_signing_up_as_deleted_n_is_refused(client):
    response = client.post(reverse("account_signup"), {
        "username": "deleted-3", "email": "x@example.com", "password1": "a-long-passphrase-1",
        "password2": "a-long-passphrase-1",
    })
    assert response.status_code == 200 and "reserved" in response.content.decode()
    assert not User.objects.filter(username="deleted-3").exists()


@pytestmark_unit
def test_the_log_takes_redaction_and_nothing_else(make_user, moderator, make_article):
    reply = posting.reply_create(article=make_article(), author=make_user("alice"), body="text")
    entry = moderation.reply_remove_by_moderator(reply=reply, moderator=moderator, reason="why") and \
        ModerationLog.objects.get(action="remove")
    table = ModerationLog._meta.db_table
    for statement, values in (
        (f"UPDATE {table} SET action = 'approve' WHERE id = %s", [entry.pk]),
        (f"UPDATE {table} SET reason = 'rewritten' WHERE id = %s", [entry.pk]),
        (f"UPDATE {table} SET reason = '[redacted]', user_id = NULL WHERE id = %s", [entry.pk]),
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, values)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET reason = '[redacted]', detail = '[redacted]' WHERE id = %s", [entry.pk])
    entry = ModerationLog.objects.get(pk=entry.pk)
    assert (entry.action, entry.reason, entry.reply_id) == ("remove", "[redacted]", reply.pk)
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE id = %s", [entry.pk])


@pytestmark_unit
def test_the_sqlite_redaction_trigger_names_every_column_of_the_log():
    import importlib

    migration = importlib.import_module("forum.migrations.0015_privacy")
    assert {field.column for field in ModerationLog._meta.concrete_fields} == migration.LOG_COLUMNS
    for column in migration.LOG_COLUMNS - {"reason", "detail"}:
        assert re.search(rf"NEW\.{column} (=|IS) OLD\.{column}", migration.SQLITE_TRIGGER), column


@pytestmark_unit
def test_mail_about_the_deleted_person_is_not_kept_in_the_queue(make_user, settings):
    from forum.privacy.deletion import tasks_purge
    from jobs.mail import queue_message

    settings.TASKS = DATABASE_BACKEND
    make_user("alice"), make_user("bob")

    queue_message(mail.EmailMessage(subject="Hi", body="Hello alice", to=["alice@example.com"]))
    queue_message(mail.EmailMessage(subject="Hi", body="Hello malice", to=["bob@example.com"]))
    assert tasks_purge(["alice@example.com", "alice"]) == 1
    assert ["bob@example.com"] == DBTaskResult.objects.get().args_kwargs["args"][0]["to"]
