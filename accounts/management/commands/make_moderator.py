"""Make an account a moderator: add it to the Moderators group and give it admin access.

    manage.py make_moderator USERNAME [--remove]
"""

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from accounts.services import moderator_set


class Command(BaseCommand):
    help = __doc__.strip().splitlines()[0]

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--remove", action="store_true", help="take the role away instead")

    def handle(self, *args, username, remove, **options):
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist as error:
            raise CommandError(f"no account named {username!r}") from error
        moderator_set(user=user, moderator=not remove)
        self.stdout.write(f"{username} is {'no longer ' if remove else ''}a moderator")
