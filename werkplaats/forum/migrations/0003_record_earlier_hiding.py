"""Record the posts hidden before moderation events existed, so that every hidden post has the
event that hid it (who, when, why) when it is shown again."""

from typing import Any

from django.db import migrations


def record_hidden_posts(apps: Any, schema_editor: Any) -> None:
    Post = apps.get_model("forum", "Post")
    ModerationEvent = apps.get_model("forum", "ModerationEvent")
    hidden = Post.objects.filter(hidden_at__isnull=False, moderation_events__isnull=True)
    ModerationEvent.objects.bulk_create(
        [
            ModerationEvent(
                post=post, action="hide", actor_id=post.hidden_by_id, reason=post.hidden_reason, at=post.hidden_at
            )
            for post in hidden.iterator()
        ]
    )


class Migration(migrations.Migration):
    dependencies = [("forum", "0002_moderation")]

    operations = [migrations.RunPython(record_hidden_posts, migrations.RunPython.noop)]
