import datetime

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditEvent
from pupils.models import NeedType, Pupil, SenStatus
from pupils.services import pupil_create
from tests import factories as f


def _create(school, actor, **overrides):
    values = {
        "actor": actor,
        "school": school,
        "upn": f.make_upn(school),
        "first_name": "Ada",
        "last_name": "Lovelace",
        "date_of_birth": datetime.date(2016, 5, 4),
        "nc_year": 4,
        "sen_status": SenStatus.SEN_SUPPORT,
        "primary_need": NeedType.objects.get(code="SPLD"),
    }
    values.update(overrides)
    return pupil_create(**values)


def _errors(callable_, *args, **kwargs):
    with pytest.raises(ValidationError) as error:
        callable_(*args, **kwargs)
    return error.value.message_dict


def test_pupil_is_created_and_the_addition_audited(tenant):
    pupil = _create(tenant.school_1, tenant.users["senco"])
    assert pupil.local_authority == tenant.authority
    event = AuditEvent.objects.get(action="pupil_added")
    assert event.object_id == str(pupil.pk) and "Lovelace" not in event.summary


def test_need_type_is_required_at_sen_support_and_with_a_plan(tenant):
    errors = _errors(_create, tenant.school_1, tenant.users["senco"], primary_need=None)
    assert "primary need" in errors["primary_need"][0]


def test_nsa_is_only_valid_at_sen_support(tenant):
    nsa = NeedType.objects.get(code="NSA")
    _create(tenant.school_1, tenant.users["senco"], primary_need=nsa)  # fine at K
    errors = _errors(
        _create, tenant.school_1, tenant.users["senco"], primary_need=nsa,
        sen_status=SenStatus.EHC_PLAN, ehcp_issued_on=datetime.date(2022, 1, 1),
    )  # fmt: skip
    assert "can only be recorded for pupils at SEN Support" in errors["primary_need"][0]


def test_duplicate_upn_in_the_tenant_says_where_the_pupil_is(tenant):
    existing = tenant.pupil_2
    errors = _errors(_create, tenant.school_1, tenant.users["senco"], upn=existing.upn)
    assert errors["upn"] == [f"A pupil with this UPN is already on the register at {tenant.school_2.name}"]
    assert Pupil.objects.filter(upn=existing.upn).count() == 1


def test_future_date_of_birth_and_bad_upn_are_reported_together(tenant):
    errors = _errors(
        _create, tenant.school_1, tenant.users["senco"],
        upn="A801200005001", date_of_birth=datetime.date.today() + datetime.timedelta(days=1),
    )  # fmt: skip
    assert "check letter" in errors["upn"][0]
    assert errors["date_of_birth"] == ["Date of birth must be in the past"]
    assert not AuditEvent.objects.filter(action="pupil_added").exists()


def test_ehc_plan_needs_its_issue_date(tenant):
    errors = _errors(
        _create, tenant.school_1, tenant.users["senco"], sen_status=SenStatus.EHC_PLAN,
        primary_need=NeedType.objects.get(code="ASD"),
    )  # fmt: skip
    assert errors["ehcp_issued_on"] == ["Enter the date the EHC plan was issued"]


def test_database_refuses_a_pupil_at_sen_support_without_a_need(tenant):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        f.make_pupil(tenant.school_1, primary_need=None)


def test_nsa_cannot_be_a_secondary_need(tenant):
    errors = _errors(_create, tenant.school_1, tenant.users["senco"], secondary_need=NeedType.objects.get(code="NSA"))
    assert errors["secondary_need"] == [
        "SEN support but no specialist assessment of type of need (NSA) can only be a primary need"
    ]
