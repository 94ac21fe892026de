"""The writes of "Your data" (issue 17): asking for an archive, asking for (and cancelling) an
account's deletion, and a moderator's deletion of an account. The archive is built and the
account anonymised by tasks (forum.privacy.tasks), queued in the same transaction as the row
that asks for them, as the forum's emails are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from forum import policy
from forum.conf import forum_settings
from forum.errors import Forbidden, Gone, NotFound, RateLimited, Refused
from forum.moderation.actions import _reason
from forum.moderation.log import record
from forum.moderation.models import ModerationLog
from jobs import enqueue

from . import tasks
from .models import DataExport

LINK_SALT = "forum.privacy.export-link"


# --- The archive ---------------------------------------------------------------------------------


def export_request(*, user, now=None) -> DataExport:
    """Ask for an archive of `user`'s data: the row, and the task that builds it, in one
    transaction. One per FORUM_DATA_EXPORT_INTERVAL_HOURS: a second is RateLimited, and writes
    nothing. Locks the user's row, so two requests at once cannot both pass the check."""
    now = now or timezone.now()
    if user.deleted_at is not None:
        raise Forbidden(_("This account is deleted."))
    with transaction.atomic():
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        latest = DataExport.objects.filter(user=user).only("requested_at").first()
        if latest is not None:
            next_at = latest.requested_at + timedelta(hours=forum_settings.DATA_EXPORT_INTERVAL_HOURS)
            if next_at > now:
                wait = int((next_at - now).total_seconds()) + 1
                raise RateLimited(
                    _("You asked for your data less than %(hours)d hours ago. You can ask again after "
                      "%(when)s UTC; the archive you asked for is sent to your email address.")
                    % {"hours": forum_settings.DATA_EXPORT_INTERVAL_HOURS, "when": f"{next_at:%d %b %Y %H:%M}"},
                    retry_after=wait,
                )
        # An older archive goes: only the newest one is kept, so there is one link that works.
        DataExport.objects.filter(user=user).delete()
        export = DataExport.objects.create(user=user, requested_at=now)
        enqueue(tasks.data_export_build, export.pk)
    return export


def export_link_token(export: DataExport) -> str:
    """The signed part of the download link: the export's id and its owner's, timestamped."""
    return signing.TimestampSigner(salt=LINK_SALT).sign(f"{export.pk}.{export.user_id}")


def export_for_link(*, token: str, user) -> DataExport:
    """The archive a download link names, for the signed-in `user`: Refused for a link that was
    tampered with, Gone once FORUM_DATA_EXPORT_LINK_DAYS have passed, NotFound for another
    person's link or an archive no longer kept (a newer request replaced it)."""
    signer = signing.TimestampSigner(salt=LINK_SALT)
    try:
        value = signer.unsign(token, max_age=timedelta(days=forum_settings.DATA_EXPORT_LINK_DAYS))
    except signing.SignatureExpired as error:
        raise Gone(_("This download link has expired: links work for %(days)d days. Ask for your data again "
                     "on the “Your data” page.") % {"days": forum_settings.DATA_EXPORT_LINK_DAYS}) from error
    except signing.BadSignature as error:
        raise Refused(_("This download link is not valid: it may have been cut or changed. Use the link "
                        "from the email as it is.")) from error
    export_id, _dot, owner_id = value.partition(".")
    if str(user.pk) != owner_id:
        raise NotFound(_("There is no archive here for you."))
    export = DataExport.objects.filter(pk=export_id, user=user, ready_at__isnull=False).first()
    if export is None:
        raise NotFound(_("This archive is no longer kept: a newer one replaced it. Use the newest link."))
    if export.expires_at and export.expires_at <= timezone.now():
        raise Gone(_("This archive has expired. Ask for your data again on the “Your data” page."))
    return export


@dataclass(frozen=True)
class ExportState:
    """What the "Your data" page says of the person's archive."""

    latest: DataExport | None
    next_request_at: object  # datetime or None: when another request is allowed

    @property
    def preparing(self) -> bool:
        return self.latest is not None and self.latest.ready_at is None

    @property
    def ready(self) -> bool:
        return self.latest is not None and self.latest.ready_at is not None and (
            self.latest.expires_at is None or self.latest.expires_at > timezone.now()
        )


def export_state(user, now=None) -> ExportState:
    now = now or timezone.now()
    latest = DataExport.objects.filter(user=user).defer("archive").first()
    next_at = None
    if latest is not None:
        next_at = latest.requested_at + timedelta(hours=forum_settings.DATA_EXPORT_INTERVAL_HOURS)
        if next_at <= now:
            next_at = None
    return ExportState(latest=latest, next_request_at=next_at)


# --- Deletion --------------------------------------------------------------------------------------


def deletion_request(*, user, now=None):
    """The person asks for their account's deletion (they proved who they are: the view checked
    the password or a fresh sign-in). Anonymised after FORUM_ACCOUNT_DELETION_GRACE_DAYS by a
    task queued to run then; at once when it is 0. Refused when one is already pending."""
    now = now or timezone.now()
    User = get_user_model()
    with transaction.atomic():
        current = User.objects.select_for_update().get(pk=user.pk)
        if current.deleted_at is not None:
            raise Refused(_("This account is already deleted."))
        if current.deletion_due_at is not None:
            raise Refused(_("Your account's deletion is already planned for %(when)s UTC.")
                          % {"when": f"{current.deletion_due_at:%d %b %Y %H:%M}"})
        current.deletion_due_at = now + timedelta(days=forum_settings.ACCOUNT_DELETION_GRACE_DAYS)
        current.save(update_fields=["deletion_due_at"])
        tasks.schedule_deletion(current.pk, current.deletion_due_at)
    return current


def deletion_cancel(*, user):
    """Cancel a pending deletion (the person signed in during the grace period). The queued task
    row goes too; were it to run anyway, it finds nothing due and does nothing."""
    User = get_user_model()
    with transaction.atomic():
        current = User.objects.select_for_update().get(pk=user.pk)
        if current.deletion_due_at is None or current.deleted_at is not None:
            raise Refused(_("There is no deletion of your account to cancel."))
        current.deletion_due_at = None
        current.save(update_fields=["deletion_due_at"])
        tasks.unschedule_deletion(current.pk)
    return current


def deletion_by_moderator(*, user, moderator, reason: str):
    """A moderator (or an admin) deletes an account: logged with the reason, anonymised at once
    (no grace: the person did not ask). Not one's own account, nor another moderator's: those go
    through the person themselves or the Moderators group first."""
    policy.check(policy.moderator_refusal(moderator))
    reason = _reason(reason, required=True)
    if user.pk == moderator.pk:
        raise Refused(_("Delete your own account from your settings, not as a moderator."))
    if user.is_superuser or policy.is_moderator(user):
        raise Forbidden(_("A moderator's account cannot be deleted this way: take them out of the moderators first."))
    if user.deleted_at is not None:
        raise Refused(_("This account is already deleted."))
    User = get_user_model()
    with transaction.atomic():
        current = User.objects.select_for_update().get(pk=user.pk)
        current.deletion_due_at = timezone.now()
        current.save(update_fields=["deletion_due_at"])
        # No reply and no article: the entry is about the account. It must not repeat the name it
        # will lose (tasks keep this entry's reason through the redaction only if it does not).
        entry = record(actor=moderator, action=ModerationLog.Action.DELETE_ACCOUNT, user=current, reason=reason)
        tasks.schedule_deletion(current.pk, current.deletion_due_at, keep_reason_of=entry.pk)
    return current


def user_for_deletion(*, pk: int):
    user = get_user_model().objects.filter(pk=pk).first()
    if user is None:
        raise NotFound(_("There is no such account."))
    return user
