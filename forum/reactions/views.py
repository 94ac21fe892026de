"""Recommend a reply: a form post, or thread.js's fetch of the same."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from forum import policy
from forum.errors import ForumError, NotFound, Refused
from forum.threads import selectors as thread_selectors
from forum.threads.navigation import reply_in_thread_url
from forum.web import status_of, with_retry_after

from . import presenters, services


def _sort(raw: str | None) -> str:
    sort = raw or thread_selectors.DEFAULT_SORT
    if sort not in thread_selectors.SORTS:
        raise Refused(_("There is no sort order “%(sort)s”. Choose one of: %(choices)s.") % {"sort": sort, "choices": ', '.join(thread_selectors.SORTS)})
    return sort


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@login_required
def recommend(request, pk):
    """POST on=1 recommends, on=0 withdraws; lands back on the reply, on its page of the article
    in the order the reader had (sort). A GET (the signed-out link, after signing in) goes there."""
    reply = thread_selectors.reply_get(pk=pk)
    if reply.article.draft and not policy.may_see_drafts(request.user):
        raise NotFound(_("There is no reply %(pk)s. It may be a mistyped address.") % {"pk": pk})
    try:
        if request.method != "POST":
            return redirect(reply_in_thread_url(reply, _sort(request.GET.get("sort"))))
        wanted = request.POST.get("on")
        if wanted not in ("1", "0"):
            raise Refused(_("Say whether to recommend this reply (on=1) or withdraw it (on=0)."))
        sort = _sort(request.POST.get("sort"))
        done = services.recommend_set(reply=reply, user=request.user, on=wanted == "1")
    except ForumError as error:
        if not _wants_json(request):
            raise
        return with_retry_after(JsonResponse({"error": error.message}, status=status_of(error)), error)
    if _wants_json(request):
        return JsonResponse(presenters.recommend_marks(done.reply.recommend_count, done.recommended))
    return redirect(reply_in_thread_url(done.reply, sort))

