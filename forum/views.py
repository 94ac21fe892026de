import re
import uuid
from dataclasses import dataclass

from django.contrib import messages
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from . import selectors, services
from .forms import ReplyForm
from .models import Article, Notification, Reply
from .rendering import render_markdown
from .templatetags.fragments import thread_list

_DIGITS = re.compile(r"[0-9]+")


class BadThreadQuery(Exception):
    """A ?page= or ?sort= the thread cannot be shown for: answered 400 with this message."""


@dataclass
class PageLink:
    label: str
    url: str  # empty for the gap between page numbers
    current: bool = False


@dataclass
class ThreadNav:
    """The links around a page of the thread, worked out here so the template only prints them."""

    sort_links: list[PageLink]
    page_links: list[PageLink]
    next_url: str
    previous_url: str


def home(request):
    return render(request, "forum/home.html", {"articles": selectors.article_list()})


def article(request, slug):
    if not request.user.is_authenticated and (cached := _cached_article_page(request, slug)):
        return cached
    article = selectors.article_get(slug=slug)
    try:
        page, sort = _thread_query(request)
    except BadThreadQuery as error:
        return error_page(request, str(error), 400, title="That page of the discussion cannot be shown", article=article)
    if not request.user.is_authenticated:
        return _article_for_anonymous(request, article, page, sort)
    now = timezone.now()
    visit = selectors.visit_get(user=request.user, article=article)
    try:
        thread = selectors.thread_page(
            article=article,
            page=page,
            sort=sort,
            viewer=request.user,
            new_after=selectors.new_after(visit=visit, at=now),
        )
    except selectors.PageOutOfRange:
        return _no_such_page(request, article)
    services.visit_record(user=request.user, article=article, at=now, previous=visit)
    context = {
        **_article_context(article, thread),
        "form": ReplyForm(initial={"form_token": uuid.uuid4().hex}),
        "posting_ban": request.user.posting_ban(),
    }
    return render(request, "forum/article.html", context)


def _article_context(article, thread) -> dict:
    return {
        "article": article,
        "thread": thread,
        "thread_html": thread_list(thread),
        "nav": _nav(article.get_absolute_url(), thread),
    }


def _no_such_page(request, article):
    message = f"The discussion has no page {request.GET.get('page')}."
    return error_page(request, message, 404, title="No such page", article=article)


def _article_for_anonymous(request, article, page: int, sort: str):
    """The article page as every signed-out reader sees it, cached per version of the thread.

    Signed-out readers all get the same page: no per-reader actions, no "new" marks, and no
    form (so no CSRF token; "Reply to the article" links to the reply page). So it is drawn once
    and kept: services give the thread a new version on commit whenever anything in it changes,
    and FORUM_THREAD_CACHE_SECONDS bounds the rest ("3 minutes ago", a changed display name).
    A visitor with a message waiting (say "You have signed out.") gets a page drawn for them.
    """
    seconds = settings.FORUM_THREAD_CACHE_SECONDS
    cacheable = seconds > 0 and not messages.get_messages(request)
    key = _article_page_key(article.pk, page, sort)
    if cacheable and (content := cache.get(key)) is not None:
        return HttpResponse(content)
    try:
        thread = selectors.thread_page(article=article, page=page, sort=sort, viewer=AnonymousUser())
    except selectors.PageOutOfRange:
        return _no_such_page(request, article)
    response = render(request, "forum/article.html", _article_context(article, thread))
    if cacheable:
        cache.set(key, response.content, seconds)
        cache.set(_ARTICLE_ID_KEY.format(article.slug), article.pk, seconds)
    return response


_ARTICLE_ID_KEY = "article-id:{}"


def _article_page_key(article_id: int, page: int, sort: str) -> str:
    return f"article-page:{article_id}:{selectors.thread_version(article_id)}:{page}:{sort}"


def _cached_article_page(request, slug: str):
    """The signed-out page from the cache, without touching the database; None on a miss.

    The slug leads to the article's id through the cache too, so a hit costs no query. An article
    whose slug changes gets a new thread version (services.article_save), so its old pages miss.
    """
    if settings.FORUM_THREAD_CACHE_SECONDS <= 0 or messages.get_messages(request):
        return None
    try:
        page, sort = _thread_query(request)
    except BadThreadQuery:
        return None  # drawn normally, with its error page
    article_id = cache.get(_ARTICLE_ID_KEY.format(slug))
    if article_id is None:
        return None
    content = cache.get(_article_page_key(article_id, page, sort))
    return HttpResponse(content) if content is not None else None


def error_page(
    request, message: str, status: int, *, retry_after: int | None = None, title: str = "Sorry", article=None
):
    """A refusal the user can read: what went wrong, with a way back (to the article, if any)."""
    context = {"message": message, "title": title, "article": article}
    response = render(request, "forum/error.html", context, status=status)
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
    return redirect(new.get_landing_url())


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
    return redirect(reply.get_landing_url())


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
    return redirect(reply.get_landing_url())


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
    return redirect(notification.reply.get_landing_url())



def reply_page(request, slug, pk):
    try:
        sort = _thread_query(request, paged=False)[1]
    except BadThreadQuery as error:
        return error_page(request, str(error), 400, title="That reply cannot be shown")
    focus = selectors.reply_find(slug=slug, pk=pk)
    if focus is None:
        article = selectors.article_find(slug=slug)
        return error_page(request, f"There is no reply {pk} on this article.", 404, title="No such reply", article=article)
    article = focus.article
    now = timezone.now()
    visit = selectors.visit_get(user=request.user, article=article)
    branch = selectors.reply_branch(
        reply=focus, sort=sort, viewer=request.user, new_after=selectors.new_after(visit=visit, at=now)
    )
    if request.user.is_authenticated:
        services.visit_record(user=request.user, article=article, at=now, previous=visit)
    thread_url = _thread_url(article.get_absolute_url(), branch.thread_page, sort) + f"#r{branch.thread_anchor}"
    context = {"article": article, "branch": branch, "thread": branch.thread, "thread_url": thread_url}
    return render(request, "forum/reply_page.html", context)


def thread_json(request, slug):
    article = selectors.article_find(slug=slug)
    if article is None:
        return JsonResponse({"error": f"There is no article {slug!r}."}, status=404)
    try:
        page, sort = _thread_query(request)
        thread = selectors.thread_page(article=article, page=page, sort=sort, whole_branches=True)
    except BadThreadQuery as error:
        return JsonResponse({"error": str(error)}, status=400)
    except selectors.PageOutOfRange:
        return JsonResponse({"error": f"The discussion has no page {request.GET.get('page')}."}, status=404)
    base = reverse("forum:thread_json", kwargs={"slug": slug})
    nav = _nav(base, thread)
    return JsonResponse(
        {
            "article": article.slug,
            "page": thread.number,
            "pages": thread.pages,
            "sort": thread.sort,
            "next": request.build_absolute_uri(nav.next_url) if nav.next_url else None,
            "previous": request.build_absolute_uri(nav.previous_url) if nav.previous_url else None,
            "replies": [_reply_json(item) for item in thread.items],
        }
    )


def _reply_json(item: selectors.ThreadItem) -> dict:
    reply = item.reply
    published = reply.status == Reply.Status.PUBLISHED
    return {
        "id": reply.pk,
        "parent": reply.parent_id,
        "author": reply.author.public_name,
        "created": reply.created.isoformat() if reply.created else None,
        "status": reply.status,
        # Held and removed replies are placeholders on the page; their text must not leak here.
        "html": str(item.body_html) if published else None,
    }


def _thread_query(request, *, paged=True) -> tuple[int, str]:
    """?page= and ?sort= as the thread needs them. A missing one means page 1, oldest first."""
    sort = request.GET.get("sort", selectors.DEFAULT_SORT)
    if sort not in selectors.SORTS:
        choices = ", ".join(selectors.SORTS)
        raise BadThreadQuery(f"There is no sort order “{sort}”. Choose one of: {choices}.")
    page = 1
    if paged and "page" in request.GET:
        raw = request.GET["page"]
        if not _DIGITS.fullmatch(raw) or not raw.strip("0"):
            raise BadThreadQuery(f"“{raw}” is not a page number. Pages are numbered 1, 2, 3…")
        # Longer than any real page number: past the last page, and int() is kept off huge strings.
        page = int(raw) if len(raw) <= 12 else selectors.MAX_PAGE + 1
    return page, sort


def _thread_url(base: str, page: int, sort: str) -> str:
    """The one URL of a page: defaults left out, so page 1 oldest-first is the plain article URL."""
    params = []
    if page != 1:
        params.append(f"page={page}")
    if sort != selectors.DEFAULT_SORT:
        params.append(f"sort={sort}")
    return base + ("?" + "&".join(params) if params else "")


def _nav(base: str, thread: selectors.ThreadPage) -> ThreadNav:
    number, pages, sort = thread.number, thread.pages, thread.sort
    # A new order starts on page 1: page 3 of another order holds different replies.
    sort_links = [
        PageLink(label, _thread_url(base, 1, key), key == sort) for key, label in selectors.SORTS.items()
    ]
    # The first, the last and two either side of this one: every page is still reachable by
    # plain links (next, or the numbers), and a thread of many pages keeps a short list.
    shown = sorted({1, pages} | {n for n in range(number - 2, number + 3) if 1 <= n <= pages})
    page_links = []
    previous_shown = 0
    for n in shown:
        if n - previous_shown > 1:
            page_links.append(PageLink("…", ""))
        page_links.append(PageLink(str(n), _thread_url(base, n, sort), n == number))
        previous_shown = n
    return ThreadNav(
        sort_links=sort_links,
        page_links=page_links,
        next_url=_thread_url(base, number + 1, sort) if number < pages else "",
        previous_url=_thread_url(base, number - 1, sort) if number > 1 else "",
    )

