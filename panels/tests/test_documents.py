"""The panel's PDF documents (panels.documents): the pack, the minutes and the decision letters, read back
with pypdf. Casework is built through the services (cycles, requests, the panel's workflow), so the
documents are tested against data shaped as the service shapes it."""

import datetime
import io
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from accounts.models import PanelRole, Role
from funding import services as funding_services
from funding.banding import band_add, banding_domain_add, request_scores_save
from funding.models import FundingRequest, RequestEvent, RequestScore
from funding.years import financial_year_start
from panels import documents, pack_services, services
from panels.document_selectors import Redactor, minutes_data, pack_data
from panels.models import (
    AgendaItem,
    Attendance,
    ConflictOfInterest,
    PackStatus,
    PanelDecision,
    PanelKind,
    PanelMeeting,
    Recommendation,
)
from pupils.models import Cycle, EvidenceItem, GroupIntervention
from pupils.tests.casework import add_outcome, add_provision, completed_cycles, scope_of
from tests import factories as f

D = Decimal
TODAY = timezone.localdate()
EVIL = '<img src="file:///etc/passwd"> <b>x</b>'


def pdf_pages(content: bytes) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


def flat(text: str) -> str:
    """The words on one line, as a reader sees them (pypdf breaks lines where the layout wraps)."""
    return " ".join(text.split())


def text_of(content: bytes) -> str:
    return flat("\n".join(pdf_pages(content)))


def day(value: datetime.date) -> str:
    return f"{value.day} {value:%B %Y}"


# The world: a complex-needs panel with its members, pots, and two schools -----------------------------------


@dataclass
class PanelWorld:
    tenant: Any
    authority: Any
    panel: Any
    chair: Any
    psychologist: Any
    health: Any
    head: Any
    social: Any
    officer: Any
    senco: Any
    senco_2: Any
    area_lead: Any
    year_start: datetime.date

    def members(self) -> list[Any]:
        return [self.chair, self.psychologist, self.health, self.head, self.social]


def _named(user: Any, name: str) -> Any:
    user.full_name = name
    user.save(update_fields=["full_name"])
    return user


@pytest.fixture
def pw(tenant: Any) -> PanelWorld:
    authority = tenant.authority
    panel = f.make_panel(authority, kind=PanelKind.EXCEPTIONAL_NEEDS, name="Complex Needs Panel")

    def member(name: str, place: str) -> Any:
        return _named(f.make_user(authority, Role.PANEL_MEMBER, panel=panel, panel_role=place), name)

    officer = _named(tenant.users["la_officer"], "Olive Officer")
    f.make_budget(authority, kind="exceptional_needs", panel=panel, amount="200000.00", actor=officer)
    f.make_budget(authority, locality=tenant.locality_1, amount="50000.00", actor=officer)
    tenant.school_1.name, tenant.school_2.name = "Oakfield Primary", "Hillside Primary"
    tenant.school_1.save(update_fields=["name"])
    tenant.school_2.save(update_fields=["name"])
    return PanelWorld(
        tenant=tenant,
        authority=authority,
        panel=panel,
        chair=member("Chris Chair", PanelRole.CHAIR),
        psychologist=member("Evie Psychologist", PanelRole.EDUCATIONAL_PSYCHOLOGIST),
        health=member("Harry Health", PanelRole.HEALTH),
        head=member("Hana Head", PanelRole.HEADTEACHER_REPRESENTATIVE),
        social=member("Sam Social", PanelRole.SOCIAL_CARE),
        officer=officer,
        senco=_named(tenant.users["senco"], "Sally Senco"),
        senco_2=_named(f.make_user(authority, Role.SENCO, school=tenant.school_2), "Sid Senco"),
        area_lead=_named(tenant.users["area_lead"], "Arthur Lead"),
        year_start=financial_year_start(TODAY, authority.financial_year_start_month),
    )


def submit(pw: PanelWorld, pupil: Any, senco: Any, *, amount: str = "2400.00", purpose: str = "Speech therapy",
           outcomes: str = "Speaks in class", exceptional: bool = True, scores: int | None = None) -> FundingRequest:  # fmt: skip
    scope = scope_of(senco)
    draft = funding_services.request_save_draft(
        actor=senco, scope=scope, school_id=pupil.school_id, pupil_id=pupil.pk, amount_requested=D(amount),
        period_start=pw.year_start, period_end=pw.year_start + datetime.timedelta(days=180), purpose=purpose,
        outcomes_served=outcomes, is_exceptional=exceptional,
    )  # fmt: skip
    if scores is not None:
        levels = dict.fromkeys(_domain_ids(pw), (scores, None, "Needs adult support all day"))
        request_scores_save(actor=senco, scope=scope, request_id=draft.pk, levels=levels)
    return funding_services.request_transition(actor=senco, scope=scope, request_id=draft.pk, action="submit")


def _domain_ids(pw: PanelWorld) -> list[int]:
    from funding.models import BandingDomain

    return list(BandingDomain.objects.filter(local_authority=pw.authority).values_list("pk", flat=True))


def schedule(pw: PanelWorld, *, days: int = 7, online_link: str = "https://meet.example.org/complex-needs") -> Any:
    return services.meeting_schedule(
        actor=pw.officer, scope=scope_of(pw.officer), panel_id=pw.panel.pk,
        meets_at=timezone.now() + datetime.timedelta(days=days), venue="Council House, Room 4",
        online_link=online_link,
    )  # fmt: skip


def issue(pw: PanelWorld, meeting: Any, requests: list[FundingRequest]) -> list[AgendaItem]:
    scope = scope_of(pw.officer)
    services.agenda_add(actor=pw.officer, scope=scope, meeting_id=meeting.pk, request_ids=[r.pk for r in requests])
    services.papers_issue(actor=pw.officer, scope=scope, meeting_id=meeting.pk)
    return list(meeting.items.order_by("position"))


def hold(pw: PanelWorld, meeting: Any, present: list[Any]) -> None:
    """The meeting starts (now) and its attendance is recorded: it is open for decisions."""
    PanelMeeting.objects.filter(pk=meeting.pk).update(meets_at=timezone.now() - datetime.timedelta(seconds=1))
    services.attendance_record(
        actor=pw.officer, scope=scope_of(pw.officer), meeting_id=meeting.pk, present_ids=[u.pk for u in present]
    )


def decide(pw: PanelWorld, item: AgendaItem, outcome: str, **fields: Any) -> PanelDecision:
    return services.decision_record(actor=pw.officer, scope=scope_of(pw.officer), item_id=item.pk, outcome=outcome,
                                    **fields)  # fmt: skip


# A pack with real casework: Alfie, referred by the Area SEND Lead, and a second pupil submitted direct -------


@dataclass
class PackWorld:
    pw: PanelWorld
    meeting: Any
    alfie: Any
    other: Any
    alfie_request: FundingRequest
    other_request: FundingRequest
    items: list[AgendaItem]


@pytest.fixture
def pack_world(pw: PanelWorld) -> PackWorld:
    tenant = pw.tenant
    alfie = f.make_pupil(tenant.school_1, first_name="Alfie", last_name="Brownlow",
                         date_of_birth=datetime.date(2016, 3, 14))  # fmt: skip
    # Two reviewed cycles and an open third, with provision costing £7,200.00 a year.
    open_cycle = completed_cycles(pw.senco, alfie, 2, provision_cost="7200.00")
    first = Cycle.objects.get(pupil=alfie, number=1)
    Cycle.objects.filter(pk=first.pk).update(review_notes="Alfie settled into the group well")
    first.outcomes.update(progress_notes="Brownlow reads 12 of the 20 words")
    add_outcome(open_cycle, "Alfie will ask an adult for help in class")
    add_provision(open_cycle, description="Lunchtime social group for Alfie", sessions_per_week=5,
                  minutes_per_session=30, weeks=38, hourly_cost=D("16.00"))  # fmt: skip
    EvidenceItem.objects.create(
        local_authority=pw.authority, cycle=first, kind="observation", recorded_on=first.started_on,
        summary="Alfie Brownlow avoids talking in groups", recorded_by=pw.senco,
    )  # fmt: skip
    EvidenceItem.objects.create(
        local_authority=pw.authority, cycle=open_cycle, kind="agency_advice", recorded_on=open_cycle.started_on,
        summary=f"EP report on ALFIE (UPN {alfie.upn})", source="Dr Jones, EP service",
        document_name="alfie_brownlow_ep_report.pdf", recorded_by=pw.senco,
    )  # fmt: skip
    alfie_request = submit(
        pw, alfie, pw.senco, exceptional=False, amount="2400.00",
        purpose="A speech and language therapist for Alfie Brownlow, two sessions a week",
        outcomes="Alfie will speak in class discussions",
    )  # fmt: skip
    funding_services.request_transition(
        actor=pw.area_lead, scope=scope_of(pw.area_lead), request_id=alfie_request.pk, action="refer",
        reason="Alfie's needs are complex: the locality budget cannot meet them",
    )  # fmt: skip
    # After submission the school adds provision: the live map now differs from the one attached.
    add_provision(open_cycle, description="Visual timetable support", hourly_cost=None, fixed_cost=D("300.00"),
                  sessions_per_week=0, minutes_per_session=0, weeks=0)  # fmt: skip
    other = f.make_pupil(tenant.school_2, first_name="Zara", last_name="Quill", nc_year=6)
    other_request = submit(pw, other, pw.senco_2, amount="3100.00", purpose="Specialist seating for Zara Quill",
                           outcomes="Zara sits comfortably through lessons")  # fmt: skip
    meeting = schedule(pw)
    items = issue(pw, meeting, [alfie_request, other_request])
    alfie_request.refresh_from_db()
    return PackWorld(pw, meeting, alfie, other, alfie_request, other_request, items)


def test_the_pack_has_a_cover_an_agenda_and_each_case_with_its_casework(pack_world):
    w, pw = pack_world, pack_world.pw
    pdf, pages = documents.pack_pdf(meeting_id=w.meeting.pk, excluded_item_ids=[], pseudonymised=False)
    texts = pdf_pages(pdf)
    assert pdf.startswith(b"%PDF-") and pages == len(texts)
    text = flat("\n".join(texts))
    meets_at = timezone.localtime(w.meeting.meets_at)
    # The cover.
    cover = flat(texts[0])
    for words in (pw.authority.name, "Complex Needs Panel: papers for the meeting", day(meets_at.date()),
                  "Council House, Room 4", "https://meet.example.org/complex-needs",
                  "Official sensitive: contains personal data of children", "Cases on the agenda 2"):  # fmt: skip
        assert words in cover, words
    assert "leaves out" not in cover
    # The agenda: case, request, school, year group, amount asked for.
    agenda = flat(texts[1])
    assert f"1 {w.alfie_request.pk} Oakfield Primary Year 4 £2,400.00" in agenda
    assert f"2 {w.other_request.pk} Hillside Primary Year 6 £3,100.00" in agenda
    # Each case starts a page of its own.
    starts = [i for i, page in enumerate(texts) if "funding request" in page and re.search(r"Case \d: funding", page)]
    assert [re.search(r"Case (\d): funding", texts[i]).group(1) for i in starts] == ["1", "2"]  # type: ignore[union-attr]
    alfie_case, other_case = (flat("\n".join(texts[starts[0] : starts[1]])), flat("\n".join(texts[starts[1] :])))
    # The pupil: name and UPN, school, year, SEN status and needs; never the date of birth.
    for words in ("Name Alfie Brownlow", f"UPN {w.alfie.upn}", "School Oakfield Primary", "Year group Year 4",
                  "SEN status SEN Support", "Primary need Speech, language and communication needs (SLCN)",
                  "Secondary need None recorded"):  # fmt: skip
        assert words in alfie_case, words
    assert "14 March 2016" not in text and "2016-03-14" not in text and "14/03/2016" not in text
    # The graduated approach: every cycle, its dates, outcomes, review progress and decision.
    assert "2 completed assess, plan, do, review cycles" in alfie_case
    for number in (1, 2):
        cycle = Cycle.objects.get(pupil=w.alfie, number=number)
        assert f"Cycle {number}: reviewed" in alfie_case
        assert f"Started {day(cycle.started_on)}; agreed review date {day(cycle.review_on)}" in alfie_case
        assert f"Reviewed on {day(cycle.reviewed_on)}: continue the support" in alfie_case
    assert "Cycle 3: open" in alfie_case
    assert "Review notes: Alfie settled into the group well" in alfie_case
    assert "Read 20 high-frequency words" in alfie_case and "Word check" in alfie_case
    assert "Partly achieved: Brownlow reads 12 of the 20 words" in alfie_case
    assert "Alfie will ask an adult for help in class" in alfie_case and "Not reviewed yet" in alfie_case
    # The provision map, as attached at submission and as it is now, against the notional threshold.
    assert "Costed provision map attached when the request was submitted" in alfie_case
    snapshot = w.alfie_request.snapshot
    assert f"Total a year £{D(snapshot['total']):,.2f}" in alfie_case
    assert "Notional threshold £6,000.00" in alfie_case
    assert f"Above the threshold £{D(snapshot['above_threshold']):,.2f}" in alfie_case
    assert "Costed provision map now" in alfie_case and "Visual timetable support" in alfie_case
    assert f"Total a year £{D(snapshot['total']) + D('300.00'):,.2f}" in alfie_case
    # The request, the eligibility stored on it, and the Area SEND Lead's referral.
    period = f"{day(pw.year_start)} to {day(pw.year_start + datetime.timedelta(days=180))}"
    for words in ("Amount asked for £2,400.00", f"Period {period}",
                  "What the money will buy A speech and language therapist for Alfie Brownlow",
                  "The outcomes it serves Alfie will speak in class discussions",
                  "Eligibility at submission Eligible under the council's scheme",
                  "A review of an earlier decision No",
                  f"Referred to the panel by Arthur Lead on {day(TODAY)}",
                  "Alfie's needs are complex: the locality budget cannot meet them"):  # fmt: skip
        assert words in alfie_case, words
    assert "Submitted to the panel by the school (no Area SEND Lead referral)" in other_case
    assert "Submitted to the panel by the school" not in alfie_case
    # The evidence: a list (kind, date, summary, file name), not the files.
    assert "Teacher observations" in alfie_case and "Alfie Brownlow avoids talking in groups" in alfie_case
    assert "Advice from another agency" in alfie_case and "alfie_brownlow_ep_report.pdf" in alfie_case
    assert "From Dr Jones, EP service." in alfie_case
    # The other case is the other pupil's.
    assert "Name Zara Quill" in other_case and "Alfie" not in other_case
    # Footers: page x of y.
    assert f"Page 2 of {pages}" in flat(texts[1])


def test_a_copy_for_a_conflicted_member_leaves_the_case_out_entirely(pack_world):
    w, pw = pack_world, pack_world.pw
    other_item = w.items[1]
    services.conflict_declare(actor=pw.head, scope=scope_of(pw.head), item_id=other_item.pk,
                              reason="I am a governor at Hillside Primary")  # fmt: skip
    excluded = pack_services.member_excluded_items(user_id=pw.head.pk, meeting=w.meeting)
    assert excluded == [other_item.pk]
    pdf, pages = documents.pack_pdf(meeting_id=w.meeting.pk, excluded_item_ids=excluded, pseudonymised=False)
    text = text_of(pdf)
    assert "This copy leaves out 1 case on which you declared a conflict of interest" in text
    assert "Case 2: withheld — conflict of interest declared" in text
    # Nothing of the withheld case: its school, pupil, request or papers.
    compact = re.sub(r"\s+", "", text).lower()
    for absent in ("Hillside", "Zara", "Quill", w.other.upn, "Specialist seating", "£3,100.00", "Case 2: funding",
                   "Sid Senco", "Year 6"):  # fmt: skip
        assert re.sub(r"\s+", "", absent).lower() not in compact, absent
    # The rest of the pack is all there.
    assert "Case 1: funding request" in text and "Alfie Brownlow" in text
    full, full_pages = documents.pack_pdf(meeting_id=w.meeting.pk, excluded_item_ids=[], pseudonymised=False)
    assert pages < full_pages and "leaves out" not in text_of(full)


def test_a_copy_leaving_out_two_cases_says_so(pack_world):
    w = pack_world
    pdf, _ = documents.pack_pdf(
        meeting_id=w.meeting.pk, excluded_item_ids=[item.pk for item in w.items], pseudonymised=False
    )
    text = text_of(pdf)
    assert "This copy leaves out 2 cases on which you declared a conflict of interest" in text
    assert "Case 1: withheld — conflict of interest declared" in text
    assert "Case 2: withheld — conflict of interest declared" in text
    assert "Oakfield" not in text and "Alfie" not in text


def test_a_pseudonymised_pack_has_no_name_or_upn_anywhere_even_in_what_the_school_typed(pack_world):
    w = pack_world
    pdf, _ = documents.pack_pdf(meeting_id=w.meeting.pk, excluded_item_ids=[], pseudonymised=True)
    text = text_of(pdf)
    compact = re.sub(r"\s+", "", text).lower()
    for pupil in (w.alfie, w.other):
        for secret in (pupil.first_name, pupil.last_name, pupil.upn):
            assert secret.lower() not in compact, secret
        assert f"Pupil reference {pupil.pk}" in text
    assert "14 March 2016" not in text
    # Initials where the names were, in the fields and in the school's own words.
    assert "Name A. B." in text and "Name Z. Q." in text
    assert "A speech and language therapist for A. B., two sessions a week" in text
    assert "A. B. will speak in class discussions" in text
    assert "A. B. will ask an adult for help in class" in text
    assert "Review notes: A. B. settled into the group well" in text
    assert "Partly achieved: A. B. reads 12 of the 20 words" in text
    assert "Lunchtime social group for A. B." in text
    assert "A. B.'s needs are complex" in text
    assert "EP report on A. B. (UPN [UPN removed])" in text
    assert "A. B._A. B._ep_report.pdf" in text
    assert "Specialist seating for Z. Q." in text
    assert "Pupils are shown by their initials and a pupil reference, not by name or UPN" in text
    # Nor in the document's title or its bookmarks (WeasyPrint makes them from the headings).
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    labels = [reader.metadata.title or ""] + [entry.title for entry in _flat_outline(reader.outline)]
    assert any("Case 1: funding request" in label for label in labels)
    assert not any(name in label for label in labels for name in ("Alfie", "Brownlow", "Zara", "Quill"))


def _flat_outline(outline: list[Any]) -> list[Any]:
    return [e for item in outline for e in (_flat_outline(item) if isinstance(item, list) else [item])]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Alfie Brownlow", "A. B."),
        ("ALFIE's mum and alfie's dad", "A. B.'s mum and A. B.'s dad"),
        ("Alfred and Alfie-May are not Alfie", "Alfred and A. B.-May are not A. B."),
        ("Brownlow,Alfie;alfie_brownlow.pdf", "A. B.,A. B.;A. B._A. B..pdf"),
        ("Brownlows and Alfies", "Brownlows and Alfies"),
        ("", ""),
    ],
)
def test_the_redactor_replaces_whole_names_in_any_case(tenant, text, expected):
    pupil = f.make_pupil(tenant.school_1, first_name="Alfie", last_name="Brownlow")
    assert Redactor.for_pupil(pupil)(text) == expected


def test_the_redactor_takes_each_part_of_a_name_and_the_upn(tenant):
    pupil = f.make_pupil(tenant.school_1, first_name="Mary Ann", last_name="Smith-Jones")
    clean = Redactor.for_pupil(pupil)
    assert clean(f"Mary, Ann, Smith and Jones; Mary Ann Smith-Jones ({pupil.upn.lower()})") == (
        "M. S., M. S., M. S. and M. S.; M. S. ([UPN removed])"
    )


def test_a_pseudonymised_pack_and_the_minutes_leave_out_the_names_of_a_groups_pupils(pw):
    school = pw.tenant.school_1
    members = [f.make_pupil(school, first_name="Rosa", last_name="Pinnock"), f.make_pupil(school, first_name="Tobiah")]
    group = GroupIntervention.objects.create(local_authority=pw.authority, school=school, name="Lego therapy",
                                             delivered_by="ta", fixed_cost=D("900.00"))  # fmt: skip
    group.pupils.add(*members)
    senco = pw.senco
    draft = funding_services.request_save_draft(
        actor=senco, scope=scope_of(senco), school_id=school.pk, pupil_id=None, group_intervention_id=group.pk,
        amount_requested=D("900.00"), period_start=pw.year_start,
        period_end=pw.year_start + datetime.timedelta(days=90), is_exceptional=True,
        purpose=f"Lego therapy for Rosa Pinnock ({members[0].upn}) and Tobiah", outcomes_served="Rosa plays with others",
    )  # fmt: skip
    funding_services.request_transition(actor=senco, scope=scope_of(senco), request_id=draft.pk, action="submit")
    meeting = schedule(pw)
    issue(pw, meeting, [draft])
    pdf, _ = documents.pack_pdf(meeting_id=meeting.pk, excluded_item_ids=[], pseudonymised=True)
    minutes = documents.minutes_pdf(meeting_id=meeting.pk)
    for text in (text_of(pdf), text_of(minutes)):
        assert "Group intervention: Lego therapy, 2 pupils at submission" in text
        compact = re.sub(r"\s+", "", text).lower()
        for secret in ("Rosa", "Pinnock", members[0].upn, members[1].first_name, members[1].upn):
            assert secret.lower() not in compact, secret
    assert "Lego therapy for R. P. ([UPN removed]) and T. " in text_of(pdf)


class RecordingFetcher(documents.StaticOnlyURLFetcher):
    instances: list["RecordingFetcher"] = []

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        RecordingFetcher.instances.append(self)

    def fetch(self, url: str, headers: Any = None) -> Any:
        self.urls.append(url)
        return super().fetch(url, headers)


def test_what_people_typed_is_text_in_the_pdf_and_nothing_is_fetched(pack_world, monkeypatch):
    import weasyprint

    from funding.pdf import DOCUMENT_BASE_URL, StaticOnlyURLFetcher

    w = pack_world
    FundingRequest.objects.filter(pk=w.alfie_request.pk).update(purpose=EVIL, outcomes_served="<script>x()</script>")
    seen: list[dict[str, Any]] = []
    real_html = weasyprint.HTML

    def spy(*args: Any, **kwargs: Any) -> Any:
        seen.append(kwargs)
        return real_html(*args, **kwargs)

    RecordingFetcher.instances = []
    monkeypatch.setattr(weasyprint, "HTML", spy)
    monkeypatch.setattr(documents, "StaticOnlyURLFetcher", RecordingFetcher)
    pdf, _ = documents.pack_pdf(meeting_id=w.meeting.pk, excluded_item_ids=[], pseudonymised=False)
    text = text_of(pdf)
    assert f"What the money will buy {EVIL}" in text
    assert "<script>x()</script>" in text
    # WeasyPrint was given the service's fetcher and base URL, and was asked to fetch nothing.
    assert len(seen) == 1
    assert isinstance(seen[0]["url_fetcher"], StaticOnlyURLFetcher)
    assert seen[0]["base_url"] == DOCUMENT_BASE_URL
    assert [fetcher.urls for fetcher in RecordingFetcher.instances] == [[]]
    # The minutes and letters go the same way.
    documents.minutes_pdf(meeting_id=w.meeting.pk)
    assert len(seen) == 2 and isinstance(seen[1]["url_fetcher"], RecordingFetcher)


def test_the_pack_task_stores_the_pdf_with_its_pages_and_reports_progress(pack_world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    w = pack_world
    pack = w.meeting.packs.get(excluded_items=[])
    assert pack_services.pack_build(pack_id=pack.pk, task_id="test-task") == "done"
    pack.refresh_from_db()
    assert (pack.status, pack.progress, pack.error) == (PackStatus.DONE, 100, "")
    content = (tmp_path / pack.pdf_file.name).read_bytes()
    assert pack.pages == len(pdf_pages(content)) > 3
    steps: list[int] = []
    documents.pack_pdf(meeting_id=w.meeting.pk, excluded_item_ids=[], pseudonymised=False, progress=steps.append)
    assert len(steps) >= 3 and steps == sorted(steps) and steps[0] >= 5 and steps[-1] <= 95


# Query counts: the pack's data costs the same for 1 case as for 20 ------------------------------------------


def _case_made_directly(pw: PanelWorld, meeting: Any, n: int) -> None:
    """A case with casework made straight in the database (fast): three cycles with outcomes, provision and
    evidence, a referral, an earlier decision and banding scores; every fifth one a group intervention."""
    school = pw.tenant.school_1
    common = {"local_authority": pw.authority, "school": school, "amount_requested": D("1500.00"),
              "period_start": pw.year_start, "period_end": pw.year_start + datetime.timedelta(days=100),
              "purpose": "Support", "outcomes_served": "Progress", "created_by": pw.senco, "status": "referred",
              "route": "exceptional_needs", "panel": pw.panel, "submitted_at": timezone.now()}  # fmt: skip
    if n % 5 == 4:
        group = GroupIntervention.objects.create(local_authority=pw.authority, school=school, name=f"Group {n}",
                                                 delivered_by="ta", fixed_cost=D("900.00"))  # fmt: skip
        group.pupils.add(f.make_pupil(school), f.make_pupil(school))
        request = FundingRequest.objects.create(group_intervention=group, snapshot={"group": {"pupils": 4}}, **common)
    else:
        pupil = f.make_pupil(school)
        reading, _ = GroupIntervention.objects.get_or_create(
            local_authority=pw.authority, school=school, name="Reading group",
            defaults={"delivered_by": "ta", "fixed_cost": D("1200.00")},
        )  # fmt: skip
        reading.pupils.add(pupil)
        for number in (1, 2, 3):
            cycle = f.make_open_cycle(pupil, review_on=TODAY, number=number)
            if number < 3:
                Cycle.objects.filter(pk=cycle.pk).update(status="reviewed", reviewed_on=TODAY, decision="continue")
            add_outcome(cycle)
            add_provision(cycle)
            EvidenceItem.objects.create(local_authority=pw.authority, cycle=cycle, kind="observation",
                                        recorded_on=TODAY, summary="Seen", recorded_by=pw.senco)  # fmt: skip
        request = FundingRequest.objects.create(
            pupil=pupil, snapshot={"provision": [{"description": "TA", "detail": "x", "cost": "100.00"}],
                                   "total": "100.00", "threshold": "6000.00", "above_threshold": "0.00"},
            eligibility={"eligible": True, "reasons": ["Fine"]}, **common,
        )  # fmt: skip
    RequestEvent.objects.create(local_authority=pw.authority, request=request, from_status="submitted",
                                to_status="referred", message="Please decide", actor=pw.area_lead)  # fmt: skip
    for domain_id in _domain_ids(pw):
        RequestScore.objects.create(local_authority=pw.authority, funding_request=request, domain_id=domain_id,
                                    level=1, rationale="Some")  # fmt: skip
    earlier = f.make_meeting(pw.panel, status="held", meets_at=timezone.now() - datetime.timedelta(days=30))
    earlier_item = f.place_on_agenda(earlier, request)
    PanelDecision.objects.create(local_authority=pw.authority, agenda_item=earlier_item, funding_request=request,
                                 outcome="more_evidence", reasons="More please", decided_by=pw.officer)  # fmt: skip
    item = f.place_on_agenda(meeting, request)
    ConflictOfInterest.objects.create(local_authority=pw.authority, agenda_item=item, member=pw.head, reason="Knows")
    Recommendation.objects.create(local_authority=pw.authority, agenda_item=item, member=pw.chair, choice="support")
    first = PanelDecision.objects.create(local_authority=pw.authority, agenda_item=item, funding_request=request,
                                         outcome="decline", reasons="No", decided_by=pw.officer)  # fmt: skip
    PanelDecision.objects.create(local_authority=pw.authority, agenda_item=item, funding_request=request,
                                 outcome="more_evidence", reasons="More", corrects=first, correction_reason="Oops",
                                 decided_by=pw.officer)  # fmt: skip


@pytest.fixture
def banding(pw: PanelWorld) -> None:
    scope = scope_of(pw.officer)
    banding_domain_add(actor=pw.officer, scope=scope, name="Communication", weight=D("1"),
                       levels=["No extra help", "Some adult help", "Adult help most of the day", "Adult help all day"])  # fmt: skip
    band_add(actor=pw.officer, scope=scope, name="Band A", min_score=D("0"), annual_tariff=D("2000.00"))
    band_add(actor=pw.officer, scope=scope, name="Band B", min_score=D("2"), annual_tariff=D("4000.00"))
    band_add(actor=pw.officer, scope=scope, name="Band C", min_score=D("3"), annual_tariff=D("8000.00"))


# The pack's data (document_selectors.pack_data): the meeting with its panel and council (1), the agenda with
# each request, school, pupil, needs, group and band (1), the pupils' cycles with their outcomes and evidence
# (3), the live provision maps (6: provision, equipment, group memberships, the groups, school moves,
# completed cycles), the referral and review events (1), earlier panel decisions (1), and banding: whether the
# council bands, its domains with their levels, and the scores (4), and the pupils of group interventions, whose
# names a pseudonymised pack also removes (1). The same at 1 case and at 20.
PACK_QUERIES = 18
# The minutes (minutes_data): the meeting, the agenda, the groups' pupils, members' places, attendance,
# conflicts, recommendation counts and the decisions, one query each.
MINUTES_QUERIES = 8


@pytest.mark.parametrize("cases", [1, 20])
def test_the_documents_data_takes_the_same_queries_for_1_and_20_cases(
    pw, banding, cases, django_assert_max_num_queries
):
    meeting = f.make_meeting(pw.panel, status="held", actor=pw.officer)
    for n in range(cases + 1):  # and one more, left out of the pack as a conflict of interest
        _case_made_directly(pw, meeting, n)
    Attendance.objects.create(local_authority=pw.authority, meeting=meeting, member=pw.chair, panel_role="chair",
                              present=True, recorded_by=pw.officer)  # fmt: skip
    excluded = [meeting.items.order_by("position").first().pk]
    with django_assert_max_num_queries(PACK_QUERIES):
        pack = pack_data(meeting_id=meeting.pk, excluded_item_ids=excluded, pseudonymised=True)
    assert len(pack.cases) == cases and pack.withheld == 1
    with django_assert_max_num_queries(MINUTES_QUERIES):
        minutes = minutes_data(meeting_id=meeting.pk)
    assert len(minutes.cases) == cases + 1 and all(case.changes for case in minutes.cases)
    assert any(case.group for case in pack.cases) == (cases == 20)
    if cases == 20:
        with_pupils = [case for case in pack.cases if case.pupil]
        assert all(len(case.cycles) == 3 and len(case.evidence) == 3 for case in with_pupils)
        assert all(case.referral and case.earlier_decisions and case.banding for case in pack.cases)


# The minutes --------------------------------------------------------------------------------------------------


def test_the_minutes_record_attendance_conflicts_decisions_changes_and_corrections(pack_world):
    w, pw = pack_world, pack_world.pw
    alfie_item, other_item = w.items
    services.conflict_declare(actor=pw.head, scope=scope_of(pw.head), item_id=other_item.pk,
                              reason="I am a governor at Hillside Primary")  # fmt: skip
    for member, choice, comment in ((pw.psychologist, "support", ""), (pw.health, "do_not_support", "Alfie copes")):
        services.recommendation_record(actor=member, scope=scope_of(member), item_id=alfie_item.pk, choice=choice,
                                       amount=None, comment=comment)  # fmt: skip
    hold(pw, w.meeting, present=[pw.chair, pw.psychologist, pw.health, pw.head])
    first = decide(pw, alfie_item, "approve", conditions="Termly report on Alfie's progress")
    services.decision_correct(
        actor=pw.officer, scope=scope_of(pw.officer), decision_id=first.pk, outcome="approve_different",
        amount=D("1800.00"), conditions="Termly report on Alfie's progress",
        correction_reason="The therapist Alfie Brownlow sees costs less",
    )  # fmt: skip
    declined = decide(pw, other_item, "decline", reasons="Zara's seating is low-cost equipment the school funds")
    draft = text_of(documents.minutes_pdf(meeting_id=w.meeting.pk))
    assert "Draft minutes" in draft and "Approved by" not in draft
    services.minutes_approve(actor=pw.officer, scope=scope_of(pw.officer), meeting_id=w.meeting.pk)
    services.decision_correct(
        actor=pw.officer, scope=scope_of(pw.officer), decision_id=declined.pk, outcome="more_evidence",
        reasons="Send the physiotherapist's report on Zara Quill", correction_reason="Quill's report was missed",
    )  # fmt: skip

    text = text_of(documents.minutes_pdf(meeting_id=w.meeting.pk))
    assert f"Approved by Olive Officer on {day(TODAY)}" in text and "Draft minutes" not in text
    w.meeting.refresh_from_db()
    meets_at = timezone.localtime(w.meeting.meets_at)
    assert "Minutes: Complex Needs Panel" in text
    assert f"Date and time {meets_at:%A} {day(meets_at.date())} at " in text
    assert "Venue Council House, Room 4" in text
    # Attendance, with each member's place on the panel, and apologies.
    for words in ("Chris Chair Chair", "Evie Psychologist Educational Psychologist", "Harry Health Health",
                  "Hana Head Headteacher representative"):  # fmt: skip
        assert words in text, words
    apologies = text[text.index("Apologies") :]
    assert apologies.startswith("Apologies Name Place on the panel Sam Social Social care")
    assert "Quorum 3 members present without a conflict of interest" in text
    # Per case: conflicts, recommendations, the decision in force and its change.
    assert (
        "Hana Head (Headteacher representative) declared a conflict of interest and took no part: "
        "I am a governor at Hillside Primary"
    ) in text
    assert "Members present without a conflict of interest: 4 (quorum 3)" in text
    assert "Members present without a conflict of interest: 3 (quorum 3)" in text
    assert "Support: 1; Support a different amount: 0; Do not support: 1; Needs more information: 0." in text
    period = f"from {day(pw.year_start)} to {day(pw.year_start + datetime.timedelta(days=180))}"
    assert f"Decision Approved a different amount, £1,800.00, {period}" in text
    assert "Conditions Termly report on A. B.'s progress" in text
    assert (
        f"Changed from Approved £2,400.00 {period} to Approved a different amount, £1,800.00, {period} because: "
        "The therapist A. B. sees costs less"
    ) in text
    # The correction after approval: in its own section, the case's decision pointing to it.
    corrections = text[text.index("Corrections after the minutes were approved") :]
    assert (
        f"Case 2, funding request {w.other_request.pk}: Changed from Declined to More evidence asked for from the "
        "school because: Z. Q.'s report was missed"
    ) in corrections
    assert "a correction made after the minutes were approved" in text
    assert "Changed from Declined" not in text[: text.index("Corrections after the minutes were approved")]
    # Pupils by initials and reference only: no names or UPNs, even in what people typed.
    compact = re.sub(r"\s+", "", text).lower()
    for pupil in (w.alfie, w.other):
        assert f"{pupil.first_name[0]}. {pupil.last_name[0]}., pupil reference {pupil.pk}" in text
        for secret in (pupil.first_name, pupil.last_name, pupil.upn):
            assert secret.lower() not in compact, secret


# Decision letters -----------------------------------------------------------------------------------------------


def test_decision_letters_say_what_was_decided_in_plain_english(pw, banding):
    tenant = pw.tenant
    pupils = [f.make_pupil(tenant.school_1, first_name=name, last_name="Ellis", nc_year=3)
              for name in ("Amy", "Ben", "Cal", "Dee", "Eve")]  # fmt: skip
    requests = [submit(pw, pupil, pw.senco, scores=2) for pupil in pupils]
    assert all(r.indicative_band.name == "Band B" for r in requests)
    later = schedule(pw, days=21)
    meeting = schedule(pw, online_link="")
    items = issue(pw, meeting, requests)
    hold(pw, meeting, present=[pw.chair, pw.psychologist, pw.health])
    from funding.models import Band

    band_c = Band.objects.get(local_authority=pw.authority, name="Band C")
    decisions = {
        "approve": decide(pw, items[0], "approve", conditions="Review the therapy at Easter"),
        "approve_different": decide(
            pw,
            items[1],
            "approve_different",
            amount=D("1800.00"),
            band_id=band_c.pk,
            band_reason="The EP saw needs the scores miss",
        ),
        "decline": decide(
            pw, items[2], "decline", reasons=f"Cal's provision ({pupils[2].upn}) fits within the notional budget"
        ),
        "defer": decide(pw, items[3], "defer", deferred_to_id=later.pk, reasons="Waiting for the EP report"),
        "more_evidence": decide(pw, items[4], "more_evidence", reasons="Send the speech therapist's report"),
    }
    period = f"from {day(pw.year_start)} to {day(pw.year_start + datetime.timedelta(days=180))}"
    letters = {outcome: text_of(documents.letter_pdf(decision_id=d.pk)) for outcome, d in decisions.items()}
    for (outcome, text), pupil, request in zip(letters.items(), pupils, requests, strict=True):
        assert pw.authority.name in text and day(TODAY) in text, outcome
        assert "To Sally Senco, SENCO, and the headteacher Oakfield Primary" in text, outcome
        assert f"Funding request {request.pk} for {pupil.first_name} Ellis (Year 3)" in text, outcome
        assert pupil.upn not in text.replace(" ", ""), outcome
        assert "keep the right to ask the council for an education, health and care (EHC) needs assessment" in text
    reviewable = ("approve", "approve_different", "decline")
    for outcome in reviewable:
        assert (
            "You can ask for a review of this decision within 20 working days of this letter. Press “Ask for a "
            "review of the decision” on the request page in SEND Portal and say why"
        ) in letters[outcome], outcome
        assert "returns to the agenda of a later panel meeting" in letters[outcome]
    for outcome in ("defer", "more_evidence"):
        assert "nothing to review yet" in letters[outcome] and "Ask for a review" not in letters[outcome]

    approve = letters["approve"]
    assert f"The panel approved £2,400.00 {period}." in approve
    assert "Conditions Review the therapy at Easter" in approve
    assert "Band The panel set Band B: £4,000.00 a year above the notional threshold." in approve
    assert "The school's scores gave" not in approve
    assert "How the money is paid" in approve and "(complex and exceptional needs)" in approve
    year = f"{pw.year_start.year} to {pw.year_start.year + 1}"
    assert f"for the financial year {year}" in approve

    different = letters["approve_different"]
    assert f"The panel approved £1,800.00 {period}, less than the £2,400.00 asked for." in different
    assert "The panel set Band C: £8,000.00 a year above the notional threshold." in different
    assert "The school's scores gave Band B; the panel set Band C. The reason: The EP saw needs the scores miss" in (
        different
    )

    decline = letters["decline"]
    assert "The panel declined the request." in decline
    assert "The panel's reasons Cal's provision ([UPN removed]) fits within the notional budget" in decline
    assert "How the money is paid" not in decline and "Band" not in decline.replace("Band B", "")

    later_day = day(timezone.localdate(later.meets_at))
    assert f"The panel deferred the request to its meeting on {later_day}." in letters["defer"]
    assert "Waiting for the EP report" in letters["defer"]

    # The minutes of the same meeting show each band, and the reason only where the panel changed it.
    minutes = text_of(documents.minutes_pdf(meeting_id=meeting.pk))
    assert "Band Band B (£4,000.00 a year) Recorded by" in minutes
    assert "Band Band C (£8,000.00 a year). Set by the panel because: The EP saw needs the scores miss" in minutes

    more = letters["more_evidence"]
    assert "The panel needs more evidence before it can decide: Send the speech therapist's report" in more
    assert "Send the evidence by pressing “Send the information” on the request page" in more


def test_a_corrected_decision_letter_replaces_the_earlier_one(pack_world):
    w, pw = pack_world, pack_world.pw
    hold(pw, w.meeting, present=[pw.chair, pw.psychologist, pw.health])
    first = decide(pw, w.items[0], "decline", reasons="Within the notional budget")
    corrected = services.decision_correct(
        actor=pw.officer, scope=scope_of(pw.officer), decision_id=first.pk, outcome="approve",
        correction_reason="The panel misread the provision map",
    )  # fmt: skip
    text = text_of(documents.letter_pdf(decision_id=corrected.pk))
    assert f"This letter replaces our letter of {day(TODAY)} about this request." in text
    assert "The panel changed its decision because: The panel misread the provision map" in text
    assert "Funding request" in text and "Alfie Brownlow (Year 4)" in text and w.alfie.upn not in text
    assert "replaces" not in text_of(documents.letter_pdf(decision_id=first.pk))
