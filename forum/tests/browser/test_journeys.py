"""What a person does on the forum, in a real browser, with JavaScript on and off."""

import pytest
from playwright.sync_api import expect

from forum.models import Article, Reply
from forum.posting import services as posting

from .support import OP_ED, confirmation_path

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

HIGHLIGHT = "rgb(255, 248, 214)"  # the yellow of a reply someone was sent to (forum.css)


def seed_reply(starts: str) -> Reply:
    return Reply.objects.get(article__slug=OP_ED, body__startswith=starts)


def test_a_newcomer_opens_the_op_ed_folds_a_branch_and_follows_a_permalink(open_page, seeded, js):
    article = Article.objects.get(slug=OP_ED)
    branch = seed_reply("for russia half victory")
    answer = seed_reply("Iraq is in “better condition”")
    deep = seed_reply("You are obviously referring to a T-14 Armata tank")
    page = open_page(js=js)

    page.goto("/")
    page.get_by_role("link", name=article.title).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(article.title)
    expect(page.get_by_role("heading", name="Discussion")).to_contain_text("(54 replies)")
    toggle = page.locator(f"#r{branch.pk} > details.branch > summary")
    under = page.locator(f"#r{answer.pk} > .reply-card")
    expect(under).to_be_visible()
    expect(toggle).to_have_text("Hide 31 replies", use_inner_text=True)
    toggle.click()
    expect(under).to_be_hidden()
    expect(toggle).to_have_text("Show 31 replies", use_inner_text=True)
    toggle.click()
    expect(under).to_be_visible()

    page.locator(f"#r{deep.pk} .reply-time").click()

    expect(page).to_have_url(f"{article.get_absolute_url()}replies/{deep.pk}/")
    focus = page.locator(f"#r{deep.pk} > .reply-card")
    expect(focus).to_contain_text("T-14 Armata")
    expect(focus).to_have_css("background-color", HIGHLIGHT)
    # The replies it answers come first, from the top-level one down.
    expect(page.get_by_role("heading", name="In reply to", exact=True)).to_be_visible()
    expect(page.locator(".ancestors > li.reply")).to_have_count(4)


def test_a_newcomer_signs_up_verifies_replies_deep_in_the_thread_edits_and_removes(
    open_page, seeded, js, make_user
):
    deep = seed_reply("You are obviously referring to a T-14 Armata tank")
    page = open_page(js=js)

    page.goto("/")
    page.get_by_role("link", name="Sign up").click()
    page.get_by_label("Email:").fill("newcomer@example.com")
    page.get_by_label("Username:").fill("newcomer")
    page.get_by_label("Password:", exact=True).fill("a long walk to Damascus")
    page.get_by_label("Password (again):").fill("a long walk to Damascus")
    page.get_by_role("button", name="Sign Up").click()
    page.goto(confirmation_path("newcomer@example.com"))
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("link", name="newcomer")).to_be_visible()

    page.goto(f"/articles/{OP_ED}/")
    page.locator(f"#r{deep.pk} > .reply-card").get_by_role("link", name="Reply", exact=True).click()
    if js:
        # The box opens under the reply, on the thread page itself.
        box = page.locator(f"#r{deep.pk} > .inline-reply textarea")
        expect(box).to_be_focused()
    else:
        expect(page.get_by_role("heading", level=1)).to_have_text("Reply to batavian01")
        box = page.get_by_role("textbox", name="Your reply")
    box.fill("The Armata stalled on the square in 2015, *before* the parade.")
    page.get_by_role("button", name="Post reply").click()

    expect(page.locator(".reply-card", has_text="stalled on the square")).to_be_visible()
    mine = Reply.objects.get(author__username="newcomer")
    # Under the reply it answers, on the article page (issue 10): put there by the script, or
    # landed on at the reply without it.
    card = page.locator(f"#r{deep.pk} #r{mine.pk} > .reply-card")
    expect(card).to_contain_text("stalled on the square in 2015, before the parade")
    expect(card.locator("em")).to_have_text("before")
    if js:
        expect(page).to_have_url(f"/articles/{OP_ED}/")
        expect(card).to_be_focused()
    else:
        expect(page).to_have_url(f"/articles/{OP_ED}/#r{mine.pk}")
        expect(card).to_have_css("background-color", HIGHLIGHT)
    page.goto(f"/articles/{OP_ED}/")
    expect(page.locator(f"#r{deep.pk} > details > .replies > #r{mine.pk}")).to_contain_text("stalled on the square")

    page.goto(mine.get_absolute_url())
    page.locator(f"#r{mine.pk} > .reply-card").get_by_role("link", name="Edit").click()
    page.get_by_role("textbox").fill("The Armata stalled in rehearsal in 2015, before the parade.")
    page.get_by_role("button", name="Save changes").click()
    card = page.locator(f"#r{mine.pk} > .reply-card")
    expect(card).to_contain_text("stalled in rehearsal")
    expect(card.locator(".edited")).to_have_text("edited")

    posting.reply_create(article=mine.article, parent=mine, author=make_user("batavian02"), body="Source?")
    page.reload()
    page.locator(f"#r{mine.pk} > .reply-card").get_by_role("link", name="Remove").click()
    page.get_by_role("button", name="Remove it").click()

    card = page.locator(f"#r{mine.pk} > .reply-card")
    expect(card).to_contain_text("[removed by author]")
    expect(card).not_to_contain_text("rehearsal")
    expect(page.locator(f"#r{mine.pk} .replies .reply-card")).to_contain_text("Source?")
    expect(page.get_by_role("status")).to_contain_text("The replies under it stay in place")


def test_a_flagged_reply_is_removed_and_a_held_one_approved_from_the_queue_and_the_log_says_so(
    open_page, seeded, js, make_user, make_moderator
):
    deep = seed_reply("You are obviously referring to a T-14 Armata tank")
    held = seed_reply("Putin knows the US/CIA")
    assert held.status == Reply.Status.HELD
    reply = posting.reply_create(
        article=deep.article, parent=deep, author=make_user("armata_fan"), body="Buy my tank posters."
    )

    reader = open_page(js=js, user=make_user("reader"))
    reader.goto(reply.get_absolute_url())
    reader.locator(f"#r{reply.pk} > .reply-card").get_by_role("link", name="Flag").click()
    reader.get_by_label("Spam").check()
    reader.get_by_role("button", name="Flag it").click()
    expect(reader.get_by_role("status")).to_contain_text("the moderators will look at it")

    moderator = open_page(js=js, user=make_moderator("mod"))
    moderator.goto("/")
    moderator.get_by_role("link", name="Queue").click()
    flagged = moderator.get_by_role("region", name=f"Reply {reply.pk} by armata_fan (published)")
    expect(flagged).to_contain_text("Buy my tank posters.")
    expect(flagged).to_contain_text("Spam from reader")
    flagged.get_by_label("Reason to remove").fill("Advertising")
    flagged.get_by_role("button", name="Remove", exact=True).click()
    expect(moderator.get_by_role("status")).to_contain_text("Removed: the reply shows as a placeholder.")

    waiting = moderator.locator(f"section.queue-entry:has(#q{held.pk})")
    waiting.get_by_role("button", name="Approve").click()
    expect(moderator.get_by_role("status")).to_contain_text("Approved: the reply is published.")

    moderator.get_by_role("link", name="Moderation log").click()
    rows = moderator.locator("table.modlog tbody tr")
    expect(rows.filter(has_text=f"reply {reply.pk}")).to_contain_text("removed a reply")
    expect(rows.filter(has_text=f"reply {reply.pk}")).to_contain_text("Advertising")
    # Newest first: the approval, then the hold the import made (issue 14: it was not logged).
    expect(rows.filter(has_text=f"reply {held.pk} by").first).to_contain_text("approved a reply")
    expect(rows.filter(has_text=f"reply {held.pk} by").last).to_contain_text("Automatic rule held a reply")

    reader.goto(reply.get_absolute_url())
    expect(reader.locator(f"#r{reply.pk} > .reply-card")).to_contain_text("[removed by moderator]")
