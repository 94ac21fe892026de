"""`manage.py send_digests`: queue the daily digest emails (run it once a day: docs/deploy.md)."""

from django.core.management.base import BaseCommand

from forum.notifications.follows import send_digests
from jobs import enqueue


class Command(BaseCommand):
    help = "Queue one digest email per reader who chose a daily digest of the discussions they follow."

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=int, default=24, help="how far back to look (default 24)")

    def handle(self, *args, hours, **options):
        enqueue(send_digests, hours)
        self.stdout.write(f"Digests of the last {hours} hours queued; the worker sends them.")
