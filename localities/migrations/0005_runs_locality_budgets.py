from django.db import migrations, models


def from_locality_budgets(apps, schema_editor):
    """Keep every council's routing as it was: until now a council ran locality budgets when it had one."""
    LocalAuthority = apps.get_model("localities", "LocalAuthority")
    Budget = apps.get_model("funding", "Budget")
    with_budgets = Budget.objects.filter(kind="locality").values("local_authority_id")
    LocalAuthority.objects.exclude(pk__in=with_budgets).update(runs_locality_budgets=False)


class Migration(migrations.Migration):
    """Whether the council devolves budgets to its localities is a scheme setting, not inferred from
    whether a locality budget happens to exist."""

    dependencies = [("localities", "0004_panel_settings"), ("funding", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="localauthority",
            name="runs_locality_budgets",
            field=models.BooleanField(
                default=True,
                verbose_name="the council devolves budgets to its localities: a locality school's requests go to its Area SEND Lead",
            ),
        ),
        migrations.RunPython(from_locality_budgets, migrations.RunPython.noop),
    ]
