from django.db import migrations

# DfE school census need types. NSA (no specialist assessment) is only valid at SEN Support.
NEED_TYPES = [
    ("SPLD", "Specific learning difficulty", True),
    ("MLD", "Moderate learning difficulty", True),
    ("SLD", "Severe learning difficulty", True),
    ("PMLD", "Profound and multiple learning difficulty", True),
    ("SEMH", "Social, emotional and mental health", True),
    ("SLCN", "Speech, language and communication needs", True),
    ("HI", "Hearing impairment", True),
    ("VI", "Vision impairment", True),
    ("MSI", "Multi-sensory impairment", True),
    ("PD", "Physical disability", True),
    ("ASD", "Autistic spectrum disorder", True),
    ("OTH", "Other difficulty or disability", True),
    ("NSA", "SEN support but no specialist assessment of type of need", False),
]


def add_need_types(apps, schema_editor):
    NeedType = apps.get_model("pupils", "NeedType")
    for order, (code, name, valid_with_ehc_plan) in enumerate(NEED_TYPES):
        NeedType.objects.update_or_create(
            code=code,
            defaults={"name": name, "valid_with_ehc_plan": valid_with_ehc_plan, "sort_order": order},
        )


class Migration(migrations.Migration):
    dependencies = [("pupils", "0001_initial")]
    operations = [migrations.RunPython(add_need_types, migrations.RunPython.noop)]
