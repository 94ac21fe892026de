"""The full-text index of replies and articles: see forum/search/schema.py for what and why.

Its SQL lives there because a post_migrate handler needs it too: on SQLite, a later migration
that rebuilds forum_reply (Django copies the table to change a column) drops its triggers.
"""

from django.db import migrations

from forum.search import schema


def forward(apps, schema_editor):
    schema.install(schema_editor)


def backward(apps, schema_editor):
    schema.uninstall(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("forum", "0008_flag_weights_previous_status_and_truncate_guard")]

    operations = [migrations.RunPython(forward, backward)]
