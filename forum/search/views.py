"""/search/ for everyone (published replies and articles) and /moderation/search/ for moderators
(any status, by author). A search that cannot run is shown with its message, the box kept."""

from __future__ import annotations

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy

from config.replicas import replica_reads
from forum import policy
from forum.errors import ForumError
from forum.threads.models import Reply
from forum.web import status_of

from . import query as parsing
from . import results


@replica_reads(signed_in=True)
def search(request):
    text, slug = request.GET.get("q"), request.GET.get("article", "")
    context = {"q": text or "", "article_slug": slug}
    if text is None:  # the empty form, as the footer's link opens it
        return render(request, "search/search.html", context)
    try:
        context["article"] = results.article_filter(slug)
        context["results"] = results.results_page(
            text=text,
            page=results.page_number(request.GET.get("page")),
            base_url=reverse("forum:search"),
            statuses=[Reply.Status.PUBLISHED],
            article=context["article"],
            filters={"article": slug},
        )
    except ForumError as error:
        context["error"] = error.message
        return render(request, "search/search.html", context, status=status_of(error))
    return render(request, "search/search.html", context)


STATUS_CHOICES = [("", gettext_lazy("Any status")), *Reply.Status.choices]


def moderator_search(request):
    """Held and removed replies too, with their text, for moderators only (403 for anyone else)."""
    policy.check(policy.moderator_refusal(request.user, gettext("Only moderators can search held and removed replies.")))
    text = request.GET.get("q")
    status, author = request.GET.get("status", ""), request.GET.get("author", "").strip()
    context = {"q": text or "", "status": status, "author": author, "status_choices": STATUS_CHOICES}
    if text is None:
        return render(request, "moderation/search.html", context)
    try:
        if status and status not in dict(Reply.Status.choices):
            raise parsing.BadQuery(gettext("There is no status “%(status)s”. Choose published, held or removed.") % {"status": status[:20]})
        context["results"] = results.results_page(
            text=text,
            page=results.page_number(request.GET.get("page")),
            base_url=reverse("forum:moderation_search"),
            statuses=[status] if status else [choice for choice, _ in Reply.Status.choices],
            author=author,
            filters={"status": status, "author": author},
        )
    except ForumError as error:
        context["error"] = error.message
        return render(request, "moderation/search.html", context, status=status_of(error))
    return render(request, "moderation/search.html", context)
