from __future__ import annotations

import datetime
from typing import Any

from django import forms

from funding.decision_forms import TEXT_LIMIT, MoneyField, _date, _text
from panels.models import APPROVING, DecisionOutcome, RecommendationChoice
from send_portal.forms import GovukDateField, GovukForm


class MeetingForm(GovukForm):
    meets_on = GovukDateField(label="Date", error_messages={"required": "Enter the date of the meeting"})
    starts_at = forms.TimeField(
        label="Start time",
        help_text="Use the 24-hour clock, for example 14:30",
        input_formats=["%H:%M", "%H.%M"],
        error_messages={"required": "Enter the start time", "invalid": "Enter a time like 14:30"},
    )
    venue = forms.CharField(label="Venue", max_length=200, required=False)
    online_link = forms.CharField(label="Or a link to join online", max_length=200, required=False)

    def meets_at(self) -> datetime.datetime:
        from django.utils import timezone

        day: datetime.date = self.cleaned_data["meets_on"]
        time: datetime.time = self.cleaned_data["starts_at"]
        return timezone.make_aware(datetime.datetime.combine(day, time))

    def service_kwargs(self) -> dict[str, Any]:
        return {
            "meets_at": self.meets_at(),
            "venue": self.cleaned_data["venue"],
            "online_link": self.cleaned_data["online_link"],
        }


# Agenda, conflicts, recommendations, attendance, decisions ----------------------------------------------


class AgendaAddForm(GovukForm):
    requests = forms.TypedMultipleChoiceField(
        label="Requests waiting for this panel",
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select at least one request to add to the agenda",
            "invalid_choice": "Select requests from the list: one of them is no longer waiting",
        },
    )

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["requests"].choices = choices  # type: ignore[attr-defined]


class ReasonForm(GovukForm):
    """One reason, in words (a conflict of interest, cancelling a meeting, asking for a review)."""

    reason = forms.CharField(label="Reason", widget=forms.Textarea, max_length=TEXT_LIMIT)

    def __init__(self, *args: Any, label: str, missing: str, help_text: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["reason"]
        field.label, field.help_text = label, help_text
        field.error_messages = {
            "required": missing,
            "max_length": f"The reason must be {TEXT_LIMIT:,} characters or fewer",
        }


class RecommendationForm(GovukForm):
    choice = forms.ChoiceField(
        label="Your recommendation",
        choices=RecommendationChoice.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select your recommendation"},
    )
    amount = MoneyField(
        label="Amount you would support (if a different amount)",
        what="the amount you would support",
        required=False,
    )
    comment = _text(
        "Comment", "", "Say why, especially if you do not support the request or need more information.", required=False
    )

    def service_kwargs(self) -> dict[str, Any]:
        return {key: self.cleaned_data[key] for key in ("choice", "amount", "comment")}


class AttendanceForm(GovukForm):
    present = forms.TypedMultipleChoiceField(
        label="Who is at the meeting?",
        help_text="Members not ticked are recorded as sending their apologies.",
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": "Select members of this panel only"},
    )

    def __init__(self, *args: Any, members: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = members  # type: ignore[attr-defined]


class OutcomeChoiceForm(GovukForm):
    """Which decision to record (sent by GET to the same page, so it needs no JavaScript)."""

    outcome = forms.ChoiceField(
        label="What has the panel decided?",
        choices=DecisionOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the panel's decision"},
    )


class PanelDecisionForm(GovukForm):
    """The fields a decision of one kind needs: built for the outcome chosen."""

    def __init__(
        self,
        *args: Any,
        outcome: str,
        funding_request: Any,
        later_meetings: list[tuple[int, str]],
        bands: list[Any],
        correcting: bool,
        **kwargs: Any,
    ) -> None:
        initial = {
            "amount": funding_request.amount_requested,
            "period_start": funding_request.period_start,
            "period_end": funding_request.period_end,
            "band": funding_request.indicative_band_id or "",
        }
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.outcome = outcome
        fields = self.fields
        if outcome == DecisionOutcome.APPROVE_DIFFERENT_AMOUNT:
            fields["amount"] = MoneyField(
                label="Amount the panel approves",
                what="the amount the panel approves",
                help_text=f"The school asked for £{funding_request.amount_requested:,.2f}.",
            )
        if outcome in APPROVING:
            fields["period_start"] = _date("Start date", "Enter the date the funding starts")
            fields["period_end"] = _date("End date", "Enter the date the funding ends")
            fields["conditions"] = _text(
                "Conditions (optional)", "", "For example, a termly report on progress.", required=False
            )
            if bands:
                fields["band"] = forms.TypedChoiceField(
                    label="Band",
                    help_text="The indicative band from the school's scores is chosen. Choose another with a reason.",
                    choices=[("", "No band"), *[(b.pk, f"{b.name} (£{b.annual_tariff:,.2f} a year)") for b in bands]],
                    coerce=int,
                    empty_value=None,
                    required=False,
                )
                fields["band_reason"] = _text("Reason for a different band (if you chose one)", "", required=False)
        if outcome == DecisionOutcome.DEFER:
            fields["deferred_to"] = forms.TypedChoiceField(
                label="Defer to which meeting?",
                choices=[("", "Select a meeting"), *later_meetings],
                coerce=int,
                empty_value=None,
                error_messages={
                    "required": "Select the meeting to defer the case to",
                    "invalid_choice": "Select a later meeting of this panel",
                },
            )
        reasons_label = {
            DecisionOutcome.DECLINE: ("Reasons for declining, in plain English", "Enter the reasons for declining"),
            DecisionOutcome.MORE_EVIDENCE: (
                "What evidence does the panel need?",
                "Enter what evidence the panel needs",
            ),
            DecisionOutcome.DEFER: ("Why is the case deferred? (optional)", ""),
        }.get(DecisionOutcome(outcome), ("Reasons (optional)", ""))
        fields["reasons"] = _text(
            reasons_label[0],
            reasons_label[1],
            "The school reads this in the decision letter.",
            required=bool(reasons_label[1]),
        )
        if correcting:
            fields["correction_reason"] = _text(
                "Why is the decision being changed?",
                "Enter why the decision is being changed",
                "The minutes show the earlier decision and this reason.",
            )

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        kwargs: dict[str, Any] = {"outcome": self.outcome, "reasons": data.get("reasons", "")}
        for name, key in (
            ("amount", "amount"),
            ("period_start", "period_start"),
            ("period_end", "period_end"),
            ("conditions", "conditions"),
            ("deferred_to", "deferred_to_id"),
            ("correction_reason", "correction_reason"),
        ):
            if name in data and data[name] not in (None, ""):
                kwargs[key] = data[name]
        if data.get("band") is not None:
            kwargs |= {"band_id": data["band"], "band_reason": data.get("band_reason", "")}
        return kwargs
