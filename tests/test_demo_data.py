"""The demo command builds five councils from the seed schemes and changes nothing when run again."""

import io
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from accounts.models import PanelRole, Role, RoleAssignment, User
from funding.models import Budget, FundingRequest, LedgerEntry, RequestEvent
from funding.selectors import balance_of
from localities.models import LocalAuthority, Locality, School
from panels.models import ConflictOfInterest, Panel, PanelKind, PanelMeeting, Recommendation
from panels.services import current_decision, waiting_requests
from pupils.models import Pupil
from pupils.upn import validate_upn
from send_portal.demo import SCHEMES

# Every model of the project's apps (a new one is counted without anyone remembering to add it), and the
# permission tables the demo could write to through guardian or auth.
PROJECT_APPS = ["accounts", "localities", "panels", "pupils", "funding", "audit", "send_portal", "guardian", "auth"]


def _row_counts():
    return {
        model._meta.label: model._default_manager.count()
        for label in PROJECT_APPS
        for model in apps.get_app_config(label).get_models()
    }


@pytest.fixture(scope="module")
def seeded_once(django_db_setup, django_db_blocker):
    """The demo, seeded once for this module (it takes seconds) inside a transaction rolled back when the
    module is done. Each test runs in a savepoint of it (the db fixture), so no test sees another's changes."""
    with django_db_blocker.unblock(), transaction.atomic():
        output = io.StringIO()
        with override_settings(DEBUG=True):
            call_command("seed_demo", stdout=output)
        yield output.getvalue()
        transaction.set_rollback(True)


@pytest.fixture
def seeded(seeded_once, db, settings):
    """The seeded demo and what the command printed; DEBUG on, so the test may run the command again."""
    settings.DEBUG = True
    return seeded_once


def test_demo_runs_twice_without_duplicating_anything(seeded, settings):
    before = _row_counts()
    assert len(before) >= 30  # the apps' models were found
    assert before["localities.LocalAuthority"] == 5 and before["pupils.Pupil"] > 500
    stockton = LocalAuthority.objects.get(la_code="808")
    stockton.min_completed_cycles_for_top_up = 4  # an LA officer's edit is not put back by the demo
    stockton.save()
    call_command("seed_demo", "--quiet-users")
    assert _row_counts() == before
    stockton.refresh_from_db()
    assert stockton.min_completed_cycles_for_top_up == 4


def test_croydon_is_configured_from_its_seed_scheme(seeded):
    croydon = LocalAuthority.objects.get(la_code="306")
    assert croydon.scheme_name == "Locality SEND Support"
    assert croydon.early_adopter_schools_only is True
    assert croydon.runs_locality_budgets is True
    assert str(croydon.ehcp_issued_before_excluded) == "2020-11-01"
    assert Locality.objects.filter(local_authority=croydon).count() == 4
    early_adopters = School.objects.filter(local_authority=croydon, is_early_adopter=True, provision_kind="mainstream")
    assert early_adopters.count() == 33
    leads = RoleAssignment.objects.filter(membership__local_authority=croydon, role=Role.AREA_SEND_LEAD)
    assert leads.values("membership__user").distinct().count() == 2
    assert leads.values("locality").distinct().count() == 4  # every locality has its lead
    assert Panel.objects.get(local_authority=croydon).kind == "exceptional_needs"


def test_stockton_has_the_6000_threshold_and_the_one_point_panel(seeded):
    stockton = LocalAuthority.objects.get(la_code="808")
    assert stockton.notional_sen_threshold == Decimal("6000.00")
    assert stockton.runs_locality_budgets is False  # no devolved budgets: requests go to the One Point Panel
    assert stockton.above_threshold_to_top_up_panel is True
    assert Panel.objects.filter(
        local_authority=stockton, name="One Point Panel", kind=PanelKind.HIGH_NEEDS_TOP_UP
    ).exists()


SETTINGS = [
    "notional_sen_threshold",
    "min_completed_cycles_for_top_up",
    "early_adopter_schools_only",
    "ehcp_issued_before_excluded",
    "apportion_by",
    "above_threshold_to_top_up_panel",
]


def test_each_council_has_scheme_settings_of_its_own(seeded):
    settings = {
        authority.la_code: tuple(getattr(authority, name) for name in SETTINGS)
        for authority in LocalAuthority.objects.all()
    }
    assert len(set(settings.values())) == 5, settings
    defaults = tuple(LocalAuthority._meta.get_field(name).get_default() for name in SETTINGS)
    assert defaults not in settings.values()


@pytest.mark.parametrize(
    ("la_code", "quoted"),
    [
        ("929", "Learner in Context"),
        ("926", "earlier help to prevent needs escalating"),
        ("928", "early identification"),
        ("808", "One Point Panel"),
    ],
)
def test_scheme_summaries_quote_their_schemes(seeded, la_code, quoted):
    assert quoted in LocalAuthority.objects.get(la_code=la_code).scheme_summary


def test_every_demo_pupil_has_a_valid_upn_of_its_own_council(seeded):
    for upn, la_code in Pupil.objects.values_list("upn", "local_authority__la_code"):
        assert validate_upn(upn) == upn
        assert upn[1:4] == la_code


SLUGS = [scheme.slug for scheme in SCHEMES]
PANEL_PREFIXES = ("panel-ep", "panel-health", "panel-social-care", "panel-head")


def test_demo_prints_a_user_for_every_role_of_every_council(seeded):
    for slug in SLUGS:
        for prefix in ("senco", "panel-member", "la-officer", "finance", "specialist"):
            assert f"{prefix}.{slug}@example.org" in seeded
        # The other panel members: one line a council, not one each.
        (line,) = [line for line in seeded.splitlines() if f"panel-ep.{slug}@example.org" in line]
        assert all(f"{prefix}.{slug}@example.org" in line for prefix in PANEL_PREFIXES)
    assert "password for all:" in seeded
    assert User.objects.get(email="senco.croydon@example.org").check_password("send-portal-demo-2026")


def test_demo_refuses_to_run_when_debug_is_off(db, settings):
    settings.DEBUG = False
    before = _row_counts()  # nothing, or the module's seeded demo: either way the refusal adds nothing
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("seed_demo")
    assert _row_counts() == before


def test_demo_senco_sees_casework_and_a_top_up_candidate(seeded, client):
    from django.urls import reverse

    client.force_login(User.objects.get(email="senco.croydon@example.org"))
    page = client.get(reverse("home")).content.decode()
    top_up = page[page.index('data-testid="top-up"') :]
    assert "</a>" in top_up[: top_up.index("</ul>")]  # at least one pupil flagged
    assert 'data-testid="due-soon"' in page or 'data-testid="overdue"' in page


def test_demo_croydon_has_locality_budgets_and_requests_in_each_state(seeded):
    croydon = LocalAuthority.objects.get(la_code="306")
    assert Budget.objects.filter(local_authority=croydon, kind="locality").count() == 8  # 4 localities x 2 years
    statuses = set(FundingRequest.objects.filter(local_authority=croydon).values_list("status", flat=True))
    assert {"approved", "more_info", "submitted", "draft"} <= statuses
    assert LedgerEntry.objects.filter(local_authority=croydon, kind="commitment").exists()


def test_every_council_s_panel_shows_the_whole_journey(seeded):
    """For every council: a multi-disciplinary panel, a meeting held (decisions, a declared conflict,
    approved minutes), the next with its papers issued and recommendations in, and a later one with its
    agenda open and requests waiting, among them a decision the school asked to have reviewed."""
    now = timezone.now()
    for scheme in SCHEMES:
        slug, panel = scheme.slug, Panel.objects.get(local_authority__la_code=scheme.la_code)
        places = set(
            RoleAssignment.objects.filter(role=Role.PANEL_MEMBER, panel=panel).values_list("panel_role", flat=True)
        )
        assert places == {PanelRole.CHAIR, PanelRole.EDUCATIONAL_PSYCHOLOGIST, PanelRole.HEALTH,
                          PanelRole.SOCIAL_CARE, PanelRole.HEADTEACHER_REPRESENTATIVE}, slug  # fmt: skip
        held, upcoming, later = PanelMeeting.objects.filter(panel=panel).order_by("meets_at")
        assert (held.status, upcoming.status, later.status) == ("minutes_approved", "papers_issued", "scheduled")
        assert held.meets_at < now < upcoming.meets_at < later.meets_at

        # The meeting held: attendance, a conflict a member declared, recommendations, an approval and a decline.
        assert held.attendance.filter(present=True).count() == 4 and held.attendance.filter(present=False).count() == 1
        declared = ConflictOfInterest.objects.get(agenda_item__meeting=held)
        assert declared.member.email == f"panel-social-care.{slug}@example.org"
        assert Recommendation.objects.filter(agenda_item__meeting=held).exists()
        decisions = {item.funding_request_id: current_decision(item) for item in held.items.all()}
        assert sorted(d.outcome for d in decisions.values()) == ["approve", "decline"], slug
        approved = next(r for r, d in decisions.items() if d.outcome == "approve")
        declined = next(r for r, d in decisions.items() if d.outcome == "decline")
        # The approval is committed from the panel's pots (a share for each financial year), which still have money.
        commitments = LedgerEntry.objects.filter(funding_request_id=approved, kind="commitment")
        assert sum(c.committed_delta for c in commitments) == decisions[approved].amount
        assert {c.budget.panel_id for c in commitments} == {panel.pk}
        pots = Budget.objects.filter(local_authority=panel.local_authority, panel=panel)
        assert pots.count() == 2 and all(balance_of(pot).available > 0 for pot in pots)
        # The school asked for the decline to be reviewed: it waits for a later agenda.
        assert FundingRequest.objects.get(pk=declined).status == "review"
        waiting = list(waiting_requests(panel=panel))
        assert declined in [r.pk for r in waiting]

        # The next meeting: the headteacher representative's conflict was recorded with the papers.
        conflict = ConflictOfInterest.objects.get(agenda_item__meeting=upcoming)
        assert conflict.member.email == f"panel-head.{slug}@example.org"
        assert "recorded when the papers were issued" in conflict.reason
        recommenders = (
            Recommendation.objects.filter(agenda_item__meeting=upcoming).order_by().values("member").distinct()
        )
        assert recommenders.count() >= 2 and not upcoming.items.filter(decisions__isnull=False).exists()

        # The later meeting: a case on its open agenda, and requests still waiting.
        assert later.items.count() >= 1 and not later.packs.exists()
        if slug == "croydon":  # the Area SEND Lead referred the locality's requests to the central panel
            referred = RequestEvent.objects.filter(request__panel=panel, to_status="referred")
            assert referred.count() == FundingRequest.objects.filter(panel=panel).count() == 5
