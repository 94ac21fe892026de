import re
from dataclasses import dataclass

from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from . import selectors, services
from .models import Article, Reply

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
    article = selectors.article_get(slug=slug)
    try:
        page, sort = _thread_query(request)
    except BadThreadQuery as error:
        return _error(request, 400, "That page of the discussion cannot be shown", str(error), article)
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
        return _error(
            request, 404, "No such page", f"The discussion has no page {request.GET.get('page')}.", article
        )
    if request.user.is_authenticated:
        services.visit_record(user=request.user, article=article, at=now, previous=visit)
    base = article.get_absolute_url()
    context = {"article": article, "thread": thread, "nav": _nav(base, thread)}
    return render(request, "forum/article.html", context)


def reply_page(request, slug, pk):
    try:
        sort = _thread_query(request, paged=False)[1]
    except BadThreadQuery as error:
        return _error(request, 400, "That reply cannot be shown", str(error))
    focus = selectors.reply_find(slug=slug, pk=pk)
    if focus is None:
        article = selectors.article_find(slug=slug)
        return _error(request, 404, "No such reply", f"There is no reply {pk} on this article.", article)
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


def _error(request, status: int, title: str, message: str, article: Article | None = None):
    return render(
        request, "forum/thread_error.html", {"title": title, "message": message, "article": article}, status=status
    )
