"""Check the nested-set invariants of every reply tree; list the broken rows and exit 1 if any.

    manage.py check_tree

Checks: lft < rght; lft and rght values unique within a tree and running 1..2n; exactly one root
per tree; and, walking each tree in lft order, every reply lies directly inside its parent's
interval (not inside a sibling's, not crossing an end), one level below it, on the same article.
"""

from django.core.management.base import BaseCommand

from forum.models import Reply
from forum.threads.tree import tree_violations


class Command(BaseCommand):
    help = __doc__.strip().splitlines()[0]

    def handle(self, *args, **options):
        problems = tree_violations()
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            self.stderr.write(f"{len(problems)} violations")
            raise SystemExit(1)
        self.stdout.write(f"0 violations in {Reply.objects.count()} replies")
