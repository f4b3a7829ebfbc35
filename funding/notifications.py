"""Emails about funding requests: say what happened and link to it. Never "you have new information",
never a pupil's name or UPN in the subject."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mass_mail
from django.urls import reverse

from accounts.models import Role, RoleAssignment
from funding.models import RequestEvent, RequestStatus, Route

# Who hears about each new status: the school (SENCOs) or the deciders (Area SEND Leads; for a panel's
# request the LA officers who put it on an agenda, since members see a case only once its papers are out).
TELL_SCHOOL = frozenset({RequestStatus.MORE_INFORMATION, RequestStatus.APPROVED, RequestStatus.DECLINED,
                         RequestStatus.REFERRED})  # fmt: skip
TELL_DECIDERS = frozenset({RequestStatus.SUBMITTED, RequestStatus.WITHDRAWN, RequestStatus.REVIEW_REQUESTED})
PANEL_ROUTES = frozenset({Route.TOP_UP_PANEL, Route.EXCEPTIONAL_PANEL})

HEADLINES = {
    RequestStatus.SUBMITTED: "submitted by {school}: it is waiting for your decision",
    RequestStatus.WITHDRAWN: "withdrawn by {school}",
    RequestStatus.MORE_INFORMATION: "the Area SEND Lead needs more information from you",
    RequestStatus.APPROVED: "approved",
    RequestStatus.DECLINED: "declined",
    RequestStatus.REFERRED: "referred to the central panel",
    RequestStatus.REVIEW_REQUESTED: "{school} asks for a review of the panel's decision",
}
PANEL_HEADLINES = {
    RequestStatus.SUBMITTED: "submitted by {school}: it is waiting for a place on a {panel} agenda",
    RequestStatus.MORE_INFORMATION: "the {panel} needs more evidence from you",
    RequestStatus.APPROVED: "approved by the {panel}",
    RequestStatus.DECLINED: "declined by the {panel}",
}


def _emails(role: str, **scope: object) -> list[str]:
    return list(
        RoleAssignment.objects.filter(role=role, membership__is_active=True, membership__user__is_active=True, **scope)
        .values_list("membership__user__email", flat=True)
        .distinct()
    )


def request_event_notify(*, event_id: int) -> int:
    event = RequestEvent.objects.select_related("request__school", "request__panel").get(pk=event_id)
    funding_request = event.request
    school = funding_request.school
    with_panel = funding_request.route in PANEL_ROUTES and funding_request.panel_id is not None
    if event.from_status == RequestStatus.DRAFT and event.to_status == RequestStatus.WITHDRAWN:
        return 0  # a draft nobody else has seen: nothing to tell
    if event.to_status in TELL_SCHOOL:
        recipients = _emails(Role.SENCO, school=school)
    elif event.to_status in TELL_DECIDERS and with_panel:
        recipients = _emails(Role.LA_OFFICER, membership__local_authority_id=funding_request.local_authority_id)
    elif event.to_status in TELL_DECIDERS and school.locality_id:
        recipients = _emails(Role.AREA_SEND_LEAD, locality_id=school.locality_id)
    else:
        recipients = []
    if event.to_status == RequestStatus.REFERRED and funding_request.panel_id:
        recipients += _emails(Role.LA_OFFICER, membership__local_authority_id=funding_request.local_authority_id)
    if not recipients:
        return 0
    answered = event.from_status == RequestStatus.MORE_INFORMATION and event.to_status == RequestStatus.SUBMITTED
    status = RequestStatus(event.to_status)
    template = PANEL_HEADLINES.get(status, HEADLINES[status]) if with_panel else HEADLINES[status]
    panel_name = funding_request.panel.name if funding_request.panel else "panel"
    headline = (
        f"{school.name} has sent the information asked for"
        if answered
        else template.format(school=school.name, panel=panel_name)
    )
    subject = f"Funding request {funding_request.pk}: {headline}"
    link = settings.SITE_URL + reverse("funding:request-detail", args=[funding_request.pk])
    letter = ""
    if with_panel and status in (RequestStatus.APPROVED, RequestStatus.DECLINED, RequestStatus.MORE_INFORMATION):
        decision = funding_request.panel_decisions.order_by("-decided_at", "-pk").first()
        if decision is not None:
            letter = "The decision letter: " + settings.SITE_URL + reverse("panels:letter", args=[decision.pk])
    # An award comes with the conditions the school agreed to meet: say them, not only the amount.
    conditions = (
        f"Conditions of the award: {funding_request.conditions}"
        if event.to_status == RequestStatus.APPROVED and funding_request.conditions
        else ""
    )
    body = "\n\n".join(
        part
        for part in [
            f"Funding request {funding_request.pk} from {school.name}: {headline}.",
            event.message,
            conditions,
            f"Read it and see its history: {link}",
            letter,
            "You get this email because of your role in SEND Portal. Sign in to see the details.",
        ]
        if part
    )
    messages = [(subject, body, settings.DEFAULT_FROM_EMAIL, [address]) for address in recipients]
    return send_mass_mail(messages, fail_silently=False)
