"""Emails about panel meetings: what happened, with a link. No pupil name or UPN in a subject line."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mass_mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, RoleAssignment
from panels.models import PanelDecision, PanelMeeting
from send_portal.text import long_date

FOOTER = "You get this email because of your role in SEND Portal. Sign in to see the details."


def _emails(**filters: object) -> list[str]:
    return list(
        RoleAssignment.objects.filter(membership__is_active=True, membership__user__is_active=True, **filters)
        .values_list("membership__user__email", flat=True)
        .distinct()
    )


def _send(subject: str, parts: list[str], recipients: list[str]) -> int:
    if not recipients:
        return 0
    body = "\n\n".join(part for part in [*parts, FOOTER] if part)
    return send_mass_mail(
        [(subject, body, settings.DEFAULT_FROM_EMAIL, [address]) for address in recipients], fail_silently=False
    )


def papers_issued_notify(*, meeting_id: int) -> int:
    meeting = PanelMeeting.objects.select_related("panel").get(pk=meeting_id)
    day = long_date(timezone.localdate(meeting.meets_at))
    link = settings.SITE_URL + reverse("panels:meeting-detail", args=[meeting.pk])
    cases = meeting.items.count()
    return _send(
        f"{meeting.panel.name}, {day}: the papers are ready",
        [
            f"The papers for the {meeting.panel.name} meeting on {day} are ready: {cases} case"
            f"{'s' if cases != 1 else ''} on the agenda.",
            "Declare any conflict of interest on a case before you read its papers, and record your "
            f"recommendations before the meeting: {link}",
        ],
        _emails(role=Role.PANEL_MEMBER, panel_id=meeting.panel_id),
    )


def deferral_notify(*, decision_id: int) -> int:
    decision = PanelDecision.objects.select_related("funding_request__school", "deferred_to__panel").get(pk=decision_id)
    funding_request = decision.funding_request
    later = decision.deferred_to
    assert later is not None
    day = long_date(timezone.localdate(later.meets_at))
    link = settings.SITE_URL + reverse("funding:request-detail", args=[funding_request.pk])
    return _send(
        f"Funding request {funding_request.pk}: deferred to the panel meeting on {day}",
        [
            f"The {later.panel.name} has deferred funding request {funding_request.pk} from "
            f"{funding_request.school.name} to its meeting on {day}.",
            decision.reasons,
            f"See the request and its history: {link}",
        ],
        _emails(role=Role.SENCO, school_id=funding_request.school_id),
    )
