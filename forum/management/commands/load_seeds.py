"""Load fixtures/seed.json into a forum that does not have the seed articles yet.

    manage.py load_seeds

`make run` calls this on every start. Loading a fixture again would reset the seed replies'
tree fields and break the trees of any reply posted under them since, so once the seed articles
are there it does nothing. It also refuses a database that has replies but no seed articles,
where the fixture's reply ids could overwrite real replies.
"""

import json

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from forum.models import Article, Reply
from forum.moderation.log import imported_holds_record

FIXTURE = settings.BASE_DIR / "fixtures" / "seed.json"


class Command(BaseCommand):
    help = __doc__.strip().splitlines()[0]

    def handle(self, *args, **options):
        records = json.loads(FIXTURE.read_text(encoding="utf-8"))
        slugs = [r["fields"]["slug"] for r in records if r["model"] == "forum.article"]
        present = Article.objects.filter(slug__in=slugs).count()
        if present:
            self.stdout.write(f"seed articles already loaded ({present} of {len(slugs)}): nothing to do")
            return
        if Reply.objects.exists():
            raise CommandError("this forum has replies but not the seed articles; not loading seeds over it")
        with transaction.atomic():
            call_command("loaddata", str(FIXTURE), verbosity=0)
            # The fixture holds the replies the hooks held on import, but not the log: it is
            # written now, when this forum holds them.
            logged = imported_holds_record()
        self.stdout.write(f"loaded {len(records)} objects from {FIXTURE}; {logged} held replies logged")
