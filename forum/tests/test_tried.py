"""Issue 14, "Found when tried": each test failed before its fix (the names are in
accounts/tests/test_names.py, the counts and pages in test_views.py and test_reading.py)."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from forum.models import Flag, ModerationLog, Reply
from forum.moderation import actions, suspensions
from forum.posting import services as posting

pytestmark = pytest.mark.django_db

OPED = "putins-syrian-withdrawal-announcement-neither-a-full-russian-withdrawal-nor-victory-in-syria"


@pytest.fixture
def article(make_article):
    return make_article(title="Debate")



# --- Locks and suspensions say so before anyone writes ----------------------------------------------------


def test_a_locked_branch_offers_no_reply_or_quote_under_it_and_is_marked(client, make_user, make_reply, article, moderator):
    top = make_reply(article=article)
    child = make_reply(article=article, parent=top)
    other = make_reply(article=article)
    actions.branch_lock(reply=top, moderator=moderator, reason="Heated")
    client.force_login(make_user())
    page = client.get(article.get_absolute_url()).content.decode()
    for locked in (top, child):
        assert reverse("forum:reply_to", args=[article.slug, locked.pk]) not in page
    assert reverse("forum:reply_to", args=[article.slug, other.pk]) in page
    card = page[page.index(f'id="r{top.pk}"'):page.index(f'id="r{child.pk}"')]
    assert 'class="locked-label"' in card and ">locked<" in card
    assert 'class="locked-label"' not in page[page.index(f'id="r{other.pk}"'):]


def test_a_suspended_reader_gets_no_reply_form_and_no_reply_or_flag_links(client, make_user, make_reply, article, moderator):
    reply = make_reply(article=article)
    reader = make_user()
    suspensions.user_ban(user=reader, moderator=moderator, reason="Trolling")
    client.force_login(reader)
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Your account is suspended" in page and 'name="body"' not in page
    assert reverse("forum:reply_to", args=[article.slug, reply.pk]) not in page
    assert reverse("forum:flag", args=[reply.pk]) not in page
    form_page = client.get(reverse("forum:reply_to", args=[article.slug, reply.pk]))
    assert form_page.status_code == 403 and "suspended" in form_page.content.decode()
    assert 'name="body"' not in form_page.content.decode()


def test_the_moderators_view_of_a_suspended_user_speaks_of_them(client, make_user, moderator):
    reader = make_user("troll")
    suspensions.user_ban(user=reader, moderator=moderator, reason="Trolling")
    client.force_login(moderator)
    page = client.get(reverse("forum:moderation_user", args=["troll"])).content.decode()
    assert "Your account" not in page
    assert "Suspended from posting for good: Trolling." in page


# --- Undoing returns a reply to what it was --------------------------------------------------------------


@pytest.fixture
def established(make_user, make_article):
    def make():
        user = make_user()
        elsewhere = make_article()
        for number in range(3):
            posting.reply_create(article=elsewhere, author=user, body=f"Older reply {number}.")
        type(user).objects.filter(pk=user.pk).update(date_joined=timezone.now() - datetime.timedelta(days=30))
        user.refresh_from_db()
        return user

    return make


def test_dismissing_the_flags_that_held_a_reply_publishes_it_again(client, make_reply, article, moderator, established):
    reply = make_reply(article=article, body="Unpopular but fine")
    for _ in range(3):
        actions.reply_flag(reply=reply, flagger=established(), reason="abuse")
    reply.refresh_from_db()
    assert reply.status == Reply.Status.HELD
    client.force_login(moderator)
    response = client.post(reverse("forum:moderation_action", args=[reply.pk, "dismiss"]), {"reason": ""})
    assert response.status_code == 302
    reply.refresh_from_db()
    assert reply.status == Reply.Status.PUBLISHED and reply.hold_reason == ""
    assert not Flag.objects.filter(resolved__isnull=True).exists()
    assert ModerationLog.objects.first().detail == "3 flags; back to published"


def test_dismissing_flags_leaves_a_moderators_hold_in_place(make_user, make_reply, article, moderator):
    reply = make_reply(article=article)
    actions.reply_flag(reply=reply, flagger=make_user(), reason="spam")
    actions.reply_hold(reply=reply, moderator=moderator, reason="Checking a claim")
    actions.flags_dismiss(reply=reply, moderator=moderator)
    reply.refresh_from_db()
    assert reply.status == Reply.Status.HELD and reply.hold_reason == "Checking a claim"


def test_restoring_a_reply_held_on_import_returns_it_to_held_not_published(client, seeded, moderator):
    held = Reply.objects.filter(status=Reply.Status.HELD).first()
    actions.reply_remove_by_moderator(reply=held, moderator=moderator, reason="Slur")
    client.force_login(moderator)
    response = client.post(reverse("forum:moderation_action", args=[held.pk, "restore"]), follow=True)
    page = response.content.decode()
    assert "published again" not in page and "Restored: the reply is held for review again." in page
    held.refresh_from_db()
    assert held.status == Reply.Status.HELD and "watched word" in held.hold_reason


def test_restoring_a_published_reply_publishes_it_again(make_reply, article, moderator):
    reply = make_reply(article=article)
    actions.branch_remove(reply=reply, moderator=moderator, reason="Spam")
    actions.reply_restore(reply=reply, moderator=moderator)
    reply.refresh_from_db()
    assert reply.status == Reply.Status.PUBLISHED


# --- The moderation log ----------------------------------------------------------------------------------------


def test_the_log_has_the_two_seed_replies_held_on_import(client, seeded):
    entries = ModerationLog.objects.filter(action="hold", actor=None, detail="on import")
    assert entries.count() == 2
    assert set(entries.values_list("reply__status", flat=True)) == {"held"}
    page = client.get(reverse("forum:moderation_log")).content.decode()
    assert page.count("Automatic rule") == 2


def test_a_hook_hold_on_posting_is_logged(make_user, article, settings):
    settings.FORUM_MODERATION_HOOKS = ["forum.tests.test_moderation.hold_everything"]
    reply = posting.reply_create(article=article, author=make_user(), body="Held")
    entry = ModerationLog.objects.get()
    assert (entry.reply, entry.actor, entry.action, entry.detail) == (reply, None, "hold", "when posted")


def test_log_rows_show_author_and_excerpt_and_keep_hidden_text_from_the_public(client, make_user, article, moderator):
    author = make_user("writer", display_name="A Writer")
    reply = posting.reply_create(article=article, author=author, body="Something **rude** here")
    actions.reply_remove_by_moderator(reply=reply, moderator=moderator, reason="Personal attack")
    public = client.get(reverse("forum:moderation_log")).content.decode()
    assert "A Writer" in public and "[removed by moderator]" in public and "Something" not in public
    client.force_login(moderator)
    theirs = client.get(reverse("forum:moderation_log")).content.decode()
    assert "A Writer" in theirs and "Something **rude** here" in theirs


def test_an_edited_reply_links_its_history_for_moderators(client, make_user, article, moderator):
    author = make_user()
    reply = posting.reply_create(article=article, author=author, body="First words")
    posting.reply_edit(reply=reply, editor=author, body="Second words")
    actions.reply_hold(reply=reply, moderator=moderator, reason="Look")
    history = reverse("forum:history", args=[reply.pk])
    client.force_login(moderator)
    for url in [reverse("forum:moderation_log"), reverse("forum:moderation_queue"), article.get_absolute_url()]:
        assert history in client.get(url).content.decode(), url
    client.force_login(author)
    assert history not in client.get(article.get_absolute_url()).content.decode()


# --- One address for the site ------------------------------------------------------------------------------------


def test_account_emails_use_the_sites_address_and_name_not_the_requests(client, settings):
    settings.FORUM_SITE_URL = "https://forum.example.org"
    settings.FORUM_SITE_NAME = "The Example Forum"
    client.post(
        reverse("account_signup"),
        {"username": "newbie", "email": "newbie@example.com", "password1": "a-long-pass-9", "password2": "a-long-pass-9"},
        HTTP_HOST="127.0.0.1:18101", SERVER_PORT="18101",
    )
    body = mail.outbox[0].body
    assert "https://forum.example.org/accounts/confirm-email/" in body
    assert "127.0.0.1" not in body and "testserver" not in body
    assert "Hello from The Example Forum!" in body


def test_password_reset_and_taken_address_emails_use_the_sites_address(client, make_user, settings):
    settings.FORUM_SITE_URL = "https://forum.example.org"
    make_user("member", email="member@example.com")
    client.post(reverse("account_reset_password"), {"email": "member@example.com"})
    client.post(
        reverse("account_signup"),
        {"username": "other", "email": "member@example.com", "password1": "a-long-pass-9", "password2": "a-long-pass-9"},
    )
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        assert "https://forum.example.org/accounts/" in message.body and "testserver" not in message.body


def test_notification_emails_use_the_sites_address(make_user, make_reply, article, settings, django_capture_on_commit_callbacks):
    settings.FORUM_SITE_URL = "https://forum.example.org"
    parent = posting.reply_create(article=article, author=make_user(), body="Mine")
    with django_capture_on_commit_callbacks(execute=True):
        reply = make_reply(article=article, parent=parent)
    assert f"https://forum.example.org{reply.get_landing_url()}" in mail.outbox[0].body


def test_make_run_serves_the_site_address_of_its_port():
    from django.conf import settings

    makefile = (settings.BASE_DIR / "Makefile").read_text()
    assert "FORUM_SITE_URL=$${FORUM_SITE_URL:-http://127.0.0.1:$(PORT)}" in makefile


# --- Pages ----------------------------------------------------------------------------------------------------------


def test_new_since_last_visit_says_it_counts_this_page(client, settings, make_user, make_reply, article):
    settings.FORUM_PAGE_SIZE = 1
    reader = make_user()
    make_reply(article=article)
    make_reply(article=article)
    client.force_login(reader)
    client.get(article.get_absolute_url())
    from forum.threads.models import ArticleVisit

    ArticleVisit.objects.update(last_seen_at=timezone.now() - datetime.timedelta(hours=2))
    Reply.objects.update(created=timezone.now() - datetime.timedelta(hours=3))
    make_reply(article=article, parent=Reply.objects.first())
    page = client.get(article.get_absolute_url()).content.decode()
    assert "1 new reply on this page since your last visit" in page


def test_no_flag_link_on_a_placeholder(client, make_user, make_reply, article, moderator):
    reply = make_reply(article=article)
    actions.reply_hold(reply=reply, moderator=moderator, reason="Look")
    client.force_login(make_user())
    page = client.get(article.get_absolute_url()).content.decode()
    assert "[awaiting moderation]" in page and reverse("forum:flag", args=[reply.pk]) not in page


def test_seed_replies_have_a_visible_permalink(client, seeded):
    page = client.get(reverse("forum:article", args=[OPED])).content.decode()
    first = Reply.objects.filter(parent=None).order_by("tree_id").first()
    assert re.search(rf'<a class="reply-time reply-permalink" href="{first.get_absolute_url()}"[^>]*>#{first.pk}</a>', page)


def test_sign_up_returns_to_the_page_you_came_from(client, article):
    page = client.get(article.get_absolute_url()).content.decode()
    assert f'href="{reverse("account_signup")}?next={article.get_absolute_url()}"' in page
    response = client.post(
        f'{reverse("account_signup")}?next={article.get_absolute_url()}',
        {"username": "newbie", "email": "newbie@example.com", "password1": "a-long-pass-9", "password2": "a-long-pass-9",
         "next": article.get_absolute_url()},
    )
    assert response.status_code == 302
    link = re.search(r"https?://[^/]+(/accounts/confirm-email/[^/\s]+/)", mail.outbox[0].body).group(1)
    assert client.post(link)["Location"] == article.get_absolute_url()


# --- Admin and queue ------------------------------------------------------------------------------------------------------


def test_a_reply_reads_with_its_authors_name_and_articles_title(make_user, article):
    reply = posting.reply_create(article=article, author=make_user("writer"), body="Hi")
    assert str(reply) == f"Reply {reply.pk} by writer on Debate"


def test_the_queue_draws_a_reply_once_when_it_is_flagged_and_the_parent_of_another(client, make_user, make_reply, article, moderator):
    parent = make_reply(article=article, body="The parent")
    children = [make_reply(article=article, parent=parent, body=f"Child {n}") for n in range(2)]
    for reply in [parent, *children]:
        actions.reply_flag(reply=reply, flagger=make_user(), reason="spam")
    client.force_login(moderator)
    page = client.get(reverse("forum:moderation_queue")).content.decode()
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), [i for i in ids if ids.count(i) > 1]
    assert page.count("The parent") == 1
    assert f'href="#q{parent.pk}"' in page
    names = re.findall(r'<h2 id="q\d+" class="queue-title">(.*?)</h2>', page, re.S)
    texts = [re.sub(r"<[^>]+>|\s+", " ", name).strip() for name in names]
    assert len(texts) == 3 and len(set(texts)) == 3


def test_the_reply_page_headings_go_down_one_level_at_a_time(client, make_reply, article):
    reply = make_reply(article=article)
    for url in [reply.get_absolute_url(), reverse("forum:reply_to", args=[article.slug, reply.pk])]:
        page = client.get(url).content.decode()
        levels = [int(level) for level in re.findall(r"<h([1-6])\b", page)]
        assert levels[0] == 1
        assert all(b - a <= 1 for a, b in zip(levels, levels[1:])), (url, levels)


def test_the_admin_reply_list_keeps_its_columns_short(client, make_user, article, django_user_model):
    long_title = article
    long_title.title = "A very long title " * 10
    long_title.save(update_fields=["title"])
    posting.reply_create(article=article, author=make_user(), body="word " * 100)
    client.force_login(django_user_model.objects.create_superuser("boss", "boss@example.com", "pw-for-tests-1"))
    page = client.get(reverse("admin:forum_reply_changelist")).content.decode()
    assert "A very long title A very long …" in page
    assert ("word " * 10).strip() in page and ("word " * 12).strip() not in page


# --- Seed fidelity --------------------------------------------------------------------------------------------------------


def test_a_seed_replys_link_text_reads_as_the_seed_gives_it(client, seeded):
    page = client.get(reverse("forum:article", args=[OPED])).content.decode()
    assert ">https://en.wikipedia.org/wiki/Iraqi_Civil_War_(2014%E2%80%93present)</a>" in page
    assert "(2014–present)" not in page
