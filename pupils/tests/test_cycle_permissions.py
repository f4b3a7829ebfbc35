"""Who may use each cycle page: SENCOs of the pupil's school change; those who may read the pupil read;
a pupil of another school or tenant is not found; roles without pupil access are refused."""

from __future__ import annotations

import pathlib
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Role
from pupils import cycle_services
from pupils.models import Cycle, Equipment, EvidenceItem, Outcome, ProvisionEntry
from pupils.services import pupil_refer_to_specialist
from pupils.tests.test_cycle_uploads import PDF
from pupils.tests.test_cycle_workflow import add_outcome, add_provision, scope_of, start, today
from tests import factories as f
from tests.fixtures import client_for
from tests.test_scoping_lint import _direct_queries

OK, FORBIDDEN, NOT_FOUND = 200, 403, 404
ROLES = ["senco", "senco_other_school", "area_lead", "area_lead_other_locality", "la_officer", "panel_member",
         "finance_officer", "specialist", "other_tenant_senco", "other_tenant_la_officer"]  # fmt: skip

READ = {
    "senco": OK, "senco_other_school": NOT_FOUND, "area_lead": OK, "area_lead_other_locality": NOT_FOUND,
    "la_officer": OK, "panel_member": FORBIDDEN, "finance_officer": FORBIDDEN, "specialist": NOT_FOUND,
    "other_tenant_senco": NOT_FOUND, "other_tenant_la_officer": NOT_FOUND,
}  # fmt: skip
WRITE = {
    "senco": OK, "senco_other_school": NOT_FOUND, "area_lead": FORBIDDEN, "area_lead_other_locality": FORBIDDEN,
    "la_officer": FORBIDDEN, "panel_member": FORBIDDEN, "finance_officer": FORBIDDEN, "specialist": FORBIDDEN,
    "other_tenant_senco": NOT_FOUND, "other_tenant_la_officer": FORBIDDEN,
}  # fmt: skip


READERS_AND_OTHERS = ("senco", "area_lead", "la_officer", "panel_member", "finance_officer", "specialist")


def _pages(c):
    p, k = c.pupil_id, c.cycle.pk
    return {
        "cycle-list": (reverse("pupils:cycle-list", args=[p]), READ),
        "cycle-detail": (reverse("pupils:cycle-detail", args=[p, k]), READ),
        "evidence-download": (reverse("pupils:evidence-download", args=[p, k, c.evidence.pk]), READ),
        "cycle-start": (reverse("pupils:cycle-start", args=[p]), WRITE),
        "cycle-review": (reverse("pupils:cycle-review", args=[p, k]), WRITE),
        "cycle-evidence-add": (reverse("pupils:cycle-evidence-add", args=[p, k]), WRITE),
        "cycle-evidence-remove": (reverse("pupils:cycle-evidence-remove", args=[p, k, c.evidence.pk]), WRITE),
        "cycle-outcome-add": (reverse("pupils:cycle-outcome-add", args=[p, k]), WRITE),
        "cycle-outcome-remove": (reverse("pupils:cycle-outcome-remove", args=[p, k, c.outcome.pk]), WRITE),
        "cycle-provision-add": (reverse("pupils:cycle-provision-add", args=[p, k]), WRITE),
        "cycle-provision-remove": (reverse("pupils:cycle-provision-remove", args=[p, k, c.provision.pk]), WRITE),
        "cycle-equipment-add": (reverse("pupils:cycle-equipment-add", args=[p, k]), WRITE),
        "cycle-equipment-remove": (reverse("pupils:cycle-equipment-remove", args=[p, k, c.equipment.pk]), WRITE),
    }


PAGES = list(_pages(SimpleNamespace(pupil_id=1, cycle=SimpleNamespace(pk=1), evidence=SimpleNamespace(pk=1),
                                    outcome=SimpleNamespace(pk=1), provision=SimpleNamespace(pk=1),
                                    equipment=SimpleNamespace(pk=1))))  # fmt: skip


@pytest.fixture
def casework(world, settings, tmp_path):
    """An open cycle, due for review, of pupil_1 (school_1, locality_1) holding one of everything."""
    settings.MEDIA_ROOT = tmp_path
    a, b = world.a, world.b
    senco = a.users["senco"]
    cycle = start(a)
    outcome = add_outcome(a, cycle)
    provision = add_provision(a, cycle, outcome=outcome)
    scope = scope_of(senco)
    evidence = cycle_services.evidence_add(
        actor=senco, scope=scope, cycle_id=cycle.pk, kind="observation", recorded_on=today(),
        summary="Observed", document=SimpleUploadedFile("obs.pdf", PDF),
    )  # fmt: skip
    equipment = cycle_services.equipment_add(
        actor=senco, scope=scope, cycle_id=cycle.pk, description="Slope", cost=Decimal("20"), bought_on=today()
    )
    users = {
        **{role: a.users[role] for role in READERS_AND_OTHERS},
        "senco_other_school": f.make_user(a.authority, Role.SENCO, school=a.school_2),
        "area_lead_other_locality": f.make_user(a.authority, Role.AREA_SEND_LEAD, locality=a.locality_2),
        "other_tenant_senco": b.users["senco"],
        "other_tenant_la_officer": b.users["la_officer"],
    }
    return SimpleNamespace(
        pupil_id=a.pupil_1.pk, cycle=cycle, outcome=outcome, provision=provision, evidence=evidence,
        equipment=equipment, users=users, tenant=a,
    )  # fmt: skip


def _get(client, url):
    response = client.get(url)
    if response.streaming:
        b"".join(response.streaming_content)  # read to the end, which closes the file
    return response


CASES = [(page, role) for page in PAGES for role in ROLES]


@pytest.mark.parametrize(("page", "role"), CASES, ids=[f"{p}-{r}" for p, r in CASES])
def test_permission_matrix(casework, page, role):
    url, expected = _pages(casework)[page]
    assert _get(client_for(casework.users[role]), url).status_code == expected[role]


@pytest.mark.parametrize("page", PAGES)
def test_signed_out_visitors_are_sent_to_sign_in(casework, client, page):
    url, _ = _pages(casework)[page]
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:sign-in"))


def test_a_referred_specialist_reads_the_cycle_but_changes_nothing(casework):
    tenant = casework.tenant
    specialist = tenant.users["specialist"]
    pupil_refer_to_specialist(
        actor=tenant.users["senco"], pupil=tenant.pupil_1, specialist=specialist.memberships.get()
    )
    client = client_for(specialist)
    for page, (url, expected) in _pages(casework).items():
        assert _get(client, url).status_code == (OK if expected is READ else FORBIDDEN), page


def _counts():
    return [m.objects.count() for m in (Cycle, Outcome, ProvisionEntry, EvidenceItem, Equipment)]


@pytest.mark.parametrize("role", ["senco_other_school", "area_lead", "la_officer", "other_tenant_senco"])
def test_posts_by_anyone_but_the_schools_senco_change_nothing(casework, role):
    before = _counts()
    client = client_for(casework.users[role])
    for page, (url, expected) in _pages(casework).items():
        if expected is WRITE:
            assert client.post(url, {}).status_code in (FORBIDDEN, NOT_FOUND), page
    assert _counts() == before


def test_the_cycle_views_and_forms_query_only_through_scoping():
    root = pathlib.Path(__file__).resolve().parents[1]
    offenders = [f"{name}:{line}" for name in ("cycle_views.py", "cycle_forms.py")
                 for line in _direct_queries(root / name)]  # fmt: skip
    assert offenders == []
