from django import forms
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from .models import User
from .services import check_name_available, normalise_name


class SettingsForm(forms.Form):
    display_name = forms.CharField(
        max_length=150, required=False, label=_("Display name"), help_text=_("Shown on your replies instead of your username.")
    )
    email_on_reply = forms.BooleanField(required=False, label=_("Email me when someone replies to me or mentions me"))
    follow_email = forms.ChoiceField(choices=User.FollowEmail.choices, label=_("Discussions I follow"), required=False)
    follow_on_reply = forms.BooleanField(required=False, label=_("Follow a discussion when I reply to it"))


class NameCheckedMixin:
    """The admin's user forms refuse a look-alike name, as sign-up and the settings page do."""

    def clean_username(self):
        username = super().clean_username() if hasattr(super(), "clean_username") else self.cleaned_data["username"]
        check_name_available(username, user=self.instance)
        return username

    def clean_display_name(self):
        display_name = self.cleaned_data.get("display_name", "")
        check_name_available(display_name, user=self.instance)
        return normalise_name(display_name)


class UserAdminChangeForm(NameCheckedMixin, UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User


class UserAdminCreationForm(NameCheckedMixin, AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("username",)
