from allauth.account.adapter import DefaultAccountAdapter

from .services import check_name_available


class AccountAdapter(DefaultAccountAdapter):
    def clean_username(self, username, shallow=False):
        username = super().clean_username(username, shallow=shallow)
        check_name_available(username)
        return username
