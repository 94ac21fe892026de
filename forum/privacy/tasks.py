"""The tasks of "Your data": build an archive and send its link; anonymise an account when its
deletion is due. Their arguments are ids only: a task row outlives the deletion it carries out,
and must not hold what the deletion takes away.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks_db.backend import DatabaseBackend

from forum.conf import forum_settings
from forum.web import absolute_url
from jobs import durable_task, enqueue
from jobs.mail import queue_message


@durable_task
def data_export_build(export_id: int) -> str:
    """Build the archive, store it in its row, and email the person its link. Run twice (a
    retry), it builds again and sends again: the link is the same kind of link either way."""
    from .export import archive_bytes
    from .models import DataExport
    from .services import export_link_token

    now = timezone.now()
    # Archives past their link's life go, whoever they belong to: nothing else sweeps them.
    DataExport.objects.filter(expires_at__lt=now - timedelta(days=1)).delete()
    with transaction.atomic():
        export = DataExport.objects.select_for_update().select_related("user").filter(pk=export_id).first()
        if export is None or export.user.deleted_at is not None:
            return "nothing to build"
        data = archive_bytes(export.user, site=forum_settings.SITE_NAME, now=now)
        export.archive, export.size = data, len(data)
        export.ready_at, export.expires_at = now, now + timedelta(days=forum_settings.DATA_EXPORT_LINK_DAYS)
        export.save(update_fields=["archive", "size", "ready_at", "expires_at"])
        user = export.user
        if user.email:
            link = absolute_url(reverse("privacy:data_download", args=[export_link_token(export)]))
            body = _(
                "Hello %(name)s,\n\nThe archive of your data on %(site)s is ready. Download it here, signed in "
                "as yourself, until %(until)s UTC:\n\n%(link)s\n\nThe link works for %(days)d days and only for "
                "you. If you did not ask for it, sign in and change your password.\n"
            ) % {"name": user.public_name, "site": forum_settings.SITE_NAME, "link": link,
                 "until": f"{export.expires_at:%d %b %Y %H:%M}", "days": forum_settings.DATA_EXPORT_LINK_DAYS}
            message = EmailMessage(subject=_("Your data from %(site)s") % {"site": forum_settings.SITE_NAME},
                                   body=body, to=[user.email])
            queue_message(message)
    return f"built {len(data)} bytes"


# --- Deletion --------------------------------------------------------------------------------------


def _deferrable() -> bool:
    return account_delete.get_backend().supports_defer


def schedule_deletion(user_id: int, due_at, *, keep_reason_of: int | None = None) -> None:
    """Queue the anonymisation to run at `due_at`, in the caller's transaction. A backend that
    cannot run a task later (the immediate one of `make run` and the tests) runs it now if it is
    due, and otherwise leaves it to `manage.py delete_due_accounts` (docs/privacy.md)."""
    if due_at <= timezone.now():
        enqueue(account_delete, user_id, keep_reason_of)
    elif _deferrable():
        account_delete.using(run_after=due_at).enqueue(user_id, keep_reason_of)


def unschedule_deletion(user_id: int) -> int:
    """Take the queued anonymisation of `user_id` off the queue (a cancelled deletion)."""
    if not isinstance(account_delete.get_backend(), DatabaseBackend):
        return 0
    from django_tasks_db.models import DBTaskResult

    rows = DBTaskResult.objects.filter(status="READY", task_path=account_delete.module_path)
    doomed = [row.pk for row in rows if (row.args_kwargs.get("args") or [None])[0] == user_id]
    return DBTaskResult.objects.filter(pk__in=doomed).delete()[0]


@durable_task
def account_delete(user_id: int, keep_reason_of: int | None = None) -> str:
    """Anonymise the account if its deletion is (still) due: cancelled, or asked again for a
    later time, it does nothing. Safe to run twice: every step finds its work done."""
    from accounts.models import User

    from .deletion import anonymise

    user = User.objects.filter(pk=user_id).first()
    if user is None or user.deleted_at is not None:
        return "nothing to delete"
    if user.deletion_due_at is None:
        return "cancelled"
    if user.deletion_due_at > timezone.now() + timedelta(seconds=5):
        return "not due yet"
    anonymise(user, keep_reason_of=keep_reason_of)
    return f"deleted account {user_id}"
