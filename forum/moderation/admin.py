"""Moderation in the admin: the same actions as the site's queue, calling the same services.

Replies, flags and the log are read-only here: they change only through the services. The user
admin (accounts.admin) gets the suspension actions added here, so accounts needs nothing of the
forum.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.utils.translation import gettext_lazy as _
from mptt.admin import MPTTModelAdmin

from accounts.admin import UserAdmin
from accounts.models import User
from accounts.services import parse_suspension_end
from forum import policy
from forum.errors import ForumError
from forum.threads.models import Reply

from . import actions, suspensions
from .models import Flag, ModerationLog


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

    reason = forms.CharField(required=False, max_length=1000, widget=forms.TextInput(attrs={"placeholder": _("Reason")}))


class ModerationActions:
    """For an admin whose actions are moderation services; `target` names the services' argument."""

    action_form = ReasonActionForm
    target = ""

    def has_moderate_permission(self, request):
        return policy.is_moderator(request.user)

    def run(self, request, objects, service, **kwargs):
        """Apply a service to each selected object, reporting each refusal rather than stopping."""
        reason = request.POST.get("reason", "")
        done = 0
        for obj in objects:
            try:
                service(moderator=request.user, reason=reason, **{self.target: obj}, **kwargs)
                done += 1
            except ForumError as error:
                self.message_user(request, _("%(obj)s: %(message)s") % {"obj": obj, "message": error.message}, messages.WARNING)
        if done:
            self.message_user(request, _("Done for %(done)s.") % {"done": done}, messages.SUCCESS)


def _reply_action(action: actions.ReplyAction):
    """An admin action calling the same service as the queue's button of that name."""

    def run_it(model_admin, request, queryset):
        model_admin.run(request, queryset, action.service)

    run_it.__name__ = action.name.replace("-", "_")
    return admin.action(description=action.admin_label, permissions=["moderate"])(run_it)


@admin.register(Reply)
class ReplyAdmin(ReadOnly, ModerationActions, MPTTModelAdmin):
    """The replies as an indented tree, read-only but for moderation actions.

    Tree fields must only change under the services' locks, so the admin neither adds, moves
    nor deletes replies here.
    """

    target = "reply"
    # Short columns, so status and created stay on screen at 1280 px beside the tree's indent.
    list_display = ["short_body", "author", "short_article", "status", "branch_locked", "created"]
    list_filter = ["status", "branch_locked", "featured", "article"]
    search_fields = ["body", "author__username"]
    list_select_related = ["author", "article"]
    mptt_level_indent = 20
    actions = [_reply_action(action) for action in actions.REPLY_ACTIONS.values()]

    @admin.display(description=_("reply"))
    def short_body(self, reply):
        return (reply.body[:50] + "…") if len(reply.body) > 50 else (reply.body or _("(no text)"))

    @admin.display(description=_("article"), ordering="article__title")
    def short_article(self, reply):
        title = reply.article.title
        return (title[:30] + "…") if len(title) > 30 else title


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


class SuspensionActionForm(ReasonActionForm):
    until = forms.CharField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), help_text=_("empty: for good")
    )


class ModeratedUserAdmin(ModerationActions, UserAdmin):
    target = "user"
    action_form = SuspensionActionForm
    actions = ["ban", "unban", "delete_accounts"]

    @admin.action(description=_("Suspend from posting (reason; until a date, or for good)"), permissions=["moderate"])
    def ban(self, request, queryset):
        try:
            until = parse_suspension_end(request.POST.get("until", ""))
        except ValueError as error:
            self.message_user(request, str(error), messages.ERROR)
            return
        self.run(request, queryset, suspensions.user_ban, until=until)

    @admin.action(description=_("Lift the suspension"), permissions=["moderate"])
    def unban(self, request, queryset):
        self.run(request, queryset, suspensions.user_unban)

    @admin.action(description="Delete the accounts now: anonymise them (reason required, logged)", permissions=["moderate"])
    def delete_accounts(self, request, queryset):
        from forum.privacy.services import deletion_by_moderator  # privacy imports moderation

        self.run(request, queryset, deletion_by_moderator)


admin.site.unregister(User)
admin.site.register(User, ModeratedUserAdmin)
