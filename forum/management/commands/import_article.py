"""Import a news article from its saved page, as a draft for an editor to review.

    manage.py import_article FILE.html --url URL

The title, byline, date and body are extracted (trafilatura), the page's navigation, teasers,
related links and share buttons dropped. The article is created unpublished: review it in the
admin (Articles), then publish it there. A file that holds no article, a bad address or an
address already imported stops with the reason, and nothing is written.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from forum.errors import ForumError
from forum.imports.article import extract_article
from forum.threads.services import article_import


class Command(BaseCommand):
    help = __doc__.strip().splitlines()[0]

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="the saved HTML page")
        parser.add_argument("--url", required=True, help="the address the page was saved from")

    def handle(self, *args, file, url, **options):
        try:
            page = file.read_bytes()
        except OSError as error:
            raise CommandError(f"{file}: cannot read the file: {error.strerror or error}") from error
        try:
            article = article_import(extracted=extract_article(page, url=url))
        except ForumError as error:
            raise CommandError(f"{file}: {error.message} Nothing was imported.") from error
        self.stdout.write(
            f"imported {article.title!r} as a draft ({len(article.body.split()):,} words"
            f"{', by ' + article.byline if article.byline else ''}"
            f"{', dated ' + article.published_on.isoformat() if article.published_on else ', no date found'}). "
            f"Review and publish it in the admin: /admin/forum/article/{article.pk}/change/"
        )
