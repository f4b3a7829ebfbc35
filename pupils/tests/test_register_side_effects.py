"""What leaving a school or the register does to the rest of the casework."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditEvent
from pupils.cycles import cycle_review
from pupils.models import SenStatus
from pupils.provision import pupil_provision_map
from pupils.record_services import group_intervention_create, group_intervention_set_members
from pupils.services import pupil_move, pupil_remove, pupil_return
from pupils.tests.casework import TODAY, add_outcome, completed_cycles, scope_of
from tests import factories as f


def _group_of_four(tenant):
    senco = tenant.users["senco"]
    scope = scope_of(senco)
    members = [tenant.pupil_1, *(f.make_pupil(tenant.school_1) for _ in range(3))]
    group = group_intervention_create(actor=senco, scope=scope, school_id=tenant.school_1.pk, name="Lego therapy",
                                      delivered_by="ta", fixed_cost=Decimal("1200.00"))  # fmt: skip
    group_intervention_set_members(actor=senco, scope=scope, group_id=group.pk, pupil_ids=[p.pk for p in members],
                                   is_running=True)  # fmt: skip
    return senco, scope, group, members


def _group_share(pupil):
    pupil.refresh_from_db()
    return [line.cost for line in pupil_provision_map(pupil=pupil).costs.lines if line.kind == "group"]


def test_joining_a_group_is_on_each_pupils_timeline_and_cost_is_shared(tenant):
    _, _, _, members = _group_of_four(tenant)
    assert _group_share(members[1]) == [Decimal("300.00")]
    joined = AuditEvent.objects.filter(action="group_joined", object_type="pupils.pupil")
    assert {e.object_id for e in joined} == {str(p.pk) for p in members}
    assert joined.first().summary == "Joined the group intervention \u201cLego therapy\u201d"


def test_a_pupil_who_moves_school_leaves_their_groups_and_the_rest_share_the_cost(tenant):
    senco, scope, group, members = _group_of_four(tenant)
    pupil_move(actor=senco, scope=scope, pupil_id=members[0].pk, to_school_id=tenant.school_3.pk,
               moved_on=TODAY, reason="Family moved")  # fmt: skip
    assert not group.pupils.filter(pk=members[0].pk).exists()
    assert _group_share(members[0]) == []
    assert _group_share(members[1]) == [Decimal("400.00")]
    assert AuditEvent.objects.filter(action="group_left", object_id=str(members[0].pk)).exists()


def test_removal_clears_the_review_date_leaves_groups_and_return_restores_the_date(tenant):
    senco, scope, _group, members = _group_of_four(tenant)
    cycle = completed_cycles(senco, members[1], 0)
    members[1].refresh_from_db()
    assert members[1].next_review_on == cycle.review_on
    pupil_remove(actor=senco, scope=scope, pupil_id=members[1].pk, removed_on=TODAY, reason="Needs met")
    members[1].refresh_from_db()
    assert members[1].next_review_on is None
    assert _group_share(members[2]) == [Decimal("400.00")]
    with pytest.raises(ValidationError, match="no longer on the SEN register"):
        cycle_review(actor=senco, scope=scope, cycle_id=cycle.pk, reviewed_on=TODAY, decision="continue",
                     notes="", next_review_on=TODAY + datetime.timedelta(days=30), progress={})  # fmt: skip
    pupil_return(actor=senco, scope=scope, pupil_id=members[1].pk)
    members[1].refresh_from_db()
    assert members[1].next_review_on == cycle.review_on


def test_a_pupil_with_an_ehc_plan_cannot_be_removed_from_sen_support_at_a_cycle_review(tenant):
    from pupils.models import NeedType

    senco = tenant.users["senco"]
    pupil = f.make_pupil(tenant.school_1, sen_status=SenStatus.EHC_PLAN, ehcp_issued_on=datetime.date(2022, 5, 1),
                         primary_need=NeedType.objects.get(code="ASD"))  # fmt: skip
    cycle = completed_cycles(senco, pupil, 0)
    from pupils.models import Cycle

    Cycle.objects.filter(pk=cycle.pk).update(review_on=cycle.started_on)
    outcome = add_outcome(cycle)
    with pytest.raises(ValidationError) as error:
        cycle_review(actor=senco, scope=scope_of(senco), cycle_id=cycle.pk, reviewed_on=TODAY, decision="remove",
                     notes="", next_review_on=None, progress={outcome.pk: ("achieved", "")})  # fmt: skip
    assert "EHC plan cannot be removed from SEN Support" in error.value.message_dict["decision"][0]
    pupil.refresh_from_db()
    assert pupil.sen_status == SenStatus.EHC_PLAN and pupil.on_register
