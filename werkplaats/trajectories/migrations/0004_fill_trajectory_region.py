from django.db import migrations
from django.db.models import IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce


def fill(apps, schema_editor):
    """The region that counts each trajectory: the learner's organisation's, else the employer's,
    else the school's (see werkplaats/trajectories/regions.py)."""
    Trajectory = apps.get_model("trajectories", "Trajectory")
    Learner = apps.get_model("trajectories", "Learner")
    Organisation = apps.get_model("organisations", "Organisation")

    def region(pk):
        return Subquery(Organisation.objects.filter(pk=pk).values("region_id")[:1], output_field=IntegerField())

    learner_region = Subquery(
        Learner.objects.filter(pk=OuterRef("learner_id")).values("organisation__region_id")[:1],
        output_field=IntegerField(),
    )
    Trajectory.objects.update(
        region=Coalesce(learner_region, region(OuterRef("employer_id")), region(OuterRef("school_id")))
    )


class Migration(migrations.Migration):
    # Apart from 0003: PostgreSQL creates the new foreign key's index and constraint at the end of
    # that migration, which it cannot do after rows of the table were changed in the same transaction.

    dependencies = [("trajectories", "0003_dashboard_region")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
