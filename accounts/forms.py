from django import forms


class SettingsForm(forms.Form):
    display_name = forms.CharField(
        max_length=150, required=False, help_text="Shown on your replies instead of your username."
    )
    email_on_reply = forms.BooleanField(required=False, label="Email me when someone replies to me")
