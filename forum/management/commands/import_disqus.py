"""Import a Disqus XML export: its threads become articles (or join the article with the same
link), its posts replies, its commenters accounts that cannot sign in until claimed.

    manage.py import_disqus EXPORT.xml

It reads the file twice. The first pass checks all of it and works out where every post goes;
anything it cannot read stops the import with `file:line: reason` before anything is written.
The second writes it all in one transaction. Running it again on the same file changes
nothing: posts are known by their Disqus ids. Counts and a progress bar go to stderr.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from forum.imports.disqus import DisqusError
from forum.imports.plan import plan_import
from forum.imports.report import report_lines
from forum.imports.services import disqus_import


class Command(BaseCommand):
    help = __doc__.strip().splitlines()[0]

    def add_arguments(self, parser):
        parser.add_argument("export", type=Path, help="the Disqus XML export")

    def handle(self, *args, export, **options):
        show = options.get("verbosity", 1) > 0
        bar = ProgressBar(self.stderr if show else None)
        try:
            plan = plan_import(export, progress=bar.reading)
            bar.done(f"read {len(plan.threads):,} threads and {len(plan.posts):,} posts; "
                     f"{len(plan.known):,} already imported, {len(plan.parent_of):,} to import")
            report = disqus_import(plan=plan, source=export, progress=bar.writing)
            bar.done("")
        except DisqusError as error:
            raise CommandError(f"{error}\nNothing was imported.") from error
        for line in report_lines(report):
            self.stdout.write(line)


class ProgressBar:
    """One line on stderr, redrawn in place: "importing [#####.....] 52,000/100,000"."""

    WIDTH = 30

    def __init__(self, stream):
        self.stream = stream
        self.tty = stream is not None and getattr(stream, "isatty", lambda: False)()

    def reading(self, done, total):
        self._draw(f"reading: {done:,} posts")

    def writing(self, done, total):
        filled = self.WIDTH * done // total if total else self.WIDTH
        self._draw(f"importing [{'#' * filled}{'.' * (self.WIDTH - filled)}] {done:,}/{total:,}")

    def _draw(self, text):
        if self.stream is None:
            return
        # On a terminal the line is redrawn; in a log, each step is its own line.
        self.stream.write(("\r" + text.ljust(60)) if self.tty else text, ending="" if self.tty else "\n")
        self.stream.flush()

    def done(self, text):
        if self.stream is None:
            return
        if self.tty:
            self.stream.write("", ending="\n")
        if text:
            self.stream.write(text)


