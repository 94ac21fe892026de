from django.conf import settings
from django.utils import translation
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


def language(request):
    """The page's language and direction for `<html lang dir>`, and the footer's switcher: the
    languages, each named in its own language, the current one marked (base.html). The
    JavaScript catalog's URL names its language, so no cache between a browser and the forum
    can hand a page's scripts another language's strings (forum.i18n)."""
    from . import i18n

    code = translation.get_language() or settings.LANGUAGE_CODE
    return {
        "LANGUAGE_CODE": code,
        "LANGUAGE_BIDI": translation.get_language_bidi(),
        "language_choices": i18n.choices(code),
        "javascript_catalog_url": i18n.catalog_url(code),
    }
