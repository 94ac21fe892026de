"""A person's archive of their data (issue 17): asked for at /settings/data/, built by a task,
downloaded through a signed link that works for FORUM_DATA_EXPORT_LINK_DAYS.

The archive's bytes live in the row, not in MEDIA storage: every app server and worker reaches
the database already, on SQLite and PostgreSQL alike, and deleting the row (a new request, the
link's expiry, the account's deletion) deletes the archive with nothing left on a disk.
An archive is a few hundred kilobytes for a prolific writer (JSON and CSV, zipped)."""

from django.conf import settings
from django.db import models


class DataExport(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_exports")
    requested_at = models.DateTimeField()
    # Set by the task when the archive is built; the link works until expires_at.
    ready_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    archive = models.BinaryField(default=b"", editable=False)
    size = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["user", "-requested_at"], name="data_export_latest")]

    def __str__(self) -> str:
        return f"data export {self.pk} of user {self.user_id}"
