"""The members' article page around the thread ("the chrome"), drawn once per thread version and
kept with the members' shared thread (overlay.Shared), with each reader's parts put in per request.

Django's templates drew article.html and base.html on every signed-in request: about 1.4 ms, the
largest cost of the page. Around the thread, two members who are not moderators see the same page
but for a few parts: the header's account links (their name, the unread count), the CSRF token of
every form, the reply form's form_token, the Follow button and the "N new replies" note. So the
page is drawn once with a marker in place of each: values (the tokens, the Follow button's
strings, the thread) by a marker given in the context; the account links and the note, whose
markup depends on the reader, by drawing their include on its own with the draw's context and
finding it in the page. A reader's page is then the pieces joined with their values. The includes
are drawn by the templates, so the markup stays in them; their output per reader is memoized.

Not for a reader with a message waiting, a moderator or a suspended reader: their pages are drawn
(views.article). A test draws both ways for several readers and compares (test_chrome.py).
"""

from __future__ import annotations

import functools
import re
import threading
import uuid
from collections import OrderedDict
from dataclasses import replace
from types import SimpleNamespace

from django.middleware.csrf import get_token
from django.template.loader import get_template, render_to_string
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext

from forum.notifications import selectors as notifications

from . import presenters

ACCOUNT = "includes/_account_nav.html"
NEW_REPLIES = "forum/includes/_new_replies.html"
# How many times each marker must be found in the drawn page (csrf: at least once).
_ONCE = ("thread_html", "account", "new_replies", "form_token", "follow_value", "follow_pressed", "follow_label")
_MARKER = re.compile("\x00([a-z_]+)\x00")


def _mark(name: str) -> str:
    # NUL cannot be stored in PostgreSQL text, and no template or escaping writes or changes it.
    return f"\x00{name}\x00"


def follow_button(following: bool) -> dict:
    """The Follow button: what posting it asks for, its label, and whether it is on now."""
    return {"value": "0" if following else "1", "pressed": "true" if following else "false",
            "label": gettext("Following: stop") if following else gettext("Follow this discussion")}


def draw(request, context: dict, *, template: str = "forum/article.html") -> tuple[str, ...] | None:
    """The page of `context` (views._article_context, for this reader) as pieces: text at even
    places, the names of the reader's parts at odd ones. None when a part is not found exactly
    where expected (the page is then drawn for every reader). `template`: the article page's, or
    the embedded frame's (forum.embed), which prints the same parts."""
    marked_thread = replace(context["thread"], first_new=SimpleNamespace(reply=SimpleNamespace(pk=0)), new_count=2)
    marked = dict(
        context,
        thread=marked_thread,
        thread_html=mark_safe(_mark("thread_html")),  # noqa: S308 - a marker, replaced by Jinja2-escaped HTML
        csrf_token=_mark("csrf"),
        form=context["form"].__class__(initial={"form_token": _mark("form_token")}),
        follow={"value": _mark("follow_value"), "pressed": _mark("follow_pressed"), "label": _mark("follow_label")},
        unread_notifications=notifications.unread_count(request.user),
        is_moderator=False,
    )
    html = render_to_string(template, marked, request=request)
    slots = {
        "account": _render(ACCOUNT, _account_context(request.user, marked["unread_notifications"])),
        "new_replies": _render(NEW_REPLIES, {"thread": marked_thread}),
    }
    for name, text in slots.items():
        if not text or html.count(text) != 1:
            return None
        html = html.replace(text, _mark(name))
    pieces = tuple(_MARKER.split(html))
    names = pieces[1::2]
    if any(names.count(name) != 1 for name in _ONCE) or set(names) - {*_ONCE, "csrf"}:
        return None
    return pieces


def splice(pieces: tuple[str, ...], *, request, thread: presenters.ThreadPage, thread_html: str, following: bool) -> str:
    """The page `pieces` (draw()) as this reader sees it."""
    button = follow_button(following)
    user = request.user
    token = get_token(request)  # this reader's, masked anew, as {% csrf_token %} writes it
    values = {
        "csrf": token,
        "form_token": uuid.uuid4().hex,
        "follow_value": conditional_escape(button["value"]),
        "follow_pressed": conditional_escape(button["pressed"]),
        "follow_label": conditional_escape(button["label"]),
        "thread_html": thread_html,
        # With the Sign out form's token, the one marker the account links carry.
        "account": _account(user, notifications.unread_count(user)).replace(_mark("csrf"), token),
        "new_replies": _render(NEW_REPLIES, {"thread": thread}) if thread.first_new else _no_new_replies(),
    }
    page = list(pieces)
    page[1::2] = [values[name] for name in pieces[1::2]]
    return "".join(page)


def _no_new_replies() -> str:
    return _no_new_replies_in(get_language())


@functools.lru_cache(maxsize=16)
def _no_new_replies_in(language: str) -> str:
    return _render(NEW_REPLIES, {"thread": None})  # what the include writes for a reader with none


def _render(name: str, context: dict) -> str:
    return get_template(name).render(context)


def _account_context(user, unread) -> dict:
    return {"user": user, "unread_notifications": unread, "is_moderator": False, "csrf_token": _mark("csrf")}


# The account links drawn per (username, public name, unread count, language): what the include prints.
_accounts: OrderedDict[tuple, str] = OrderedDict()
_accounts_lock = threading.Lock()
ACCOUNTS_KEPT = 4096


def _account(user, unread) -> str:
    key = (user.username, user.public_name, int(unread or 0), get_language())
    with _accounts_lock:
        text = _accounts.get(key)
        if text is not None:
            _accounts.move_to_end(key)
            return text
    text = _render(ACCOUNT, _account_context(user, unread))
    with _accounts_lock:
        _accounts[key] = text
        while len(_accounts) > ACCOUNTS_KEPT:
            _accounts.popitem(last=False)
    return text
