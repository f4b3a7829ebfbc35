"""A funding request's states and the allowed transitions: who may take each action, from where, to
where. Only funding.services.request_transition assigns FundingRequest.status."""

from __future__ import annotations

from dataclasses import dataclass

from accounts.models import Role
from funding.models import RequestStatus as S


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    sources: frozenset[str]
    target: str
    role: str  # the role that takes it (and its scope decides which requests)

    @property
    def done(self) -> str:
        """The action in a sentence: "cannot be {done}"."""
        return PAST[self.name]


PAST = {"submit": "submitted", "withdraw": "withdrawn", "answer": "answered",
        "ask_for_information": "sent back for more information", "approve": "approved", "decline": "declined",
        "refer": "referred", "ask_for_review": "sent for a review of the decision",
        "panel_approve": "approved by the panel", "panel_decline": "declined by the panel",
        "panel_more_evidence": "sent back for more evidence", "panel_correct_approve": "approved by the panel",
        "panel_correct_decline": "declined by the panel",
        "panel_correct_more_evidence": "sent back for more evidence"}  # fmt: skip

# Not a person's role: the panel's decision, recorded by its chair or an LA officer through panels.services
# (which checks quorum and conflicts of interest). No page offers these actions from a user's roles.
PANEL = "panel"
# Requests with a panel: referred by an Area SEND Lead, submitted straight to a panel, or a decision the
# school asked to have reviewed.
AWAITING_PANEL = frozenset({S.SUBMITTED, S.REFERRED, S.REVIEW_REQUESTED})
# A correction (a decision recorded in error) may start from any state a panel decision leaves behind.
CORRECTABLE = AWAITING_PANEL | {S.APPROVED, S.DECLINED, S.MORE_INFORMATION}


ACTIONS: dict[str, Action] = {
    a.name: a
    for a in [
        Action("submit", "Submit", frozenset({S.DRAFT}), S.SUBMITTED, Role.SENCO),
        Action(
            "withdraw",
            "Withdraw",
            frozenset({S.DRAFT, S.SUBMITTED, S.MORE_INFORMATION, S.REFERRED, S.REVIEW_REQUESTED}),
            S.WITHDRAWN,
            Role.SENCO,
        ),
        Action("answer", "Send the information", frozenset({S.MORE_INFORMATION}), S.SUBMITTED, Role.SENCO),
        Action(
            "ask_for_information",
            "Ask for more information",
            frozenset({S.SUBMITTED}),
            S.MORE_INFORMATION,
            Role.AREA_SEND_LEAD,
        ),
        Action("approve", "Approve", frozenset({S.SUBMITTED}), S.APPROVED, Role.AREA_SEND_LEAD),
        Action("decline", "Decline", frozenset({S.SUBMITTED, S.MORE_INFORMATION}), S.DECLINED, Role.AREA_SEND_LEAD),
        Action("refer", "Refer to the central panel", frozenset({S.SUBMITTED}), S.REFERRED, Role.AREA_SEND_LEAD),
        Action(
            "ask_for_review",
            "Ask for a review of the decision",
            frozenset({S.APPROVED, S.DECLINED}),
            S.REVIEW_REQUESTED,
            Role.SENCO,
        ),
        Action("panel_approve", "Approve", AWAITING_PANEL, S.APPROVED, PANEL),
        Action("panel_decline", "Decline", AWAITING_PANEL, S.DECLINED, PANEL),
        Action("panel_more_evidence", "Ask for more evidence", AWAITING_PANEL, S.MORE_INFORMATION, PANEL),
        Action("panel_correct_approve", "Correct the decision: approve", CORRECTABLE, S.APPROVED, PANEL),
        Action("panel_correct_decline", "Correct the decision: decline", CORRECTABLE, S.DECLINED, PANEL),
        Action(
            "panel_correct_more_evidence",
            "Correct the decision: ask for more evidence",
            CORRECTABLE,
            S.MORE_INFORMATION,
            PANEL,
        ),
    ]
}

TERMINAL = frozenset({S.APPROVED, S.DECLINED, S.WITHDRAWN})


def allowed_actions(status: str, roles: frozenset[str]) -> list[Action]:
    return [a for a in ACTIONS.values() if status in a.sources and a.role in roles]
