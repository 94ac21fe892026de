"""The pages of "Your data" (issue 17): /settings/data/ (ask for an archive, its state), the
archive's signed download link, /settings/delete/ (ask for the deletion, or cancel it), and a
moderator's deletion of an account."""

from __future__ import annotations

import time

from allauth.account.internal.flows.login import get_authentication_records
from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from forum.conf import forum_settings
from forum.errors import ForumError
from forum.threads import selectors as thread_selectors
from forum.web import refusal_page, status_of, with_retry_after

from . import services


@login_required
@require_http_methods(["GET", "POST"])
def data(request):
    if request.method == "POST":
        try:
            services.export_request(user=request.user)
        except ForumError as error:
            context = {"state": services.export_state(request.user), "refusal": error.message}
            return with_retry_after(render(request, "privacy/data.html", context, status=status_of(error)), error)
        messages.success(request, _("Your archive is being prepared. We will email you a link to download it."))
        return redirect("privacy:data")
    state = services.export_state(request.user)
    link = None
    if state.ready:
        link = reverse("privacy:data_download", args=[services.export_link_token(state.latest)])
    return render(request, "privacy/data.html", {"state": state, "link": link})


@login_required
def data_download(request, token):
    export = services.export_for_link(token=token, user=request.user)
    response = HttpResponse(bytes(export.archive), content_type="application/zip")
    filename = f"{request.user.username}-data-{export.ready_at:%Y-%m-%d}.zip"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _fresh_sign_in(request) -> bool:
    """Whether the person signed in within FORUM_ACCOUNT_DELETION_FRESH_SIGNIN_MINUTES, by any
    method (allauth keeps a record of each in the session). For an account without a usable
    password, which cannot be asked for one. (allauth's own reauthentication lets such an
    account through unasked: did_recently_reauthenticate, "not implemented" for them.)"""
    records = get_authentication_records(request, request.user)
    if not records:
        return False
    latest = max(record.get("at", 0) for record in records)
    return time.time() - latest < forum_settings.ACCOUNT_DELETION_FRESH_SIGNIN_MINUTES * 60


def _delete_context(request, **extra) -> dict:
    user = request.user
    return {
        "pending": user.deletion_due_at,
        "needs_password": user.has_usable_password(),
        "fresh": _fresh_sign_in(request),
        "grace_days": forum_settings.ACCOUNT_DELETION_GRACE_DAYS,
        "fresh_minutes": forum_settings.ACCOUNT_DELETION_FRESH_SIGNIN_MINUTES,
        **extra,
    }


@login_required
@require_http_methods(["GET", "POST"])
def delete(request):
    user = request.user
    if request.method == "GET":
        return render(request, "privacy/delete.html", _delete_context(request))
    if user.deletion_due_at is not None:
        error = _("Your account's deletion is already planned. You can cancel it below.")
        return render(request, "privacy/delete.html", _delete_context(request, refusal=error), status=400)
    if user.has_usable_password():
        # allauth's limit on re-entering a password (10 a minute per account, in the cache): a
        # borrowed session cannot guess the password here faster than on allauth's own pages.
        if not ratelimit.consume(request, action="reauthenticate", user=user):
            error = _("Too many tries. Wait a minute and try again.")
            return render(request, "privacy/delete.html", _delete_context(request, refusal=error), status=429)
        if not user.check_password(request.POST.get("password", "")):
            error = _("That is not your password. Nothing was changed.")
            return render(request, "privacy/delete.html", _delete_context(request, refusal=error), status=400)
    elif not _fresh_sign_in(request):
        error = _("Sign in again first: deleting an account without a password needs a sign-in from the last "
                  "%(minutes)d minutes.") % {"minutes": forum_settings.ACCOUNT_DELETION_FRESH_SIGNIN_MINUTES}
        return render(request, "privacy/delete.html", _delete_context(request, refusal=error), status=403)
    try:
        current = services.deletion_request(user=user)
    except ForumError as error:
        return render(request, "privacy/delete.html", _delete_context(request, refusal=error.message),
                      status=status_of(error))
    current.refresh_from_db()
    if current.deleted_at is not None or forum_settings.ACCOUNT_DELETION_GRACE_DAYS == 0:  # no grace period
        logout(request)
        messages.success(request, _("Your account is deleted. Your replies are now shown as “[deleted]”."))
        return redirect("/")
    messages.success(request, _("Your account will be deleted on %(when)s UTC. Sign in before then to cancel.")
                     % {"when": f"{current.deletion_due_at:%d %b %Y %H:%M}"})
    logout(request)
    return redirect("/")


@login_required
@require_POST
def delete_cancel(request):
    try:
        services.deletion_cancel(user=request.user)
    except ForumError as error:
        return refusal_page(request, error)
    messages.success(request, _("Your account will not be deleted. Welcome back."))
    return redirect("accounts:settings")


@require_POST
def moderation_delete(request, username):
    """A moderator deletes an account, with a reason (logged)."""
    person = thread_selectors.person_get(username=username)
    services.deletion_by_moderator(user=person, moderator=request.user, reason=request.POST.get("reason", ""))
    person.refresh_from_db()
    messages.success(request, _("The account is deleted; the moderation log keeps the reason."))
    return redirect(reverse("forum:moderation_user", args=[person.username]))
