from django.utils.functional import SimpleLazyObject

from . import policy
from .conf import forum_settings
from .notifications import selectors as notifications


def site(request):
    user = getattr(request, "user", None)
    context = {"site_name": forum_settings.SITE_NAME}
    if user is not None and user.is_authenticated:
        # Lazy: a page that does not show the header count does not pay its query.
        context["unread_notifications"] = SimpleLazyObject(lambda: notifications.unread_count(user))
        context["is_moderator"] = policy.is_moderator(user)
    return context
