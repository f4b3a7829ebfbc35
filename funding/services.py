"""Funding requests: drafting, submission (eligibility, routing, the casework attached), and the
decisions that move money. Every transition locks the request, checks the workflow table and the
actor's scope, writes the event and, for an approval, the ledger commitments, in one transaction;
emails go out after commit."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Role
from accounts.scoping import Scope, access, editable
from audit.services import audit_record
from funding import ledger
from funding.models import Budget, FundingRequest, PotKind, RequestEvent, RequestStatus, Route
from funding.workflow import ACTIONS, PANEL
from funding.years import apportion, financial_year_end, financial_year_start
from localities.models import LocalAuthority, ProvisionKind, School
from panels.models import Panel, PanelKind
from pupils.costs import (
    CostLine,
    PupilCosts,
    TopUpEligibility,
    annual_cost,
    hours_a_year,
    scheme_refusals,
    top_up_eligibility,
)
from pupils.models import CycleStatus, GroupIntervention, Pupil
from pupils.provision import PupilProvisionMap, completed_cycle_counts, pupil_provision_map
from send_portal.text import long_date

MAX_PERIOD_DAYS = 366


def _period_errors(authority: LocalAuthority, start: datetime.date | None, end: datetime.date | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if start is None or end is None:
        return errors
    if end < start:  # a single day is a period: a one-off visit, an assessment
        errors["period_end"] = "The end date must be the same as or after the start date"
        return errors
    this_year = financial_year_start(timezone.localdate(), authority.financial_year_start_month)
    last_allowed = financial_year_end(datetime.date(this_year.year + 1, this_year.month, 1))
    if start < this_year or end > last_allowed:
        errors["period_start"] = (
            f"The period must fall between {long_date(this_year)} and {long_date(last_allowed)}: "
            "this financial year or the next"
        )
    elif (end - start).days + 1 > MAX_PERIOD_DAYS:
        errors["period_end"] = "The period can be a year at most"
    return errors


def _amount_errors(amount: Decimal | None, field: str = "amount_requested") -> dict[str, str]:
    if amount is None:
        return {}
    if not amount.is_finite():
        return {field: "Enter an amount of money, like 2400.00"}
    if amount <= 0:
        return {field: "The amount must be more than £0"}
    # The upper limit first: rounding a huge number to pence would overflow Decimal's precision.
    if amount > Decimal("1000000"):
        return {field: "The amount must be £1,000,000 or less"}
    if amount != amount.quantize(Decimal("0.01")):
        return {field: "The amount can only have pounds and pence"}
    return {}


def request_save_draft(
    *,
    actor: Any,
    scope: Scope,
    request_id: int | None = None,
    school_id: int,
    pupil_id: int | None,
    group_intervention_id: int | None = None,
    amount_requested: Decimal,
    period_start: datetime.date,
    period_end: datetime.date,
    purpose: str,
    outcomes_served: str,
    is_exceptional: bool = False,
) -> FundingRequest:
    """Create or change a draft. Only SENCOs of the school; only their school's pupils or groups."""
    school = access(School, scope, school_id, for_edit=False)
    if school.pk not in scope.school_ids:
        raise ValidationError({"school": "You can only ask for funding for your own school"})
    authority = LocalAuthority.objects.get(pk=scope.local_authority_id)
    errors = {**_amount_errors(amount_requested), **_period_errors(authority, period_start, period_end)}
    if not purpose.strip():
        errors["purpose"] = "Enter what the money will buy"
    if not outcomes_served.strip():
        errors["outcomes_served"] = "Enter the outcomes the money will help the pupil achieve"
    pupil = group = None
    if pupil_id:
        pupil = editable(Pupil, scope).filter(pk=pupil_id, school=school, on_register=True).first()
        if pupil is None:
            errors["pupil"] = "Select a pupil on your school's SEN register"
    elif group_intervention_id:
        group = editable(GroupIntervention, scope).filter(pk=group_intervention_id, school=school).first()
        if group is None:
            errors["group_intervention"] = "Select one of your school's group interventions"
    else:
        errors["pupil"] = "Select the pupil the funding is for"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if request_id is None:
            funding_request = FundingRequest(
                local_authority_id=scope.local_authority_id, school=school, created_by=actor
            )
        else:
            funding_request = access(FundingRequest, scope, request_id, for_edit=True, lock=True)
            if funding_request.status != RequestStatus.DRAFT:
                raise ValidationError("Only a draft can be changed; this request has been submitted")
        funding_request.pupil, funding_request.group_intervention = pupil, group
        funding_request.amount_requested = amount_requested
        funding_request.period_start, funding_request.period_end = period_start, period_end
        funding_request.purpose, funding_request.outcomes_served = purpose.strip(), outcomes_served.strip()
        funding_request.is_exceptional = is_exceptional
        funding_request.save()
        audit_record(
            actor=actor, local_authority_id=scope.local_authority_id, action="request_draft_saved",
            obj=funding_request, summary=f"Draft funding request {funding_request.pk} saved",
        )  # fmt: skip
    return funding_request


# Routing and eligibility ------------------------------------------------------------------------------


def route_for(funding_request: FundingRequest) -> tuple[str, Panel | None]:
    """Where the tenant's scheme sends a request: complex and exceptional needs to the central panel;
    otherwise to the school's locality when the council runs locality budgets (a scheme setting), else
    the top-up panel."""
    panels = Panel.objects.filter(local_authority_id=funding_request.local_authority_id)
    if funding_request.is_exceptional:
        return Route.EXCEPTIONAL_PANEL, panels.filter(kind=PanelKind.EXCEPTIONAL_NEEDS).first()
    top_up_panel = panels.filter(kind=PanelKind.HIGH_NEEDS_TOP_UP).first()
    if funding_request.local_authority.runs_locality_budgets and funding_request.school.locality_id:
        # Where the council says so (a scheme setting), support that takes the pupil's provision above the
        # notional threshold goes to its top-up panel; the rest stays with the locality.
        pupil = funding_request.pupil
        if (
            funding_request.local_authority.above_threshold_to_top_up_panel
            and top_up_panel
            and pupil
            and with_request(funding_request, pupil_provision_map(pupil=pupil).costs).above_threshold > 0
        ):
            return Route.TOP_UP_PANEL, top_up_panel
        return Route.LOCALITY, None
    return Route.TOP_UP_PANEL, top_up_panel


def with_request(funding_request: FundingRequest, costs: PupilCosts) -> PupilCosts:
    """The pupil's provision in place and, on top, what this request asks for: the cost that decides
    whether it is top-up money (above the notional threshold), for routing and eligibility alike."""
    asked = CostLine("request", "This request", "the amount asked for", funding_request.amount_requested)
    return PupilCosts(lines=[*costs.lines, asked], threshold=costs.threshold)


def top_up_check(funding_request: FundingRequest, provision_map: PupilProvisionMap) -> TopUpEligibility:
    """The council's top-up rules for this request: the provision in place plus the amount asked for
    must come to more than the notional threshold, after the completed cycles the scheme asks for, for
    a pupil still on the register. The scheme's own exclusions are checked by eligibility_for."""
    pupil = provision_map.pupil
    costs = provision_map.costs
    combined = with_request(funding_request, costs)
    result = top_up_eligibility(
        costs=combined,
        completed_cycles=provision_map.completed_cycles,
        cycles_needed=funding_request.local_authority.min_completed_cycles_for_top_up,
        on_register=pupil.on_register,
    )
    asked = funding_request.amount_requested
    if combined.above_threshold > 0:
        cost_reason = (
            f"Provision in place costs £{costs.total:,.2f} a year; with the £{asked:,.2f} asked for it comes to "
            f"£{combined.total:,.2f}, £{combined.above_threshold:,.2f} more than the £{costs.threshold:,.2f} the "
            "school meets from its notional SEN budget."
        )
    else:
        cost_reason = (
            f"Provision in place costs £{costs.total:,.2f} a year; with the £{asked:,.2f} asked for it comes to "
            f"£{combined.total:,.2f}, within the £{costs.threshold:,.2f} the school meets from its notional SEN "
            "budget, so it is not for top-up funding."
        )
    # top_up_eligibility's first reason is its cost sentence, about provision in place only: say it with
    # the request counted, as the decision was made.
    return TopUpEligibility(eligible=result.eligible, reasons=[cost_reason, *result.reasons[1:]])


def group_members(group: GroupIntervention) -> list[Pupil]:
    """The pupils taking part in a group intervention: on the register at the group's school (those who
    share its cost), in a stable order that says nothing about who they are."""
    return list(
        group.pupils.filter(on_register=True, school_id=group.school_id)
        .select_related("primary_need", "secondary_need")
        .order_by("nc_year", "pk")
    )


def _group_refusals(authority: LocalAuthority, members: list[Pupil]) -> list[str]:
    """The scheme's EHC plan rule applied to each pupil of a group: how many it rules out, never who."""
    cut_off = authority.ehcp_issued_before_excluded
    if cut_off is None:
        return []
    affected = sum(1 for m in members if m.ehcp_issued_on is not None and m.ehcp_issued_on < cut_off)
    if not affected:
        return []
    if affected == 1:
        who = f"1 of the {len(members)} pupils in the group has an EHC plan"
    else:
        who = f"{affected} of the {len(members)} pupils in the group have EHC plans"
    return [
        f"{who} issued before {long_date(cut_off)}: the scheme does not fund plans issued before then, so it "
        "cannot fund a group they are part of."
    ]


def eligibility_for(funding_request: FundingRequest, route: str) -> dict[str, Any]:
    """Whether the scheme allows this request, and why, in plain words (stored with the request)."""
    authority = funding_request.local_authority
    school = funding_request.school
    pupil = funding_request.pupil
    group = funding_request.group_intervention
    reasons: list[str] = []
    refusals = scheme_refusals(
        early_adopter_schools_only=authority.early_adopter_schools_only,
        ehcp_issued_before_excluded=authority.ehcp_issued_before_excluded,
        school_name=school.name,
        school_is_early_adopter=school.is_early_adopter,
        school_is_mainstream=school.provision_kind == ProvisionKind.MAINSTREAM,
        ehcp_issued_on=pupil.ehcp_issued_on if pupil else None,
    )
    if authority.early_adopter_schools_only and not refusals:
        reasons.append(f"{school.name} is an early-adopter mainstream school in the scheme.")
    if group is not None:
        refusals.extend(_group_refusals(authority, group_members(group)))
    if route == Route.TOP_UP_PANEL and pupil is not None:
        top_up = top_up_check(funding_request, pupil_provision_map(pupil=pupil))
        reasons.extend(top_up.reasons)
        if not top_up.eligible:
            refusals.extend(r for r in top_up.reasons if r not in refusals)
    if (
        route in (Route.TOP_UP_PANEL, Route.EXCEPTIONAL_PANEL)
        and not Panel.objects.filter(
            local_authority_id=authority.pk,
            kind=PanelKind.HIGH_NEEDS_TOP_UP if route == Route.TOP_UP_PANEL else PanelKind.EXCEPTIONAL_NEEDS,
        ).exists()
    ):
        refusals.append(f"{authority.name} has no panel for {Route(route).label.lower()} requests.")
    return {"eligible": not refusals, "reasons": [*reasons, *[r for r in refusals if r not in reasons]]}


def snapshot_for(funding_request: FundingRequest) -> dict[str, Any]:
    """The casework a decision-maker needs, copied at submission so it cannot drift afterwards."""
    pupil = funding_request.pupil
    if pupil is None:
        group = funding_request.group_intervention
        assert group is not None
        return _group_snapshot(group)
    provision_map = pupil_provision_map(pupil=pupil)
    cycle = pupil.cycles.filter(status=CycleStatus.OPEN).first()
    return {
        "pupil": {
            "year": pupil.get_nc_year_display(),
            "sen_status": pupil.get_sen_status_display(),
            "primary_need": str(pupil.primary_need) if pupil.primary_need else None,
            "secondary_need": str(pupil.secondary_need) if pupil.secondary_need else None,
        },
        "completed_cycles": provision_map.completed_cycles,
        "current_cycle": {
            "number": cycle.number,
            "started_on": cycle.started_on.isoformat(),
            "review_on": cycle.review_on.isoformat(),
            "outcomes": [o.description for o in cycle.outcomes.all()],
        }
        if cycle
        else None,
        "provision": [
            {"description": line.description, "detail": line.detail, "cost": str(line.cost)}
            for line in provision_map.costs.lines
        ],
        "total": str(provision_map.costs.total),
        "threshold": str(provision_map.costs.threshold),
        "above_threshold": str(provision_map.costs.above_threshold),
    }


def _group_snapshot(group: GroupIntervention) -> dict[str, Any]:
    """A group intervention's casework: what it costs a year and how, shared by how many pupils, and each
    pupil's year group, needs and completed cycles. No names: a panel weighs needs, not identities."""
    members = group_members(group)
    completed = completed_cycle_counts(members)
    if group.fixed_cost is not None:
        costed = f"fixed cost £{group.fixed_cost:,.2f} a year"
    else:
        costed = (
            f"{group.sessions_per_week} x {group.minutes_per_session} minutes a week for {group.weeks} weeks "
            f"({hours_a_year(group)} hours) at £{group.hourly_cost or 0:,.2f} an hour"
        )
    return {
        "group": {
            "name": group.name,
            "pupils": len(members),
            "delivered_by": group.get_delivered_by_display(),
            "costed": costed,
            "annual_cost": str(annual_cost(group)),
            "cost_per_pupil": str(annual_cost(group, shared_by=max(len(members), 1))),
        },
        "members": [
            {
                "year": member.get_nc_year_display(),
                "sen_status": member.get_sen_status_display(),
                "primary_need": str(member.primary_need) if member.primary_need else None,
                "secondary_need": str(member.secondary_need) if member.secondary_need else None,
                "completed_cycles": completed[member.pk],
            }
            for member in members
        ],
    }


# Transitions ------------------------------------------------------------------------------------------


def deciding_own_request(scope: Scope, funding_request: FundingRequest, actor: Any) -> bool:
    """A conflict of interest: the decider works at the requesting school, or made the request."""
    return funding_request.school_id in scope.school_ids or funding_request.created_by_id == actor.pk


def request_transition(*, actor: Any, scope: Scope, request_id: int, action: str, **data: Any) -> FundingRequest:
    """A school's or an Area SEND Lead's action on a request (panel decisions: request_panel_transition)."""
    spec = ACTIONS[action]
    if spec.role == PANEL:
        raise ValueError(f"{action} is a panel decision: record it through panels.services")
    with transaction.atomic():
        for_edit = spec.role == Role.SENCO
        funding_request = access(FundingRequest, scope, request_id, for_edit=for_edit, lock=True)
        if not scope.has_role(spec.role):
            raise ValidationError(f"Only the school's SENCO or an Area SEND Lead can do this: {spec.label.lower()}")
        if spec.role == Role.AREA_SEND_LEAD and (
            funding_request.route != Route.LOCALITY or funding_request.school.locality_id not in scope.locality_ids
        ):
            raise ValidationError("Only the Area SEND Lead of the school's locality decides this request")
        if spec.role == Role.AREA_SEND_LEAD and deciding_own_request(scope, funding_request, actor):
            raise ValidationError(
                "You cannot decide a request from your own school: another Area SEND Lead or the LA must decide it"
            )
        _apply(actor=actor, funding_request=funding_request, action=action, data=data)
    return funding_request


def request_panel_transition(*, actor: Any, funding_request: FundingRequest, action: str, **data: Any) -> RequestEvent:
    """A panel's decision moving a request on. Called by panels.services inside its transaction, with the
    request row already locked and the panel's own checks done (who records it, quorum, conflicts)."""
    if ACTIONS[action].role != PANEL:
        raise ValueError(f"{action} is not a panel decision")
    return _apply(actor=actor, funding_request=funding_request, action=action, data=data)


def _apply(*, actor: Any, funding_request: FundingRequest, action: str, data: dict[str, Any]) -> RequestEvent:
    """Check the workflow table, run the action, and write the event and the audit (on the pupil too, so
    the pupil's timeline shows it); the email goes once the transaction commits."""
    spec = ACTIONS[action]
    if funding_request.status not in spec.sources:
        raise ValidationError(f"A request that is {funding_request.get_status_display().lower()} cannot be {spec.done}")
    before = funding_request.status
    message = HANDLERS[action](actor=actor, funding_request=funding_request, **data)
    funding_request.status = spec.target
    funding_request.save()
    event = RequestEvent.objects.create(
        local_authority_id=funding_request.local_authority_id, request=funding_request, from_status=before,
        to_status=spec.target, message=message, actor=actor,
    )  # fmt: skip
    audit_record(
        actor=actor, local_authority_id=funding_request.local_authority_id, action=f"request_{action}",
        obj=funding_request, summary=f"Funding request {funding_request.pk}: {before} to {spec.target}",
    )  # fmt: skip
    if funding_request.pupil_id:
        audit_record(
            actor=actor, local_authority_id=funding_request.local_authority_id, action=f"request_{action}",
            obj=funding_request.pupil,  # type: ignore[arg-type]
            summary=f"Funding request {funding_request.pk} {RequestStatus(spec.target).label.lower()}",
        )  # fmt: skip
    from funding.tasks import notify_request_event

    transaction.on_commit(lambda: notify_request_event.delay(event.pk))
    return event


def _submit(*, actor: Any, funding_request: FundingRequest) -> str:
    errors = _period_errors(funding_request.local_authority, funding_request.period_start, funding_request.period_end)
    if errors:
        raise ValidationError(errors)
    pupil = funding_request.pupil
    if pupil is not None and (pupil.school_id != funding_request.school_id or not pupil.on_register):
        raise ValidationError(
            {"__all__": "The pupil is no longer on this school's SEN register, so this request cannot be submitted"}
        )
    from funding.banding import scores_complete_check

    scores_complete_check(funding_request=funding_request)
    route, panel = route_for(funding_request)
    eligibility = eligibility_for(funding_request, route)
    funding_request.route, funding_request.panel = route, panel
    funding_request.eligibility = eligibility
    if not eligibility["eligible"]:
        raise ValidationError({"__all__": ["This request cannot be submitted:", *eligibility["reasons"]]})
    funding_request.snapshot = snapshot_for(funding_request)
    funding_request.submitted_at = timezone.now()
    return f"Submitted to {Route(route).label}"


def _withdraw(*, actor: Any, funding_request: FundingRequest, reason: str = "") -> str:
    return reason.strip() or "Withdrawn by the school"


def _message_required(message: str, field: str, text: str) -> str:
    if not message.strip():
        raise ValidationError({field: text})
    return message.strip()


def _answer(*, actor: Any, funding_request: FundingRequest, message: str) -> str:
    return _message_required(message, "message", "Enter the information asked for")


def _ask(*, actor: Any, funding_request: FundingRequest, message: str) -> str:
    return _message_required(message, "message", "Enter what information you need from the school")


def _decline(*, actor: Any, funding_request: FundingRequest, reasons: str) -> str:
    funding_request.decision_reasons = _message_required(reasons, "reasons", "Enter the reasons for declining")
    funding_request.decided_at, funding_request.decided_by = timezone.now(), actor
    return funding_request.decision_reasons


def _refer(*, actor: Any, funding_request: FundingRequest, reason: str) -> str:
    panel = Panel.objects.filter(
        local_authority_id=funding_request.local_authority_id, kind=PanelKind.EXCEPTIONAL_NEEDS
    ).first()
    if panel is None:
        raise ValidationError("This council has no complex and exceptional needs panel to refer to")
    message = _message_required(reason, "reason", "Enter why the request needs the central panel")
    funding_request.route, funding_request.panel = Route.EXCEPTIONAL_PANEL, panel
    # Referring is the Area SEND Lead's decision on the request; the panel's comes later.
    funding_request.decided_at, funding_request.decided_by = timezone.now(), actor
    return message


def pot_for(funding_request: FundingRequest, year_start: datetime.date) -> Budget:
    kind = {Route.LOCALITY: PotKind.LOCALITY, Route.TOP_UP_PANEL: PotKind.TOP_UP,
            Route.EXCEPTIONAL_PANEL: PotKind.EXCEPTIONAL_NEEDS}[Route(funding_request.route)]  # fmt: skip
    pots = Budget.objects.filter(
        local_authority_id=funding_request.local_authority_id, kind=kind, financial_year_start=year_start
    )
    if kind == PotKind.LOCALITY:
        pots = pots.filter(locality_id=funding_request.school.locality_id)
    pot = pots.first()
    if pot is None:
        label = PotKind(kind).label.lower()
        raise ValidationError({"amount": f"No {label} is set for the financial year starting {long_date(year_start)}"})
    return pot


def _approval_checks(
    funding_request: FundingRequest,
    amount: Decimal,
    start: datetime.date,
    end: datetime.date,
    band_id: int | None,
    band_reason: str,
) -> Any:
    """The refusals an approval can meet, on their fields; returns the band decided (banding councils)."""
    errors = {**_amount_errors(amount, "amount"), **_period_errors(funding_request.local_authority, start, end)}
    from funding.banding import band_decision_check

    decided_band = band_decision_check(funding_request=funding_request, band_id=band_id, reason=band_reason)
    if not errors and amount > funding_request.amount_requested:
        errors["amount"] = f"You cannot approve more than the £{funding_request.amount_requested:,.2f} asked for"
    if errors:
        raise ValidationError(errors)
    return decided_band


def _commit_award(*, actor: Any, funding_request: FundingRequest, amount: Decimal, start: datetime.date,
                  end: datetime.date) -> None:  # fmt: skip
    """Commit `amount` from the request's pot(s), each financial year its own share, under the pots' locks."""
    authority = funding_request.local_authority
    shares = apportion(amount, start, end, start_month=authority.financial_year_start_month, by=authority.apportion_by)
    # A year whose share rounds to nothing (a penny across 31 March) gets no entry.
    pots = [(pot_for(funding_request, year_start), share) for year_start, share in shares if share > 0]
    # Lock pots in id order so two approvals touching the same two years cannot deadlock.
    for pot, share in sorted(pots, key=lambda item: item[0].pk):
        ledger.commit(
            actor=actor, budget_id=pot.pk, amount=share, funding_request=funding_request,
            school_id=funding_request.school_id, pupil_id=funding_request.pupil_id, period=(start, end),
            memo=f"Funding request {funding_request.pk}",
        )  # fmt: skip


def _record_approval(
    *, actor: Any, funding_request: FundingRequest, amount: Decimal, start: datetime.date, end: datetime.date,
    conditions: str, decided_band: Any, band_reason: str,
) -> str:  # fmt: skip
    funding_request.approved_amount, funding_request.approved_start, funding_request.approved_end = amount, start, end
    funding_request.conditions = conditions.strip()
    funding_request.decided_band = decided_band
    # The reason belongs to this decision: none when the band decided is the indicative one.
    funding_request.band_override_reason = (
        band_reason.strip() if decided_band != funding_request.indicative_band else ""
    )
    funding_request.decided_at, funding_request.decided_by = timezone.now(), actor
    part = "in full" if amount == funding_request.amount_requested else "in part"
    return f"Approved {part}: £{amount:,.2f} from {long_date(start)} to {long_date(end)}"


def _approve(
    *,
    actor: Any,
    funding_request: FundingRequest,
    amount: Decimal,
    start: datetime.date,
    end: datetime.date,
    conditions: str = "",
    band_id: int | None = None,
    band_reason: str = "",
) -> str:
    decided_band = _approval_checks(funding_request, amount, start, end, band_id, band_reason)
    _commit_award(actor=actor, funding_request=funding_request, amount=amount, start=start, end=end)
    return _record_approval(
        actor=actor, funding_request=funding_request, amount=amount, start=start, end=end, conditions=conditions,
        decided_band=decided_band, band_reason=band_reason,
    )  # fmt: skip


# The school asks for a review; the panel decides -----------------------------------------------------------

PANEL_ROUTES = (Route.TOP_UP_PANEL, Route.EXCEPTIONAL_PANEL)


def _ask_for_review(*, actor: Any, funding_request: FundingRequest, reason: str) -> str:
    if funding_request.route not in PANEL_ROUTES or not funding_request.panel_decisions.exists():
        raise ValidationError("Only a panel's decision can be reviewed: ask the Area SEND Lead about theirs")
    return _message_required(reason, "reason", "Enter why you are asking for the decision to be reviewed")


def _release_earlier_award(*, actor: Any, funding_request: FundingRequest, memo: str) -> Decimal:
    """Give back to the pot what an earlier approval of this request still holds unpaid (a corrected or
    reviewed decision replaces it). Returns what was already paid, which stays with the school."""
    from funding.models import EntryKind, LedgerEntry

    paid = Decimal("0")
    commitments = LedgerEntry.objects.filter(funding_request=funding_request, kind=EntryKind.COMMITMENT)
    for commitment in commitments.order_by("budget_id", "pk"):
        held, paid_on_it = ledger.outstanding(commitment)
        paid += paid_on_it
        if held - paid_on_it > 0:
            ledger.release(actor=actor, commitment_id=commitment.pk, amount=held - paid_on_it, memo=memo)
    return paid


def _panel_approve(
    *,
    actor: Any,
    funding_request: FundingRequest,
    amount: Decimal,
    start: datetime.date,
    end: datetime.date,
    conditions: str = "",
    band_id: int | None = None,
    band_reason: str = "",
) -> str:
    """The panel approves. An earlier award of the same request (a review, a correction) is replaced: its
    unpaid part released, then the new amount less what was already paid committed."""
    decided_band = _approval_checks(funding_request, amount, start, end, band_id, band_reason)
    paid = _release_earlier_award(
        actor=actor, funding_request=funding_request, memo=f"Funding request {funding_request.pk}: decision replaced"
    )
    if paid > amount:
        raise ValidationError(
            {"amount": f"£{paid:,.2f} has already been paid on this request: approve at least that, or ask the "
             "LA finance team to claw back the difference first"}
        )  # fmt: skip
    if amount - paid > 0:
        _commit_award(actor=actor, funding_request=funding_request, amount=amount - paid, start=start, end=end)
    return _record_approval(
        actor=actor, funding_request=funding_request, amount=amount, start=start, end=end, conditions=conditions,
        decided_band=decided_band, band_reason=band_reason,
    )  # fmt: skip


def _panel_decline(*, actor: Any, funding_request: FundingRequest, reasons: str) -> str:
    message = _message_required(reasons, "reasons", "Enter the reasons for declining")
    _release_earlier_award(
        actor=actor, funding_request=funding_request, memo=f"Funding request {funding_request.pk}: declined"
    )
    funding_request.approved_amount = funding_request.approved_start = funding_request.approved_end = None
    funding_request.decision_reasons = message
    funding_request.decided_at, funding_request.decided_by = timezone.now(), actor
    return message


def _panel_more_evidence(*, actor: Any, funding_request: FundingRequest, message: str) -> str:
    text = _message_required(message, "reasons", "Enter what evidence the panel needs from the school")
    _release_earlier_award(
        actor=actor, funding_request=funding_request, memo=f"Funding request {funding_request.pk}: more evidence"
    )
    funding_request.approved_amount = funding_request.approved_start = funding_request.approved_end = None
    return text


HANDLERS: dict[str, Callable[..., str]] = {
    "submit": _submit,
    "withdraw": _withdraw,
    "answer": _answer,
    "ask_for_information": _ask,
    "approve": _approve,
    "decline": _decline,
    "refer": _refer,
    "ask_for_review": _ask_for_review,
    "panel_approve": _panel_approve,
    "panel_decline": _panel_decline,
    "panel_more_evidence": _panel_more_evidence,
    "panel_correct_approve": _panel_approve,
    "panel_correct_decline": _panel_decline,
    "panel_correct_more_evidence": _panel_more_evidence,
}
