from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from . import presenters, selectors, services


@login_required
def notifications(request):
    notes = presenters.with_excerpts(selectors.for_user(request.user))
    return render(request, "forum/notifications.html", {"notifications": notes})


@require_POST  # it marks the notification read: a prefetching browser or a crawler must not
@login_required
def notification_open(request, pk):
    notification = services.notification_open(notification=selectors.get(pk=pk), user=request.user)
    return redirect(notification.reply.get_landing_url())
