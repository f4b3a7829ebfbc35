from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from audit.models import AuditEvent
from pupils.models import Cycle, CycleStatus, Pupil, PupilContact, PupilSchoolMove, PupilVoice, VoiceOf

TIMELINE_HIDDEN_ACTIONS = ("pupil_viewed", "evidence_downloaded")


def pupil_timeline(*, pupil: Pupil) -> QuerySet[AuditEvent]:
    """Everything that happened to the pupil's record, newest first, in the words the services wrote.
    Views and downloads are in the audit too, but are not events in the child's story."""
    return (
        AuditEvent.objects.filter(
            local_authority_id=pupil.local_authority_id, object_type="pupils.pupil", object_id=str(pupil.pk)
        )
        .exclude(action__in=TIMELINE_HIDDEN_ACTIONS)
        .select_related("actor")
        .order_by("-created_at", "-pk")
    )


@dataclass(frozen=True)
class PupilRecord:
    pupil: Pupil
    open_cycle: Cycle | None
    completed_cycles: int
    child_views: list[PupilVoice]
    parent_views: list[PupilVoice]
    contacts: list[PupilContact]
    moves: list[PupilSchoolMove]


def pupil_record(*, pupil: Pupil) -> PupilRecord:
    cycles = list(Cycle.objects.filter(pupil=pupil).order_by("-number"))
    voices = list(PupilVoice.objects.filter(pupil=pupil).order_by("-recorded_on", "-pk"))
    return PupilRecord(
        pupil=pupil,
        open_cycle=next((c for c in cycles if c.status == CycleStatus.OPEN), None),
        completed_cycles=sum(1 for c in cycles if c.status == CycleStatus.REVIEWED),
        child_views=[v for v in voices if v.voice_of == VoiceOf.CHILD],
        parent_views=[v for v in voices if v.voice_of == VoiceOf.PARENT],
        contacts=list(PupilContact.objects.filter(pupil=pupil)),
        moves=list(PupilSchoolMove.objects.filter(pupil=pupil).select_related("from_school", "to_school")),
    )


def pupil_for_record(*, pupil: Any) -> Pupil:
    """Reload with what the record page shows, in one query."""
    return Pupil.objects.select_related("school", "primary_need", "secondary_need", "local_authority").get(pk=pupil.pk)


def pupil_funding_requests(*, scope: Any, pupil: Pupil) -> list[Any]:
    """The pupil's funding requests this scope may see, newest first (one query)."""
    from accounts.scoping import visible
    from funding.models import FundingRequest

    return list(visible(FundingRequest, scope).filter(pupil=pupil).order_by("-created_at", "-pk")[:20])
