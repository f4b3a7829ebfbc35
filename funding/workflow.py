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
        "refer": "referred"}  # fmt: skip


ACTIONS: dict[str, Action] = {
    a.name: a
    for a in [
        Action("submit", "Submit", frozenset({S.DRAFT}), S.SUBMITTED, Role.SENCO),
        Action(
            "withdraw",
            "Withdraw",
            frozenset({S.DRAFT, S.SUBMITTED, S.MORE_INFORMATION, S.REFERRED}),
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
    ]
}

TERMINAL = frozenset({S.APPROVED, S.DECLINED, S.WITHDRAWN})


def allowed_actions(status: str, roles: frozenset[str]) -> list[Action]:
    return [a for a in ACTIONS.values() if status in a.sources and a.role in roles]
