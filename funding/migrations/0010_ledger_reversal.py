from django.db import migrations, models

# A reversal undoes an entry made in error (a payment, an adjustment, a release or a clawback): it
# negates each of that entry's deltas, in the same budget, once. The guard checks the mirror against the
# entry itself, and that only a reversal corrects an entry that is not a commitment (so a commitment's
# payments, releases and clawbacks, and their reversals, are the whole story of that commitment).
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


def backward(apps, schema_editor):
    # Back to migration 0006's guard.
    if schema_editor.connection.vendor == "postgresql":
        from importlib import import_module

        schema_editor.execute(import_module("funding.migrations.0006_ledger_guard_tenant").FORWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("funding", "0009_request_period_can_be_one_day")]

    operations = [
        migrations.RemoveConstraint(
            model_name="ledgerentry",
            name="ledger_entry_shape_matches_kind",
        ),
        migrations.AlterField(
            model_name="ledgerentry",
            name="kind",
            field=models.CharField(
                choices=[
                    ("budget_set", "Budget set"),
                    ("adjustment", "Budget adjusted"),
                    ("transfer_in", "Transfer in"),
                    ("transfer_out", "Transfer out"),
                    ("commitment", "Commitment"),
                    ("release", "Unspent commitment released"),
                    ("payment", "Payment"),
                    ("clawback", "Clawback"),
                    ("reversal", "Reversal of an entry made in error"),
                ],
                max_length=14,
            ),
        ),
        migrations.AddConstraint(
            model_name="ledgerentry",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("kind", "budget_set"), ("budget_delta__gt", 0), ("committed_delta", 0), ("paid_delta", 0)
                    ),
                    models.Q(
                        ("kind", "adjustment"),
                        models.Q(("budget_delta", 0), _negated=True),
                        ("committed_delta", 0),
                        ("paid_delta", 0),
                    ),
                    models.Q(
                        ("kind", "transfer_in"), ("budget_delta__gt", 0), ("committed_delta", 0), ("paid_delta", 0)
                    ),
                    models.Q(
                        ("kind", "transfer_out"), ("budget_delta__lt", 0), ("committed_delta", 0), ("paid_delta", 0)
                    ),
                    models.Q(
                        ("kind", "commitment"), ("budget_delta", 0), ("committed_delta__gt", 0), ("paid_delta", 0)
                    ),
                    models.Q(("kind", "release"), ("budget_delta", 0), ("committed_delta__lt", 0), ("paid_delta", 0)),
                    models.Q(("kind", "payment"), ("budget_delta", 0), ("committed_delta", 0), ("paid_delta__gt", 0)),
                    models.Q(
                        ("kind", "clawback"), ("budget_delta", 0), ("committed_delta__lt", 0), ("paid_delta__lt", 0)
                    ),
                    models.Q(
                        ("corrects__isnull", False),
                        ("kind", "reversal"),
                        models.Q(
                            models.Q(("budget_delta", 0), _negated=True),
                            models.Q(("committed_delta", 0), _negated=True),
                            models.Q(("paid_delta", 0), _negated=True),
                            _connector="OR",
                        ),
                    ),
                    _connector="OR",
                ),
                name="ledger_entry_shape_matches_kind",
            ),
        ),
        migrations.AddConstraint(
            model_name="ledgerentry",
            constraint=models.UniqueConstraint(
                condition=models.Q(("kind", "reversal")), fields=("corrects",), name="ledger_entry_reversed_once"
            ),
        ),
        migrations.RunPython(forward, backward),
    ]
