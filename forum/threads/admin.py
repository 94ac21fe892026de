import re
from dataclasses import asdict

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from forum.imports import admin_views
from forum.moderation import actions, people
from forum.moderation.admin import ModerationActions

from . import services
from .models import Article

RULE_FIELDS = ["close_after_days", "premoderate", "slow_mode_minutes", "reply_prompt"]
# A language tag as `lang` takes it (BCP 47's usual shape): en, fr, pt-BR, zh-Hant.
LANGUAGE_TAG = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*")


class ArticleForm(forms.ModelForm):
    def clean_language(self):
        language = self.cleaned_data["language"].strip()
        if not LANGUAGE_TAG.fullmatch(language):
            # Printed in <article lang>: a wrong one makes screen readers speak it wrongly.
            raise forms.ValidationError(_("Give a language code such as en, fr, es or ar."))
        return language


@admin.register(Article)
class ArticleAdmin(ModerationActions, admin.ModelAdmin):
    target = "article"
    form = ArticleForm
    list_display = ["title", "source", "language", "published_on", "draft", "locked"]
    list_filter = ["draft", "source", "language", "locked"]
    search_fields = ["title", "byline", "body", "link"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["locked"]  # locking is a logged moderation action: use the actions
    actions = ["publish", "lock", "unlock"]
    change_list_template = "admin/forum/article_change_list.html"
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_urls(self):
        # Staff only (admin_view), and add_article permission checked in the views.
        site = self.admin_site
        return [
            path("import-disqus/", site.admin_view(lambda request: admin_views.disqus_upload(request, site)),
                 name="forum_import_disqus"),
            path("import-article/", site.admin_view(lambda request: admin_views.article_upload(request, site)),
                 name="forum_import_article"),
            *super().get_urls(),
        ]

    def save_model(self, request, obj, form, change):
        # Through the services: article_save renders and sanitises body_html like every other
        # write; the discussion's rules are a moderation action, logged (forum.moderation.people).
        asked = people.ArticleRules(**{name: form.cleaned_data.get(name) for name in RULE_FIELDS})
        asked = people.ArticleRules(**{**asdict(asked), "reply_prompt": asked.reply_prompt or "",
                                       "premoderate": bool(asked.premoderate)})
        if change:
            stored = Article.objects.get(pk=obj.pk)
            for name in RULE_FIELDS:
                setattr(obj, name, getattr(stored, name))
        else:
            for name, value in asdict(people.ArticleRules()).items():
                setattr(obj, name, value)
        services.article_save(article=obj)
        if asked != people.rules_of(obj):  # staff who are not moderators are refused (403) only then
            people.article_rules_set(article=obj, moderator=request.user, rules=asked)

    @admin.action(description=_("Publish: readers can see it"), permissions=["change"])
    def publish(self, request, queryset):
        published = [services.article_publish(article=article) for article in queryset.filter(draft=True)]
        messages.success(request, ngettext("Published %(count)s article.", "Published %(count)s articles.", len(published)) % {"count": len(published)})

    @admin.action(description=_("Lock: no new replies"), permissions=["moderate"])
    def lock(self, request, queryset):
        self.run(request, queryset, actions.article_lock, locked=True)

    @admin.action(description=_("Unlock"), permissions=["moderate"])
    def unlock(self, request, queryset):
        self.run(request, queryset, actions.article_lock, locked=False)
