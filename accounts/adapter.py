from allauth.account.adapter import DefaultAccountAdapter
from django.db import transaction
from django.utils import timezone

from .services import check_name_available, imported_accounts_claim


class AccountAdapter(DefaultAccountAdapter):
    def clean_username(self, username, shallow=False):
        username = super().clean_username(username, shallow=shallow)
        check_name_available(username)
        return username

    def confirm_email(self, request, email_address):
        """A verified address is the proof a person gives that the replies imported under it
        (a Disqus export's authors) are theirs: those accounts are claimed with it."""
        with transaction.atomic():
            confirmed = super().confirm_email(request, email_address)
            if confirmed:
                imported_accounts_claim(user=email_address.user, email=email_address.email, now=timezone.now())
        return confirmed
