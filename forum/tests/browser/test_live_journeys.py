"""Issue 10 in a real browser: following and its email, a mention, ignoring someone, the
new-replies notice, posting in place (and landing at the reply without JavaScript), and "in
reply to"."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from playwright.sync_api import expect

from forum.models import Reply
from forum.notifications.models import ArticleFollow
from forum.posting import services as posting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def scene(make_article, make_user):
    article = make_article(title="Live from Latakia")
    alice, bob = make_user("alice", display_name="Alice Ames"), make_user("bob", display_name="Bob Brand")
    first = posting.reply_create(article=article, parent=None, author=alice, body="The first word on it.")
    return article, alice, bob, first


def test_a_reader_follows_a_discussion_is_emailed_and_unsubscribes_signed_out(open_page, scene, js, make_user):
    article, alice, bob, first = scene
    carol = make_user("carol")  # alice follows already: posting follows by default
    page = open_page(js=js, user=carol)
    page.goto(article.get_absolute_url())
    page.get_by_role("button", name="Follow this discussion").click()
    expect(page.get_by_role("button", name="Following: stop")).to_have_attribute("aria-pressed", "true")

    mail.outbox.clear()
    posting.reply_create(article=article, parent=None, author=bob, body="Ships leaving Tartus.")
    (message,) = [m for m in mail.outbox if m.to == ["carol@example.com"]]
    assert "Ships leaving Tartus." in message.body
    link = re.search(r"<(http[^>]+)>", message.extra_headers["List-Unsubscribe"]).group(1)

    signed_out = open_page(js=js)
    signed_out.goto(urlsplit(link).path)
    signed_out.get_by_role("button", name="Unsubscribe").click()
    expect(signed_out.get_by_role("status")).to_contain_text("Done: no more")
    assert not ArticleFollow.objects.filter(user=carol, article=article).exists()


def test_a_mention_reaches_the_named_reader(open_page, scene, js):
    article, alice, bob, first = scene
    writer = open_page(js=js, user=bob)
    writer.goto(article.get_absolute_url())
    writer.get_by_text("Reply to the article").click()
    writer.get_by_label("Your reply").fill("Ask @alice: the airbase stays.")
    writer.get_by_role("button", name="Post reply").click()
    expect(writer.locator(".reply-card", has_text="the airbase stays")).to_be_visible()
    mine = Reply.objects.get(author=bob)
    expect(writer.locator(f"#r{mine.pk} .reply-body a")).to_have_attribute("href", "/u/alice/")

    reader = open_page(js=js, user=alice)
    reader.goto("/notifications/")
    reader.get_by_role("button", name=re.compile("mentioned you on")).click()
    expect(reader.locator(f"#r{mine.pk} > .reply-card")).to_contain_text("the airbase stays")


def test_ignoring_someone_folds_their_replies_to_a_line_that_opens_on_demand(open_page, scene, js):
    article, alice, bob, first = scene
    page = open_page(js=js, user=bob)
    page.goto("/u/alice/")
    page.get_by_role("button", name="Ignore Alice Ames").click()
    expect(page.get_by_role("status").first).to_contain_text("You ignore Alice Ames")

    page.goto(article.get_absolute_url())
    tombstone = page.locator(f"#r{first.pk} > details.ignored-reply")
    expect(tombstone.locator("summary")).to_contain_text("You ignore Alice Ames.")
    expect(tombstone.locator(".reply-card")).to_be_hidden()
    tombstone.locator("summary").click()
    expect(tombstone.locator(".reply-card")).to_contain_text("The first word on it.")


def test_the_new_replies_notice_appears_when_another_reader_posts(open_page, scene, make_user):
    article, alice, bob, first = scene
    page = open_page(js=True, user=alice)
    page.clock.install()
    page.goto(article.get_absolute_url())
    notice = page.locator(".js-live-show")
    expect(notice).to_be_hidden()

    # Another signed-in reader posts, from their own browser.
    other = open_page(js=False, user=bob)
    other.goto(article.get_absolute_url())
    other.get_by_text("Reply to the article").click()
    other.get_by_label("Your reply").fill("Fresh from the other side.")
    other.get_by_role("button", name="Post reply").click()
    expect(other.locator(".reply-card").last).to_contain_text("Fresh from the other side.")

    page.clock.run_for(31_000)  # past the longest wait between polls
    expect(notice).to_have_text("1 new reply — show")
    expect(page.locator(".live-replies")).to_have_attribute("aria-live", "polite")
    notice.click()
    fresh = Reply.objects.get(author=bob)
    expect(page).to_have_url(f"{article.get_absolute_url()}#r{fresh.pk}")
    expect(page.locator(f"#r{fresh.pk} > .reply-card")).to_contain_text("Fresh from the other side.")
    expect(page.locator(f"#r{fresh.pk} > .reply-card")).to_be_in_viewport()


def test_a_reply_is_posted_in_place_with_javascript_and_lands_at_the_reply_without(open_page, scene, js):
    article, alice, bob, first = scene
    page = open_page(js=js, user=bob)
    page.goto(article.get_absolute_url())
    page.locator(f"#r{first.pk} > .reply-card").get_by_role("link", name="Reply", exact=True).click()
    if js:
        box = page.locator(f"#r{first.pk} > .inline-reply textarea")
        page.get_by_role("button", name="Post reply").click()  # empty: the server's words, beside the form
        expect(page.locator(f"#r{first.pk} > .inline-reply [role=alert]")).not_to_be_empty()
        assert not Reply.objects.filter(author=bob).exists()
    else:
        box = page.get_by_role("textbox", name="Your reply")
    box.fill("Not so fast: the *base* stays.")
    page.get_by_role("button", name="Post reply").click()
    expect(page.locator(".reply-card", has_text="Not so fast")).to_be_visible()

    mine = Reply.objects.get(author=bob)
    card = page.locator(f"#r{first.pk} #r{mine.pk} > .reply-card")
    expect(card).to_contain_text("Not so fast: the base stays.")
    if js:
        expect(page).to_have_url(re.compile(re.escape(article.get_absolute_url()) + "$"))
        expect(card).to_be_focused()
        expect(page.locator(".js-live-announce")).to_have_text("Your reply is posted.")
    else:
        expect(page).to_have_url(f"{article.get_absolute_url()}#r{mine.pk}")

    # "in reply to Alice Ames" leads to the reply it answers, on the same page.
    card.get_by_role("link", name="Alice Ames").click()
    expect(page).to_have_url(re.compile(f"#r{first.pk}$"))
    expect(page.locator(f"#r{first.pk} > .reply-card")).to_be_in_viewport()
