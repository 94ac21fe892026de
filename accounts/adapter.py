from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site
from django.db import transaction
from django.utils import timezone

from jobs.mail import queue_message

from .services import check_name_available, imported_accounts_claim


class AccountAdapter(DefaultAccountAdapter):
    def clean_username(self, username, shallow=False):
        username = super().clean_username(username, shallow=shallow)
        check_name_available(username)
        return username

    def send_mail(self, template_prefix, email, context):
        # Verification and password-reset mail goes through the queue: a slow or absent mail
        # server neither slows nor fails the sign-up, and a failed send is retried.
        request = allauth_context.request
        context = {"request": request, "email": email, "current_site": get_current_site(request), **context}
        queue_message(self.render_mail(template_prefix, email, context))

    def confirm_email(self, request, email_address):
        """A verified address is the proof a person gives that the replies imported under it
        (a Disqus export's authors) are theirs: those accounts are claimed with it."""
        with transaction.atomic():
            confirmed = super().confirm_email(request, email_address)
            if confirmed:
                imported_accounts_claim(user=email_address.user, email=email_address.email, now=timezone.now())
        return confirmed
