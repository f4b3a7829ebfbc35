from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Role
from accounts.scoping import Scope, access
from audit.services import audit_record
from panels.models import Panel, PanelMeeting
from send_portal.text import long_date


def meeting_schedule(
    *, actor: Any, scope: Scope, panel_id: int, meets_at: datetime.datetime, venue: str, online_link: str
) -> PanelMeeting:
    """An LA officer schedules a panel meeting: in the future, somewhere people can go or join."""
    if not scope.has_role(Role.LA_OFFICER):
        raise ValidationError("Only LA officers schedule panel meetings")
    panel = access(Panel, scope, panel_id)
    errors: dict[str, str] = {}
    if meets_at <= timezone.now():
        errors["meets_on"] = "The meeting must be in the future"
    venue, online_link = venue.strip(), online_link.strip()
    if not venue and not online_link:
        errors["venue"] = "Enter where the meeting is, or a link to join it online"
    if online_link and not online_link.startswith("https://"):
        errors["online_link"] = "The online meeting link must start with https://"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        meeting = PanelMeeting.objects.create(
            local_authority_id=panel.local_authority_id,
            panel=panel,
            meets_at=meets_at,
            venue=venue,
            online_link=online_link,
            created_by=actor,
        )
        audit_record(
            actor=actor,
            local_authority_id=panel.local_authority_id,
            action="meeting_scheduled",
            obj=meeting,
            summary=f"Meeting {meeting.pk} of panel {panel.pk} scheduled for {long_date(meets_at.date())}",
        )
    return meeting
