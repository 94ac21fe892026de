"""Posting, editing and removing replies from the web, and every way it can be refused."""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from forum.models import Article, Reply, ReplyRevision

pytestmark = pytest.mark.django_db


@pytest.fixture
def article(make_article):
    return make_article(title="A story")


@pytest.fixture
def member(client, make_user):
    user = make_user("member")
    client.force_login(user)
    return user


def token_from(page: str) -> str:
    return re.search(r'name="form_token" value="([0-9a-f]+)"', page).group(1)


def top_url(article):
    return reverse("forum:reply_top", kwargs={"slug": article.slug})


def reply_url(parent):
    return reverse("forum:reply_to", kwargs={"slug": parent.article.slug, "parent_pk": parent.pk})


def post(client, url, body, **extra):
    return client.post(url, {"body": body, **extra})


# --- Posting ------------------------------------------------------------------------------------


def test_a_member_replies_to_the_article_and_lands_on_the_new_reply(client, member, article):
    response = post(client, top_url(article), "Hello *there*")
    reply = Reply.objects.get()
    assert response.status_code == 302
    # On the article page, not the reply's own (issue 10).
    assert response["Location"] == f"{article.get_absolute_url()}#r{reply.pk}"
    assert reply.parent is None and reply.author == member and reply.created is not None
    assert reply.body_html == "<p>Hello <em>there</em></p>\n"
    page = client.get(response["Location"]).content.decode()
    assert f'id="r{reply.pk}"' in page  # the anchor the browser scrolls to; CSS :target highlights it


def test_a_member_replies_deep_in_the_seed_thread(client, member, seeded):
    deep = Reply.objects.filter(level=4).order_by("tree_id", "lft").first()
    response = post(client, reply_url(deep), "Answering the deepest reply.")
    reply = Reply.objects.get(author=member)
    assert response.status_code == 302
    assert reply.parent == deep and reply.level == 5
    page = client.get(deep.article.get_absolute_url()).content.decode()
    assert page.index(f'id="r{deep.pk}"') < page.index(f'id="r{reply.pk}"') < page.index("Answering") 


def test_the_reply_page_shows_the_parent_in_context(client, member, make_reply, article):
    parent = make_reply(article=article, body="The parent's words")
    page = client.get(reply_url(parent)).content.decode()
    assert "The parent&#x27;s words" in page or "The parent’s words" in page or "The parent's words" in page
    assert 'class="reply-form"' in page and f'action="{reply_url(parent)}"' in page
    assert "Up to 10,000 characters" in page and 'maxlength="10000"' in page


def test_quote_prefills_the_box_with_a_markdown_quote(client, member, make_reply, article, make_user):
    parent = make_reply(article=article, author=make_user("quoted", display_name="Quoted Person"), body="line one\nline two")
    page = client.get(reply_url(parent) + "?quote=1").content.decode()
    assert "Quoted Person wrote:\n&gt; line one\n&gt; line two\n" in page


def test_preview_without_javascript_shows_the_rendering_and_posts_nothing(client, member, article):
    response = post(client, top_url(article), "**bold** <script>x</script>", preview="1")
    page = response.content.decode()
    assert response.status_code == 200
    assert "<strong>bold</strong>" in page and "&lt;script&gt;" in page and "<script>x" not in page
    assert Reply.objects.count() == 0


def test_preview_endpoint_renders_for_members_only(client, make_user):
    assert client.post(reverse("forum:preview"), {"body": "*x*"}).status_code == 403
    client.force_login(make_user())
    response = client.post(reverse("forum:preview"), {"body": "*x* [a](https://example.com)"})
    assert response.status_code == 200
    assert "<em>x</em>" in response.content.decode()
    assert 'rel="nofollow ugc noopener noreferrer"' in response.content.decode()
    bad = client.post(reverse("forum:preview"), {"body": "   "})
    assert bad.status_code == 400 and "empty" in bad.content.decode()


def test_a_double_submit_of_one_form_makes_one_reply(client, member, article):
    token = token_from(client.get(top_url(article)).content.decode())
    first = post(client, top_url(article), "Once only", form_token=token)
    second = post(client, top_url(article), "Once only", form_token=token)
    assert Reply.objects.count() == 1
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]


def test_the_same_text_twice_within_minutes_is_refused(client, member, article):
    post(client, top_url(article), "Me too")
    response = post(client, top_url(article), "Me too")
    assert response.status_code == 400
    assert "You already posted exactly this" in response.content.decode()
    assert Reply.objects.count() == 1


def test_posting_too_fast_is_429_with_retry_after(client, member, article, settings):
    settings.FORUM_FLOOD_SECONDS = 60
    post(client, top_url(article), "First")
    response = post(client, top_url(article), "Second")
    assert response.status_code == 429
    assert 55 <= int(response["Retry-After"]) <= 61
    assert "You are posting too fast" in response.content.decode()
    assert Reply.objects.count() == 1


# --- Bad input: a clear message, a 4xx, and nothing written -------------------------------------


@pytest.mark.parametrize(
    "body, message",
    [
        ("", "the reply is empty"),
        ("   \n\t  ", "the reply is empty"),
        ("x" * 10_001, "10,001 characters long; the limit is 10,000"),
        ("nul \x00 byte", "Null characters are not allowed"),
        ("bell \x07 char", "control character"),
        ("escape \x1b[31m", "control character"),
    ],
)
def test_bad_bodies_are_refused_with_a_message(client, member, article, body, message):
    response = post(client, top_url(article), body)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Reply.objects.count() == 0


def test_a_reply_to_a_missing_parent_is_404(client, member, article):
    url = reverse("forum:reply_to", kwargs={"slug": article.slug, "parent_pk": 999999})
    assert post(client, url, "Hello").status_code == 404
    assert Reply.objects.count() == 0


@pytest.mark.parametrize(
    "status, message",
    [("held", "awaiting moderation and cannot be answered yet"), ("removed", "was removed and cannot be answered")],
)
def test_a_reply_to_a_held_or_removed_parent_is_refused_with_the_services_words(
    client, member, make_reply, article, status, message
):
    # The page and the post ask forum.policy, as the service does: one message, wherever asked.
    parent = make_reply(article=article)
    Reply.objects.filter(pk=parent.pk).update(status=status)
    for response in (client.get(reply_url(parent)), post(client, reply_url(parent), "Hello")):
        assert response.status_code == 400
        assert message in response.content.decode()
    assert Reply.objects.count() == 1


def test_the_service_refuses_a_held_parent_even_if_it_changed_after_the_page(member, make_reply, article):
    from forum import errors
    from forum.posting import services as posting

    parent = make_reply(article=article)
    Reply.objects.filter(pk=parent.pk).update(status=Reply.Status.HELD)
    with pytest.raises(errors.ForumError, match="awaiting moderation"):
        posting.reply_create(article=article, parent=parent, author=member, body="Hi")
    assert Reply.objects.count() == 1


def test_a_parent_from_another_article_is_refused(client, member, make_reply, make_article, article):
    other = make_reply(article=make_article())
    url = reverse("forum:reply_to", kwargs={"slug": article.slug, "parent_pk": other.pk})
    response = post(client, url, "Hello")
    assert response.status_code == 400
    assert "belongs to another article" in response.content.decode()
    assert Reply.objects.count() == 1


def test_a_locked_article_refuses_replies(client, member, make_reply, article):
    parent = make_reply(article=article)
    Article.objects.filter(pk=article.pk).update(locked=True)
    for url in [top_url(article), reply_url(parent)]:
        response = post(client, url, "Hello")
        assert response.status_code == 403
        assert "This discussion is locked" in response.content.decode()
    assert Reply.objects.count() == 1
    assert "Reply</a>" not in client.get(article.get_absolute_url()).content.decode()


def test_an_anonymous_reply_goes_through_sign_in_and_keeps_the_text(client, make_user, article):
    user = make_user("latecomer")
    response = post(client, top_url(article), "My careful words")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login") + "?next=")
    assert Reply.objects.count() == 0
    login = client.post(response["Location"], {"login": "latecomer", "password": "pw-for-tests-1"})
    assert login.status_code == 302 and login["Location"] == top_url(article)
    page = client.get(login["Location"]).content.decode()
    assert "My careful words" in page
    post(client, top_url(article), "My careful words")
    assert Reply.objects.get().author == user


def test_a_missing_or_bad_csrf_token_is_403(make_user, article):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(make_user())
    assert strict.post(top_url(article), {"body": "Hello"}).status_code == 403
    assert strict.post(top_url(article), {"body": "Hello", "csrfmiddlewaretoken": "x" * 64}).status_code == 403
    assert Reply.objects.count() == 0


def test_an_unverified_email_cannot_post_yet(client, make_user, article):
    client.force_login(make_user(verified=False))
    response = post(client, top_url(article), "Hello")
    assert response.status_code == 403
    assert "verify your email address" in response.content.decode()
    assert Reply.objects.count() == 0


def test_the_verified_email_rule_can_be_switched_off(client, make_user, article, settings):
    settings.FORUM_REQUIRE_VERIFIED_EMAIL = False
    client.force_login(make_user(verified=False))
    assert post(client, top_url(article), "Hello").status_code == 302


@pytest.mark.parametrize(
    "until, shown",
    [(None, "suspended for good: spam"), (timezone.now() + datetime.timedelta(days=3), "suspended until")],
)
def test_a_banned_member_can_read_but_not_post_and_sees_why(client, member, article, until, shown):
    type(member).objects.filter(pk=member.pk).update(banned_at=timezone.now(), banned_until=until, ban_reason="spam")
    assert client.get(article.get_absolute_url()).status_code == 200
    response = post(client, top_url(article), "Hello")
    assert response.status_code == 403
    assert shown in response.content.decode()
    assert Reply.objects.count() == 0


def test_an_expired_ban_no_longer_stops_posting(client, member, article):
    past = timezone.now() - datetime.timedelta(days=1)
    type(member).objects.filter(pk=member.pk).update(banned_at=past - datetime.timedelta(days=2), banned_until=past)
    assert post(client, top_url(article), "Hello").status_code == 302


def test_an_inactive_account_cannot_post(client, member, article):
    type(member).objects.filter(pk=member.pk).update(is_active=False)
    response = post(client, top_url(article), "Hello")
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    assert Reply.objects.count() == 0


# --- Editing --------------------------------------------------------------------------------------


def test_the_author_edits_within_the_window_and_the_old_text_is_kept(client, member, make_reply, article):
    reply = make_reply(article=article, author=member, body="Frist!")
    response = post(client, reverse("forum:edit", args=[reply.pk]), "First!")
    assert response.status_code == 302
    reply.refresh_from_db()
    assert reply.body == "First!" and reply.edited is not None
    assert list(ReplyRevision.objects.values_list("body", flat=True)) == ["Frist!"]
    page = client.get(article.get_absolute_url()).content.decode()
    assert ">edited</span>" in page


def test_editing_closes_after_the_window_and_the_page_says_so(client, member, make_reply, article):
    reply = make_reply(article=article, author=member, body="Old")
    Reply.objects.filter(pk=reply.pk).update(created=timezone.now() - datetime.timedelta(minutes=31))
    url = reverse("forum:edit", args=[reply.pk])
    get = client.get(url)
    assert get.status_code == 403 and "Editing closes 30 minutes after posting" in get.content.decode()
    response = post(client, url, "New")
    assert response.status_code == 403 and "Editing closes 30 minutes after posting" in response.content.decode()
    reply.refresh_from_db()
    assert reply.body == "Old" and ReplyRevision.objects.count() == 0
    assert f'href="{url}"' not in client.get(article.get_absolute_url()).content.decode()


def test_editing_someone_elses_reply_is_403(client, member, make_reply, article):
    reply = make_reply(article=article, body="Theirs")
    url = reverse("forum:edit", args=[reply.pk])
    assert client.get(url).status_code == 403
    response = post(client, url, "Mine now")
    assert response.status_code == 403 and "only edit your own" in response.content.decode()
    reply.refresh_from_db()
    assert reply.body == "Theirs" and ReplyRevision.objects.count() == 0


def test_an_edit_with_a_bad_body_is_refused(client, member, make_reply, article):
    reply = make_reply(article=article, author=member, body="Fine")
    response = post(client, reverse("forum:edit", args=[reply.pk]), "  ")
    assert response.status_code == 400 and "empty" in response.content.decode()
    reply.refresh_from_db()
    assert reply.body == "Fine"


def test_moderators_see_the_edit_history_and_others_do_not(client, member, make_reply, make_user, article):
    from django.contrib.auth.models import Permission

    reply = make_reply(article=article, author=member, body="v1")
    post(client, reverse("forum:edit", args=[reply.pk]), "v2")
    url = reverse("forum:history", args=[reply.pk])
    assert client.get(url).status_code == 403
    moderator = make_user()
    moderator.user_permissions.add(Permission.objects.get(codename="moderate_reply"))
    client.force_login(moderator)
    page = client.get(url).content.decode()
    assert "v1" in page and "v2" in page


# --- Removal ----------------------------------------------------------------------------------------


def test_the_author_removes_a_reply_and_its_children_stay(client, member, make_reply, article):
    reply = make_reply(article=article, author=member, body="Regrettable")
    child = make_reply(article=article, parent=reply, body="An answer")
    assert client.get(reverse("forum:remove", args=[reply.pk])).status_code == 200
    response = client.post(reverse("forum:remove", args=[reply.pk]))
    assert response.status_code == 302
    page = client.get(article.get_absolute_url()).content.decode()
    assert "[removed by author]" in page and "Regrettable" not in page
    assert "An answer" in page and f'id="r{child.pk}"' in page
    reply.refresh_from_db()
    assert reply.status == "removed" and reply.body == "Regrettable"  # kept, never hard-deleted
    again = client.post(reverse("forum:remove", args=[reply.pk]))
    assert again.status_code == 400 and "already been removed" in again.content.decode()


def test_removing_someone_elses_reply_is_403(client, member, make_reply, article):
    reply = make_reply(article=article)
    response = client.post(reverse("forum:remove", args=[reply.pk]))
    assert response.status_code == 403
    reply.refresh_from_db()
    assert reply.status == "published"
