import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from . import selectors, services
from .forms import ReplyForm
from .models import Notification
from .rendering import render_markdown


def home(request):
    return render(request, "forum/home.html", {"articles": selectors.article_list()})


def article(request, slug):
    article = selectors.article_get(slug=slug)
    thread = selectors.thread_for(article=article, viewer=request.user)
    form = ReplyForm(initial={"form_token": uuid.uuid4().hex})
    posting_ban = request.user.posting_ban() if request.user.is_authenticated else None
    return render(
        request, "forum/article.html", {"article": article, "thread": thread, "form": form, "posting_ban": posting_ban}
    )


def error_page(request, message: str, status: int, retry_after: int | None = None):
    response = render(request, "forum/error.html", {"message": message}, status=status)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


def _draft_key(article, parent) -> str:
    return f"draft:{article.pk}:{parent.pk if parent else 0}"


def reply(request, slug, parent_pk=None):
    """The reply page: the form under the reply being answered, shown in context.

    The thread's in-place reply box posts here too, so this is the one place a reply is made
    from the web. An anonymous visitor's text is kept in their session through sign-in.
    """
    article = selectors.article_get(slug=slug)
    parent = None
    if parent_pk is not None:
        parent = selectors.reply_get(pk=parent_pk)
        if parent.article_id != article.pk:
            return error_page(request, "That reply belongs to another article.", 400)
    context = {"article": article, "parent": parent and selectors.reply_in_context(parent)}
    if article.locked:
        return error_page(request, "This discussion is locked: no new replies can be posted.", 403)
    if parent is not None and parent.status != parent.Status.PUBLISHED:
        return error_page(request, "That reply is not published, so it cannot be answered.", 400)

    if request.method != "POST":
        body = request.session.get(_draft_key(article, parent), "")
        if not body and parent is not None and "quote" in request.GET:
            body = selectors.quote_of(parent)
        form = ReplyForm(initial={"body": body, "form_token": uuid.uuid4().hex})
        return render(request, "forum/reply.html", {**context, "form": form})

    if not request.user.is_authenticated:
        request.session[_draft_key(article, parent)] = request.POST.get("body", "")[:100_000]
        messages.info(request, "Sign in to post your reply. We have kept what you wrote.")
        return redirect_to_login(request.get_full_path())

    form = ReplyForm(request.POST)
    if not form.is_valid():
        return render(request, "forum/reply.html", {**context, "form": form}, status=400)
    if "preview" in request.POST:
        preview = render_markdown(form.cleaned_data["body"])
        return render(request, "forum/reply.html", {**context, "form": form, "preview": selectors.stored_html(preview)})
    try:
        new = services.reply_create(
            article=article,
            author=request.user,
            body=form.cleaned_data["body"],
            parent=parent,
            form_token=form.cleaned_data["form_token"] or None,
            request=request,
        )
    except services.PostingError as error:
        form.add_error(None, error.message)
        response = render(request, "forum/reply.html", {**context, "form": form}, status=error.status)
        if error.retry_after:
            response["Retry-After"] = str(error.retry_after)
        return response
    request.session.pop(_draft_key(article, parent), None)
    if new.status == new.Status.HELD:
        messages.info(request, "Thanks: your reply is waiting for a moderator before others can see it.")
    return redirect(new.get_absolute_url())


@login_required
def edit(request, pk):
    reply = selectors.reply_get(pk=pk)
    context = {"reply": reply, "article": reply.article}
    if request.method != "POST":
        try:
            services.check_editable(reply=reply, editor=request.user)
        except services.PostingError as error:
            return error_page(request, error.message, error.status)
        form = ReplyForm(initial={"body": reply.body})
        return render(request, "forum/edit.html", {**context, "form": form})
    form = ReplyForm(request.POST)
    if not form.is_valid():
        return render(request, "forum/edit.html", {**context, "form": form}, status=400)
    if "preview" in request.POST:
        preview = selectors.stored_html(render_markdown(form.cleaned_data["body"]))
        return render(request, "forum/edit.html", {**context, "form": form, "preview": preview})
    try:
        reply = services.reply_edit(reply=reply, editor=request.user, body=form.cleaned_data["body"], request=request)
    except services.PostingError as error:
        if error.status == 403:
            return error_page(request, error.message, 403)
        form.add_error(None, error.message)
        return render(request, "forum/edit.html", {**context, "form": form}, status=error.status)
    return redirect(reply.get_absolute_url())


@login_required
def remove(request, pk):
    reply = selectors.reply_get(pk=pk)
    if reply.author_id != request.user.pk:
        return error_page(request, "You can only remove your own replies.", 403)
    if request.method != "POST":
        item = selectors.reply_in_context(reply)
        return render(request, "forum/remove.html", {"item": item, "article": reply.article})
    try:
        reply = services.reply_remove_own(reply=reply, user=request.user)
    except services.PostingError as error:
        return error_page(request, error.message, error.status)
    messages.info(request, "Your reply was removed. The replies under it stay in place.")
    return redirect(reply.get_absolute_url())


@login_required
def history(request, pk):
    reply = selectors.reply_get(pk=pk)
    if not selectors.is_moderator(request.user):
        return error_page(request, "Only moderators can see the edit history of a reply.", 403)
    revisions = [
        {"revision": revision, "html": selectors.stored_html(revision.body_html)}
        for revision in selectors.revisions_of(reply)
    ]
    current = selectors.stored_html(reply.body_html)
    return render(request, "forum/history.html", {"reply": reply, "current": current, "revisions": revisions})


@require_POST
def preview(request):
    """The in-place reply box's preview: the same rendering the reply will get when posted."""
    if not request.user.is_authenticated:
        return HttpResponse("Sign in to preview.", status=403, content_type="text/plain")
    try:
        body = services.clean_body(request.POST.get("body", ""))
    except services.PostingError as error:
        return HttpResponse(error.message, status=400, content_type="text/plain")
    return HttpResponse(render_markdown(body), content_type="text/html; charset=utf-8")


@login_required
def notifications(request):
    return render(request, "forum/notifications.html", {"notifications": selectors.notifications_for(request.user)})


@login_required
def notification_open(request, pk):
    notification = get_object_or_404(Notification.objects.select_related("reply__article"), pk=pk)
    try:
        services.notification_open(notification=notification, user=request.user)
    except services.PostingError as error:
        return error_page(request, error.message, error.status)
    return redirect(notification.reply.get_absolute_url())

