"""The forum's account adapter for django-allauth (settings.ACCOUNT_ADAPTER). accounts knows
nothing of the forum, so what ties allauth to the forum lives here:

- every email greets with FORUM_SITE_NAME and links to FORUM_SITE_URL (forum.web.absolute_url),
  not to the host of whichever request sent it (a dev server on another port, a proxy's
  internal name: "Hello from 127.0.0.1:18101!");
- following the link in the verification email leads back to the reply kept as a draft
  (forum.posting.views), if this browser wrote one.
"""

from __future__ import annotations

from types import SimpleNamespace
from urllib.parse import urlsplit, urlunsplit

from accounts.adapter import AccountAdapter

from .conf import forum_settings
from .web import absolute_url


def site() -> SimpleNamespace:
    """What allauth's email templates read as `current_site`: its name and its domain."""
    return SimpleNamespace(name=forum_settings.SITE_NAME, domain=urlsplit(forum_settings.SITE_URL).netloc)


def on_site(url):
    """An absolute URL allauth built from the request, moved to FORUM_SITE_URL."""
    if not isinstance(url, str):
        return url
    parts = urlsplit(url)
    if not (parts.scheme and parts.netloc):
        return url
    return absolute_url(urlunsplit(("", "", parts.path, parts.query, parts.fragment)))


class ForumAccountAdapter(AccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        # allauth builds its links (activate_url, password_reset_url, signup_url...) from the
        # request before they reach here; each is moved to the site's own address.
        links = {name: on_site(value) for name, value in context.items() if name.endswith("_url")}
        super().send_mail(template_prefix, email, {**context, **links, "current_site": site()})

    # Verifying signs a new account in (ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION) and goes where
    # sign-up would have gone; verifying later, signed in or not, goes here.
    def get_signup_redirect_url(self, request) -> str:
        return _draft_url(request) or super().get_signup_redirect_url(request)

    def get_email_verification_redirect_url(self, email_address) -> str:
        return _draft_url(self.request) or super().get_email_verification_redirect_url(email_address)

    # Signing in while the account's deletion is pending lands on the page that offers to cancel
    # it (forum.privacy), unless the sign-in was on the way somewhere (?next=): then the message
    # forum.privacy.receivers leaves says it.
    def get_login_redirect_url(self, request) -> str:
        if getattr(request.user, "deletion_due_at", None) is not None:
            from django.urls import reverse

            return reverse("privacy:delete")
        return super().get_login_redirect_url(request)


def _draft_url(request) -> str:
    """The page of the reply this browser kept as a draft (forum.posting.views), if any."""
    from .posting.views import DRAFT  # the views import much; the adapter is loaded early

    draft = request.session.get(DRAFT) or {}
    return draft.get("url", "")
