"""Run the moderation hooks over replies already posted.

    manage.py moderate --dry-run     report what the hooks would hold or reject, change nothing
    manage.py moderate               hold, for a moderator's review, every published reply the
                                     hooks would hold or reject (logged as automatic actions)

Useful after adding a hook or a watched word. Rate limits and the duplicate check do not apply to
replies already posted; nothing is ever removed by this command, only held.
"""

from django.core.management.base import BaseCommand

from forum.models import Reply
from forum.moderation import actions, hooks


class Command(BaseCommand):
    help = __doc__.strip().splitlines()[0]

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="report only; change nothing")

    def handle(self, *args, dry_run, **options):
        replies = Reply.objects.exclude(status=Reply.Status.REMOVED).select_related("author", "article", "parent")
        checked = flagged = held = 0
        for reply in replies.order_by("article_id", "tree_id", "lft").iterator(chunk_size=500):
            checked += 1
            decision = hooks.moderate(
                author=reply.author, article=reply.article, parent=reply.parent, body=reply.body, reply=reply
            )
            if decision.verdict == hooks.Verdict.ALLOW:
                continue
            flagged += 1
            verdict = decision.verdict.name.lower()
            self.stdout.write(
                f"reply {reply.pk} by {reply.author.public_name} ({reply.get_status_display().lower()}): "
                f"would {verdict}: {decision.reason}"
            )
            if not dry_run and reply.status == Reply.Status.PUBLISHED:
                actions.reply_hold(reply=reply, moderator=None, reason=f"manage.py moderate: {decision.reason}")
                held += 1
        summary = f"{checked} replies checked, {flagged} flagged by the hooks"
        self.stdout.write(summary + (" (dry run: nothing changed)" if dry_run else f", {held} held"))
