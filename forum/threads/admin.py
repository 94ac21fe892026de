from django.contrib import admin

from forum.moderation import actions
from forum.moderation.admin import ModerationActions

from . import services
from .models import Article


@admin.register(Article)
class ArticleAdmin(ModerationActions, admin.ModelAdmin):
    target = "article"
    list_display = ["title", "source", "published_on", "locked"]
    list_filter = ["source", "locked"]
    search_fields = ["title", "byline", "body"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["locked"]  # locking is a logged moderation action: use the actions
    actions = ["lock", "unlock"]

    def save_model(self, request, obj, form, change):
        # Through the service, so body_html is rendered and sanitised like every other write.
        services.article_save(article=obj)

    @admin.action(description="Lock: no new replies", permissions=["moderate"])
    def lock(self, request, queryset):
        self.run(request, queryset, actions.article_lock, locked=True)

    @admin.action(description="Unlock", permissions=["moderate"])
    def unlock(self, request, queryset):
        self.run(request, queryset, actions.article_lock, locked=False)
