from django.db import migrations

# Panel decisions are a record: PostgreSQL refuses UPDATE and DELETE on them, whoever asks. A changed or
# corrected decision is a new row that points at the one it replaces.
FORWARD = """
CREATE OR REPLACE FUNCTION panels_decision_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'panels_paneldecision is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER panels_decision_no_update_or_delete
  BEFORE UPDATE OR DELETE ON panels_paneldecision
  FOR EACH ROW EXECUTE FUNCTION panels_decision_append_only();
"""
BACKWARD = """
DROP TRIGGER IF EXISTS panels_decision_no_update_or_delete ON panels_paneldecision;
DROP FUNCTION IF EXISTS panels_decision_append_only();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("panels", "0003_agenda_conflicts_decisions_packs")]
    operations = [migrations.RunPython(forward, backward)]
