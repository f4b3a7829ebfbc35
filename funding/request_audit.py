"""Reading a funding request is logged: its page shows a child's casework and the school's money."""

from __future__ import annotations

from typing import Any

from audit.services import audit_record
from funding.models import FundingRequest


def request_viewed(*, actor: Any, funding_request: FundingRequest) -> None:
    """One audit row per view of a request page (ids only, never a pupil's name)."""
    about = f" for pupil {funding_request.pupil_id}" if funding_request.pupil_id else ""
    audit_record(
        actor=actor,
        local_authority_id=funding_request.local_authority_id,
        action="request_viewed",
        obj=funding_request,
        summary=f"Funding request {funding_request.pk}{about} viewed",
    )
