from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from mptt.admin import MPTTModelAdmin

from . import selectors, services
from .models import Article, Flag, ModerationLog, Reply


class ReadOnly:
    """No adding, editing or deleting in the admin: these rows change only through the services."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReasonActionForm(ActionForm):
    """The admin's action bar gets a reason box: moderation actions are logged with a reason."""

    reason = forms.CharField(required=False, max_length=1000, widget=forms.TextInput(attrs={"placeholder": "Reason"}))


class ModeratedAdmin(admin.ModelAdmin):
    action_form = ReasonActionForm

    def has_moderate_permission(self, request):
        return selectors.is_moderator(request.user)

    def run(self, request, objects, service, **kwargs):
        """Apply a service to each selected object, reporting each refusal rather than stopping."""
        reason = request.POST.get("reason", "")
        done = 0
        for obj in objects:
            try:
                service(moderator=request.user, reason=reason, **{self.target: obj}, **kwargs)
                done += 1
            except services.PostingError as error:
                self.message_user(request, f"{obj}: {error.message}", messages.WARNING)
        if done:
            self.message_user(request, f"Done for {done}.", messages.SUCCESS)


def _reply_action(name: str, action: services.ReplyAction):
    """An admin action calling the same service as the queue's button of that name."""

    def run_it(model_admin, request, queryset):
        model_admin.run(request, queryset, action.service)

    run_it.__name__ = name.replace("-", "_")
    return admin.action(description=action.label, permissions=["moderate"])(run_it)


@admin.register(Article)
class ArticleAdmin(ModeratedAdmin):
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
        self.run(request, queryset, services.article_lock, locked=True)

    @admin.action(description="Unlock", permissions=["moderate"])
    def unlock(self, request, queryset):
        self.run(request, queryset, services.article_lock, locked=False)


@admin.register(Reply)
class ReplyAdmin(ReadOnly, ModeratedAdmin, MPTTModelAdmin):
    """The replies as an indented tree, read-only but for moderation actions.

    Tree fields must only change under the services' locks, so the admin neither adds, moves
    nor deletes replies here. The actions are the site queue's, calling the same services.
    """

    target = "reply"
    list_display = ["short_body", "author", "article", "status", "branch_locked", "created"]
    list_filter = ["status", "branch_locked", "article"]
    search_fields = ["body", "author__username"]
    list_select_related = ["author", "article"]
    mptt_level_indent = 20
    actions = [_reply_action(name, action) for name, action in services.REPLY_ACTIONS.items()]

    @admin.display(description="reply")
    def short_body(self, reply):
        return (reply.body[:80] + "…") if len(reply.body) > 80 else (reply.body or "(no text)")


@admin.register(Flag)
class FlagAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["reply", "flagger", "reason", "created", "resolved"]
    list_filter = ["reason", "resolved"]
    list_select_related = ["reply", "flagger"]


@admin.register(ModerationLog)
class ModerationLogAdmin(ReadOnly, admin.ModelAdmin):
    """Read-only: the log is append-only, and only the services append to it."""

    list_display = ["created", "actor", "action", "reply", "article", "user", "reason", "detail"]
    list_filter = ["action"]
    list_select_related = ["actor", "reply", "article", "user"]

