"""The task queue with its production backend (rows in the database, run by `manage.py worker`)
and a real SMTP server that goes away and comes back."""

import time

import pytest
from django.core.management import call_command
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from forum.notifications.models import Notification
from forum.posting import services as posting
from jobs import recover_interrupted
from testkit.services import SMTPSink, free_port

DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def queue(settings):
    settings.TASKS = DATABASE_BACKEND
    settings.TASK_RETRY_BASE_SECONDS = 1
    settings.TASK_ATTEMPTS = 3
    return settings


@pytest.fixture
def mail_at(settings):
    """Mail goes by SMTP to a port; the returned sink is not listening until started."""

    def configure(port):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2
        return SMTPSink(port)

    return configure


def run_worker():
    """One pass of the real worker command over every task that is due."""
    call_command("worker", batch=True, startup_delay=False, reload=False, interval=0, worker_id="test-worker", verbosity=0)


@pytest.fixture
def conversation(make_article, make_user):
    article = make_article(title="Talk")
    alice, bob = make_user("alice"), make_user("bob")
    first = posting.reply_create(article=article, author=alice, body="Alice speaks")
    DBTaskResult.objects.all().delete()  # its announcement: nobody to tell
    return article, alice, bob, first


pytestmark = pytest.mark.django_db(transaction=True)


def test_the_task_is_a_row_committed_with_the_reply_or_not_at_all(queue, conversation):
    article, alice, bob, first = conversation
    with pytest.raises(RuntimeError), transaction.atomic():
        posting.reply_create(article=article, author=bob, parent=first, body="Rolled back")
        raise RuntimeError("the request failed after the insert")
    assert DBTaskResult.objects.count() == 0
    posting.reply_create(article=article, author=bob, parent=first, body="Kept")
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    assert Notification.objects.count() == 0  # nothing runs in the request


def test_mail_server_down_then_back_the_email_arrives_once(queue, conversation, mail_at):
    article, alice, bob, first = conversation
    sink = mail_at(free_port())  # not started: the mail server is down
    posting.reply_create(article=article, author=bob, parent=first, body="Bob answers")
    run_worker()
    assert Notification.objects.filter(recipient=alice).count() == 1  # told in the app at once
    assert Notification.objects.get().emailed_at is None
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.args_kwargs["kwargs"] == {"attempt": 2}
    sink.start()
    try:
        time.sleep(1.1)  # the backoff
        run_worker()
        run_worker()  # a second pass finds nothing more to send
    finally:
        sink.stop()
    assert len(sink.messages) == 1
    assert sink.messages[0].rcpt_tos == ["alice@example.com"]
    assert b"Bob answers" in sink.messages[0].content
    assert Notification.objects.get().emailed_at is not None
    assert not DBTaskResult.objects.filter(status="FAILED").exists()


def test_a_send_that_keeps_failing_is_kept_as_failed_for_staff(queue, conversation, mail_at, admin_client):
    article, alice, bob, first = conversation
    mail_at(free_port())
    posting.reply_create(article=article, author=bob, parent=first, body="Bob answers")
    for _ in range(queue.TASK_ATTEMPTS):
        run_worker()
        time.sleep(1.1 * 2)  # the backoff doubles: 1 s, 2 s
    failed = DBTaskResult.objects.get(status="FAILED")
    assert failed.task_path.endswith("send_notification_email")
    assert "ConnectionRefusedError" in failed.exception_class_path
    page = admin_client.get("/admin/django_tasks_database/dbtaskresult/?status__exact=FAILED")
    assert page.status_code == 200 and "send_notification_email" in page.content.decode()
    assert Notification.objects.get().emailed_at is None


def test_a_task_left_running_by_a_killed_worker_runs_again_once(queue, conversation, mail_at):
    article, alice, bob, first = conversation
    sink = mail_at(free_port())
    sink.start()
    try:
        posting.reply_create(article=article, author=bob, parent=first, body="Bob answers")
        row = DBTaskResult.objects.get()
        row.claim("test-worker")  # claimed, then the worker was killed before it finished
        assert DBTaskResult.objects.filter(status="READY").count() == 0
        run_worker()  # started again under its id: it takes the task back first
        run_worker()
    finally:
        sink.stop()
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 2  # the announcement, the email
    assert len(sink.messages) == 1


def test_a_live_workers_recent_task_is_not_taken_back(queue, conversation):
    article, alice, bob, first = conversation
    posting.reply_create(article=article, author=bob, parent=first, body="Bob answers")
    DBTaskResult.objects.get().claim("another-worker")
    assert recover_interrupted("test-worker") == 0
    assert DBTaskResult.objects.get().status == "RUNNING"


def test_sign_up_mail_goes_through_the_queue(queue, client, mail_at):
    sink = mail_at(free_port())
    sink.start()
    try:
        response = client.post(
            "/accounts/signup/",
            {"email": "new@example.com", "username": "newcomer", "password1": "pw-ok-4-tests!", "password2": "pw-ok-4-tests!"},
        )
        assert response.status_code == 302
        assert sink.messages == []  # the request sent nothing itself
        run_worker()
    finally:
        sink.stop()
    assert len(sink.messages) == 1 and sink.messages[0].rcpt_tos == ["new@example.com"]


def test_an_uploaded_disqus_export_is_imported_by_the_worker_not_the_request(queue, admin_client, settings, tmp_path):
    from django.urls import reverse

    from forum.threads.models import Reply
    from forum.threads.tree import tree_violations

    settings.MEDIA_ROOT = str(tmp_path)
    with open(settings.BASE_DIR / "forum" / "tests" / "data" / "disqus-edge-cases.xml", "rb") as export:
        response = admin_client.post(reverse("admin:forum_import_disqus"), {"export": export}, follow=True)
    assert response.status_code == 200
    assert "The worker is importing them" in response.content.decode()
    assert Reply.objects.count() == 0  # nothing written in the request
    run_worker()
    assert Reply.objects.count() == 10 and tree_violations() == []
    done = DBTaskResult.objects.get(task_path__endswith="disqus_import_stored")
    assert done.status == "SUCCESSFUL" and "10 replies imported from 10 posts" in done.return_value["report"][0]
    assert not list((tmp_path / "imports").iterdir())  # the stored upload is gone once imported


def test_a_task_whose_own_query_fails_is_failed_not_rerun_for_ever(queue):
    from testkit.tasks import times_out

    queue.TASK_ATTEMPTS = 1
    times_out.enqueue()
    run_worker()
    row = DBTaskResult.objects.get(task_path__endswith="times_out")
    assert row.status == "FAILED" and "OperationalError" in row.exception_class_path


def test_only_superusers_see_the_task_rows_which_hold_whole_emails(client, django_user_model):
    from django.contrib.auth.models import Permission

    staff = django_user_model.objects.create_user("staffer", "staffer@example.com", "pw-for-tests-1", is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(content_type__app_label="django_tasks_database"))
    client.force_login(staff)
    assert client.get("/admin/django_tasks_database/dbtaskresult/").status_code == 403
