from django.db import migrations

# The ledger is append-only, and no entry may leave a budget overspent: committed above the budget,
# paid above committed, or any total below zero. The trigger first locks the budget's row, so entries
# on one budget are checked one at a time even when two people approve at the same moment.
FORWARD = """
CREATE OR REPLACE FUNCTION funding_ledger_guard() RETURNS trigger AS $$
DECLARE
  total_budget numeric;
  total_committed numeric;
  total_paid numeric;
BEGIN
  IF TG_OP <> 'INSERT' THEN
    RAISE EXCEPTION 'funding_ledgerentry is append-only';
  END IF;
  PERFORM 1 FROM funding_budget WHERE id = NEW.budget_id FOR UPDATE;
  SELECT COALESCE(SUM(budget_delta), 0) + NEW.budget_delta,
         COALESCE(SUM(committed_delta), 0) + NEW.committed_delta,
         COALESCE(SUM(paid_delta), 0) + NEW.paid_delta
    INTO total_budget, total_committed, total_paid
    FROM funding_ledgerentry WHERE budget_id = NEW.budget_id;
  IF total_committed > total_budget THEN
    RAISE EXCEPTION 'budget % would be overspent: committed % against a budget of %',
      NEW.budget_id, total_committed, total_budget USING ERRCODE = 'check_violation';
  END IF;
  IF total_paid > total_committed OR total_paid < 0 OR total_committed < 0 OR total_budget < 0 THEN
    RAISE EXCEPTION 'budget % totals would be inconsistent', NEW.budget_id USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER funding_ledger_insert_guard BEFORE INSERT ON funding_ledgerentry
  FOR EACH ROW EXECUTE FUNCTION funding_ledger_guard();
CREATE TRIGGER funding_ledger_append_only BEFORE UPDATE OR DELETE ON funding_ledgerentry
  FOR EACH ROW EXECUTE FUNCTION funding_ledger_guard();
"""
BACKWARD = """
DROP TRIGGER IF EXISTS funding_ledger_insert_guard ON funding_ledgerentry;
DROP TRIGGER IF EXISTS funding_ledger_append_only ON funding_ledgerentry;
DROP FUNCTION IF EXISTS funding_ledger_guard();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("funding", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
