"""Issue 14's moderation journeys in a real browser, with JavaScript on and off: an
illegal-content notice through to the decision both sides are told, a discussion's slow mode,
and a moderator's page of one person."""

import pytest
from playwright.sync_api import expect

from forum.models import Article, Reply
from forum.posting import services as posting

from .support import OP_ED

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

STATEMENT = "It names a private person and accuses them of a crime: defamation under national law."


def test_an_illegal_content_notice_reaches_a_decision_that_reporter_and_author_are_told(
    open_page, seeded, js, make_user, make_moderator
):
    deep = Reply.objects.get(article__slug=OP_ED, body__startswith="You are obviously referring to a T-14 Armata tank")
    accused = posting.reply_create(article=deep.article, parent=deep, author=make_user("accuser"),
                                   body="My neighbour John Smith of 4 Elm Street sells the tanks' secrets.")

    reader = open_page(js=js, user=make_user("reporter"))
    reader.goto(accused.get_absolute_url())
    reader.locator(f"#r{accused.pk} > .reply-card").get_by_role("link", name="Flag").click()
    reader.get_by_label("Illegal content (EU Digital Services Act notice)").check()
    reader.get_by_label("Tell the moderators more").fill(STATEMENT)
    reader.get_by_role("button", name="Flag it").click()
    expect(reader.get_by_role("alert")).to_contain_text("Confirm that you make this notice in good faith")
    reader.get_by_label("Illegal content (EU Digital Services Act notice)").check()
    reader.get_by_label("Tell the moderators more").fill(STATEMENT)
    reader.get_by_label("I believe in good faith").check()
    reader.get_by_role("button", name="Flag it").click()
    expect(reader.get_by_role("status")).to_contain_text("the moderators will look at it")

    moderator = open_page(js=js, user=make_moderator("mod"))
    moderator.goto("/moderation/")
    entry = moderator.get_by_role("region", name=f"Reply {accused.pk} by accuser (published)")
    expect(entry).to_contain_text("Illegal content")
    expect(entry).to_contain_text(STATEMENT)
    entry.get_by_label("Reason to remove").fill("Unfounded accusation against a named person")
    entry.get_by_role("button", name="Remove", exact=True).click()
    expect(moderator.get_by_role("status")).to_contain_text("Removed")

    reader.goto("/notifications/")
    expect(reader.locator(".notification-list")).to_contain_text("The decision on your report")
    expect(reader.locator(".notification-list")).to_contain_text("a moderator removed the reply")

    author = open_page(js=js, user=accused.author)
    author.goto("/notifications/")
    notice = author.locator(".notification-list")
    expect(notice).to_contain_text("A moderation decision about your reply")
    expect(notice).to_contain_text("Unfounded accusation against a named person")
    expect(notice).to_contain_text("reported as illegal content under the EU Digital Services Act")


def test_a_moderator_puts_a_discussion_in_slow_mode_and_a_readers_second_reply_waits(
    open_page, seeded, js, make_user, make_moderator
):
    article = Article.objects.get(slug=OP_ED)
    moderator = open_page(js=js, user=make_moderator("mod"))
    moderator.goto(article.get_absolute_url())
    moderator.get_by_role("link", name="Rules of this discussion").click()
    moderator.get_by_label("Slow mode").fill("5")
    moderator.get_by_label("Editor's prompt").fill("Were you in Syria in 2017? Tell us what you saw.")
    moderator.get_by_role("button", name="Save the rules").click()
    expect(moderator.get_by_role("status")).to_contain_text("slow mode 5 min")

    reader = open_page(js=js, user=make_user("eager"))
    reader.goto(f"/articles/{OP_ED}/reply/")
    expect(reader.locator(".reply-form")).to_contain_text("Were you in Syria in 2017?")
    expect(reader.locator(".reply-form")).to_contain_text("Slow mode: one reply every 5 minutes per reader.")
    reader.get_by_label("Your reply").fill("First thoughts.")
    reader.get_by_role("button", name="Post reply").click()
    expect(reader.get_by_text("First thoughts.")).to_be_visible()

    reader.goto(f"/articles/{OP_ED}/reply/")
    reader.get_by_label("Your reply").fill("Second thoughts, too soon.")
    reader.get_by_role("button", name="Post reply").click()
    expect(reader.get_by_role("alert")).to_contain_text("This discussion is in slow mode: one reply every 5 minutes")
    expect(reader.get_by_label("Your reply")).to_have_value("Second thoughts, too soon.")
    assert not Reply.objects.filter(body="Second thoughts, too soon.").exists()


def test_a_moderator_reads_a_persons_history_from_the_queue_and_adds_a_note(
    open_page, seeded, js, make_moderator
):
    held = Reply.objects.get(article__slug=OP_ED, body__startswith="Please… You piss all over")
    moderator = open_page(js=js, user=make_moderator("mod"))
    moderator.goto("/moderation/")
    entry = moderator.locator(f"section.queue-entry:has(#q{held.pk})")
    entry.locator(".queue-author").get_by_role("link", name=held.author.public_name).click()

    expect(moderator.get_by_role("heading", level=1)).to_have_text(held.author.public_name)
    replies = moderator.get_by_role("region", name="Replies, every status")
    expect(replies).to_contain_text(f"Reply {held.pk} (held for review)")
    expect(replies).to_contain_text("You piss all over this website")
    actions = moderator.get_by_role("region", name="Moderation of their account and replies")
    expect(actions).to_contain_text("Automatic rule held a reply")

    moderator.get_by_label("Add a note").fill("Slur in an imported comment; approve nothing of theirs unread.")
    moderator.get_by_role("button", name="Add the note").click()
    expect(moderator.get_by_role("status")).to_contain_text("The note is added.")
    expect(moderator.get_by_role("region", name="Moderators' notes")).to_contain_text("approve nothing of theirs unread")
