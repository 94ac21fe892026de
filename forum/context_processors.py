from django.conf import settings
from django.utils.functional import SimpleLazyObject

from . import selectors


def site(request):
    user = getattr(request, "user", None)
    context = {"site_name": settings.FORUM_SITE_NAME}
    if user is not None and user.is_authenticated:
        # Lazy: a page that does not show the header count does not pay its query.
        context["unread_notifications"] = SimpleLazyObject(lambda: selectors.unread_notification_count(user))
        context["is_moderator"] = selectors.is_moderator(user)
    return context
