"""Each account gets the skeleton of its names (accounts.names.skeleton_name): a capital I read
as an l, so "christianbIood" collides with "christianblood".

Two existing accounts may have the same skeleton. The older keeps it; the newer gets it with its
id appended, so this migration cannot fail on the unique constraint, and the pair is printed for
a moderator to look at.
"""

from django.db import migrations, models


def _claim(skeleton: str, taken: set[str], user) -> str:
    if skeleton in taken:
        print(f"\n  account {user.username!r} (id {user.pk}) reads like an older account's name")
        skeleton = f"{skeleton}#{user.pk}"
    taken.add(skeleton)
    return skeleton


def fill_skeletons(apps, schema_editor):
    from accounts.names import skeleton_name

    User = apps.get_model("accounts", "User")
    names: set[str] = set()
    displays: set[str] = set()
    for user in User.objects.order_by("pk"):
        display = skeleton_name(user.display_name) if user.display_name else ""
        User.objects.filter(pk=user.pk).update(
            name_skeleton=_claim(skeleton_name(user.username), names, user),
            display_skeleton=_claim(display, displays, user) if display else None,
        )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_posting_fields")]

    operations = [
        migrations.AddField(
            model_name="user",
            name="name_skeleton",
            field=models.CharField(editable=False, max_length=150, null=True, unique=True),
        ),
        migrations.AddField(
            model_name="user",
            name="display_skeleton",
            field=models.CharField(editable=False, max_length=150, null=True, unique=True),
        ),
        migrations.RunPython(fill_skeletons, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="user",
            name="name_skeleton",
            field=models.CharField(editable=False, max_length=150, unique=True),
        ),
    ]
