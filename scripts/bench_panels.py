"""Panel document timings: a meeting of 20 cases, each pupil with three assess-plan-do-review cycles (four
outcomes, six costed provision lines and five pieces of evidence in each), and how long its pack (in full,
and in a version leaving out two cases), its minutes and a decision letter take to build. Run through
scripts/bench, which prepares the bench database and sets DATABASE_URL; the tenant is scripts/bench.py's,
built once and reused, and so is the meeting (made straight in the database, not through the services:
this measures the documents, not the workflow).
"""

from __future__ import annotations

import argparse
import datetime
import io
import os
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "send_portal.settings.test")
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="bench-panels-"))

import bench  # scripts/bench.py: sets Django up, and builds the 40,000-pupil tenant
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pypdf import PdfReader  # a development dependency: the benchmarks run in the development environment

from accounts.models import PanelRole, Role
from funding.models import FundingRequest, RequestEvent, RequestStatus, Route
from funding.services import snapshot_for
from funding.years import financial_year_start
from localities.models import LocalAuthority
from panels import documents
from panels.models import (
    AgendaItem,
    Attendance,
    ConflictOfInterest,
    MeetingStatus,
    Panel,
    PanelDecision,
    PanelKind,
    PanelMeeting,
    Recommendation,
)
from pupils.models import Cycle, CycleStatus, EvidenceItem, Outcome, ProvisionEntry, Pupil

CASES = 20
CYCLES = 3
OUTCOMES = 4
PROVISION = 6
EVIDENCE = 5
VENUE = "Bench council chamber"
TEXT = (
    "Works best with a familiar adult close by; the school has tried visual timetables, a quiet workstation and "
    "pre-teaching of vocabulary, with progress recorded each half term."
)
EVIDENCE_KINDS = ["observation", "standardised", "agency_advice", "parent_views", "child_views"]


PLACES = [PanelRole.CHAIR, PanelRole.LA_SEND_OFFICER, PanelRole.EDUCATIONAL_PSYCHOLOGIST, PanelRole.HEALTH,
          PanelRole.HEADTEACHER_REPRESENTATIVE]  # fmt: skip


def _members(authority: LocalAuthority, panel: Panel) -> list[Any]:
    return [
        bench.user_with(authority, f"bench-panel-{place}@example.org", Role.PANEL_MEMBER, panel=panel, panel_role=place)
        for place in PLACES
    ]


def _casework(authority: LocalAuthority, pupil: Pupil, recorder: Any) -> None:
    today = timezone.localdate()
    start = today - datetime.timedelta(days=70 * CYCLES)
    for number in range(1, CYCLES + 1):
        last = number == CYCLES
        began = start + datetime.timedelta(days=70 * (number - 1))
        cycle = Cycle.objects.create(
            local_authority=authority, pupil=pupil, number=number, started_on=began,
            review_on=began + datetime.timedelta(days=60),
            status=CycleStatus.OPEN if last else CycleStatus.REVIEWED,
            reviewed_on=None if last else began + datetime.timedelta(days=60), decision="" if last else "adapt",
            review_notes="" if last else f"Some progress. {TEXT}",
        )  # fmt: skip
        outcomes = Outcome.objects.bulk_create(
            Outcome(local_authority=authority, cycle=cycle, description=f"Outcome {n + 1}: {TEXT[:90]}",
                    achieve_by=cycle.review_on, measured_by="Termly standardised reading test and observation",
                    progress="" if last else "partly", progress_notes="" if last else "Halfway there")
            for n in range(OUTCOMES)
        )  # fmt: skip
        ProvisionEntry.objects.bulk_create(
            ProvisionEntry(local_authority=authority, cycle=cycle, outcome=outcomes[n % OUTCOMES],
                           description=f"Intervention {n + 1}: small-group language work", delivered_by="ta",
                           group_size=1 + n % 3, sessions_per_week=3, minutes_per_session=30, weeks=38,
                           hourly_cost=Decimal("21.50"))
            for n in range(PROVISION)
        )  # fmt: skip
        EvidenceItem.objects.bulk_create(
            EvidenceItem(local_authority=authority, cycle=cycle, kind=EVIDENCE_KINDS[n % len(EVIDENCE_KINDS)],
                         recorded_on=began + datetime.timedelta(days=7 * n), summary=TEXT, recorded_by=recorder,
                         standardised_score=82 if n % len(EVIDENCE_KINDS) == 1 else None,
                         document_name=f"evidence-{n + 1}.pdf" if n % 2 else "")
            for n in range(EVIDENCE)
        )  # fmt: skip
    Pupil.objects.filter(pk=pupil.pk).update(next_review_on=start + datetime.timedelta(days=70 * (CYCLES - 1) + 60))


def build_meeting(authority: LocalAuthority) -> PanelMeeting:
    panel, _ = Panel.objects.get_or_create(
        local_authority=authority, name="Bench Exceptional needs panel", kind=PanelKind.EXCEPTIONAL_NEEDS
    )
    existing = PanelMeeting.objects.filter(panel=panel, venue=VENUE).first()
    if existing is not None and existing.items.count() == CASES:
        return existing
    started = time.perf_counter()
    officer = bench.user_with(authority, "bench-la@example.org", Role.LA_OFFICER)
    members = _members(authority, panel)
    # Pupils of the bench tenant with no casework yet, from different schools.
    pupils = list(
        Pupil.objects.filter(local_authority=authority, cycles__isnull=True)
        .select_related("school__locality", "primary_need", "secondary_need")
        .order_by("school_id", "pk")
        .distinct("school_id")[:CASES]
    )
    year = financial_year_start(timezone.localdate(), authority.financial_year_start_month)
    with transaction.atomic():
        meeting = PanelMeeting.objects.create(
            local_authority=authority, panel=panel, meets_at=timezone.now() - datetime.timedelta(hours=2),
            venue=VENUE, online_link="https://meet.example.org/bench-panel", status=MeetingStatus.HELD,
            created_by=officer, papers_issued_at=timezone.now() - datetime.timedelta(days=7),
            attendance_recorded_at=timezone.now(),
        )  # fmt: skip
        area_lead = bench.user_with(
            authority, "bench-area-lead@example.org", Role.AREA_SEND_LEAD, locality=pupils[0].school.locality
        )
        for position, pupil in enumerate(pupils, start=1):
            _casework(authority, pupil, officer)
            funding_request = FundingRequest(
                local_authority=authority, school=pupil.school, pupil=pupil, is_exceptional=True,
                route=Route.EXCEPTIONAL_PANEL, panel=panel, status=RequestStatus.REFERRED,
                amount_requested=Decimal("4800.00"), period_start=year, period_end=year + datetime.timedelta(days=300),
                purpose=f"A specialist teaching assistant for 15 hours a week. {TEXT}", outcomes_served=TEXT,
                eligibility={"eligible": True, "reasons": ["The school is in the scheme."]},
                submitted_at=timezone.now() - datetime.timedelta(days=20), created_by=officer,
            )  # fmt: skip
            funding_request.snapshot = snapshot_for(funding_request)
            funding_request.save()
            RequestEvent.objects.create(
                local_authority=authority, request=funding_request, from_status=RequestStatus.SUBMITTED,
                to_status=RequestStatus.REFERRED, message=f"Referred: {TEXT}", actor=area_lead,
            )  # fmt: skip
            item = AgendaItem.objects.create(
                local_authority=authority, meeting=meeting, funding_request=funding_request, position=position,
                added_by=officer,
            )  # fmt: skip
            for member in members[:3]:
                Recommendation.objects.create(local_authority=authority, agenda_item=item, member=member,
                                              choice="support", comment="Agree")  # fmt: skip
            PanelDecision.objects.create(
                local_authority=authority, agenda_item=item, funding_request=funding_request, outcome="approve",
                amount=funding_request.amount_requested, period_start=funding_request.period_start,
                period_end=funding_request.period_end, conditions="Termly progress report", reasons=TEXT,
                decided_by=officer,
            )  # fmt: skip
        for item in meeting.items.order_by("position")[:2]:
            ConflictOfInterest.objects.create(local_authority=authority, agenda_item=item, member=members[-1],
                                              reason="Governor at the school")  # fmt: skip
        for member, place in zip(members, PLACES, strict=True):
            Attendance.objects.create(local_authority=authority, meeting=meeting, member=member, present=True,
                                      panel_role=place, recorded_by=officer)  # fmt: skip
    print(f"built a panel meeting of {len(pupils)} cases with their casework in {time.perf_counter() - started:.1f} s")
    return meeting


def timed(label: str, build: Callable[[], bytes | tuple[bytes, int]]) -> None:
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        built = build()
    seconds = time.perf_counter() - started
    pdf, pages = built if isinstance(built, tuple) else (built, len(PdfReader(io.BytesIO(built)).pages))
    print(f"{label:<30} {seconds:8.2f} {pages:6d} {len(queries):8d} {len(pdf) / 1e6:8.2f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pupils", type=int, default=40_000)
    args, _others = parser.parse_known_args()  # scripts/bench passes every benchmark the same options
    authority = bench.build(args.pupils)
    meeting = build_meeting(authority)
    items = list(meeting.items.order_by("position").values_list("pk", flat=True))
    decision = PanelDecision.objects.filter(agenda_item__meeting=meeting).order_by("pk").first()
    assert decision is not None
    progress: list[int] = []
    print(f"\nPanel documents for a meeting of {len(items)} cases ({CYCLES} cycles a pupil, each with {OUTCOMES} "
          f"outcomes, {PROVISION} provision lines and {EVIDENCE} pieces of evidence)")  # fmt: skip
    print(f"{'document':<30} {'seconds':>8} {'pages':>6} {'queries':>8} {'MB':>8}")
    timed("pack, full", lambda: documents.pack_pdf(
        meeting_id=meeting.pk, excluded_item_ids=[], pseudonymised=False, progress=progress.append))  # fmt: skip
    timed("pack, leaving out 2 cases", lambda: documents.pack_pdf(
        meeting_id=meeting.pk, excluded_item_ids=items[:2], pseudonymised=False))  # fmt: skip
    timed("pack, full, pseudonymised", lambda: documents.pack_pdf(
        meeting_id=meeting.pk, excluded_item_ids=[], pseudonymised=True))  # fmt: skip

    timed("minutes", lambda: documents.minutes_pdf(meeting_id=meeting.pk))
    timed("decision letter", lambda: documents.letter_pdf(decision_id=decision.pk))
    print(f"\npack progress reported: {progress}")
    print(f"peak memory of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
