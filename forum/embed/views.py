"""The embed's pages: the thread in the news site's frame, the no-JavaScript way to it, the reply
counts for listing pages, one reply in a frame and its oEmbed description."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.contrib.auth.models import AnonymousUser
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils.cache import patch_cache_control
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt

from forum.conf import forum_settings
from forum.errors import ForumError, NotFound
from forum.threads import presenters
from forum.threads import selectors as threads
from forum.threads.views import article_page
from forum.web import absolute_url, refusal_page, status_of, with_retry_after

from . import counts, frame, selectors, services

MAX_COUNT_URLS = 50
# What an oEmbed consumer is told to draw: a reply with its context fits this, and the frame grows
# no further (no script talks to an unknown host page).
OEMBED_WIDTH, OEMBED_HEIGHT = 600, 400
COUNTS_MAX_AGE = 10


@xframe_options_exempt
def thread(request):
    """/embed/thread/?url=PAGE_URL: the page's discussion, created the first time (guarded:
    forum.embed.services); refused with a 403 when the page is not on a listed origin."""
    try:
        normal = services.checked(request.GET.get("url", ""))
        slug = counts.slug_of(normal)
        if slug is None:
            slug = services.article_for_page(normal).slug
            counts.remember(normal, slug)
    except ForumError as error:
        return frame.framed_by_listed(_refused(request, error))
    return frame.framed_by_listed(article_page(request, slug, layout=frame.EMBED))


def _refused(request, error: ForumError):
    response = render(request, "forum/embed/refused.html", {"message": error.message}, status=status_of(error))
    return with_retry_after(response, error)


def open_thread(request):
    """/embed/open/?url=PAGE_URL, the snippet's <noscript> link: the page's discussion on the forum
    itself, where reading and posting need no JavaScript (created as the frame would)."""
    try:
        article = services.article_for_page(request.GET.get("url", ""))
    except ForumError as error:
        return refusal_page(request, error, title=_("This discussion cannot be opened"))
    return redirect(article.get_absolute_url())


def counts_json(request):
    """/embed/counts.json?url=A&url=B: {url: reply count}, at most MAX_COUNT_URLS addresses."""
    urls = request.GET.getlist("url")
    if not urls:
        return _json_error(_("Give the pages' addresses: ?url=A&url=B."), 400)
    if len(urls) > MAX_COUNT_URLS:
        return _json_error(_("At most %(limit)s addresses at a time; this asked for %(count)s.")
                           % {"limit": MAX_COUNT_URLS, "count": len(urls)}, 400)
    response = JsonResponse(counts.counts_for(urls))
    # Any listing page may ask (count.js on the news site): public numbers, no cookie read or sent.
    response["Access-Control-Allow-Origin"] = "*"
    patch_cache_control(response, public=True, max_age=COUNTS_MAX_AGE)
    return response


def _json_error(message: str, status: int):
    response = JsonResponse({"error": message}, status=status)
    response["Access-Control-Allow-Origin"] = "*"
    patch_cache_control(response, no_store=True)
    return response


@xframe_options_exempt
def reply(request, pk):
    """/embed/reply/<pk>/: one reply with the replies it answers and its answers, as a signed-out
    reader sees it, for oEmbed. Read-only (no form, no account), so any site may frame it."""
    slug = selectors.reply_slug(pk)
    focus = threads.reply_find(slug=slug, pk=pk, viewer=AnonymousUser()) if slug else None
    if focus is None or focus.status != focus.Status.PUBLISHED:
        raise Http404(_("There is no such reply."))
    rows = threads.reply_branch(reply=focus, viewer=AnonymousUser())
    branch = presenters.branch(rows, article=focus.article, sort=threads.DEFAULT_SORT, viewer=AnonymousUser())
    context = {"article": focus.article, "branch": branch, "thread": branch.thread,
               "thread_html": presenters.thread_html(branch.thread), "permalink": focus.get_absolute_url()}
    response = frame.framed_by_anyone(render(request, "forum/embed/reply.html", context))
    patch_cache_control(response, public=True, max_age=60)
    return response


def oembed(request):
    """/oembed?url=PERMALINK&format=json (oembed.com): a reply's permalink as a "rich" embed."""
    fmt = request.GET.get("format", "json")
    if fmt == "xml":
        return _json_error(_("Only format=json is served."), 501)
    if fmt != "json":
        return _json_error(_("Unknown format %(format)r: ask for format=json.") % {"format": fmt[:20]}, 400)
    url = request.GET.get("url", "")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return _json_error(_("Give the permalink of a reply: ?url=https://…"), 400)
    focus = _permalinked(parts)
    if focus is None:
        return _json_error(_("That address is not the permalink of a reply here."), 404)
    width = _bounded(request.GET.get("maxwidth"), OEMBED_WIDTH)
    height = _bounded(request.GET.get("maxheight"), OEMBED_HEIGHT)
    title = _("%(name)s on “%(title)s”") % {"name": focus.author.public_name, "title": focus.article.title}
    html = format_html('<iframe src="{}" width="{}" height="{}" title="{}" style="border:0" loading="lazy"></iframe>',
                       absolute_url(reverse("forum:embed_reply", kwargs={"pk": focus.pk})), width, height, title)
    response = JsonResponse({
        "type": "rich", "version": "1.0", "html": html, "width": width, "height": height, "title": title,
        "author_name": focus.author.public_name,
        "author_url": absolute_url(reverse("forum:profile", kwargs={"username": focus.author.username})),
        "provider_name": forum_settings.SITE_NAME, "provider_url": absolute_url("/"), "cache_age": 3600,
    })
    response["Access-Control-Allow-Origin"] = "*"
    patch_cache_control(response, public=True, max_age=300)
    return response


def _permalinked(parts):
    """The published reply at the permalink `parts` (on this forum's FORUM_SITE_URL), or None."""
    if parts.netloc.lower() != urlsplit(forum_settings.SITE_URL).netloc.lower():
        return None
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    if match.view_name != "forum:reply":
        return None
    try:
        focus = threads.reply_find(slug=match.kwargs["slug"], pk=match.kwargs["pk"], viewer=AnonymousUser())
    except (NotFound, ValueError):
        return None
    return focus if focus is not None and focus.status == focus.Status.PUBLISHED else None


def _bounded(raw: str | None, default: int) -> int:
    return min(default, int(raw)) if raw and raw.isascii() and raw.isdigit() and int(raw) > 0 else default

