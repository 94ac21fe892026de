"""Import the seed documents and regenerate the fixtures that `make run` loads.

    manage.py import_seeds [PATHS ...] [--output fixtures/seed.json]

With no PATHS it reads every seeds/*.txt. Each document becomes an article; the op-ed's comments
become replies, created through forum.posting.services like any other reply, in the order of the seed.
Commenters become accounts that cannot sign in.

Running it again changes nothing: articles are matched by slug, commenters by name, and an
article that already has replies keeps them. A document that cannot be read or recognised stops
the import with its file and line, before anything is written.

The fixture is written from the database with primary keys and tree ids renumbered in seed
order, so it comes out byte for byte the same whatever else the database holds.
"""

import json
from pathlib import Path

from django.conf import settings
from django.core import serializers
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.services import user_get_or_create_imported
from forum.errors import ForumError
from forum.models import Reply
from forum.posting.services import reply_create
from forum.rendering import escape_markdown
from forum.seeds import SeedError, read_seed
from forum.threads.services import ArticleData, article_upsert
from forum.threads.tree import nested_set_numbers

DEFAULT_OUTPUT = settings.BASE_DIR / "fixtures" / "seed.json"


class Command(BaseCommand):
    help = __doc__.strip().splitlines()[0]

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", type=Path, help="seed documents (default: seeds/*.txt)")
        parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="fixture file to write")

    def handle(self, *args, paths, output, **options):
        paths = paths or sorted((settings.BASE_DIR / "seeds").glob("*.txt"))
        if not paths:
            raise CommandError("no seed documents given, and none in seeds/")
        try:
            documents = [read_seed(path) for path in paths]
        except SeedError as error:
            raise CommandError(str(error)) from error

        with transaction.atomic():
            articles = [self.import_document(document) for document in documents]
        fixture = fixture_for(articles)
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(fixture, encoding="utf-8")
        self.stdout.write(f"wrote {output} ({len(articles)} articles)")

    def import_document(self, document):
        article = article_upsert(
            data=ArticleData(
                title=document.title,
                slug=document.slug,
                body=document.body,
                source=document.source,
                byline=document.byline,
                section=document.section,
                standfirst=document.standfirst,
                photo_caption=document.photo_caption,
                published_on=document.published_on,
                updated_on=document.updated_on,
                language="en",  # the seeds are English, whatever the site's default language
            )
        )
        name = document.path.name
        if not document.comments:
            self.stdout.write(f"{name}: {article.title!r}: no comment thread")
            return article
        existing = article.replies.count()
        if existing:
            self.stdout.write(f"{name}: {article.title!r}: kept its {existing} replies")
            return article
        created_users = 0
        authors = {}

        def create(comments, parent):
            nonlocal created_users
            for comment in comments:
                if comment.author not in authors:
                    authors[comment.author], created = user_get_or_create_imported(name=comment.author)
                    created_users += created
                try:
                    reply = reply_create(
                        article=article,
                        author=authors[comment.author],
                        # Written as plain text: escaped so that Markdown shows it exactly as written.
                        body=escape_markdown(comment.body),
                        parent=parent,
                        imported=True,
                    )
                except ForumError as error:
                    # The transaction around the import rolls back: nothing is written.
                    raise CommandError(f"{document.path}:{comment.line}: {error.message}") from error
                create(comment.children, reply)

        create(document.comments, None)
        held = article.replies.filter(status=Reply.Status.HELD).count()
        self.stdout.write(
            f"{name}: {article.title!r}: {document.comment_count()} replies "
            f"by {len(authors)} commenters ({created_users} new accounts); "
            f"{held} held by the moderation hooks"
        )
        return article


def fixture_for(articles) -> str:
    """Serialise the articles, their imported replies and those replies' authors.

    Only imported replies go in: they are the ones without a time (services stamp every other
    reply). Replies posted since shift the seed replies' lft/rght, so primary keys, tree ids and
    the nested-set numbers are all renumbered from the parent links, in seed order.
    """
    article_rank = {article.pk: rank for rank, article in enumerate(articles)}
    replies = sorted(
        Reply.objects.filter(article__in=articles, created__isnull=True).select_related("author"),
        key=lambda reply: (article_rank[reply.article_id], reply.tree_id, reply.lft),
    )
    new_pk = {reply.pk: number for number, reply in enumerate(replies, 1)}
    new_tree = {}
    for reply in replies:
        new_tree.setdefault(reply.tree_id, len(new_tree) + 1)
    tree_numbers = nested_set_numbers({reply.pk: reply.parent_id for reply in replies})

    authors = []
    for reply in replies:
        if reply.author not in authors:
            authors.append(reply.author)

    def dump(objects):
        return serializers.serialize(
            "python", objects, use_natural_foreign_keys=True, use_natural_primary_keys=True
        )

    records = dump(authors) + dump(articles)
    for record in dump(replies):
        fields = record["fields"]
        fields["lft"], fields["rght"], fields["level"] = tree_numbers[record["pk"]]
        record["pk"] = new_pk[record["pk"]]
        fields["parent"] = new_pk.get(fields["parent"])
        fields["tree_id"] = new_tree[fields["tree_id"]]
        records.append(record)
    for record in records:
        record["fields"].pop("last_login", None)
    return json.dumps(records, indent=2, ensure_ascii=False, sort_keys=True, default=str) + "\n"
