"""Download your data (issue 17): /settings/data/ asks for an archive, a task builds it and
emails a signed link that works for 7 days, for its owner only; one request a day."""

import csv
import io
import json
import re
import time
import zipfile

import pytest
from django.core import mail, signing
from django.urls import reverse
from django.utils import timezone

from accounts import services as account_services
from forum.moderation import actions as moderation
from forum.moderation.models import Flag
from forum.notifications import follows
from forum.posting import services as posting
from forum.privacy import services as privacy
from forum.privacy.models import DataExport
from forum.reactions import services as reactions

pytestmark = pytest.mark.django_db

DATA = "/settings/data/"


@pytest.fixture
def life(make_user, make_article, moderator, committed):
    """Someone who took part: wrote, edited, flagged, followed, recommended, ignored, was moderated."""
    article = make_article(title="Withdrawal")
    alice, bob = make_user("alice", display_name="Alice Liddell"), make_user("bob")
    first = posting.reply_create(article=article, author=alice, body="First words")
    posting.reply_edit(reply=first, editor=alice, body="First words, edited")
    answer = committed(posting.reply_create, article=article, parent=first, author=bob, body="Bob answers @alice")
    second = posting.reply_create(article=article, author=alice, parent=answer, body="Second words")
    moderation.reply_flag(reply=answer, flagger=alice, reason=Flag.Reason.OTHER, text="Why I flagged")
    follows.follow_set(user=alice, article=article, following=True)
    reactions.recommend_set(reply=answer, user=alice, on=True)
    account_services.ignore_add(user=alice, ignored=bob, now=timezone.now())
    committed(moderation.reply_remove_by_moderator, reply=second, moderator=moderator, reason="Off topic here")
    return {"article": article, "alice": alice, "bob": bob, "first": first, "second": second, "answer": answer}


def _ask(client, committed_callbacks):
    with committed_callbacks(execute=True):
        return client.post(DATA)


def _link(message) -> str:
    return re.search(r"https?://[^/\s]+(/settings/data/download/[^/\s]+/)", message.body).group(1)


def test_the_settings_page_links_to_your_data(client, make_user):
    client.force_login(make_user("alice"))
    page = client.get(reverse("accounts:settings")).content.decode()
    assert f'href="{DATA}"' in page and 'href="/settings/delete/"' in page


def test_the_archive_holds_the_account_the_replies_with_history_and_what_they_did(
    client, life, django_capture_on_commit_callbacks
):
    alice = life["alice"]
    client.force_login(alice)
    mail.outbox.clear()
    response = _ask(client, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["alice@example.com"]
    download = client.get(_link(mail.outbox[0]))
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(download.content))
    names = set(archive.namelist())
    assert names == {
        "README.txt", "account.json", "email_addresses.json", "replies.json", "replies.csv", "flags.json",
        "notifications.json", "follows.json", "recommendations.json", "ignored_users.json", "moderation.json",
    }
    read = lambda name: json.loads(archive.read(name))  # noqa: E731
    account = read("account.json")
    assert account["username"] == "alice" and account["display_name"] == "Alice Liddell"
    assert account["date_joined"] and account["settings"]["follow_email"] == "each"
    assert read("email_addresses.json") == [{"email": "alice@example.com", "verified": True, "primary": True}]
    replies = {reply["id"]: reply for reply in read("replies.json")}
    first, second = replies[life["first"].pk], replies[life["second"].pk]
    assert first["body"] == "First words, edited" and first["status"] == "published"
    assert [version["body"] for version in first["earlier_versions"]] == ["First words"]
    assert first["permalink"].endswith(life["first"].get_absolute_url())
    assert first["article"]["title"] == "Withdrawal"
    assert second["status"] == "removed" and second["parent_id"] == life["answer"].pk
    rows = list(csv.DictReader(io.StringIO(archive.read("replies.csv").decode())))
    assert {row["body"] for row in rows} == {"First words, edited", "Second words"}
    assert [flag["text"] for flag in read("flags.json")] == ["Why I flagged"]
    assert {note["kind"] for note in read("notifications.json")} >= {"reply", "decision"}
    assert [row["reply_id"] for row in read("recommendations.json")] == [life["answer"].pk]
    assert [row["name"] for row in read("ignored_users.json")] == ["bob"]
    moderation_entries = read("moderation.json")
    assert any(entry["action"] == "remove" and entry["reason"] == "Off topic here" for entry in moderation_entries)
    assert all(entry["by"] in ("a moderator", "the forum's rules") for entry in moderation_entries)  # not who
    assert [row["article"] for row in read("follows.json")] == ["Withdrawal"]


def test_the_page_says_being_prepared_then_ready_until(client, make_user, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    alice = make_user("alice")
    client.force_login(alice)
    assert client.post(DATA).status_code == 302
    page = client.get(DATA).content.decode()
    assert "Being prepared" in page and "You can ask for a new archive from" in page
    from django_tasks_db.models import DBTaskResult

    assert DBTaskResult.objects.filter(task_path__endswith="data_export_build").count() == 1
    from forum.privacy.tasks import data_export_build

    data_export_build.call(DataExport.objects.get().pk)
    page = client.get(DATA).content.decode()
    assert "Ready until" in page


def test_a_second_request_within_a_day_is_refused_with_no_mail_and_no_row(
    client, make_user, django_capture_on_commit_callbacks
):
    client.force_login(make_user("alice"))
    assert _ask(client, django_capture_on_commit_callbacks).status_code == 302
    mail.outbox.clear()
    export = DataExport.objects.get()
    again = _ask(client, django_capture_on_commit_callbacks)
    assert again.status_code == 429 and again["Retry-After"]
    assert "less than 24 hours ago" in again.content.decode()
    assert mail.outbox == []
    assert list(DataExport.objects.all()) == [export]


def test_asking_again_after_a_day_replaces_the_old_archive(client, make_user, django_capture_on_commit_callbacks):
    client.force_login(make_user("alice"))
    _ask(client, django_capture_on_commit_callbacks)
    DataExport.objects.update(requested_at=timezone.now() - timezone.timedelta(hours=25))
    old = DataExport.objects.get()
    assert _ask(client, django_capture_on_commit_callbacks).status_code == 302
    assert DataExport.objects.get().pk != old.pk


def test_another_persons_link_is_not_found(client, make_user, django_capture_on_commit_callbacks):
    client.force_login(make_user("alice"))
    _ask(client, django_capture_on_commit_callbacks)
    link = _link(mail.outbox[-1])
    client.force_login(make_user("mallory"))
    response = client.get(link)
    assert response.status_code == 404 and "no archive here for you" in response.content.decode()


def test_a_signed_out_visitor_is_sent_to_sign_in(client, make_user, django_capture_on_commit_callbacks):
    client.force_login(make_user("alice"))
    _ask(client, django_capture_on_commit_callbacks)
    link = _link(mail.outbox[-1])
    client.logout()
    response = client.get(link)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_tampered_link_is_refused(client, make_user, django_capture_on_commit_callbacks):
    client.force_login(make_user("alice"))
    _ask(client, django_capture_on_commit_callbacks)
    link = _link(mail.outbox[-1])
    token = link.rstrip("/").rsplit("/", 1)[1]
    forged = token.replace(token.split(":")[0], str(DataExport.objects.get().pk + 1), 1)
    for bad in (forged, token[:-2] + ("AA" if not token.endswith("AA") else "BB"), "nonsense"):
        response = client.get(reverse("privacy:data_download", args=[bad]))
        assert response.status_code == 400, bad
        assert "not valid" in response.content.decode()


class _SignedLongAgo(signing.TimestampSigner):
    def timestamp(self):
        return signing.b62_encode(int(time.time()) - 8 * 86400)


def test_a_link_older_than_seven_days_has_expired(client, make_user, django_capture_on_commit_callbacks):
    alice = make_user("alice")
    client.force_login(alice)
    _ask(client, django_capture_on_commit_callbacks)
    export = DataExport.objects.get()
    old = _SignedLongAgo(salt=privacy.LINK_SALT).sign(f"{export.pk}.{alice.pk}")
    response = client.get(reverse("privacy:data_download", args=[old]))
    assert response.status_code == 410 and "expired" in response.content.decode()


def test_only_post_asks_and_only_signed_in(client, make_user):
    assert client.post(DATA).status_code == 302  # to sign in
    client.force_login(make_user("alice"))
    assert client.put(DATA).status_code == 405
    assert DataExport.objects.count() == 0
