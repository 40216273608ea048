import uuid

from django.db import migrations


def fill(apps, schema_editor):
    Event = apps.get_model("meetings", "Event")
    for event in Event.objects.filter(public_id__isnull=True).only("pk").iterator():
        Event.objects.filter(pk=event.pk).update(public_id=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [("meetings", "0002_guests")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
