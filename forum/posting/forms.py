from django import forms
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from forum.conf import forum_settings
from forum.errors import ForumError

from .services import clean_body


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Your reply"),
        strip=False,
        required=False,  # clean_body() says what is wrong, in the same words the service uses
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    # One per rendered form: a second submit of the same form finds the first one's reply.
    form_token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = forum_settings.REPLY_MAX_LENGTH
        self.fields["body"].help_text = _(
            "Markdown: *emphasis*, **bold**, [links](https://…), > quotes, `code`, lists. Up to %(limit)s characters."
        ) % {"limit": number_format(limit, force_grouping=True)}
        self.fields["body"].widget.attrs["maxlength"] = limit

    def clean_body(self):
        try:
            return clean_body(self.cleaned_data["body"])
        except ForumError as error:
            raise forms.ValidationError(error.message) from error
