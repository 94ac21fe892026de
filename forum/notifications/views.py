from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from forum.threads.presenters import placeholder_for

from . import selectors, services


@login_required
def notifications(request):
    notes = selectors.for_user(request.user)
    for note in notes:
        # A removed or held reply's text is not shown here either.
        note.excerpt = placeholder_for(note.reply) or note.reply.body
    return render(request, "forum/notifications.html", {"notifications": notes})


@login_required
def notification_open(request, pk):
    notification = services.notification_open(notification=selectors.get(pk=pk), user=request.user)
    return redirect(notification.reply.get_landing_url())
