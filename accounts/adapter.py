from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import ValidationError

from .models import User
from .names import canonical_name


class AccountAdapter(DefaultAccountAdapter):
    def clean_username(self, username, shallow=False):
        username = super().clean_username(username, shallow=shallow)
        if User.objects.filter(name_canonical=canonical_name(username)).exists():
            raise ValidationError(
                "That name is taken, or looks too much like a name that is. Please pick another."
            )
        return username
