from django.db import migrations

# The ledger guard also refuses an entry whose tenant is not its budget's tenant, so no code path can
# move one council's money into another's books.
FORWARD = """
CREATE OR REPLACE FUNCTION funding_ledger_guard() RETURNS trigger AS $$
DECLARE
  total_budget numeric;
  total_committed numeric;
  total_paid numeric;
  budget_tenant bigint;
BEGIN
  IF TG_OP <> 'INSERT' THEN
    RAISE EXCEPTION 'funding_ledgerentry is append-only';
  END IF;
  SELECT local_authority_id INTO budget_tenant FROM funding_budget WHERE id = NEW.budget_id FOR UPDATE;
  IF budget_tenant IS DISTINCT FROM NEW.local_authority_id THEN
    RAISE EXCEPTION 'ledger entry tenant does not match its budget' USING ERRCODE = 'check_violation';
  END IF;
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
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("funding", "0005_request_decided_index")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
