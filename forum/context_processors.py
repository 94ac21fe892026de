from django.utils.functional import SimpleLazyObject

from . import policy
from .conf import forum_settings
from .notifications import selectors as notifications
from .syndication import meta as page_meta


def site(request):
    user = getattr(request, "user", None)
    url_name = getattr(getattr(request, "resolver_match", None), "url_name", None)
    context = {
        "site_name": forum_settings.SITE_NAME,
        # A view that knows its page gives these in its own context, which wins over these.
        "page_description": SimpleLazyObject(lambda: page_meta.description_for(url_name)),
        "page_canonical": page_meta.canonical_for(url_name),
    }
    if user is not None and user.is_authenticated:
        # Lazy: a page that does not show the header count does not pay its query.
        context["unread_notifications"] = SimpleLazyObject(lambda: notifications.unread_count(user))
        context["is_moderator"] = policy.is_moderator(user)
    return context
