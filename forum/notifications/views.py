from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from forum.errors import Refused
from forum.threads import selectors as thread_selectors

from . import follows, presenters, selectors, services, unsubscribe


@login_required
def notifications(request):
    notes = presenters.with_excerpts(selectors.for_user(request.user))
    return render(request, "forum/notifications.html", {"notifications": notes})


@require_POST  # it marks the notification read: a prefetching browser or a crawler must not
@login_required
def notification_open(request, pk):
    notification = services.notification_open(notification=selectors.get(pk=pk), user=request.user)
    return redirect(notification.reply.get_landing_url())


@require_POST
@login_required
def follow(request, slug):
    """Follow or stop following a discussion (a form post; lands back on the article)."""
    article = thread_selectors.article_get(slug=slug, viewer=request.user)
    wanted = request.POST.get("follow")
    if wanted not in ("1", "0"):
        raise Refused(_("Say whether to follow this discussion."))
    following = follows.follow_set(user=request.user, article=article, following=wanted == "1")
    messages.success(request, _("You follow this discussion: new replies will be in your notifications.")
                     if following else _("You no longer follow this discussion."))
    return redirect(article.get_absolute_url() + "#discussion")


@csrf_exempt  # a mail client's one-click POST (RFC 8058) carries no CSRF token; the signed token is the proof
def unsubscribe_view(request, token):
    unsubscription = unsubscribe.read(token)  # a bad token: 400 / 404 with the reason
    if request.method == "POST":
        unsubscribe.apply(unsubscription)
        return render(request, "forum/unsubscribe.html", {"done": True, "what": unsubscription.describe()})
    return render(request, "forum/unsubscribe.html", {"done": False, "what": unsubscription.describe()})
