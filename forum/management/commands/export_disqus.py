"""Write every article and reply in Disqus's XML export format, to a file or to stdout.

    manage.py export_disqus [FILE]

`manage.py import_disqus` reads it back (here or on another forum) to the same discussions:
replies keep their Disqus ids (or get "forum-<id>"), so importing it again changes nothing.
"""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from forum.imports.export import export_disqus


class Command(BaseCommand):
    help = __doc__.strip().splitlines()[0]

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", type=Path, help="where to write (default: stdout)")

    def handle(self, *args, file=None, **options):
        if file is None:
            written = export_disqus(sys.stdout.buffer)
            sys.stdout.flush()
        else:
            try:
                with open(file, "wb") as out:
                    written = export_disqus(out)
            except OSError as error:
                raise CommandError(f"{file}: cannot write: {error.strerror or error}") from error
        self.stderr.write(f"exported {written:,} replies")
