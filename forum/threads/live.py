"""The article page's poll (issue 10, "N new replies — show"): how many replies the discussion
has now, for static/js/thread.js to compare with what the page was drawn with, and where the
first new one is drawn.

Every open article page asks every 15-30 seconds, so a hit is served from the cache with no
query at all, and it reads no session and no user: the answer is the same for everyone. The
record is kept by the thread's version (forum.threads.cache.activity_get), which every write
that changes the thread bumps; the first poll after a bump reads it again, in one query.
"""

from __future__ import annotations

from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from forum.errors import NotFound
from forum.web import refusal_page

from . import cache, selectors
from .navigation import BadThreadQuery, reply_in_thread_url, thread_query

# A CDN or browser may answer pollers from its copy this long: well under the poll interval.
POLL_MAX_AGE = 10


def activity(request, slug):
    record, current = cache.activity_get(slug)
    if record is None:
        current = current or (cache.version(slug) if cache.enabled() else None)  # before the read
        record = selectors.thread_activity(slug=slug)
        if record is None:
            response = JsonResponse({"error": _("There is no article %(slug)r.") % {"slug": slug}}, status=404)
            patch_cache_control(response, no_store=True)
            return response
        cache.activity_set(slug, record, drawn_at=current)
    response = JsonResponse(record)
    # Set here, so forum.http_cache does not ask who is signed in (a query each) to decide it.
    patch_cache_control(response, public=True, max_age=POLL_MAX_AGE)
    return response


def reply_in_thread(request, slug, pk):
    """"Show" of the new-replies notice: to the article page that draws reply `pk` in the
    reader's order (?sort=), at the reply."""
    try:
        sort = thread_query(request, paged=False)[1]
    except BadThreadQuery as error:
        return refusal_page(request, error, title=_("That reply cannot be shown"))
    reply = selectors.reply_find(slug=slug, pk=pk, viewer=request.user)
    if reply is None:
        article = selectors.article_find(slug=slug, viewer=request.user)
        return refusal_page(request, NotFound(_("There is no reply %(pk)s on this article.") % {"pk": pk}), title=_("No such reply"),
                            article=article)
    return redirect(reply_in_thread_url(reply, sort))
