import django.db.models.deletion
from django.db import migrations, models

# Each pot's running totals live in one row of funding_budgettotals, kept by the ledger guard itself: it
# locks the budget's row (as before), reads the totals row, checks the entry against totals plus the new
# deltas, and writes the new totals, all inside the INSERT. So a commitment costs the same on a pot of 20
# entries as on one of 20,000 (the guard used to re-sum the whole ledger of the pot for every entry). The
# totals are derived from the ledger and nothing else: filled from it here, refused to anything but the
# guard afterwards, and a test checks they equal the ledger's sums.
BACKFILL = """
INSERT INTO funding_budgettotals (budget_id, budget_total, committed, paid)
SELECT budget_id, SUM(budget_delta), SUM(committed_delta), SUM(paid_delta)
  FROM funding_ledgerentry GROUP BY budget_id;
"""

FORWARD = """
CREATE OR REPLACE FUNCTION funding_ledger_guard() RETURNS trigger AS $$
DECLARE
  total_budget numeric;
  total_committed numeric;
  total_paid numeric;
  budget_tenant bigint;
  corrected RECORD;
BEGIN
  IF TG_OP <> 'INSERT' THEN
    RAISE EXCEPTION 'funding_ledgerentry is append-only';
  END IF;
  SELECT local_authority_id INTO budget_tenant FROM funding_budget WHERE id = NEW.budget_id FOR UPDATE;
  IF budget_tenant IS DISTINCT FROM NEW.local_authority_id THEN
    RAISE EXCEPTION 'ledger entry tenant does not match its budget' USING ERRCODE = 'check_violation';
  END IF;
  IF NEW.corrects_id IS NOT NULL THEN
    SELECT budget_id, kind, budget_delta, committed_delta, paid_delta INTO corrected
      FROM funding_ledgerentry WHERE id = NEW.corrects_id;
    IF corrected.budget_id IS DISTINCT FROM NEW.budget_id THEN
      RAISE EXCEPTION 'a correction must be in the budget of the entry it corrects' USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.kind = 'reversal' THEN
      IF corrected.kind NOT IN ('payment', 'adjustment', 'release', 'clawback')
         OR NEW.budget_delta <> -corrected.budget_delta
         OR NEW.committed_delta <> -corrected.committed_delta
         OR NEW.paid_delta <> -corrected.paid_delta THEN
        RAISE EXCEPTION 'a reversal must mirror the payment, adjustment, release or clawback it reverses'
          USING ERRCODE = 'check_violation';
      END IF;
    ELSIF corrected.kind <> 'commitment' THEN
      RAISE EXCEPTION 'only a reversal can correct an entry that is not a commitment' USING ERRCODE = 'check_violation';
    END IF;
  END IF;
  -- The budget's row is locked, so nobody else changes its totals until this transaction ends.
  SELECT budget_total, committed, paid INTO total_budget, total_committed, total_paid
    FROM funding_budgettotals WHERE budget_id = NEW.budget_id;
  total_budget := COALESCE(total_budget, 0) + NEW.budget_delta;
  total_committed := COALESCE(total_committed, 0) + NEW.committed_delta;
  total_paid := COALESCE(total_paid, 0) + NEW.paid_delta;
  IF total_committed > total_budget THEN
    RAISE EXCEPTION 'budget % would be overspent: committed % against a budget of %',
      NEW.budget_id, total_committed, total_budget USING ERRCODE = 'check_violation';
  END IF;
  IF total_paid > total_committed OR total_paid < 0 OR total_committed < 0 OR total_budget < 0 THEN
    RAISE EXCEPTION 'budget % totals would be inconsistent', NEW.budget_id USING ERRCODE = 'check_violation';
  END IF;
  INSERT INTO funding_budgettotals AS t (budget_id, budget_total, committed, paid)
    VALUES (NEW.budget_id, total_budget, total_committed, total_paid)
    ON CONFLICT (budget_id) DO UPDATE
      SET budget_total = EXCLUDED.budget_total, committed = EXCLUDED.committed, paid = EXCLUDED.paid;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

-- Only the ledger guard (a trigger, so one level deeper) writes the totals.
CREATE OR REPLACE FUNCTION funding_budgettotals_guard() RETURNS trigger AS $$
BEGIN
  IF pg_trigger_depth() < 2 THEN
    RAISE EXCEPTION 'funding_budgettotals is kept by the ledger guard: write ledger entries instead';
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER funding_budgettotals_guard BEFORE INSERT OR UPDATE OR DELETE ON funding_budgettotals
  FOR EACH ROW EXECUTE FUNCTION funding_budgettotals_guard();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS funding_budgettotals_guard ON funding_budgettotals;
DROP FUNCTION IF EXISTS funding_budgettotals_guard();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKFILL, params=None)
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    # Back to migration 0008's guard (which sums the ledger), before the table goes.
    if schema_editor.connection.vendor == "postgresql":
        from importlib import import_module

        schema_editor.execute(BACKWARD, params=None)
        schema_editor.execute(import_module("funding.migrations.0010_ledger_reversal").FORWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("funding", "0010_ledger_reversal")]

    operations = [
        migrations.CreateModel(
            name="BudgetTotals",
            fields=[
                (
                    "budget",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        primary_key=True,
                        related_name="totals",
                        serialize=False,
                        to="funding.budget",
                    ),
                ),
                ("budget_total", models.DecimalField(decimal_places=2, max_digits=14)),
                ("committed", models.DecimalField(decimal_places=2, max_digits=14)),
                ("paid", models.DecimalField(decimal_places=2, max_digits=14)),
            ],
            options={
                "verbose_name_plural": "budget totals",
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("committed__lte", models.F("budget_total")),
                            ("paid__gte", 0),
                            ("paid__lte", models.F("committed")),
                        ),
                        name="budget_totals_not_overspent",
                    )
                ],
            },
        ),
        migrations.RunPython(forward, backward),
    ]
