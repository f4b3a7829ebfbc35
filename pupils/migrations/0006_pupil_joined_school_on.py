from django.db import migrations, models
from django.db.models import Max, OuterRef, Subquery


def joined_on_the_last_move(apps, schema_editor):
    # Until now a pupil's joining date was read from their last move within the tenant: keep it.
    Pupil = apps.get_model("pupils", "Pupil")
    PupilSchoolMove = apps.get_model("pupils", "PupilSchoolMove")
    last_move = (
        PupilSchoolMove.objects.filter(pupil_id=OuterRef("pk"))
        .values("pupil_id")
        .annotate(last=Max("moved_on"))
        .values("last")
    )
    moved = PupilSchoolMove.objects.values("pupil_id")
    Pupil.objects.filter(pk__in=moved).update(joined_school_on=Subquery(last_move))


class Migration(migrations.Migration):
    dependencies = [
        ("pupils", "0005_need_type_secondary"),
    ]

    operations = [
        migrations.AddField(
            model_name="pupil",
            name="joined_school_on",
            field=models.DateField(blank=True, null=True, verbose_name="date the pupil joined the school"),
        ),
        migrations.RunPython(joined_on_the_last_move, migrations.RunPython.noop),
    ]
