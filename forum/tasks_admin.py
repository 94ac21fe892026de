"""The task queue's rows in the admin: django_tasks_db's read-only list, plus "run again".

Superusers only: a queued email's row holds the whole message, a password-reset link included,
so the rows are as secret as the mailbox."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from jobs import run_failed_again

admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class TaskAdmin(DBTaskResultAdmin):
    actions = ["run_again"]

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    @admin.action(description=_("Run the selected failed tasks again"), permissions=["view"])
    def run_again(self, request, queryset):
        count = run_failed_again(queryset)
        self.message_user(request, ngettext("%(count)s failed task queued again.", "%(count)s failed tasks queued again.", count) % {"count": count}, messages.SUCCESS)
