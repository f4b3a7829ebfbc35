"""Panel pages: panels and their meetings, the agenda, papers and packs, attendance, each case with its
conflicts, recommendations and decision, minutes and decision letters. Thin: reads from panels.selectors,
writes through panels.services, whose refusals are shown on the forms."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Role
from accounts.scoping import access, access_panel
from audit.services import audit_record
from funding import dashboard_selectors
from panels import pack_services, selectors, services, workflow
from panels.forms import (
    AgendaAddForm,
    AttendanceForm,
    MeetingForm,
    OutcomeChoiceForm,
    PanelDecisionForm,
    ReasonForm,
    RecommendationForm,
)
from panels.models import AgendaItem, DecisionOutcome, MeetingStatus, PackStatus, PanelDecision, PanelMeeting
from send_portal.forms import GovukForm, show_service_errors
from send_portal.pagination import paginate
from send_portal.policy import tenant_member
from send_portal.text import long_date

PANEL_READERS = (Role.PANEL_MEMBER, Role.LA_OFFICER, Role.FINANCE_OFFICER)
PACK_REFRESH_SECONDS = 3


@tenant_member(*PANEL_READERS)
def panel_list(request: HttpRequest) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    page = paginate(request, selectors.panel_list_for_scope(scope=scope))
    context = {"page_obj": page, "sees_timeliness": scope.has_role(Role.LA_OFFICER, Role.FINANCE_OFFICER)}
    return render(request, "panels/panel_list.html", context)


@tenant_member(*PANEL_READERS)
def panel_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    panel = access_panel(scope, pk)
    context = {
        "panel": panel,
        "members": selectors.panel_members(panel=panel),
        "upcoming": paginate(request, selectors.meetings_of(scope=scope, panel=panel, upcoming=True), per_page=10),
        "past": list(selectors.meetings_of(scope=scope, panel=panel, upcoming=False)[:10]),
        "can_schedule": scope.has_role(Role.LA_OFFICER),
        "waiting": selectors.waiting_count(panel=panel) if scope.has_role(Role.LA_OFFICER) else None,
    }
    return render(request, "panels/panel_detail.html", context)


@tenant_member(Role.LA_OFFICER)
@require_http_methods(["GET", "POST"])
def meeting_add(request: HttpRequest, pk: int) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    panel = access_panel(scope, pk)
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_schedule(actor=request.user, scope=scope, panel_id=panel.pk, **form.service_kwargs())
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, "Meeting scheduled")
            return redirect("panels:detail", panel.pk)
    context = {
        "form": form,
        "page_title": "Schedule a meeting",
        "caption": panel.name,
        "button_label": "Schedule meeting",
        "back_url": reverse("panels:detail", args=[panel.pk]),
    }
    return render(request, "govuk/form_page.html", context)


# A meeting ------------------------------------------------------------------------------------------------


def _meeting_context(request: HttpRequest, meeting: PanelMeeting) -> dict[str, Any]:
    scope = request.scope  # type: ignore[attr-defined]
    runs = services.runs_meetings(scope, meeting.panel_id)
    la_officer = scope.has_role(Role.LA_OFFICER)
    member = services.is_member(scope, meeting.panel_id)
    pack = None
    if meeting.status not in (MeetingStatus.SCHEDULED, MeetingStatus.CANCELLED) and (la_officer or member):
        pack = pack_services.pack_for_reader(meeting=meeting, user_id=scope.user_id, full=la_officer)
    return {
        "meeting": meeting,
        "rows": selectors.agenda_rows(scope=scope, meeting=meeting),
        "runs_meetings": runs,
        "is_la_officer": la_officer,
        "is_member": member,
        "pack": pack,
        "refresh_seconds": PACK_REFRESH_SECONDS if pack is not None and not pack.is_finished else None,
        "can": {
            name: workflow.allowed(name, meeting.status)
            for name in ("edit_agenda", "issue_papers", "record_attendance", "decide", "approve_minutes", "cancel")
        },
        "attendance": selectors.attendance_of(meeting=meeting) if meeting.attendance_recorded_at else [],
        "quorum": meeting.local_authority.panel_quorum,
    }


@tenant_member(*PANEL_READERS)
@require_GET
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_for_page(scope=request.scope, pk=pk)  # type: ignore[attr-defined]
    response = render(request, "panels/meeting_detail.html", _meeting_context(request, meeting))
    response["Cache-Control"] = "no-store"
    return response


@tenant_member(Role.LA_OFFICER)
@require_http_methods(["GET", "POST"])
def agenda_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Build the agenda: tick the waiting requests to add (oldest first), move cases up or down, take off."""
    scope = request.scope  # type: ignore[attr-defined]
    meeting = selectors.meeting_for_page(scope=scope, pk=pk)
    waiting = selectors.waiting_for_panel(scope=scope, panel=meeting.panel)
    choices = [(r.pk, _waiting_label(r)) for r in waiting]
    form = AgendaAddForm(request.POST if request.method == "POST" else None, choices=choices)
    if request.method == "POST" and form.is_valid():
        try:
            services.agenda_add(
                actor=request.user, scope=scope, meeting_id=meeting.pk, request_ids=form.cleaned_data["requests"]
            )
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            count = len(form.cleaned_data["requests"])
            messages.success(request, f"{count} case{'s' if count != 1 else ''} added to the agenda")
            return redirect("panels:agenda", meeting.pk)
    context = {
        "meeting": meeting,
        "form": form,
        "rows": selectors.agenda_rows(scope=scope, meeting=meeting),
        "has_waiting": bool(choices),
        "editable": workflow.allowed("edit_agenda", meeting.status),
    }
    return render(request, "panels/agenda_edit.html", context)


def _waiting_label(funding_request: Any) -> str:
    who = (
        f"group intervention {funding_request.group_intervention.name}"
        if funding_request.group_intervention_id
        else funding_request.pupil.full_name
    )
    submitted = long_date(timezone.localdate(funding_request.submitted_at)) if funding_request.submitted_at else ""
    review = ", a review of the decision" if funding_request.status == "review" else ""
    return (
        f"Funding request {funding_request.pk}: {funding_request.school.name}, {who}, "
        f"£{funding_request.amount_requested:,.2f}, submitted {submitted}{review}"
    )


def _refused(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@tenant_member(Role.LA_OFFICER)
@require_POST
def agenda_add_all(request: HttpRequest, pk: int) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    meeting = selectors.meeting_for_page(scope=scope, pk=pk)
    try:
        added = services.agenda_add_all_waiting(actor=request.user, scope=scope, meeting_id=meeting.pk)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(
            request, f"{len(added)} case{'s' if len(added) != 1 else ''} added to the agenda, oldest first"
        )
    return redirect("panels:agenda", meeting.pk)


@tenant_member(Role.LA_OFFICER)
@require_POST
def agenda_item_move(request: HttpRequest, pk: int, direction: str) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    item = access(AgendaItem, scope, pk)
    try:
        services.agenda_move(actor=request.user, scope=scope, item_id=item.pk, direction=direction)
    except ValidationError as error:
        _refused(request, error)
    return redirect(reverse("panels:agenda", args=[item.meeting_id]) + f"#case-{item.pk}")


@tenant_member(Role.LA_OFFICER)
@require_POST
def agenda_item_remove(request: HttpRequest, pk: int) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    item = access(AgendaItem, scope, pk)
    try:
        services.agenda_remove(actor=request.user, scope=scope, item_id=item.pk)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, f"Funding request {item.funding_request_id} taken off the agenda")
    return redirect("panels:agenda", item.meeting_id)


def _meeting_step(
    request: HttpRequest,
    pk: int,
    *,
    form_class: Callable[..., Any],
    act: Callable[[Any, PanelMeeting, dict[str, Any]], Any],
    success: str,
    title: str,
    intro: Callable[[PanelMeeting], str],
    chair_too: bool = False,
    done_url: Callable[[PanelMeeting], str] | None = None,
) -> HttpResponse:
    """One step of a meeting on its own page (issue the papers, cancel, attendance, approve the minutes):
    a form, the service that takes the step, its refusal shown on the form, then back to the meeting."""
    scope = request.scope  # type: ignore[attr-defined]
    meeting = selectors.meeting_for_page(scope=scope, pk=pk)
    if chair_too and not services.runs_meetings(scope, meeting.panel_id):
        raise PermissionDenied
    form = form_class(request.POST if request.method == "POST" else None, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            act(scope, meeting, form.cleaned_data)
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, success)
            return redirect(done_url(meeting) if done_url else reverse("panels:meeting-detail", args=[meeting.pk]))
    context = {
        "meeting": meeting,
        "page_title": title,
        "intro": intro(meeting),
        "button_label": title,
        "form": form,
        "back_url": reverse("panels:meeting-detail", args=[meeting.pk]),
    }
    return render(request, "panels/confirm.html", context)


def _confirmation(data: Any = None, *, meeting: PanelMeeting) -> GovukForm:
    return GovukForm(data)


def _cancel_form(data: Any = None, *, meeting: PanelMeeting) -> ReasonForm:
    return ReasonForm(data, label="Why is the meeting cancelled?", missing="Enter why the meeting is cancelled")


def _attendance_form(data: Any = None, *, meeting: PanelMeeting) -> AttendanceForm:
    choices, present = selectors.attendance_choices(meeting=meeting)
    return AttendanceForm(data, members=choices, initial={"present": present})


def _papers_intro(meeting: PanelMeeting) -> str:
    cases = meeting.items.count()
    return (
        f"The agenda of {cases} case{'s' if cases != 1 else ''} is then fixed. Members who work at a requesting "
        "school are recorded as having a conflict of interest on its case. The packs are built and the members "
        "are emailed a link."
    )


@tenant_member(Role.LA_OFFICER)
@require_http_methods(["GET", "POST"])
def papers_issue(request: HttpRequest, pk: int) -> HttpResponse:
    return _meeting_step(
        request,
        pk,
        form_class=_confirmation,
        title="Issue the papers",
        intro=_papers_intro,
        act=lambda scope, meeting, data: services.papers_issue(actor=request.user, scope=scope, meeting_id=meeting.pk),
        success="Papers issued: the packs are being built and the members have been emailed",
    )


@tenant_member(Role.LA_OFFICER)
@require_http_methods(["GET", "POST"])
def meeting_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _meeting_step(
        request,
        pk,
        form_class=_cancel_form,
        title="Cancel the meeting",
        intro=lambda meeting: "Its cases go back to wait for another meeting's agenda.",
        act=lambda scope, meeting, data: services.meeting_cancel(
            actor=request.user, scope=scope, meeting_id=meeting.pk, reason=data["reason"]
        ),
        success="Meeting cancelled: its cases wait for another agenda",
        done_url=lambda meeting: reverse("panels:detail", args=[meeting.panel_id]),
    )


@tenant_member(Role.PANEL_MEMBER, Role.LA_OFFICER)
@require_http_methods(["GET", "POST"])
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    return _meeting_step(
        request,
        pk,
        form_class=_attendance_form,
        title="Record attendance",
        chair_too=True,
        intro=lambda meeting: (
            f"{meeting.local_authority.name} needs {meeting.local_authority.panel_quorum} "
            "members present, without a conflict of interest, for the panel to decide a case."
        ),
        act=lambda scope, meeting, data: services.attendance_record(
            actor=request.user, scope=scope, meeting_id=meeting.pk, present_ids=data["present"]
        ),
        success="Attendance recorded",
    )


@tenant_member(Role.PANEL_MEMBER, Role.LA_OFFICER)
@require_http_methods(["GET", "POST"])
def minutes_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _meeting_step(
        request,
        pk,
        form_class=_confirmation,
        title="Approve the minutes",
        chair_too=True,
        intro=lambda meeting: (
            "Once the minutes are approved nobody can change a decision: a mistake is put right "
            "with a correction, which the minutes show."
        ),
        act=lambda scope, meeting, data: services.minutes_approve(
            actor=request.user, scope=scope, meeting_id=meeting.pk
        ),
        success="Minutes approved",
    )


@tenant_member(Role.LA_OFFICER)
@require_POST
def packs_rebuild(request: HttpRequest, pk: int) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    meeting = selectors.meeting_for_page(scope=scope, pk=pk)
    if meeting.status in (MeetingStatus.SCHEDULED, MeetingStatus.CANCELLED):
        raise Http404
    pack_services.packs_rebuild(actor=request.user, meeting=meeting)
    messages.success(request, "The packs are being built again")
    return redirect("panels:meeting-detail", meeting.pk)


@tenant_member(Role.PANEL_MEMBER, Role.LA_OFFICER)
@require_GET
def pack_download(request: HttpRequest, pk: int) -> FileResponse:
    """The reader's own version of the papers: the full pack for an LA officer, otherwise the one without
    the cases they declared a conflict on. Nobody else's version is ever served."""
    scope = request.scope  # type: ignore[attr-defined]
    meeting = selectors.meeting_for_page(scope=scope, pk=pk)
    la_officer = scope.has_role(Role.LA_OFFICER)
    if not (la_officer or services.is_member(scope, meeting.panel_id)):
        raise Http404
    pack = pack_services.pack_for_reader(meeting=meeting, user_id=scope.user_id, full=la_officer)
    if pack is None or pack.status != PackStatus.DONE or not pack.pdf_file:
        raise Http404
    try:
        content = pack.pdf_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    pack_services.pack_downloaded(actor=request.user, pack=pack)
    filename = f"panel-pack-meeting-{meeting.pk}{'' if not pack.excluded_items else '-your-copy'}.pdf"
    response = FileResponse(content, as_attachment=True, filename=filename, content_type="application/pdf")
    response["Cache-Control"] = "no-store"
    return response


@tenant_member(*PANEL_READERS)
@require_GET
def minutes_download(request: HttpRequest, pk: int) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    meeting = selectors.meeting_for_page(scope=scope, pk=pk)
    if meeting.status not in (MeetingStatus.HELD, MeetingStatus.MINUTES_APPROVED):
        raise Http404
    from panels.documents import minutes_pdf

    pdf = minutes_pdf(meeting_id=meeting.pk)
    audit_record(
        actor=request.user,
        local_authority_id=meeting.local_authority_id,
        action="minutes_downloaded",
        obj=meeting,
        summary=f"Minutes of meeting {meeting.pk} downloaded",
    )
    draft = "" if meeting.minutes_approved else "-draft"
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="panel-minutes-meeting-{meeting.pk}{draft}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


# A case ---------------------------------------------------------------------------------------------------


@tenant_member(*PANEL_READERS)
@require_GET
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    case = selectors.case_for_page(scope=scope, pk=pk)
    meeting = case.meeting
    runs = services.runs_meetings(scope, meeting.panel_id)
    member = services.is_member(scope, meeting.panel_id)
    context = {
        "case": case,
        "item": case.item,
        "meeting": meeting,
        "funding_request": case.item.funding_request,
        "runs_meetings": runs,
        "is_member": member,
        "sees_recommendations": runs,
        "reads_letters": scope.has_role(Role.LA_OFFICER, Role.PANEL_MEMBER),
        "can_declare": member
        and not case.withheld
        and case.current is None
        and workflow.allowed("declare_conflict", meeting.status),
        "can_recommend": member
        and not case.withheld
        and workflow.allowed("recommend", meeting.status)
        and meeting.meets_at > timezone.now(),
        "can_decide": runs
        and not case.withheld
        and case.current is None
        and workflow.allowed("decide", meeting.status),
        "can_change": runs
        and not case.withheld
        and case.current is not None
        and workflow.allowed("correct_decision", meeting.status),
        "quorate": case.present >= case.quorum,
    }
    return render(request, "panels/case_detail.html", context)


def _case_step(
    request: HttpRequest,
    case: Any,
    form: Any,
    *,
    act: Callable[[dict[str, Any]], Any],
    success: str,
    title: str,
    button: str,
    intro: str = "",
) -> HttpResponse:
    """A member's step on one case (declare a conflict, recommend): the form, the service, its refusal shown
    on the form, then back to the meeting."""
    if request.method == "POST" and form.is_valid():
        try:
            act(form.cleaned_data)
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, success)
            return redirect("panels:meeting-detail", case.meeting.pk)
    context = {
        "form": form,
        "page_title": title,
        "caption": f"Case {case.item.position}: funding request {case.item.funding_request_id}",
        "button_label": button,
        "intro": intro,
        "back_url": reverse("panels:case", args=[case.item.pk]),
    }
    return render(request, "govuk/form_page.html", context)


def _case_for_member(request: HttpRequest, pk: int) -> Any:
    case = selectors.case_for_page(scope=request.scope, pk=pk)  # type: ignore[attr-defined]
    if case.withheld:
        raise Http404
    return case


@tenant_member(Role.PANEL_MEMBER)
@require_http_methods(["GET", "POST"])
def conflict_declare(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for_member(request, pk)
    form = ReasonForm(
        request.POST if request.method == "POST" else None,
        label="What is your conflict of interest?",
        missing="Enter the reason for the conflict of interest, for example your connection to the school",
        help_text="For example, you are the headteacher of the pupil's school, or you know the family.",
    )
    return _case_step(
        request,
        case,
        form,
        act=lambda data: services.conflict_declare(
            actor=request.user,
            scope=request.scope,  # type: ignore[attr-defined]
            item_id=case.item.pk,
            reason=data["reason"],
        ),
        success=f"Conflict of interest declared on case {case.item.position}: you will not see its papers or take "
        "part in its decision",
        title="Declare a conflict of interest",
        button="Declare the conflict",
    )


@tenant_member(Role.PANEL_MEMBER)
@require_http_methods(["GET", "POST"])
def recommend(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for_member(request, pk)
    scope = request.scope  # type: ignore[attr-defined]
    mine = next((r for r in case.recommendations if r.member_id == scope.user_id), None)
    initial = {"choice": mine.choice, "amount": mine.amount, "comment": mine.comment} if mine else None
    form = RecommendationForm(request.POST if request.method == "POST" else None, initial=initial)
    return _case_step(
        request,
        case,
        form,
        act=lambda data: services.recommendation_record(
            actor=request.user, scope=scope, item_id=case.item.pk, **form.service_kwargs()
        ),
        success=f"Your recommendation on case {case.item.position} is recorded",
        title="Record your recommendation",
        button="Record recommendation",
        intro=f"The school asked for £{case.item.funding_request.amount_requested:,.2f}. The chair sees every "
        "member's recommendation side by side before the meeting.",
    )


def _decision_page(request: HttpRequest, case: Any, *, correcting: PanelDecision | None) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    meeting = case.meeting
    back = reverse("panels:case", args=[case.item.pk])
    outcome = request.GET.get("outcome", "")
    base = {
        "case": case,
        "item": case.item,
        "funding_request": case.item.funding_request,
        "back_url": back,
        "caption": f"Case {case.item.position}: funding request {case.item.funding_request_id}",
        "correcting": correcting,
    }
    title = "Change the decision" if correcting else "Record the panel's decision"
    if outcome not in DecisionOutcome.values:
        chosen = "outcome" in request.GET or "choose" in request.GET  # Continue pressed, perhaps with nothing chosen
        choose = OutcomeChoiceForm(request.GET if chosen else None)
        if choose.is_bound:
            choose.is_valid()
        return render(request, "panels/decide_choose.html", {**base, "form": choose, "page_title": title})
    form = PanelDecisionForm(
        request.POST if request.method == "POST" else None,
        outcome=outcome,
        funding_request=case.item.funding_request,
        later_meetings=selectors.later_meetings(meeting=meeting),
        bands=dashboard_selectors.bands_for(scope=scope),
        correcting=correcting is not None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            if correcting is None:
                services.decision_record(actor=request.user, scope=scope, item_id=case.item.pk, **form.service_kwargs())
            else:
                services.decision_correct(
                    actor=request.user, scope=scope, decision_id=correcting.pk, **form.service_kwargs()
                )
        except ValidationError as error:
            show_service_errors(form, error, renamed={"start": "period_start", "end": "period_end"})
        else:
            label = DecisionOutcome(outcome).label.lower()
            messages.success(request, f"Decision on case {case.item.position} recorded: {label}")
            return redirect("panels:case", case.item.pk)
    choose_url = reverse("panels:decide" if correcting is None else "panels:decision-change", args=[case.item.pk])
    context = {
        **base,
        "form": form,
        "page_title": f"{title}: {DecisionOutcome(outcome).label.lower()}",
        "button_label": "Record the decision",
        "outcome": outcome,
        "back_url": choose_url,
    }
    return render(request, "panels/decide.html", context)


@tenant_member(Role.PANEL_MEMBER, Role.LA_OFFICER)
@require_http_methods(["GET", "POST"])
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    case = selectors.case_for_page(scope=scope, pk=pk)
    if case.withheld:
        raise Http404
    if not services.runs_meetings(scope, case.meeting.panel_id):
        raise PermissionDenied
    if case.current is not None:
        return redirect("panels:case", case.item.pk)
    return _decision_page(request, case, correcting=None)


@tenant_member(Role.PANEL_MEMBER, Role.LA_OFFICER)
@require_http_methods(["GET", "POST"])
def decision_change(request: HttpRequest, pk: int) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    case = selectors.case_for_page(scope=scope, pk=pk)
    if case.withheld:
        raise Http404
    if not services.runs_meetings(scope, case.meeting.panel_id):
        raise PermissionDenied
    if case.current is None:
        return redirect("panels:decide", case.item.pk)
    return _decision_page(request, case, correcting=case.current)


@tenant_member(Role.SENCO, Role.AREA_SEND_LEAD, Role.PANEL_MEMBER, Role.LA_OFFICER)
@require_GET
def letter_download(request: HttpRequest, pk: int) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    decision = selectors.decision_for_letter(scope=scope, pk=pk)
    from panels.documents import letter_pdf

    pdf = letter_pdf(decision_id=decision.pk)
    audit_record(
        actor=request.user,
        local_authority_id=decision.local_authority_id,
        action="letter_downloaded",
        obj=decision,
        summary=f"Decision letter for panel decision {decision.pk} downloaded",
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="decision-letter-request-{decision.funding_request_id}-{decision.pk}.pdf"'
    )
    response["Cache-Control"] = "no-store"
    return response
