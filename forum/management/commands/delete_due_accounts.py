"""`manage.py delete_due_accounts`: anonymise every account whose deletion's grace period is over.

With the database task backend (production) each deletion is already queued to run when it is
due (forum.privacy.tasks); this is the safety net for a queue row lost to a restored backup, and
the way deletions happen under the immediate backend (`make run`), which cannot run a task later.
Run it daily (docs/privacy.md). Running it twice does nothing more."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.utils import timezone

from forum.privacy.tasks import account_delete
from jobs import enqueue


class Command(BaseCommand):
    help = "Queue the anonymisation of every account whose deletion is due."

    def handle(self, *args, **options):
        due = get_user_model().objects.filter(
            deleted_at__isnull=True, deletion_due_at__isnull=False, deletion_due_at__lte=timezone.now()
        ).values_list("pk", flat=True)
        count = 0
        for pk in due:
            enqueue(account_delete, pk)
            count += 1
        self.stdout.write(f"{count} account deletion(s) queued.")
