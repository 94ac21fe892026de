from django import forms
from django.conf import settings

from .services import PostingError, clean_body


class ReplyForm(forms.Form):
    body = forms.CharField(
        label="Your reply",
        strip=False,
        required=False,  # clean_body() says what is wrong, in the same words the service uses
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    # One per rendered form: a second submit of the same form finds the first one's reply.
    form_token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = settings.FORUM_REPLY_MAX_LENGTH
        self.fields["body"].help_text = f"Markdown: *emphasis*, **bold**, [links](https://…), > quotes, `code`, lists. Up to {limit:,} characters."
        self.fields["body"].widget.attrs["maxlength"] = limit

    def clean_body(self):
        try:
            return clean_body(self.cleaned_data["body"])
        except PostingError as error:
            raise forms.ValidationError(error.message) from error
