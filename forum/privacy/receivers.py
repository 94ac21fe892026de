"""Signing in during a deletion's grace period offers to cancel it (issue 17). Only at sign-in:
the pending date rides on the user's row (accounts.backends loads it with the user), so no page
asks the database for it, and nobody without a pending deletion pays anything."""

from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils.translation import gettext as _


@receiver(user_logged_in, dispatch_uid="forum.privacy.deletion_pending_on_sign_in")
def offer_to_cancel(sender, request, user, **kwargs):
    if request is None or getattr(user, "deletion_due_at", None) is None:
        return
    messages.warning(
        request,
        _("Your account is due to be deleted on %(when)s UTC. Go to “Delete your account” in your settings to "
          "cancel it.") % {"when": f"{user.deletion_due_at:%d %b %Y %H:%M}"},
    )
