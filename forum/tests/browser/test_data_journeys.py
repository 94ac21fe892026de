"""Your data (issue 17), in a real browser: sign in, ask for the archive, the worker builds it,
the emailed link downloads it."""

import io
import json
import re
import zipfile

import pytest
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from forum.posting import services as posting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "a long walk to Damascus"


def run_worker():
    call_command("worker", batch=True, startup_delay=False, reload=False, interval=0, worker_id="browser-worker",
                 verbosity=0)


def test_a_reader_downloads_their_data_through_the_emailed_link(open_page, make_user, make_article, settings, js):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    reader = make_user("reader")
    reader.set_password(PASSWORD)
    reader.save()
    reply = posting.reply_create(article=make_article(title="Withdrawal"), author=reader, body="My words on Syria")
    mail.outbox.clear()
    page = open_page(js=js)

    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill("reader")
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("link", name="reader")).to_be_visible()
    page.goto("/settings/")
    page.get_by_role("link", name="Download your data").click()
    expect(page).to_have_url(re.compile(r"/settings/data/$"))
    page.get_by_role("button", name="Prepare my archive").click()
    expect(page.locator(".data-state")).to_contain_text("Being prepared")
    assert mail.outbox == []  # the request only queued the task

    run_worker()
    sent = [message for message in mail.outbox if message.to == ["reader@example.com"]]
    assert len(sent) == 1
    link = re.search(r"https?://[^/\s]+(/settings/data/download/[^/\s]+/)", sent[0].body).group(1)
    page.reload()
    expect(page.locator(".data-state")).to_contain_text("Ready until")

    with page.expect_download() as downloading:
        try:
            page.goto(link)  # the emailed link, opened in the signed-in browser
        except PlaywrightError as error:  # a navigation that turns into a download "fails" as a page
            assert "Download is starting" in str(error) or "ERR_ABORTED" in str(error)
    download = downloading.value
    assert download.suggested_filename.startswith("reader-data-") and download.suggested_filename.endswith(".zip")
    archive = zipfile.ZipFile(io.BytesIO(open(download.path(), "rb").read()))
    replies = json.loads(archive.read("replies.json"))
    assert [(row["id"], row["body"]) for row in replies] == [(reply.pk, "My words on Syria")]
    assert "My words on Syria" in archive.read("replies.csv").decode()

