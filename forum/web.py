"""What the web layer shares: the one mapping of the services' refusals to HTTP, and the page
that tells the user what went wrong.

A view that has something better to show (the reply form, kept with the text and the message
above it) catches the refusal itself and asks `status_of()` for the status. Any refusal a view
does not catch reaches `ForumErrorMiddleware`, which draws the error page.
"""

from __future__ import annotations

from django.shortcuts import render

from .errors import Conflict, Forbidden, ForumError, NotFound, RateLimited, Refused

STATUS = {Refused: 400, Forbidden: 403, NotFound: 404, Conflict: 409, RateLimited: 429}

TITLES = {404: "Not found", 409: "Already handled", 429: "Too fast"}


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
    context = {"message": error.message, "title": title or TITLES.get(status, "Sorry"), "article": article}
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
