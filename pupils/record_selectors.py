from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from audit.models import AuditEvent
from localities.models import School
from pupils.models import (
    Cycle,
    CycleStatus,
    EvidenceKind,
    NationalCurriculumYear,
    NeedType,
    Pupil,
    PupilContact,
    PupilSchoolMove,
    PupilVoice,
    SenStatus,
    VoiceOf,
)
from send_portal.text import long_date

TIMELINE_HIDDEN_ACTIONS = ("pupil_viewed", "evidence_downloaded")


def pupil_timeline(*, pupil: Pupil) -> QuerySet[AuditEvent]:
    """Everything that happened to the pupil's record, newest first (as audit rows: see
    pupil_timeline_entries for the words shown). Views and downloads are in the audit too, but are not
    events in the child's story."""
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


# The timeline in plain words ------------------------------------------------------------------------
# Audit rows name ids, codes and ISO dates, never a child (pupils/services.py, record_services.py,
# cycles.py and cycle_services.py write them). The timeline turns each into words a parent could follow:
# school names for school ids, need names for codes, "1 December 2026" for 2026-12-01, no internal ids.
# One formatter per action reads the row's `changes` where the service writes them, or else the summary,
# whose format the same services fix (the timeline tests drive the real services, so a change to a
# summary shows up there). Anything unknown keeps its summary with ids and dates put into words.


@dataclass(frozen=True)
class TimelineEntry:
    when: datetime.datetime
    text: str
    actor_name: str


@dataclass(frozen=True)
class _Names:
    schools: dict[int, str]
    needs: dict[str, str]

    def school(self, pk: Any) -> str:
        try:
            return self.schools.get(int(pk), "another school")
        except (TypeError, ValueError):
            return "another school"

    def need(self, code: Any) -> str:
        return self.needs.get(str(code), str(code)) if code else "none"


ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
SCHOOL_ID = re.compile(r"\bschool (\d+)\b")
# The words for a piece of evidence, as the subject of "... added to cycle 2".
EVIDENCE_WORDS = {
    EvidenceKind.CHILD_VIEWS: "The child's views",
    EvidenceKind.PARENT_VIEWS: "The views of parents or carers",
    EvidenceKind.KEY_STAGE: "End of key stage attainment",
    EvidenceKind.CATS: "CATs scores",
    EvidenceKind.STANDARDISED: "A standardised test score",
    EvidenceKind.AFL: "Assessment for learning evidence",
    EvidenceKind.OBSERVATION: "Observation evidence",
    EvidenceKind.DIAGNOSTIC: "A diagnostic test",
    EvidenceKind.CHECKLIST: "An observational checklist",
    EvidenceKind.AGENCY_ADVICE: "Advice from another agency",
}
_KIND_BY_LABEL = {label.lower(): kind for kind, label in EvidenceKind.choices}


def _day(value: Any, missing: str = "not recorded") -> str:
    if not value:
        return missing
    try:
        return long_date(datetime.date.fromisoformat(str(value)))
    except ValueError:
        return str(value)


def _in_words(text: str, names: _Names) -> str:
    """Whatever a formatter did not rewrite: ISO dates as GOV.UK dates, school ids as school names."""
    text = ISO_DATE.sub(lambda m: _day(m.group(0)), text)
    return SCHOOL_ID.sub(lambda m: names.school(m.group(1)), text)


def _change(event: AuditEvent, field: str) -> tuple[Any, Any] | None:
    value = (event.changes or {}).get(field)
    if isinstance(value, list) and len(value) == 2:
        return value[0], value[1]
    return None


def _pupil_added(event: AuditEvent, names: _Names) -> str:
    found = SCHOOL_ID.search(event.summary)
    return f"Added to the SEN register at {names.school(found.group(1))}" if found else event.summary


def _pupil_moved(event: AuditEvent, names: _Names) -> str:
    school, moved_on = _change(event, "school"), _change(event, "moved_on")
    if school is None:
        return event.summary
    when = f" on {_day(moved_on[1])}" if moved_on and moved_on[1] else ""
    return f"Moved from {names.school(school[0])} to {names.school(school[1])}{when}"


def _pupil_removed(event: AuditEvent, names: _Names) -> str:
    removed_on = _change(event, "removed_on")
    if removed_on is None:  # removed at a cycle review: the summary is already in words
        return event.summary
    return f"Removed from the SEN register on {_day(removed_on[1])}"


def _pupil_returned(event: AuditEvent, names: _Names) -> str:
    removed_on = _change(event, "removed_on")
    if removed_on is None or not removed_on[0]:
        return "Returned to the SEN register"
    return f"Returned to the SEN register (it had been removed on {_day(removed_on[0])})"


# Field label in a "Changed ..." summary -> how its old and new values read.
_CHANGED_VALUES: dict[str, tuple[str, Callable[[Any, _Names], str]]] = {
    "UPN": ("upn", lambda value, names: str(value or "none")),
    "date of birth": ("date_of_birth", lambda value, names: _day(value)),
    "year group": (
        "nc_year",
        lambda value, names: dict(NationalCurriculumYear.choices).get(value, "not recorded"),
    ),
    "SEN provision": ("sen_status", lambda value, names: dict(SenStatus.choices).get(value, "not recorded")),
    "primary need": ("primary_need", lambda value, names: names.need(value)),
    "secondary need": ("secondary_need", lambda value, names: names.need(value)),
    "EHC plan issue date": ("ehcp_issued_on", lambda value, names: _day(value)),
    "date added to SEN Support": ("sen_support_since", lambda value, names: _day(value)),
    "date joined the school": ("joined_school_on", lambda value, names: _day(value)),
}


def _pupil_changed(event: AuditEvent, names: _Names) -> str:
    """ "Changed primary need from Moderate learning difficulty to Autistic spectrum disorder; first name":
    old and new values from `changes` (names are never in them, so a changed name is only named)."""
    if not event.summary.startswith("Changed "):
        return event.summary
    parts = []
    for label in event.summary.removeprefix("Changed ").split(", "):
        field, words = _CHANGED_VALUES.get(label, ("", lambda value, names: ""))
        change = _change(event, field) if field else None
        if change is None:
            parts.append(label)
        else:
            parts.append(f"{label} from {words(change[0], names)} to {words(change[1], names)}")
    return "Changed " + "; ".join(parts)


_EVIDENCE_ADDED = re.compile(
    r"^Evidence \d+ \((?P<kind>.+), (?P<day>\d{1,2} \w+ \d{4})\) added to cycle (?P<cycle>\d+)"
    r"(?P<document> with a document)?$"
)
_EVIDENCE_REMOVED = re.compile(
    r"^Evidence \d+ \((?P<kind>.+), (?P<day>\d{1,2} \w+ \d{4})\)(?P<document> and its document)? "
    r"removed from cycle (?P<cycle>\d+)$"
)


def _evidence_words(kind_label: str) -> str:
    kind = _KIND_BY_LABEL.get(kind_label)
    return EVIDENCE_WORDS[EvidenceKind(kind)] if kind else "Evidence"


def _evidence_added(event: AuditEvent, names: _Names) -> str:
    found = _EVIDENCE_ADDED.match(event.summary)
    if found is None:
        return event.summary
    document = ", with a document" if found["document"] else ""
    return f"{_evidence_words(found['kind'])} added to cycle {found['cycle']} (dated {found['day']}{document})"


def _evidence_removed(event: AuditEvent, names: _Names) -> str:
    found = _EVIDENCE_REMOVED.match(event.summary)
    if found is None:
        return event.summary
    document = ", and its document" if found["document"] else ""
    return f"{_evidence_words(found['kind'])} (dated {found['day']}{document}) removed from cycle {found['cycle']}"


# "Outcome 12 ...", "Provision 40 ...", "Equipment 7 ...": the row's id, which means nothing to a reader.
_LEADING_ID = re.compile(r"^(Outcome|Provision|Equipment) \d+ ")


def _without_id(pattern: str, replacement: str) -> Callable[[AuditEvent, _Names], str]:
    """A formatter that takes internal ids out of a summary: `pattern` for the ids of linked rows, then
    the row's own id."""
    compiled = re.compile(pattern)

    def format_event(event: AuditEvent, names: _Names) -> str:
        text = compiled.sub(replacement, event.summary, count=1)
        return _LEADING_ID.sub(r"\1 ", text, count=1)

    return format_event


def _referred(event: AuditEvent, names: _Names) -> str:
    return "Referred to a specialist, who can now read this record"


FORMATTERS: dict[str, Callable[[AuditEvent, _Names], str]] = {
    "pupil_added": _pupil_added,
    "pupil_changed": _pupil_changed,
    "pupil_moved": _pupil_moved,
    "pupil_removed": _pupil_removed,
    "pupil_returned": _pupil_returned,
    "pupil_referred": _referred,
    "evidence_added": _evidence_added,
    "evidence_removed": _evidence_removed,
    "outcome_added": _without_id(r"^Outcome \d+ ", "Outcome "),
    "outcome_removed": _without_id(
        r"^Outcome \d+ (\(.*?\) removed from cycle \d+); provision .* no longer linked to it$",
        r"Outcome \1; the provision towards it stays, no longer linked to an outcome",
    ),
    "provision_added": _without_id(
        r"^Provision \d+ (added to cycle \d+) towards outcome \d+", r"Provision \1 towards an outcome"
    ),
    "provision_removed": _without_id(r"^Provision \d+ ", "Provision "),
    "equipment_added": _without_id(r"^Equipment \d+ ", "Equipment "),
    "equipment_removed": _without_id(r"^Equipment \d+ ", "Equipment "),
}


def _names_for(*, pupil: Pupil, events: Iterable[AuditEvent]) -> _Names:
    """The school and need names the events refer to: two queries, however many events there are. Both
    always run (the pupil's own school is always asked for), so the page's query count does not depend on
    which kinds of event it shows."""
    school_ids = {pupil.school_id}
    for event in events:
        moved = _change(event, "school")
        if moved is not None:
            school_ids.update(pk for pk in moved if isinstance(pk, int))
        school_ids.update(int(pk) for pk in SCHOOL_ID.findall(event.summary))
    schools = dict(
        School.objects.filter(local_authority_id=pupil.local_authority_id, pk__in=school_ids).values_list("pk", "name")
    )
    # Need types are a short reference list (about 14 codes): one query for all of them, retired ones too.
    needs = dict(NeedType.objects.values_list("code", "name"))
    return _Names(schools=schools, needs=needs)


def pupil_timeline_entries(*, pupil: Pupil, events: Iterable[AuditEvent]) -> list[TimelineEntry]:
    """One page of the timeline (audit rows from pupil_timeline), each in plain words."""
    events = list(events)
    if not events:
        return []
    names = _names_for(pupil=pupil, events=events)
    entries = []
    for event in events:
        formatter = FORMATTERS.get(event.action)
        text = formatter(event, names) if formatter else (event.summary or event.action.replace("_", " "))
        entries.append(
            TimelineEntry(
                when=event.created_at,
                text=_in_words(text, names),
                actor_name=event.actor.full_name if event.actor else "",
            )
        )
    return entries
