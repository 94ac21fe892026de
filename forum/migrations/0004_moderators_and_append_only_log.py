"""The Moderators group, and triggers that keep the moderation log append-only."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODERATOR_PERMISSIONS = [
    ("forum", "moderate_reply"),
    ("forum", "view_reply"),
    ("forum", "view_flag"),
    ("forum", "view_moderationlog"),
    ("forum", "view_article"),
    ("accounts", "view_user"),
]


def create_moderators_group(apps, schema_editor):
    # Permissions are normally created after all migrations; the group needs them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Moderators")
    for app_label, codename in MODERATOR_PERMISSIONS:
        group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


POSTGRES_TRIGGERS = """
CREATE OR REPLACE FUNCTION forum_moderationlog_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'forum_moderationlog is append-only: rows are never updated or deleted';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER forum_moderationlog_append_only
    BEFORE UPDATE OR DELETE ON forum_moderationlog
    FOR EACH ROW EXECUTE FUNCTION forum_moderationlog_append_only();
"""
POSTGRES_DROP = """
DROP TRIGGER IF EXISTS forum_moderationlog_append_only ON forum_moderationlog;
DROP FUNCTION IF EXISTS forum_moderationlog_append_only();
"""
# SQLite: updates only. Django's test flush empties tables with DELETE, which a delete trigger
# would stop; deletes are refused by ModerationLog's manager and model instead.
SQLITE_TRIGGER = """
CREATE TRIGGER forum_moderationlog_no_update BEFORE UPDATE ON forum_moderationlog
BEGIN SELECT RAISE(ABORT, 'forum_moderationlog is append-only: rows are never updated'); END;
"""
SQLITE_DROP = "DROP TRIGGER IF EXISTS forum_moderationlog_no_update;"


def add_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_TRIGGERS)
    elif schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_TRIGGER)


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_DROP)
    elif schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("forum", "0003_moderation"),
        ("accounts", "0002_posting_fields"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(create_moderators_group, migrations.RunPython.noop),
        migrations.RunPython(add_triggers, drop_triggers),
    ]
