"""The forum from the keyboard and through assistive technology: structure, focus, shortcuts, axe."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from forum.models import Reply
from forum.moderation import actions
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
    expect(thread.get_by_role("article", name=re.compile(r"^Atle Rørdam\s+time not recorded$")).first).to_be_visible()
    expect(card(page, first).get_by_role("heading", level=3)).to_have_text(re.compile(r"^Atle Rørdam\s+time not recorded$"))
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

    expect(page.locator("li.reply.is-focus > .reply-card")).to_contain_text("Typed without a mouse.")


AUDITED = {
    "home": "/",
    "thread": THREAD,
    "sign-in": "/accounts/login/",
    "queue": "/moderation/",
}


@pytest.mark.parametrize("name", AUDITED)
def test_axe_finds_nothing_serious_or_critical(open_page, seeded, make_user, make_moderator, name):
    # The queue holds a flagged reply besides the two held seed replies, so every kind of entry
    # is audited.
    (deep,) = in_order("You are obviously referring to a T-14 Armata tank")
    reply = posting.reply_create(article=deep.article, parent=deep, author=make_user(), body="Posters for sale.")
    actions.reply_flag(reply=reply, flagger=make_user(), reason="spam", text="")
    page = open_page(user=make_moderator() if name == "queue" else None)
    page.goto(AUDITED[name])

    # axe.min.js goes in through the DevTools protocol, which the page's Content-Security-Policy
    # (script-src 'self') does not govern: the page is audited as served, without bypass_csp.
    results = Axe().run(page)

    serious = [v for v in results.response["violations"] if v["impact"] in {"serious", "critical"}]
    assert serious == [], results.generate_report()
