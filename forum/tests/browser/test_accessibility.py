"""The forum from the keyboard and through assistive technology: structure, focus, shortcuts, axe."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import expect

from forum.models import Reply
from forum.moderation import actions, people
from forum.posting import services as posting

from .support import OP_ED

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

THREAD = f"/articles/{OP_ED}/"


def card(page, reply: Reply):
    return page.locator(f"#r{reply.pk} > .reply-card")


def in_order(*starts: str) -> list[Reply]:
    return [Reply.objects.get(article__slug=OP_ED, body__startswith=start) for start in starts]


def outline_of(locator) -> str:
    return locator.evaluate("element => getComputedStyle(element).outlineStyle")


def test_the_thread_is_nested_lists_of_articles_each_headed_by_its_author_and_time(open_page, seeded):
    first, held, answer = in_order("He could have added", "Putin knows the US/CIA", "The Russians didn’t have to")
    page = open_page()
    page.goto(THREAD)

    thread = page.locator("#discussion > ol.thread")
    expect(thread.locator(":scope > li")).to_have_count(9)  # the top-level replies
    expect(thread.get_by_role("article", name=re.compile(r"^Atle Rørdam\s+#\d+\s+time not recorded$")).first).to_be_visible()
    expect(card(page, first).get_by_role("heading", level=3)).to_have_text(re.compile(r"^Atle Rørdam\s+#\d+\s+time not recorded$"))
    # A reply's answers are a list inside its own list item, so nesting is announced.
    expect(page.locator(f"#r{held.pk} > details > ol.replies > #r{answer.pk} > article")).to_have_count(1)


def test_j_and_k_move_between_replies_and_skip_a_folded_branch(open_page, seeded):
    first, held, answer, fourth = in_order(
        "He could have added", "Putin knows the US/CIA", "The Russians didn’t have to", "for russia half victory"
    )
    page = open_page()
    page.goto(THREAD)
    expect(page.locator(".shortcuts-hint")).to_be_visible()

    page.keyboard.press("j")
    expect(card(page, first)).to_be_focused()
    assert outline_of(card(page, first)) == "solid"
    page.keyboard.press("j")
    expect(card(page, held)).to_be_focused()
    page.keyboard.press("j")
    expect(card(page, answer)).to_be_focused()
    page.keyboard.press("k")
    expect(card(page, held)).to_be_focused()

    page.locator(f"#r{held.pk} > details > summary").click()
    card(page, held).focus()
    page.keyboard.press("j")
    expect(card(page, fourth)).to_be_focused()
    expect(card(page, fourth)).to_be_in_viewport()


def test_j_and_k_typed_in_the_reply_box_are_text(open_page, seeded, make_user):
    page = open_page(user=make_user())
    page.goto(THREAD)
    page.get_by_text("Reply to the article").click()
    box = page.get_by_role("textbox", name="Your reply")
    box.press_sequentially("just kidding")

    expect(box).to_have_value("just kidding")
    expect(box).to_be_focused()


def test_without_javascript_the_shortcut_hint_is_not_shown(open_page, seeded):
    page = open_page(js=False)
    page.goto(THREAD)

    expect(page.get_by_role("heading", name="Discussion")).to_be_visible()
    expect(page.locator(".shortcuts-hint")).to_be_hidden()


def test_a_branch_folds_from_the_keyboard_and_its_toggle_shows_focus(open_page, seeded):
    held, answer = in_order("Putin knows the US/CIA", "The Russians didn’t have to")
    page = open_page()
    page.goto(THREAD)
    toggle = page.locator(f"#r{held.pk} > details > summary")

    card(page, held).focus()
    for _ in range(5):  # its author, its time link, then the toggle
        page.keyboard.press("Tab")
        if toggle.evaluate("element => element === document.activeElement"):
            break
    expect(toggle).to_be_focused()
    assert outline_of(toggle) == "solid"
    page.keyboard.press("Enter")
    expect(card(page, answer)).to_be_hidden()
    page.keyboard.press("Enter")
    expect(card(page, answer)).to_be_visible()


def test_the_reply_box_opens_from_the_keyboard(open_page, seeded, make_user):
    (first,) = in_order("He could have added")
    page = open_page(user=make_user())
    page.goto(THREAD)
    reply_link = card(page, first).get_by_role("link", name="Reply", exact=True)

    card(page, first).focus()
    for _ in range(5):  # its author, its time link, then Reply
        page.keyboard.press("Tab")
        if reply_link.evaluate("element => element === document.activeElement"):
            break
    expect(reply_link).to_be_focused()
    assert outline_of(reply_link) == "solid"
    page.keyboard.press("Enter")
    box = page.locator(f"#r{first.pk} > .inline-reply textarea")
    expect(box).to_be_focused()
    page.keyboard.type("Typed without a mouse.")
    page.keyboard.press("Tab")
    expect(page.locator(f"#r{first.pk} > .inline-reply").get_by_role("button", name="Post reply")).to_be_focused()
    page.keyboard.press("Enter")

    # Put in place under the reply it answers, and focused there (issue 10).
    expect(page.locator(f"#r{first.pk} .reply-card:focus")).to_contain_text("Typed without a mouse.")


AUDITED = {
    "home": "/",
    "thread": THREAD,
    "sign-in": "/accounts/login/",
    "queue": "/moderation/",
    "reply-page": "reply",  # a top-level seed reply's own page (issue 14: its headings skipped a level)
    "user-history": "history",  # a moderator's page of one person (issue 14)
}


@pytest.mark.parametrize("name", AUDITED)
def test_axe_finds_nothing_of_any_impact(open_page, seeded, make_user, make_moderator, name):
    # The queue holds a flagged reply besides the two held seed replies, so every kind of entry
    # is audited.
    (deep,) = in_order("You are obviously referring to a T-14 Armata tank")
    reply = posting.reply_create(article=deep.article, parent=deep, author=make_user(), body="Posters for sale.")
    actions.reply_flag(reply=reply, flagger=make_user(), reason="spam", text="")
    # The seed reply it answers is held too, so the queue draws a reply that is both an entry and
    # the parent of another (issue 14: duplicate ids, regions with one name).
    page = open_page(user=make_moderator() if name in ("queue", "user-history") else None)
    path = AUDITED[name]
    if path == "reply":
        path = Reply.objects.filter(article__slug=OP_ED, parent=None).order_by("tree_id").first().get_absolute_url()
    if path == "history":  # the flagged reply's author: a reply, a flag on it, a note
        people.note_add(user=reply.author, moderator=make_moderator(), text="Selling posters in threads.")
        path = reverse("forum:moderation_user", args=[reply.author.username])
    page.goto(path)

    # axe.min.js goes in through the DevTools protocol, which the page's Content-Security-Policy
    # (script-src 'self') does not govern: the page is audited as served, without bypass_csp.
    results = Axe().run(page)

    # Every finding, of any impact (issue 14: the queue's section names, the reply page's heading order).
    assert results.response["violations"] == [], results.generate_report()


def test_reply_quote_and_flag_are_at_least_24_px_on_a_phone(open_page, seeded, make_user):
    from .support import PHONE

    page = open_page(user=make_user(), viewport=PHONE)
    page.goto(THREAD)
    actions_ = page.locator(".reply-actions").first
    for name in ["Reply", "Quote", "Flag"]:
        box = actions_.get_by_role("link", name=name, exact=True).bounding_box()
        assert box["height"] >= 24 and box["width"] >= 24, (name, box)


def test_the_admins_reply_list_shows_status_and_created_at_1280_px(open_page, seeded, django_user_model):
    boss = django_user_model.objects.create_superuser("boss", "boss@example.com", "pw-for-tests-1")
    page = open_page(user=boss)
    page.goto("/admin/forum/reply/")
    for column in ["Status", "Created"]:
        header = page.locator("#result_list thead th").filter(has_text=column).first
        box = header.bounding_box()
        assert box is not None and box["x"] + box["width"] <= 1280, (column, box)
