from django.db import migrations, models


class Migration(migrations.Migration):
    """A funding request's period can be a single day (it ends on or after the day it starts)."""

    dependencies = [("funding", "0008_request_event_timeliness_index")]

    operations = [
        migrations.RemoveConstraint(model_name="fundingrequest", name="request_period_order"),
        migrations.AddConstraint(
            model_name="fundingrequest",
            constraint=models.CheckConstraint(
                condition=models.Q(("period_end__gte", models.F("period_start"))), name="request_period_order"
            ),
        ),
    ]
