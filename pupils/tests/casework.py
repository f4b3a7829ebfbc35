"""Builders for casework tests: cycles with outcomes and provision, reviewed or open."""

import datetime
from decimal import Decimal

from accounts.scoping import scope_for_membership
from pupils.cycles import cycle_review, cycle_start
from pupils.models import Equipment, Outcome, ProvisionEntry

TODAY = datetime.date.today()


def scope_of(user):
    return scope_for_membership(user.memberships.get())


def add_outcome(cycle, text="Read 20 high-frequency words"):
    return Outcome.objects.create(
        local_authority_id=cycle.local_authority_id, cycle=cycle, description=text,
        achieve_by=cycle.review_on, measured_by="Word check",
    )  # fmt: skip


def add_provision(cycle, **overrides):
    values = {"description": "Speech and language group", "delivered_by": "ta", "group_size": 1,
              "sessions_per_week": 3, "minutes_per_session": 30, "weeks": 38, "hourly_cost": Decimal("18.50")}  # fmt: skip
    values.update(overrides)
    return ProvisionEntry.objects.create(local_authority_id=cycle.local_authority_id, cycle=cycle, **values)


def add_equipment(cycle, cost="250.00"):
    return Equipment.objects.create(
        local_authority_id=cycle.local_authority_id, cycle=cycle, description="Writing slope",
        cost=Decimal(cost), bought_on=cycle.started_on,
    )  # fmt: skip


def completed_cycles(senco, pupil, count, *, provision_cost=None):
    """`count` reviewed cycles ending in an open one (continue decisions), all dates in the past."""
    scope = scope_of(senco)
    start = TODAY - datetime.timedelta(days=60 * (count + 1))
    cycle = cycle_start(actor=senco, scope=scope, pupil_id=pupil.pk, started_on=start,
                        review_on=start + datetime.timedelta(days=50))  # fmt: skip
    if provision_cost is not None:
        add_provision(cycle, hourly_cost=None, fixed_cost=Decimal(provision_cost), sessions_per_week=0,
                      minutes_per_session=0, weeks=0)  # fmt: skip
    for _ in range(count):
        add_outcome(cycle)
        cycle = cycle_review(
            actor=senco, scope=scope, cycle_id=cycle.pk, reviewed_on=cycle.review_on, decision="continue",
            notes="", next_review_on=cycle.review_on + datetime.timedelta(days=60),
            progress={outcome.pk: ("partly", "") for outcome in cycle.outcomes.all()},
        )  # fmt: skip
    return cycle
