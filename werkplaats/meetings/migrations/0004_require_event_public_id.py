import uuid

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("meetings", "0003_fill_event_public_id")]

    operations = [
        migrations.AlterField(
            model_name="event",
            name="public_id",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
    ]
