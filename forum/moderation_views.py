"""The moderators' pages: the queue, one reply's actions, suspensions, and the public log.

Every action is a POST to a service in forum.services; the admin's actions call the same ones.
"""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.models import User

from . import selectors, services
from .models import Article, Flag
from .views import error_page

def _moderators_only(request):
    if not selectors.is_moderator(request.user):
        return error_page(request, "Only moderators can see this page or do this.", 403)
    return None


def _back(request, default: str) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def queue(request):
    if refusal := _moderators_only(request):
        return refusal
    entries = selectors.moderation_queue(viewer=request.user)
    return render(request, "moderation/queue.html", {"entries": entries})


def reply_page(request, pk):
    if refusal := _moderators_only(request):
        return refusal
    reply = selectors.reply_get(pk=pk)
    entry = selectors.moderation_entry(reply=reply, viewer=request.user)
    return render(request, "moderation/reply.html", {"entry": entry, "article": reply.article})


@require_POST
def reply_action(request, pk, action):
    if refusal := _moderators_only(request):
        return refusal
    if action not in services.REPLY_ACTIONS:
        raise Http404("No such moderation action.")
    reply = selectors.reply_get(pk=pk)
    chosen = services.REPLY_ACTIONS[action]
    try:
        chosen.service(reply=reply, moderator=request.user, reason=request.POST.get("reason", ""))
    except services.PostingError as error:
        return error_page(request, error.message, error.status)
    messages.success(request, chosen.done)
    return redirect(_back(request, reverse("forum:moderation_queue")))


@require_POST
def article_lock(request, slug, lock):
    if refusal := _moderators_only(request):
        return refusal
    article = get_object_or_404(Article, slug=slug)
    try:
        services.article_lock(article=article, moderator=request.user, reason=request.POST.get("reason", ""), locked=lock)
    except services.PostingError as error:
        return error_page(request, error.message, error.status)
    messages.success(request, "The article is locked." if lock else "The article is open for replies again.")
    return redirect(_back(request, article.get_absolute_url()))


def user_page(request, username):
    if refusal := _moderators_only(request):
        return refusal
    person = get_object_or_404(User, username=username)
    return render(request, "moderation/user.html", {"person": person, "ban": person.posting_ban()})


@require_POST
def user_ban(request, username):
    if refusal := _moderators_only(request):
        return refusal
    person = get_object_or_404(User, username=username)
    until = None
    if request.POST.get("until"):
        try:
            day = datetime.date.fromisoformat(request.POST["until"])
        except ValueError:
            return error_page(request, "The end date must be a date such as 2026-12-31.", 400)
        until = datetime.datetime.combine(day, datetime.time.max, tzinfo=datetime.UTC)
    try:
        services.user_ban(user=person, moderator=request.user, reason=request.POST.get("reason", ""), until=until)
    except services.PostingError as error:
        return error_page(request, error.message, error.status)
    messages.success(request, f"{person.public_name} is suspended.")
    return redirect(reverse("forum:moderation_user", args=[person.username]))


@require_POST
def user_unban(request, username):
    if refusal := _moderators_only(request):
        return refusal
    person = get_object_or_404(User, username=username)
    try:
        services.user_unban(user=person, moderator=request.user, reason=request.POST.get("reason", ""))
    except services.PostingError as error:
        return error_page(request, error.message, error.status)
    messages.success(request, f"{person.public_name} may post again.")
    return redirect(reverse("forum:moderation_user", args=[person.username]))


def log(request):
    """The moderation log is public, as on Lobsters; moderators' names are a setting."""
    return render(request, "moderation/log.html", {"rows": selectors.moderation_log(viewer=request.user)})


@login_required
def flag(request, pk):
    reply = selectors.reply_get(pk=pk)
    context = {"item": selectors.reply_in_context(reply, request.user), "article": reply.article,
               "reasons": Flag.Reason.choices}
    if request.method != "POST":
        return render(request, "forum/flag.html", context)
    try:
        services.reply_flag(
            reply=reply, flagger=request.user, reason=request.POST.get("reason", ""), text=request.POST.get("text", "")
        )
    except services.PostingError as error:
        context["error"] = error.message
        return render(request, "forum/flag.html", context, status=error.status)
    messages.success(request, "Thank you: the moderators will look at it.")
    return redirect(reply.get_landing_url())

