"""A panel meeting's states and what may be done in each. Only panels.services changes a meeting's status,
and each service checks this table before it acts."""

from __future__ import annotations

from dataclasses import dataclass

from panels.models import MeetingStatus as S


@dataclass(frozen=True)
class MeetingAction:
    name: str
    sources: frozenset[str]
    target: str | None  # None: the action does not move the meeting on
    refusal: str  # "The agenda cannot be changed" + " once ..."


MEETING_ACTIONS: dict[str, MeetingAction] = {
    a.name: a
    for a in [
        MeetingAction(
            "edit_agenda", frozenset({S.SCHEDULED}), None, "The agenda can only be changed before the papers are issued"
        ),
        MeetingAction("issue_papers", frozenset({S.SCHEDULED}), S.PAPERS_ISSUED, "The papers have already been issued"),
        MeetingAction(
            "declare_conflict",
            frozenset({S.PAPERS_ISSUED, S.HELD}),
            None,
            "Conflicts of interest are declared once the papers are issued and before the minutes are approved",
        ),
        MeetingAction(
            "recommend",
            frozenset({S.PAPERS_ISSUED}),
            None,
            "Recommendations are recorded after the papers are issued and before the meeting",
        ),
        MeetingAction(
            "record_attendance",
            frozenset({S.PAPERS_ISSUED, S.HELD}),
            S.HELD,
            "Attendance is recorded once the papers are issued and before the minutes are approved",
        ),
        MeetingAction(
            "decide",
            frozenset({S.HELD}),
            None,
            "Decisions are recorded at the meeting, once attendance is recorded, and before the minutes are approved",
        ),
        MeetingAction(
            "approve_minutes",
            frozenset({S.HELD}),
            S.MINUTES_APPROVED,
            "Only the minutes of a meeting that has been held can be approved, once",
        ),
        MeetingAction(
            "correct_decision",
            frozenset({S.HELD, S.MINUTES_APPROVED}),
            None,
            "Only a decision of a meeting that has been held can be corrected",
        ),
        MeetingAction(
            "cancel",
            frozenset({S.SCHEDULED, S.PAPERS_ISSUED}),
            S.CANCELLED,
            "Only a meeting that has not been held can be cancelled",
        ),
    ]
}


def allowed(action: str, status: str) -> bool:
    return status in MEETING_ACTIONS[action].sources
