"""What the web layer shares: the one mapping of the services' refusals to HTTP, and the page
that tells the user what went wrong.

A view that has something better to show (the reply form, kept with the text and the message
above it) catches the refusal itself and asks `status_of()` for the status. Any refusal a view
does not catch reaches `ForumErrorMiddleware`, which draws the error page.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .conf import forum_settings
from .errors import Conflict, Forbidden, ForumError, Gone, NotFound, RateLimited, Refused

STATUS = {Refused: 400, Forbidden: 403, NotFound: 404, Conflict: 409, Gone: 410, RateLimited: 429}

TITLES = {
    404: gettext_lazy("Not found"), 409: gettext_lazy("Already handled"), 410: gettext_lazy("Link expired"),
    429: gettext_lazy("Too fast"),
}


def absolute_url(path: str) -> str:
    """`path` on the site as readers reach it (FORUM_SITE_URL): the one way an absolute link is
    made, for emails (allauth's, through forum.adapter, and the notifications) and the JSON's
    page links. Never the request's host: a mail sent for one request must not carry whatever
    Host header it came with, and work done outside a request has none."""
    return f"{forum_settings.SITE_URL.rstrip('/')}{path}"


def status_of(error: ForumError) -> int:
    for kind, status in STATUS.items():
        if isinstance(error, kind):
            return status
    return 400


def with_retry_after(response, error: ForumError | None):
    if error is not None and error.retry_after:
        response["Retry-After"] = str(error.retry_after)
    return response


def refusal_page(request, error: ForumError, *, article=None, title: str = ""):
    """A refusal the user can read: what went wrong, with a way back (to the article, if any)."""
    status = status_of(error)
    context = {"message": error.message, "title": title or TITLES.get(status) or _("Sorry"), "article": article}
    return with_retry_after(render(request, "forum/error.html", context, status=status), error)


class ForumErrorMiddleware:
    """Turns a refusal no view caught into its error page, with the status STATUS gives it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, ForumError):
            return refusal_page(request, exception)
        return None


def not_utf8() -> Refused:
    return Refused(
        _(
            "What you sent is not valid UTF-8 text (it holds bytes or lone surrogates that are not "
            "characters), so it cannot be stored as you wrote it. Nothing was saved: copy the text again "
            "from its source and resend it."
        )
    )


def _form_is_utf8(request) -> bool:
    """Whether a posted form's fields are valid UTF-8. Django decodes them with errors="replace",
    so what would be stored (U+FFFD) is not what was posted; a real U+FFFD, sent as UTF-8, passes."""
    content_type = request.content_type or ""
    if content_type == "application/x-www-form-urlencoded":
        try:
            body = request.body.decode("ascii")  # percent-encoded: anything else is not a browser's form
            parse_qsl(body, keep_blank_values=True, encoding="utf-8", errors="strict")
        except UnicodeDecodeError:
            return False
    elif content_type == "multipart/form-data":
        # A file upload (the admin's imports) is bytes, checked by its own form, and may be too
        # big to read here: Django's upload handlers stream it. Only a form of text fields sent
        # as multipart, small enough to hold, is checked.
        length = int(request.META.get("CONTENT_LENGTH") or 0)
        if length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            return True
        body = request.body
        if b'filename="' in body:
            return True
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            return False
    return True


class StrictFormEncodingMiddleware:
    """Refuses, with a 400 that says why, a POST whose form fields are not valid UTF-8, before
    any view reads them: a reply, a flag or a name is stored as it was sent, or not at all.
    It reads the body before the CSRF check does (process_view runs after every __call__)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and not _form_is_utf8(request):
            return refusal_page(request, not_utf8(), title=_("That text cannot be stored"))
        return self.get_response(request)
