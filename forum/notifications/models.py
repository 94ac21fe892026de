"""Notifications: what a reader is told in the header and the list at /notifications/."""

from django.conf import settings
from django.db import models

from forum.threads.models import Reply


class Notification(models.Model):
    """Someone replied to you."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    reply = models.ForeignKey(Reply, on_delete=models.CASCADE, related_name="+")
    created = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)
    # Set in the transaction that sent the email (forum.notifications.services.send_reply_email).
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]
        constraints = [
            # Told once of a reply, however many times it is approved: the receivers run after
            # the commit, outside any lock, so this is what keeps two of them from both telling.
            models.UniqueConstraint(fields=["recipient", "reply"], name="notification_once_per_reply"),
        ]
