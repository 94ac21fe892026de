"""The moderators' own forms: a discussion's rules, a note on an account."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .people import NOTE_MAX_LENGTH


class ArticleRulesForm(forms.Form):
    close_after_days = forms.IntegerField(
        required=False, min_value=1, max_value=3650, label=_("Close to new replies after (days)"),
        help_text=_("Counted from the article's publication date; empty never closes. An undated article never closes by itself."),
    )
    premoderate = forms.BooleanField(required=False, label=_("Pre-moderate every reply"))
    slow_mode_minutes = forms.IntegerField(
        required=False, min_value=1, max_value=1440, label=_("Slow mode (minutes between one reader's replies)"),
        help_text=_("Empty is off. Moderators are not slowed."),
    )
    reply_prompt = forms.CharField(
        required=False, max_length=500, label=_("Editor's prompt above the reply box"),
        widget=forms.TextInput(attrs={"size": 60}),
    )


class NoteForm(forms.Form):
    text = forms.CharField(max_length=NOTE_MAX_LENGTH, label=_("Add a note (moderators only; notes are never edited)"),
                           widget=forms.Textarea(attrs={"rows": 3}))
