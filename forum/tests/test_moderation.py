"""Moderation: hooks on every post, flags, the queue, branch actions, suspensions, the log."""

import datetime
import io

import pytest
from django.core.checks import run_checks
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from forum import errors
from forum.models import Article, Flag, ModerationLog, Reply
from forum.moderation import actions, hooks, suspensions
from forum.posting import services as posting

pytestmark = pytest.mark.django_db


@pytest.fixture
def article(make_article):
    return make_article(title="Debate")



def act(client, reply, action, reason=""):
    return client.post(reverse("forum:moderation_action", args=[reply.pk, action]), {"reason": reason})


# --- Hooks ------------------------------------------------------------------------------------------


def hold_everything(**_):
    return hooks.hold("Held by the test hook.")


def reject_everything(**_):
    return hooks.reject("Rejected by the test hook.")


def test_hooks_come_from_settings_and_the_strictest_decision_wins(settings, make_user, article):
    settings.FORUM_MODERATION_HOOKS = [
        "forum.tests.test_moderation.hold_everything",
        "forum.tests.test_moderation.reject_everything",
    ]
    with pytest.raises(errors.ForumError, match="Rejected by the test hook"):
        posting.reply_create(article=article, author=make_user(), body="Hi")
    settings.FORUM_MODERATION_HOOKS = ["forum.tests.test_moderation.hold_everything"]
    reply = posting.reply_create(article=article, author=make_user(), body="Hi")
    assert reply.status == Reply.Status.HELD and reply.hold_reason == "Held by the test hook."


def test_hooks_run_on_edits_too(settings, make_user, article):
    author = make_user()
    reply = posting.reply_create(article=article, author=author, body="Hi")
    settings.FORUM_MODERATION_HOOKS = ["forum.tests.test_moderation.hold_everything"]
    edited = posting.reply_edit(reply=reply, editor=author, body="Hi again")
    assert edited.status == Reply.Status.HELD


def test_a_held_reply_is_a_placeholder_to_others_but_its_author_sees_it(settings, client, make_user, article):
    settings.FORUM_MODERATION_HOOKS = ["forum.tests.test_moderation.hold_everything"]
    author = make_user()
    client.force_login(author)
    response = client.post(reverse("forum:reply_top", args=[article.slug]), {"body": "Wait for me"})
    assert response.status_code == 302
    mine = client.get(article.get_absolute_url()).content.decode()
    assert "Wait for me" in mine and "Awaiting moderation: others see a placeholder" in mine
    client.force_login(make_user())
    theirs = client.get(article.get_absolute_url()).content.decode()
    assert "Wait for me" not in theirs and "[awaiting moderation]" in theirs


def test_a_hook_path_that_does_not_import_fails_the_system_check(settings):
    settings.FORUM_MODERATION_HOOKS = ["forum.moderation.hooks.no_such_hook"]
    errors = [e for e in run_checks() if e.id == "forum.E001"]
    assert errors and "no_such_hook" in errors[0].msg
    settings.FORUM_MODERATION_HOOKS = ["forum.moderation.hooks.flood_limit"]
    assert not [e for e in run_checks() if e.id.startswith("forum.")]


def test_watched_words_hold_or_reject(settings, make_user, article):
    settings.FORUM_WATCHED_WORDS = {"reject": [r"\bspamword\b"], "hold": [r"\bsnark\b"]}
    author = make_user()
    with pytest.raises(errors.ForumError, match="language this forum does not allow"):
        posting.reply_create(article=article, author=author, body="buy SPAMWORD now")
    held = posting.reply_create(article=article, author=author, body="such Ｓｎａｒｋ")  # full-width letters
    assert held.status == Reply.Status.HELD and "snark" in held.hold_reason
    assert Reply.objects.count() == 1


def test_new_accounts_may_post_two_links_at_most(client, make_user, article):
    newcomer = make_user()
    client.force_login(newcomer)
    three = "https://a.example https://b.example https://c.example"
    response = client.post(reverse("forum:reply_top", args=[article.slug]), {"body": three})
    assert response.status_code == 400 and "at most 2 links" in response.content.decode()
    assert Reply.objects.count() == 0
    two = client.post(reverse("forum:reply_top", args=[article.slug]), {"body": "https://a.example https://b.example"})
    assert two.status_code == 302


def test_an_established_account_may_post_more_links(make_user, make_article, article):
    veteran = make_user(date_joined=timezone.now() - datetime.timedelta(days=30))
    for number in range(3):
        posting.reply_create(article=make_article(), author=veteran, body=f"Earlier reply {number}")
    reply = posting.reply_create(article=article, author=veteran, body="https://a.example https://b.example https://c.example")
    assert reply.status == Reply.Status.PUBLISHED


def test_first_replies_can_be_premoderated(settings, make_user, article):
    settings.FORUM_PREMODERATE_FIRST_REPLIES = 1
    author = make_user()
    first = posting.reply_create(article=article, author=author, body="Hello")
    assert first.status == Reply.Status.HELD
    settings.FORUM_PREMODERATE_FIRST_REPLIES = 0
    assert posting.reply_create(article=article, author=author, body="Again").status == Reply.Status.PUBLISHED


def test_moderate_dry_run_flags_the_seed_threads_slurs_and_changes_nothing(seeded):
    logged = ModerationLog.objects.count()  # the two holds made on import
    Reply.objects.filter(status=Reply.Status.HELD).update(status=Reply.Status.PUBLISHED, hold_reason="")
    out = io.StringIO()
    call_command("moderate", dry_run=True, stdout=out)
    report = out.getvalue()
    assert "would hold" in report and "'nigga'" in report and "'f’ng jews'" in report
    assert "54 replies checked, 2 flagged by the hooks (dry run: nothing changed)" in report
    assert Reply.objects.filter(status=Reply.Status.HELD).count() == 0
    assert ModerationLog.objects.count() == logged


def test_moderate_without_dry_run_holds_them_for_review_and_logs_it(seeded):
    Reply.objects.filter(status=Reply.Status.HELD).update(status=Reply.Status.PUBLISHED, hold_reason="")
    call_command("moderate", stdout=io.StringIO())
    assert Reply.objects.filter(status=Reply.Status.HELD).count() == 2
    assert ModerationLog.objects.filter(action="hold", actor=None, detail="").count() == 2  # besides the import's


def test_the_seed_import_runs_the_hooks_and_holds_the_slurs(seeded):
    held = Reply.objects.filter(status=Reply.Status.HELD).select_related("author")
    assert sorted(r.author.public_name for r in held) == ["Atle Rørdam", "Brad Isherwood"]


def test_signals_are_sent_on_commit(make_user, article, moderator, django_capture_on_commit_callbacks):
    from forum import signals

    received = []
    signals.reply_posted.connect(lambda **kw: received.append(("posted", kw["reply"].pk)), weak=False, dispatch_uid="t1")
    signals.reply_moderated.connect(lambda **kw: received.append(("moderated", kw["action"])), weak=False, dispatch_uid="t2")
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            reply = posting.reply_create(article=article, author=make_user(), body="Hi")
            actions.reply_remove_by_moderator(reply=reply, moderator=moderator, reason="test")
        assert received == []
        for callback in callbacks:
            callback()
        assert received == [("posted", reply.pk), ("moderated", "remove")]
    finally:
        signals.reply_posted.disconnect(dispatch_uid="t1")
        signals.reply_moderated.disconnect(dispatch_uid="t2")


# --- Flags -------------------------------------------------------------------------------------------


def flag(client, reply, reason="spam", text=""):
    return client.post(reverse("forum:flag", args=[reply.pk]), {"reason": reason, "text": text})


def test_a_member_flags_a_reply_once(client, make_user, make_reply, article):
    reply = make_reply(article=article)
    client.force_login(make_user())
    assert flag(client, reply).status_code == 302
    again = flag(client, reply, "abuse")
    assert again.status_code == 400 and "already flagged" in again.content.decode()
    assert Flag.objects.count() == 1


def test_bad_flags_are_refused_and_nothing_is_written(client, make_user, make_reply, article):
    reply = make_reply(article=article)
    client.force_login(make_user())
    for reason, text, message in [("bogus", "", "Choose why"), ("other", "  ", "Say what is wrong")]:
        response = flag(client, reply, reason, text)
        assert response.status_code == 400 and message in response.content.decode()
    assert Flag.objects.count() == 0


def test_a_removed_reply_cannot_be_flagged(client, make_user, make_reply, article, moderator):
    reply = make_reply(article=article)
    actions.reply_remove_by_moderator(reply=reply, moderator=moderator, reason="gone")
    client.force_login(make_user())
    response = flag(client, reply)
    assert response.status_code == 400 and "was removed" in response.content.decode()
    assert Flag.objects.count() == 0


def test_anonymous_readers_are_sent_to_sign_in_to_flag(client, make_reply, article):
    reply = make_reply(article=article)
    response = flag(client, reply)
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    assert Flag.objects.count() == 0


def test_three_flags_hold_a_reply_until_a_moderator_decides(client, make_user, make_reply, article, moderator, settings):
    settings.FORUM_FLAG_HOLD_THRESHOLD = 3  # three new accounts' flags (weight 1 each); see test_attacked.py
    reply = make_reply(article=article, body="Questionable")
    for _ in range(3):
        actions.reply_flag(reply=reply, flagger=make_user(), reason="abuse")
    reply.refresh_from_db()
    assert reply.status == Reply.Status.HELD and "3 readers flagged it" in reply.hold_reason
    assert ModerationLog.objects.get().actor is None
    client.force_login(moderator)
    assert act(client, reply, "approve").status_code == 302
    reply.refresh_from_db()
    assert reply.status == Reply.Status.PUBLISHED
    assert not Flag.objects.filter(resolved__isnull=True).exists()


# --- The queue and its actions --------------------------------------------------------------------------


def test_the_queue_shows_held_and_flagged_replies_with_context(client, make_user, make_reply, article, moderator, settings):
    parent = make_reply(article=article, body="The parent")
    flagged = make_reply(article=article, parent=parent, body="The flagged one")
    actions.reply_flag(reply=flagged, flagger=make_user("flagger"), reason="other", text="Rude to the parent")
    settings.FORUM_MODERATION_HOOKS = ["forum.tests.test_moderation.hold_everything"]
    make_reply(article=article, body="The held one")
    client.force_login(moderator)
    page = client.get(reverse("forum:moderation_queue")).content.decode()
    for text in ["The parent", "The flagged one", "Rude to the parent", "The held one", "Held by the test hook",
                 "Debate", "published", "Approve", "Dismiss flags", "Lock branch"]:
        assert text in page, text


def test_the_queue_costs_the_same_queries_for_2_or_20_entries(client, make_user, make_reply, article, moderator, settings):
    # Each held reply answers another, so the queue also draws every parent with its article.
    parent = make_reply(article=article, body="The parent of them all")
    settings.FORUM_MODERATION_HOOKS = ["forum.tests.test_moderation.hold_everything"]
    client.force_login(moderator)
    for _ in range(2):
        make_reply(article=article, parent=parent, author=make_user())
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("forum:moderation_queue"))
    for _ in range(18):
        make_reply(article=article, parent=parent, author=make_user())
    with CaptureQueriesContext(connection) as big:
        client.get(reverse("forum:moderation_queue"))
    assert len(big) == len(small)


@pytest.mark.parametrize(
    "url_name, args",
    [
        ("forum:moderation_queue", []),
        ("forum:moderation_reply", ["REPLY"]),
        ("forum:moderation_user", ["victim"]),
    ],
)
def test_non_moderators_get_403_on_moderation_pages(client, make_user, make_reply, article, url_name, args):
    reply = make_reply(article=article, author=make_user("victim"))
    client.force_login(make_user())
    url = reverse(url_name, args=[reply.pk if a == "REPLY" else a for a in args])
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("action", ["approve", "remove", "restore", "dismiss", "lock-branch", "hold-branch", "remove-branch"])
def test_non_moderators_get_403_on_actions_and_nothing_changes(client, make_user, make_reply, article, action):
    reply = make_reply(article=article)
    make_reply(article=article, parent=reply)
    client.force_login(make_user())
    before = list(Reply.objects.values_list("pk", "status", "branch_locked"))
    assert act(client, reply, action, "because").status_code == 403
    assert list(Reply.objects.values_list("pk", "status", "branch_locked")) == before
    assert ModerationLog.objects.count() == 0


def test_anonymous_visitors_get_403_on_actions_too(client, make_reply, article):
    reply = make_reply(article=article)
    assert act(client, reply, "remove", "x").status_code == 403
    assert client.post(reverse("forum:moderation_ban", args=[reply.author.username]), {"reason": "x"}).status_code == 403
    assert ModerationLog.objects.count() == 0


def test_a_moderator_removes_with_a_reason_and_restores(client, make_reply, article, moderator):
    reply = make_reply(article=article, body="Out of line")
    child = make_reply(article=article, parent=reply, body="A fair answer")
    client.force_login(moderator)
    no_reason = act(client, reply, "remove")
    assert no_reason.status_code == 400 and "Give a reason" in no_reason.content.decode()
    assert act(client, reply, "remove", "Personal attack").status_code == 302
    client.logout()
    page = client.get(article.get_absolute_url()).content.decode()
    assert "[removed by moderator]" in page and "Out of line" not in page and "A fair answer" in page
    assert f'id="r{child.pk}"' in page
    client.force_login(moderator)
    assert act(client, reply, "restore").status_code == 302
    reply.refresh_from_db()
    assert reply.status == Reply.Status.PUBLISHED
    assert list(ModerationLog.objects.order_by("id").values_list("action", "reason")) == [
        ("remove", "Personal attack"), ("restore", ""),
    ]


def test_acting_on_a_reply_another_moderator_handled_says_so_without_a_second_entry(client, make_reply, article, moderator, make_moderator):
    reply = make_reply(article=article)
    actions.reply_remove_by_moderator(reply=reply, moderator=make_moderator(), reason="first")
    client.force_login(moderator)
    response = act(client, reply, "remove", "second")
    assert response.status_code == 409
    assert "already removed: another moderator has handled it" in response.content.decode()
    assert ModerationLog.objects.count() == 1


def test_approving_a_reply_that_is_not_held_is_a_conflict(client, make_reply, article, moderator):
    reply = make_reply(article=article)
    client.force_login(moderator)
    assert act(client, reply, "approve").status_code == 409
    assert ModerationLog.objects.count() == 0


def test_an_authors_own_removal_cannot_be_undone_by_a_moderator(make_user, article, moderator):
    author = make_user()
    reply = posting.reply_create(article=article, author=author, body="Taking it back")
    posting.reply_remove_own(reply=reply, user=author)
    with pytest.raises(errors.ForumError, match="Its author removed this reply"):
        actions.reply_restore(reply=reply, moderator=moderator)


def test_dismissing_flags_keeps_the_reply_and_closes_them(make_user, make_reply, article, moderator):
    reply = make_reply(article=article)
    actions.reply_flag(reply=reply, flagger=make_user(), reason="spam")
    actions.flags_dismiss(reply=reply, moderator=moderator)
    reply.refresh_from_db()
    assert reply.status == Reply.Status.PUBLISHED
    assert Flag.objects.get().resolved is not None
    with pytest.raises(errors.Conflict):
        actions.flags_dismiss(reply=reply, moderator=moderator)


# --- Branches and articles ------------------------------------------------------------------------------


@pytest.fixture
def branch(make_reply, article):
    root = make_reply(article=article, body="root")
    middle = make_reply(article=article, parent=root, body="middle")
    leaf = make_reply(article=article, parent=middle, body="leaf")
    other = make_reply(article=article, body="other branch")
    return root, middle, leaf, other


def test_a_locked_branch_refuses_replies_anywhere_under_it_with_the_reason(client, make_user, branch, moderator, article):
    root, middle, leaf, other = branch
    actions.branch_lock(reply=middle, moderator=moderator, reason="Cooling off")
    client.force_login(make_user())
    for target in (middle, leaf):
        response = client.post(reverse("forum:reply_to", args=[article.slug, target.pk]), {"body": "More!"})
        assert response.status_code == 403
        assert "locked this branch" in response.content.decode()
    assert client.post(reverse("forum:reply_to", args=[article.slug, root.pk]), {"body": "Above is fine"}).status_code == 302
    assert client.post(reverse("forum:reply_to", args=[article.slug, other.pk]), {"body": "Elsewhere"}).status_code == 302
    assert Reply.objects.count() == 6


def test_hold_a_whole_branch_in_one_action(branch, moderator):
    root, middle, leaf, other = branch
    assert actions.branch_hold(reply=middle, moderator=moderator, reason="Flame war") == 2
    statuses = dict(Reply.objects.values_list("body", "status"))
    assert statuses == {"root": "published", "middle": "held", "leaf": "held", "other branch": "published"}
    entry = ModerationLog.objects.get()
    assert entry.action == "hold_branch" and entry.detail == "2 replies held"


def test_remove_a_whole_branch_keeps_placeholders_in_place(client, branch, moderator, article):
    root, middle, leaf, other = branch
    client.force_login(moderator)
    assert act(client, root, "remove-branch", "Spam thread").status_code == 302
    assert Reply.objects.filter(status="removed").count() == 3
    client.logout()
    page = client.get(article.get_absolute_url()).content.decode()
    assert page.count("[removed by moderator]") == 3 and "other branch" in page
    assert act(client, root, "remove-branch", "again").status_code == 403


def test_a_moderator_locks_a_whole_article(client, make_user, branch, moderator, article):
    client.force_login(moderator)
    response = client.post(reverse("forum:moderation_lock_article", args=[article.slug]), {"reason": "Enough"})
    assert response.status_code == 302
    assert Article.objects.get(pk=article.pk).locked
    client.force_login(make_user())
    refused = client.post(reverse("forum:reply_top", args=[article.slug]), {"body": "Hello"})
    assert refused.status_code == 403 and "locked" in refused.content.decode()
    assert ModerationLog.objects.get().action == "lock_article"


# --- Suspensions --------------------------------------------------------------------------------------------


def test_a_moderator_suspends_a_user_who_can_read_but_not_post_and_sees_why(client, make_user, moderator, article):
    troll = make_user("troll")
    client.force_login(moderator)
    until = (timezone.now() + datetime.timedelta(days=7)).date().isoformat()
    response = client.post(reverse("forum:moderation_ban", args=["troll"]), {"reason": "Repeated abuse", "until": until})
    assert response.status_code == 302
    client.force_login(troll)
    page = client.get(article.get_absolute_url()).content.decode()
    assert "suspended until" in page and "Repeated abuse" in page
    refused = client.post(reverse("forum:reply_top", args=[article.slug]), {"body": "Let me in"})
    assert refused.status_code == 403 and "Repeated abuse" in refused.content.decode()
    assert Reply.objects.count() == 0


def test_a_suspension_needs_a_reason_and_a_future_date(client, make_user, moderator):
    make_user("troll")
    client.force_login(moderator)
    url = reverse("forum:moderation_ban", args=["troll"])
    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "x", "until": "2001-01-01"}).status_code == 400
    assert client.post(url, {"reason": "x", "until": "not a date"}).status_code == 400
    assert ModerationLog.objects.count() == 0


def test_moderators_cannot_suspend_each_other_or_themselves(moderator, make_moderator):
    with pytest.raises(errors.ForumError):
        suspensions.user_ban(user=moderator, moderator=moderator, reason="x")
    with pytest.raises(errors.ForumError):
        suspensions.user_ban(user=make_moderator(), moderator=moderator, reason="x")


# --- The log ------------------------------------------------------------------------------------------------


def test_the_log_is_public_with_moderator_names_by_setting(client, make_reply, article, moderator, settings):
    reply = make_reply(article=article)
    actions.reply_remove_by_moderator(reply=reply, moderator=moderator, reason="Off-topic rant")
    page = client.get(reverse("forum:moderation_log")).content.decode()
    assert "removed a reply" in page and "Off-topic rant" in page
    assert "A moderator" in page and ">mod<" not in page
    settings.FORUM_MODLOG_SHOW_MODERATORS = True
    assert "<td>mod</td>" in client.get(reverse("forum:moderation_log")).content.decode()
    settings.FORUM_MODLOG_SHOW_MODERATORS = False
    client.force_login(moderator)
    assert "<td>mod</td>" in client.get(reverse("forum:moderation_log")).content.decode()


def test_log_rows_can_never_be_edited_or_deleted(make_reply, article, moderator):
    reply = make_reply(article=article)
    actions.reply_remove_by_moderator(reply=reply, moderator=moderator, reason="x")
    entry = ModerationLog.objects.get()
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        ModerationLog.objects.update(reason="rewritten")
    with pytest.raises(TypeError):
        ModerationLog.objects.all().delete()
    # Below the ORM, the database itself refuses.
    with pytest.raises(Exception), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE forum_moderationlog SET reason = 'rewritten'")
    if connection.vendor == "postgresql":
        with pytest.raises(Exception), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM forum_moderationlog")
    assert ModerationLog.objects.get().reason == "x"


def test_moderation_actions_log_one_line_each(caplog, make_reply, article, moderator):
    reply = make_reply(article=article)
    with caplog.at_level("INFO", logger="forum.moderation"):
        actions.reply_remove_by_moderator(reply=reply, moderator=moderator, reason="x")
    lines = [r.getMessage() for r in caplog.records if r.name == "forum.moderation"]
    assert len(lines) == 1 and "action=remove" in lines[0] and f"reply={reply.pk}" in lines[0]


# --- The admin calls the same services ------------------------------------------------------------------------


def test_admin_actions_call_the_same_services(client, make_reply, article, moderator):
    reply = make_reply(article=article)
    client.force_login(moderator)
    response = client.post(
        reverse("admin:forum_reply_changelist"),
        {"action": "remove", "_selected_action": [reply.pk], "reason": "From the admin"},
    )
    assert response.status_code == 302
    reply.refresh_from_db()
    assert reply.status == "removed" and reply.removed_by == "moderator"
    assert ModerationLog.objects.get().reason == "From the admin"


def test_admin_suspends_users_through_the_service(client, make_user, moderator):
    troll = make_user("troll")
    client.force_login(moderator)
    client.post(reverse("admin:accounts_user_changelist"),
                {"action": "ban", "_selected_action": [troll.pk], "reason": "Spam", "until": ""})
    troll.refresh_from_db()
    assert troll.posting_ban() and "for good" in troll.posting_ban()
    assert ModerationLog.objects.get().action == "ban"


def test_moderators_are_a_group_not_just_superusers(moderator):
    assert not moderator.is_superuser
    assert moderator.groups.filter(name="Moderators").exists()
    assert moderator.has_perm("forum.moderate_reply")


def test_a_moderator_must_still_be_in_the_group(make_reply, article, moderator):
    from accounts.services import moderator_set

    reply = make_reply(article=article)
    moderator_set(user=moderator, moderator=False)
    moderator = type(moderator).objects.get(pk=moderator.pk)  # permissions are cached per object
    with pytest.raises(errors.ForumError, match="Only moderators"):
        actions.reply_remove_by_moderator(reply=reply, moderator=moderator, reason="x")



@pytest.mark.parametrize("typed", ["2099-12-31", "31/12/2099"])
def test_the_admin_and_the_moderation_page_read_a_suspensions_end_alike(client, make_user, moderator, typed):
    first, second = make_user("first"), make_user("second")
    client.force_login(moderator)
    client.post(reverse("admin:accounts_user_changelist"),
                {"action": "ban", "_selected_action": [first.pk], "reason": "Spam", "until": typed})
    response = client.post(reverse("forum:moderation_ban", args=["second"]), {"reason": "Spam", "until": typed})
    assert response.status_code == 302
    for person in (first, second):
        person.refresh_from_db()
        assert person.banned_until is not None and person.banned_until.date() == datetime.date(2099, 12, 31)


def test_a_suspension_end_that_is_not_a_date_is_refused_in_the_admin_without_an_error(client, make_user, moderator):
    troll = make_user("troll")
    client.force_login(moderator)
    response = client.post(reverse("admin:accounts_user_changelist"),
                           {"action": "ban", "_selected_action": [troll.pk], "reason": "Spam", "until": "soon"},
                           follow=True)
    assert response.status_code == 200 and "must be a date such as" in response.content.decode()
    troll.refresh_from_db()
    assert troll.banned_at is None and ModerationLog.objects.count() == 0
