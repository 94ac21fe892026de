from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import ValidationError

from .models import User


class AccountAdapter(DefaultAccountAdapter):
    def clean_username(self, username, shallow=False):
        username = super().clean_username(username, shallow=shallow)
        if User.objects.named_like(username).exists():
            raise ValidationError(
                "That name is taken, or looks too much like a name that is. Please pick another."
            )
        return username
