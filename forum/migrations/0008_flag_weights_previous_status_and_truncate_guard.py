"""Flags carry a weight (a new account's counts less), a reply remembers the status it had
before moderation held or removed it, flags that reach the threshold log their own action, and
on PostgreSQL TRUNCATE of the moderation log is refused like UPDATE and DELETE.

Row triggers do not fire on TRUNCATE; a statement-level BEFORE TRUNCATE trigger does. The table
owner could still disable it: docs/deploy.md runs the app as a role that owns no table and has
only INSERT and SELECT on the log.
"""

from django.db import migrations, models

POSTGRES_TRUNCATE_GUARD = """
CREATE OR REPLACE FUNCTION forum_moderationlog_no_truncate() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'forum_moderationlog is append-only: it is never truncated';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER forum_moderationlog_no_truncate
    BEFORE TRUNCATE ON forum_moderationlog
    FOR EACH STATEMENT EXECUTE FUNCTION forum_moderationlog_no_truncate();
"""
POSTGRES_DROP = """
DROP TRIGGER IF EXISTS forum_moderationlog_no_truncate ON forum_moderationlog;
DROP FUNCTION IF EXISTS forum_moderationlog_no_truncate();
"""


def add_truncate_guard(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_TRUNCATE_GUARD)


def drop_truncate_guard(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_DROP)


class Migration(migrations.Migration):

    dependencies = [
        ('forum', '0007_notification_emailed_at'),
    ]

    operations = [
        migrations.AddField(
            model_name='flag',
            name='weight',
            field=models.PositiveSmallIntegerField(default=1),
        ),
        migrations.AddField(
            model_name='reply',
            name='previous_status',
            field=models.CharField(blank=True, choices=[('published', 'Published'), ('held', 'Held for review'), ('removed', 'Removed')], default='', max_length=12),
        ),
        migrations.AlterField(
            model_name='moderationlog',
            name='action',
            field=models.CharField(choices=[('approve', 'approved a reply'), ('hold', 'held a reply'), ('flag_hold', "held a reply on readers' flags"), ('remove', 'removed a reply'), ('restore', 'restored a reply'), ('dismiss_flags', 'dismissed the flags on a reply'), ('lock_branch', 'locked a branch'), ('unlock_branch', 'unlocked a branch'), ('hold_branch', 'held a branch'), ('remove_branch', 'removed a branch'), ('lock_article', 'locked an article'), ('unlock_article', 'unlocked an article'), ('ban', 'suspended a user'), ('unban', 'lifted a suspension')], max_length=20),
        ),
        migrations.RunPython(add_truncate_guard, drop_truncate_guard),
    ]
