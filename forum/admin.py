from django.contrib import admin
from mptt.admin import MPTTModelAdmin

from . import services
from .models import Article, Reply


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "source", "published_on", "locked"]
    list_filter = ["source", "locked"]
    search_fields = ["title", "byline", "body"]
    prepopulated_fields = {"slug": ["title"]}

    def save_model(self, request, obj, form, change):
        # Through the service, so body_html is rendered and sanitised like every other write.
        services.article_save(article=obj)


@admin.register(Reply)
class ReplyAdmin(MPTTModelAdmin):
    """The replies as an indented tree, read-only.

    Tree fields must only change under the services' locks, so the admin neither adds, moves
    nor deletes replies here; moderation actions come with the moderation work.
    """

    list_display = ["short_body", "author", "article", "status", "created"]
    list_filter = ["status", "article"]
    search_fields = ["body", "author__username"]
    list_select_related = ["author", "article"]
    mptt_level_indent = 20

    @admin.display(description="reply")
    def short_body(self, reply):
        return (reply.body[:80] + "…") if len(reply.body) > 80 else (reply.body or "(no text)")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
