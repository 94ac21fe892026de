"""Reading: the home page, an article with a page of its discussion, a reply's own page, the JSON
of a page, and a person's replies."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.selectors import ignores
from config.replicas import primary_reads, replica_reads
from forum import policy
from forum.errors import ForumError, NotFound
from forum.http_cache import shared_when_signed_out
from forum.notifications import follows
from forum.posting.forms import ReplyForm
from forum.syndication import meta as page_meta
from forum.web import absolute_url, refusal_page, status_of

from . import cache, chrome, overlay, presenters, selectors, services
from .navigation import BadThreadQuery, answers_from, nav, thread_query, thread_url

REPLIES_PER_PROFILE_PAGE = 50

# Where the signed-out page's CSRF token goes in a layout that carries one (the frame's): the page
# is kept with this marker, and each reader's token put in its place (as forum.threads.chrome does).
CSRF_MARK = "\x00csrf\x00"


@dataclass(frozen=True)
class Layout:
    """The page an article's thread is drawn in: the article page, or the embedded frame
    (forum.embed). The thread, its caching and its query counts are the same in both."""

    template: str
    kind: str  # the signed-out page's kind in the page cache
    base_url: Callable  # article -> the address the sort and page links build on
    place_url: Callable  # article -> where "N new replies — show" leads ("" to reload)
    # Signed-out pages carry a CSRF token (the frame posts its sign-in with one): kept with a
    # marker, each reader's token put in per request, so the page is still drawn once per version.
    signed_out_csrf: bool = False
    extra: Callable = lambda article: {}  # article -> what else the template is given


ARTICLE = Layout(
    template="forum/article.html",
    kind="article-page",
    base_url=lambda article: article.get_absolute_url(),
    place_url=lambda article: reverse("forum:reply_in_thread", kwargs={"slug": article.slug, "pk": 0}),
)


@shared_when_signed_out
@replica_reads
def home(request):
    articles = selectors.article_list()
    return render(request, "forum/home.html", {"articles": articles, "page_description": page_meta.home_description(articles)})


@shared_when_signed_out
@replica_reads
def article(request, slug):
    return article_page(request, slug, layout=ARTICLE)


def article_page(request, slug, *, layout: Layout):
    """The article's page of its thread in `layout`; see docs/architecture.md, path 2."""
    signed_in = request.user.is_authenticated
    # A visitor with a message waiting (say "You have signed out.") gets a page drawn for them.
    cacheable = not signed_in and not messages.get_messages(request)
    try:
        page, sort = thread_query(request)
    except BadThreadQuery as error:
        article = selectors.article_get(slug=slug, viewer=request.user)
        return refusal_page(request, error, title=_("That page of the discussion cannot be shown"), article=article)
    drawn_at = None
    if cacheable:
        content, drawn_at = cache.page_get(slug, page, sort, kind=layout.kind)
        if content is not None:
            return _signed_out_response(request, content, layout)
    # Moderators, and readers offered no Reply or Flag (suspended), get a page drawn for them.
    barred = signed_in and policy.account_refusal(request.user) is not None
    if signed_in and cache.enabled() and not policy.is_moderator(request.user) and not barred:
        return _member_page(request, slug, page, sort, layout)
    # A page about to be cached is stored under the thread's present version, which a lagging
    # replica may not have reached yet: it is drawn from the primary (config/replicas.py).
    with primary_reads() if cacheable and cache.enabled() else nullcontext():
        article = selectors.article_get(slug=slug, viewer=request.user, with_follow=True)
        if cacheable and drawn_at is None and cache.enabled():
            drawn_at = cache.version(slug)  # before the draw: a write during it makes the page stale
        viewer = request.user if signed_in else AnonymousUser()
        try:
            rows = selectors.thread_page(article=article, page=page, sort=sort, viewer=viewer)
        except selectors.PageOutOfRange:
            return _no_such_page(request, article)
        new_after = services.visit_open(user=request.user, article=article, at=timezone.now()) if signed_in else None
        thread = presenters.thread_page(rows, article=article, viewer=viewer, new_after=new_after)
        extra = {"csrf_token": CSRF_MARK} if cacheable and layout.signed_out_csrf else {}
        response = _article_page(request, article, thread, presenters.thread_html(thread), page=page, sort=sort,
                                 layout=layout, **extra)
    if cacheable:
        # No form for signed-out readers ("Reply to the article" links to the reply page), so
        # no CSRF token (but the frame's marker): the page is the same for all of them, and cached.
        cache.page_set(article=article, page=page, sort=sort, content=response.content, drawn_at=drawn_at,
                       kind=layout.kind)
        if layout.signed_out_csrf:
            return _signed_out_response(request, response.content, layout)
    return response


def _signed_out_response(request, content: bytes, layout: Layout) -> HttpResponse:
    if layout.signed_out_csrf:
        return HttpResponse(content.replace(CSRF_MARK.encode(), get_token(request).encode()))
    return HttpResponse(content)


def _member_page(request, slug, page, sort, layout):
    """A signed-in reader's page: the members' shared thread, drawn once per version, with this
    reader's own and new replies laid over it (forum.threads.overlay). The article comes with it:
    every change to an article bumps its thread's version."""
    shared, drawn_at = cache.page_get(slug, page, sort, kind=cache.MEMBERS)
    rows = None
    if shared is None:
        article = selectors.article_get(slug=slug, viewer=request.user)
        drawn_at = drawn_at or cache.version(slug)  # before the draw, as for signed-out pages
        try:
            page_rows = selectors.thread_page(article=article, page=page, sort=sort, viewer=overlay.MEMBER)
        except selectors.PageOutOfRange:
            return _no_such_page(request, article)
        now = timezone.now()
        shared = overlay.draw(
            presenters.thread_page(page_rows, article=article, viewer=overlay.MEMBER, now=now),
            article=article,
            drawn_at=now,
        )
        cache.page_set(article=article, page=page, sort=sort, content=shared, drawn_at=drawn_at, kind=cache.MEMBERS)
        rows = {reply.pk: reply for reply in page_rows.rows}
    article = shared.article
    new_after, following, recommended = services.visit_open_following(
        user=request.user, article=article, at=timezone.now(), recommended=True
    )
    laid = overlay.apply(shared, viewer=request.user, new_after=new_after, rows=rows, recommended=recommended)
    return _member_response(request, shared, laid, page=page, sort=sort, following=following, layout=layout)


def _member_response(request, shared, laid, *, page, sort, following, layout):
    """The page around the laid thread: from the chrome kept with the shared thread, drawn at the
    first request (forum.threads.chrome); drawn here when a message waits for the reader."""
    article = shared.article
    if messages.get_messages(request):
        return _article_page(request, article, laid.thread, laid.html, page=page, sort=sort, following=following,
                             layout=layout)
    refusal = _reply_refusal(article)
    key = refusal.message if refusal is not None else None
    if layout is not ARTICLE:  # the frame's chrome is kept beside the article page's
        key = (layout.template, key)
    # Not an attribute read: a Shared kept in Redis before the chrome existed has none (a deploy).
    kept = vars(shared).setdefault("chromes", {})
    if key not in kept:
        context = _article_context(request, article, laid.thread, laid.html, page=page, sort=sort, following=following,
                                   layout=layout)
        kept[key] = chrome.draw(request, context, template=layout.template)
    pieces = kept[key]
    if pieces is None:
        return _article_page(request, article, laid.thread, laid.html, page=page, sort=sort, following=following,
                             layout=layout)
    return HttpResponse(chrome.splice(pieces, request=request, thread=laid.thread, thread_html=laid.html,
                                      following=following))


def _reply_refusal(article):
    # Why no reply to the article can be posted now, if so: the box is not drawn then.
    return policy.answer_refusal(article=article, article_locked=article.locked, parent=None, branch_locked=False)


def _article_page(request, article, thread, thread_html, *, page, sort, following=None, layout=ARTICLE, **extra):
    context = _article_context(request, article, thread, thread_html, page=page, sort=sort, following=following,
                               layout=layout)
    return render(request, layout.template, {**context, **extra})


def _article_context(request, article, thread, thread_html, *, page, sort, following=None, layout=ARTICLE):
    context = {
        "article": article,
        "article_body": presenters.article_body(article) if layout is ARTICLE else "",
        "thread": thread,
        "thread_html": thread_html,
        "nav": nav(layout.base_url(article), thread),
        "place_url": layout.place_url(article),
        **layout.extra(article),
        "meta": page_meta.for_article(article, page=page, sort=sort),
        "reply_refusal": _reply_refusal(article),
    }
    if request.user.is_authenticated:
        context["form"] = ReplyForm(initial={"form_token": uuid.uuid4().hex})
        # Kept in the form's action, so the new reply lands on this order's page (issue 10).
        context["reply_action"] = reverse("forum:reply_top", kwargs={"slug": article.slug}) + presenters.sort_query(sort)
        context["reply_refusal"] = context["reply_refusal"] or policy.account_refusal(request.user)
        if following is None:  # read with the article (with_follow), when it was read here
            following = getattr(article, "followed", None)
        if following is None:
            following = follows.follows(user=request.user, article=article)
        context["follow"] = chrome.follow_button(following)
    return context


def _no_such_page(request, article):
    # The page as typed: a number too long to read is past the last page too.
    missing = NotFound(_("The discussion has no page %(page)s.") % {"page": request.GET.get('page')})
    return refusal_page(request, missing, title=_("No such page"), article=article)


@shared_when_signed_out
@replica_reads
def reply_page(request, slug, pk):
    try:
        sort = thread_query(request, paged=False)[1]
        skip = answers_from(request)
    except BadThreadQuery as error:
        return refusal_page(request, error, title=_("That reply cannot be shown"))
    focus = selectors.reply_find(slug=slug, pk=pk, viewer=request.user)
    if focus is None:
        missing = NotFound(_("There is no reply %(pk)s on this article.") % {"pk": pk})
        article = selectors.article_find(slug=slug, viewer=request.user)
        return refusal_page(request, missing, title=_("No such reply"), article=article)
    article = focus.article
    rows = selectors.reply_branch(reply=focus, sort=sort, skip=skip, viewer=request.user)
    new_after = None
    if request.user.is_authenticated:
        new_after = services.visit_open(user=request.user, article=article, at=timezone.now())
    branch = presenters.branch(rows, article=article, sort=sort, viewer=request.user, new_after=new_after)
    back = thread_url(article.get_absolute_url(), branch.thread_page, sort) + f"#r{branch.thread_anchor}"
    context = {
        "article": article,
        "branch": branch,
        "thread": branch.thread,
        "thread_html": presenters.thread_html(branch.thread),
        "thread_url": back,
        "sort": sort,
        "meta": page_meta.for_reply(focus),
    }
    return render(request, "forum/reply_page.html", context)


@shared_when_signed_out
@replica_reads(signed_in=True)
def thread_json(request, slug):
    """A page of the thread as JSON, bounded as the page is (forum.threads.budget) but at every
    depth; where the budget cuts a branch, its reply's "more" links to ?reply=<id>&from=<n>,
    that branch's continuation, bounded the same way."""
    article = selectors.article_find(slug=slug, viewer=request.user)
    if article is None:
        return JsonResponse({"error": _("There is no article %(slug)r.") % {"slug": slug}}, status=404)
    try:
        page, sort = thread_query(request)
        if "reply" in request.GET:
            return _branch_json(request, article, sort)
        rows = selectors.thread_page(article=article, page=page, sort=sort, whole_branches=True)
    except selectors.PageOutOfRange:
        return JsonResponse({"error": _("The discussion has no page %(page)s.") % {"page": request.GET.get("page")}}, status=404)
    except ForumError as error:
        return JsonResponse({"error": error.message}, status=status_of(error))
    thread = presenters.thread_page(rows, article=article)
    links = nav(reverse("forum:thread_json", kwargs={"slug": slug}), thread)
    return JsonResponse(
        {
            "article": article.slug,
            "page": thread.number,
            "pages": thread.pages,
            "sort": thread.sort,
            "next": absolute_url(links.next_url) if links.next_url else None,
            "previous": absolute_url(links.previous_url) if links.previous_url else None,
            "replies": _replies_json(thread, rows, slug=slug),
        }
    )


def _branch_json(request, article, sort):
    """thread.json?reply=<id>&from=<n>: the reply, then its answers after the first n, at every depth."""
    raw = request.GET["reply"]
    if not raw.isascii() or not raw.isdigit() or len(raw) > 12:
        raise BadThreadQuery(_("“%(raw)s” is not a reply number.") % {"raw": raw})
    skip = answers_from(request)
    focus = selectors.reply_find(slug=article.slug, pk=int(raw), viewer=request.user)
    if focus is None:
        return JsonResponse({"error": _("There is no reply %(pk)s on this article.") % {"pk": raw}}, status=404)
    rows = selectors.whole_branch(reply=focus, sort=sort, skip=skip)
    thread = presenters.thread_page(rows, article=article)
    return JsonResponse(
        {"article": article.slug, "reply": focus.pk, "from": skip, "sort": sort,
         "replies": _replies_json(thread, rows, slug=article.slug)}
    )


def _reply_json(item: presenters.ThreadItem) -> dict:
    reply = item.reply
    published = reply.status == reply.Status.PUBLISHED
    return {
        "id": reply.pk,
        "parent": reply.parent_id,
        "author": reply.author.public_name,
        "created": reply.created.isoformat() if reply.created else None,
        "status": reply.status,
        # Held and removed replies are placeholders on the page; their text must not leak here.
        "html": str(item.body_html) if published else None,
    }


def _replies_json(thread: presenters.ThreadPage, rows: selectors.PageRows, *, slug: str) -> list[dict]:
    base = reverse("forum:thread_json", kwargs={"slug": slug})

    def more(pk: int, *, hidden: int, answers_from: int = 0) -> dict:
        query = presenters.sort_query(rows.sort, answers_from)
        return {"replies": hidden, "url": absolute_url(f"{base}{query or '?'}{'&' if query else ''}reply={pk}")}

    replies = []
    for item in thread.items:
        entry = _reply_json(item)
        pk = item.reply.pk
        entry["more"] = None
        if pk in rows.folded:  # too big for what was left of the page: its own continuation has it
            entry["html"] = None
            entry["more"] = more(pk, hidden=item.reply.descendant_total + 1)
        elif (cut := rows.cuts.get(pk)) is not None:
            entry["more"] = more(pk, hidden=cut.hidden, answers_from=cut.next_from)
        replies.append(entry)
    return replies


@shared_when_signed_out
@replica_reads
def profile(request, username):
    person = selectors.person_get(username=username, public=True)
    replies = Paginator(selectors.replies_by(person, viewer=request.user), REPLIES_PER_PROFILE_PAGE)
    page = replies.get_page(request.GET.get("page"))
    viewer = request.user
    context = {
        "person": person, "page": page,
        # Ignoring is offered to a signed-in reader on someone else's page.
        "may_ignore": viewer.is_authenticated and viewer.pk != person.pk,
        "ignored": viewer.is_authenticated and viewer.pk != person.pk and ignores(user_id=viewer.pk, writer_id=person.pk),
        "page_description": page_meta.profile_description(person, replies.count),
    }
    return render(request, "accounts/profile.html", context)
