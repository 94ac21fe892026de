"""The pages that write a reply: reply (with preview and quote), edit, remove, and the history
moderators read. Every write is a POST to a forum.posting.services function."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config.embed_cookies import is_frame_request
from forum import mentions, policy
from forum.conf import forum_settings
from forum.embed import frame as embed_frame
from forum.errors import Forbidden, ForumError, Nudged
from forum.rendering import render_markdown, stored_html
from forum.syndication import meta as page_meta
from forum.threads import presenters, selectors
from forum.threads.navigation import reply_in_thread_url
from forum.web import refusal_page, status_of, with_retry_after

from . import services
from .forms import ReplyForm

# One draft per session, the last one written, cut to the reply limit: a signed-out visitor
# could otherwise grow their session row without bound (a draft per parent, 100,000 characters
# each). It also says where it was written, so verifying an email address can lead back to it
# (accounts.adapter).
DRAFT = "draft"


def _draft_where(article, parent) -> str:
    return f"{article.pk}:{parent.pk if parent else 0}"


def draft_keep(request, article, parent, body: str) -> None:
    request.session[DRAFT] = {
        "where": _draft_where(article, parent),
        "body": body[: forum_settings.REPLY_MAX_LENGTH],
        "url": request.path,
    }


def _draft_for(request, article, parent) -> str:
    draft = request.session.get(DRAFT) or {}
    return draft.get("body", "") if draft.get("where") == _draft_where(article, parent) else ""


def _draft_drop(request, article, parent) -> None:
    if _draft_for(request, article, parent):
        del request.session[DRAFT]


def _answer_refusal(article, parent):
    branch_locked = parent is not None and selectors.branch_locked(parent)
    return policy.answer_refusal(
        article=article, article_locked=article.locked, parent=parent, branch_locked=branch_locked
    )


def _posted_form(request, template: str, context: dict):
    """The posted form, and the page to answer with instead of writing, if any: the form again
    with its errors (400), or with a preview of the text."""
    form = ReplyForm(request.POST)
    if not form.is_valid():
        return form, render(request, template, {**context, "form": form}, status=400)
    if "preview" in request.POST:
        body = form.cleaned_data["body"]
        preview = stored_html(render_markdown(body, mentions=mentions.resolve(body)))
        return form, render(request, template, {**context, "form": form, "preview": preview})
    return form, None


# --- Where a posted reply lands, and the in-place answer (issue 10, Live) ----------------------


def _sort_of(request) -> str:
    """The order the reader was reading in (the form's action keeps ?sort=); the default if none
    or an unknown one: a reply is never refused for the page it lands on."""
    sort = request.GET.get("sort", selectors.DEFAULT_SORT)
    return sort if sort in selectors.SORTS else selectors.DEFAULT_SORT


def _wants_json(request) -> bool:
    # static/js/thread.js posts the in-place reply box with this header; a plain form never does.
    return "application/json" in request.headers.get("Accept", "")


def _posted_json(request, new, parent, sort: str) -> JsonResponse:
    """The new reply as the thread draws it (the one reply_item macro), for the script to put in place."""
    held = new.status == new.Status.HELD
    return JsonResponse(
        {
            "id": new.pk,
            "parent": parent.pk if parent is not None else None,
            "html": str(presenters.posted_item_html(new, parent=parent, viewer=request.user, sort=sort)),
            "url": reply_in_thread_url(new, sort),
            "message": _("Your reply is waiting for a moderator before others can see it.") if held else _("Your reply is posted."),
            "form_token": uuid.uuid4().hex,  # the box's next post is a new reply, not a double submit
        },
        status=201,
    )


def _refused_json(error_message: str, status: int, *, nudged: bool = False) -> JsonResponse:
    answer = {"error": error_message, "nudged": nudged}
    if nudged:
        # The box thread.js adds to the form in place (the embedded frame cannot show the page
        # that offers it): the words of templates/forum/includes/_reply_form.html's.
        answer["post_anyway"] = _("Post it anyway: a moderator will read it before it appears")
    return JsonResponse(answer, status=status)


# --- end where a posted reply lands --------------------------------------------------------------


def reply(request, slug, parent_pk=None):
    """The reply page: the form under the reply being answered, shown in context.

    The thread's in-place reply box posts here too, so this is the one place a reply is made
    from the web. An anonymous visitor's text is kept in their session through sign-in.
    """
    article = selectors.article_get(slug=slug, viewer=request.user)
    parent = selectors.reply_get(pk=parent_pk) if parent_pk is not None else None
    # The form's action keeps the reader's order, so the new reply lands on the page they read.
    action = request.path + presenters.sort_query(_sort_of(request))
    context = {
        "article": article, "parent": parent and presenters.reply_in_context(parent, heading_level=2), "action": action,
        "page_description": page_meta.reply_box_description(article, parent),
        "page_canonical": page_meta.reply_box_canonical(article, parent),
    }

    if request.method != "POST":
        # The question the service asks under its lock, so the page refuses in the same words
        # before anyone writes. A post is left to the service, which keeps the text with its answer.
        refusal = _answer_refusal(article, parent)
        if refusal is None and request.user.is_authenticated:
            refusal = policy.account_refusal(request.user)  # suspended: say so before they write
        if refusal:
            return refusal_page(request, refusal, article=article)
        body = _draft_for(request, article, parent)
        if not body and parent is not None and "quote" in request.GET:
            body = presenters.quote_of(parent)
        form = ReplyForm(initial={"body": body, "form_token": uuid.uuid4().hex})
        return render(request, "forum/reply.html", {**context, "form": form})

    sort = _sort_of(request)
    wants_json = _wants_json(request)

    if not request.user.is_authenticated:
        draft_keep(request, article, parent, request.POST.get("body", ""))
        messages.info(request, _("Sign in to post your reply. We have kept what you wrote."))
        return redirect_to_login(request.get_full_path())

    if wants_json and "preview" not in request.POST:
        form = ReplyForm(request.POST)
        if not form.is_valid():
            return _refused_json(" ".join(message for errors in form.errors.values() for message in errors), 400)
        answer = None
    else:
        form, answer = _posted_form(request, "forum/reply.html", context)
    if answer:
        return answer
    try:
        new = services.reply_create(
            article=article,
            author=request.user,
            body=form.cleaned_data["body"],
            parent=parent,
            form_token=form.cleaned_data["form_token"] or None,
            request=request,
        )
    except ForumError as error:
        # Kept, so the link in the verification email (or a sign-in) leads back to it.
        draft_keep(request, article, parent, form.cleaned_data["body"])
        if wants_json:
            return with_retry_after(_refused_json(error.message, status_of(error), nudged=isinstance(error, Nudged)), error)
        form.add_error(None, error.message)
        nudged = isinstance(error, Nudged)  # the form offers "post it anyway"
        response = render(request, "forum/reply.html", {**context, "form": form, "nudged": nudged}, status=status_of(error))
        return with_retry_after(response, error)
    _draft_drop(request, article, parent)
    if wants_json:
        return _posted_json(request, new, parent, sort)
    if new.status == new.Status.HELD:
        messages.info(request, _("Thanks: your reply is waiting for a moderator before others can see it."))
    if is_frame_request(request) and article.page_url:
        # Posted by a form inside the news site's frame (its script's fallback): back to the
        # frame at the new reply, since the article page refuses to be framed.
        return redirect(embed_frame.thread_url(article.page_url) + f"#r{new.pk}")
    return redirect(reply_in_thread_url(new, sort))


@login_required
def edit(request, pk):
    reply = selectors.reply_get(pk=pk)
    context = {"reply": reply, "article": reply.article}
    if request.method != "POST":
        services.check_editable(reply=reply, editor=request.user)
        form = ReplyForm(initial={"body": reply.body})
        return render(request, "forum/edit.html", {**context, "form": form})
    form, answer = _posted_form(request, "forum/edit.html", context)
    if answer:
        return answer
    try:
        reply = services.reply_edit(reply=reply, editor=request.user, body=form.cleaned_data["body"], request=request)
    except ForumError as error:
        if status_of(error) == 403:
            return refusal_page(request, error)
        form.add_error(None, error.message)
        return render(request, "forum/edit.html", {**context, "form": form}, status=status_of(error))
    return redirect(reply.get_landing_url())


@login_required
def remove(request, pk):
    reply = selectors.reply_get(pk=pk)
    if request.method != "POST":
        policy.check(policy.removal_refusal(user=request.user, reply=reply))
        item = presenters.reply_in_context(reply, heading_level=2)  # straight under the page's h1
        return render(request, "forum/remove.html", {"item": item, "article": reply.article})
    reply = services.reply_remove_own(reply=reply, user=request.user)
    messages.info(request, _("Your reply was removed. The replies under it stay in place."))
    return redirect(reply.get_landing_url())


@login_required
def history(request, pk):
    reply = selectors.reply_get(pk=pk)
    policy.check(policy.moderator_refusal(request.user, _("Only moderators can see the edit history of a reply.")))
    revisions = [
        {"revision": revision, "html": stored_html(revision.body_html)} for revision in selectors.revisions_of(reply)
    ]
    current = stored_html(reply.body_html)
    return render(request, "forum/history.html", {"reply": reply, "current": current, "revisions": revisions})


@require_POST
def preview(request):
    """The in-place reply box's preview: the same rendering the reply will get when posted."""
    try:
        if not request.user.is_authenticated:
            raise Forbidden(_("Sign in to preview."))
        body = services.clean_body(request.POST.get("body", ""))
    except ForumError as error:
        return HttpResponse(error.message, status=status_of(error), content_type="text/plain")
    return HttpResponse(render_markdown(body, mentions=mentions.resolve(body)), content_type="text/html; charset=utf-8")
