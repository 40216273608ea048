from django.db import migrations
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce


def fill(apps, schema_editor):
    """Give the rows stored before this migration the employer's facts and its recognitions."""
    PlaceCounts = apps.get_model("matching", "PlaceCounts")
    Organisation = apps.get_model("organisations", "Organisation")
    Recognition = apps.get_model("recognitions", "Recognition")
    employer = Organisation.objects.filter(pk=OuterRef("employer_id"))
    recognitions = Recognition.objects.filter(
        employer_id=OuterRef("employer_id"), crebo=OuterRef("crebo"), withdrawn_at__isnull=True
    ).order_by()
    number = Coalesce(
        Subquery(recognitions.values("employer_id").annotate(n=Count("pk")).values("n"), output_field=IntegerField()),
        Value(0),
    )
    PlaceCounts.objects.update(
        active=Subquery(employer.values("is_active")),
        employer_name=Subquery(employer.values("name")),
        region_id=Subquery(employer.values("region_id")),
        latitude=Subquery(employer.values(value=Coalesce("latitude", "municipality__latitude"))),
        longitude=Subquery(employer.values(value=Coalesce("longitude", "municipality__longitude"))),
        recognitions=number,
    )
    PlaceCounts.objects.filter(recognitions=1).update(
        recognition_start=Subquery(recognitions.values("start_date")[:1]),
        recognition_end=Subquery(recognitions.values("end_date")[:1]),
    )


class Migration(migrations.Migration):
    # Apart from 0004: PostgreSQL creates the new foreign key's index and constraint at the end of
    # that migration, which it cannot do after rows of the table were changed in the same transaction.

    dependencies = [
        ("matching", "0004_place_search_facts"),
        ("recognitions", "0001_initial"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
