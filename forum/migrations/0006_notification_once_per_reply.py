"""A reader is told of a reply once. The old code made sure of it by looking first; the
notifications now run after the commit, outside any lock, so the database makes sure."""

from django.db import migrations, models


def drop_repeats(apps, schema_editor):
    # Repeats could only come from two approvals racing; keep the first of each.
    Notification = apps.get_model("forum", "Notification")
    seen = set()
    for pk, recipient, reply in Notification.objects.order_by("pk").values_list("pk", "recipient_id", "reply_id"):
        if (recipient, reply) in seen:
            Notification.objects.filter(pk=pk).delete()
        seen.add((recipient, reply))


class Migration(migrations.Migration):
    dependencies = [("forum", "0005_articlevisit")]

    operations = [
        migrations.RunPython(drop_repeats, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="notification",
            constraint=models.UniqueConstraint(fields=("recipient", "reply"), name="notification_once_per_reply"),
        ),
    ]
