"""The main screens at desktop and phone widths. Each is saved under docs/screenshots/raw/ for
the README (the best are copied to docs/screenshots/ by hand), and each must fit its width: a
page that scrolls sideways on a phone is one a reader cannot read."""

import pytest
from playwright.sync_api import expect

from forum.models import Reply
from forum.moderation import actions
from forum.posting import services as posting
from forum.reactions import services as reactions

from .support import DESKTOP, OP_ED, PHONE, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WIDTHS = {"desktop": DESKTOP, "phone": PHONE}


def deep_reply() -> Reply:
    return Reply.objects.get(article__slug=OP_ED, body__startswith="You are obviously referring to a T-14 Armata tank")


def show_home(open_page, viewport, **_):
    page = open_page(viewport=viewport)
    page.goto("/")
    expect(page.get_by_role("heading", name="Articles")).to_be_visible()
    return page


def show_thread(open_page, viewport, **_):
    page = open_page(viewport=viewport)
    page.goto(f"/articles/{OP_ED}/")
    page.evaluate("document.getElementById('discussion').scrollIntoView()")
    expect(page.get_by_role("heading", name="Discussion")).to_be_in_viewport()
    return page


def show_reply_box(open_page, viewport, make_user, **_):
    deep = deep_reply()
    page = open_page(viewport=viewport, user=make_user("newcomer"))
    page.goto(f"/articles/{OP_ED}/")
    page.locator(f"#r{deep.pk} > .reply-card").get_by_role("link", name="Reply", exact=True).click()
    box = page.locator(f"#r{deep.pk} > .inline-reply textarea")
    box.fill("The Armata stalled in *rehearsal*, not in the parade itself.\n\n> Nothing broke down during the parade.")
    page.locator(f"#r{deep.pk} > .inline-reply").get_by_role("button", name="Preview").click()
    expect(page.locator(f"#r{deep.pk} > .inline-reply .js-preview em")).to_have_text("rehearsal")
    # The card being answered, then the box under it.
    page.locator(f"#r{deep.pk}").evaluate("element => element.scrollIntoView()")
    return page


def show_queue(open_page, viewport, make_user, make_moderator, **_):
    deep = deep_reply()
    reply = posting.reply_create(article=deep.article, parent=deep, author=make_user("armata_fan"), body="Buy my tank posters.")
    actions.reply_flag(reply=reply, flagger=make_user("reader"), reason="spam", text="")
    page = open_page(viewport=viewport, user=make_moderator("moderator"))
    page.goto("/moderation/")
    expect(page.get_by_role("heading", name="Moderation queue")).to_be_visible()
    # The flagged reply, not the held seed replies above it: those are held for their slurs.
    entry = page.locator("section.queue-entry", has_text="Buy my tank posters.")
    entry.evaluate("element => element.scrollIntoView()")
    # "now (24 Nov…)", not "now(24 Nov…)": the time link is a flex box, which drops the space.
    ago, exact = entry.locator(".reply-time time").last.bounding_box(), entry.locator(".reply-time .exact").last.bounding_box()
    assert exact["x"] >= ago["x"] + ago["width"] + 2
    return page


def show_weighed(open_page, viewport, make_user, make_moderator, **_):
    """A signed-in reader's discussion in the best order: an editor's pick above it, recommended
    replies first, and the replies of a writer they ignore folded to a line."""
    from django.utils import timezone

    from accounts.services import ignore_add

    published = Reply.objects.filter(article__slug=OP_ED, status=Reply.Status.PUBLISHED)
    tops = list(published.filter(parent__isnull=True).order_by("tree_id"))
    actions.reply_feature(reply=deep_reply(), moderator=make_moderator("editor"))
    for count, reply in ((3, tops[4]), (2, tops[2])):
        for number in range(count):
            reactions.recommend_set(reply=reply, user=make_user(f"fan{reply.pk}x{number}"), on=True)
    reader = make_user("reader")
    ignore_add(user=reader, ignored=tops[2].author, now=timezone.now())
    page = open_page(viewport=viewport, user=reader)
    page.goto(f"/articles/{OP_ED}/?sort=best")
    expect(page.get_by_role("heading", name="Editor’s picks")).to_be_visible()
    page.locator("section.featured").evaluate("element => element.scrollIntoView()")
    return page


SCREENS = {
    "home": show_home, "thread": show_thread, "reply-box": show_reply_box, "queue": show_queue, "weighed": show_weighed,
}


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("screen", SCREENS)
def test_each_screen_fits_its_width_without_sideways_scrolling(
    open_page, seeded, make_user, make_moderator, screen, width
):
    page = SCREENS[screen](open_page, WIDTHS[width], make_user=make_user, make_moderator=make_moderator)

    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow == 0, f"{screen} scrolls {overflow}px sideways at {WIDTHS[width]['width']}px"
    screenshot(page, f"{screen}-{width}")
