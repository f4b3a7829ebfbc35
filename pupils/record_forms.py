from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from pupils.models import DeliveredBy, InformedBy, VoiceOf
from send_portal.forms import GovukDateField, GovukForm


class ParentsInformedForm(GovukForm):
    informed_on = GovukDateField(
        label="When were parents or carers formally informed?",
        help_text="That the school is making special educational provision for their child. For example, 27 3 2026",
        error_messages={"required": "Enter the date parents or carers were informed"},
    )
    informed_how = forms.ChoiceField(
        label="How were they informed?",
        choices=InformedBy.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how parents or carers were informed"},
    )


class VoiceForm(GovukForm):
    voice_of = forms.ChoiceField(
        label="Whose views are these?",
        choices=VoiceOf.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whose views these are"},
    )
    recorded_on = GovukDateField(
        label="Date of these views", error_messages={"required": "Enter the date of these views"}
    )
    views = forms.CharField(
        label="Their views",
        help_text="In their own words where you can: what is going well, what is hard, what they would like",
        widget=forms.Textarea,
        max_length=5000,
        error_messages={"required": "Enter the views, in their own words where you can"},
    )


class ContactForm(GovukForm):
    name = forms.CharField(label="Full name", max_length=150, error_messages={"required": "Enter the contact's name"})
    relationship = forms.CharField(
        label="Relationship to the pupil",
        max_length=60,
        help_text="For example, mother, foster carer, social worker",
        error_messages={"required": "Enter the contact's relationship to the pupil"},
    )
    phone = forms.CharField(label="Phone number", max_length=30, required=False)
    email = forms.EmailField(
        label="Email address",
        required=False,
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.com"},
    )
    has_parental_responsibility = forms.BooleanField(label="Has parental responsibility", required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and not (data.get("phone") or data.get("email")):
            self.add_error("phone", "Enter a phone number or an email address")
        return data


COST_ERRORS = {
    "invalid": "Enter an amount of money, like 18.50",
    "min_value": "Cost cannot be negative",
    "max_decimal_places": "Enter pounds and pence only, like 18.50",
}


class GroupInterventionForm(GovukForm):
    name = forms.CharField(
        label="Intervention", max_length=200, error_messages={"required": "Enter the name of the intervention"}
    )
    delivered_by = forms.ChoiceField(
        label="Delivered by",
        choices=DeliveredBy.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select who delivers it"},
    )
    sessions_per_week = forms.IntegerField(
        label="Sessions a week",
        min_value=0,
        max_value=50,
        required=False,
        error_messages={"max_value": "Sessions a week must be 50 or fewer", "min_value": "Cannot be negative"},
    )
    minutes_per_session = forms.IntegerField(
        label="Minutes a session",
        min_value=0,
        max_value=600,
        required=False,
        error_messages={"max_value": "Minutes per session must be 600 or fewer", "min_value": "Cannot be negative"},
    )
    weeks = forms.IntegerField(
        label="Weeks a year",
        min_value=0,
        max_value=52,
        required=False,
        error_messages={"max_value": "Weeks a year must be 52 or fewer", "min_value": "Cannot be negative"},
    )
    hourly_cost = forms.DecimalField(
        label="Hourly cost, in pounds",
        min_value=Decimal("0"),
        max_digits=8,
        decimal_places=2,
        required=False,
        error_messages={**COST_ERRORS, "min_value": "Hourly cost cannot be negative"},
    )
    fixed_cost = forms.DecimalField(
        label="Or a fixed cost for the year, in pounds",
        min_value=Decimal("0"),
        max_digits=10,
        decimal_places=2,
        required=False,
        error_messages={**COST_ERRORS, "min_value": "Fixed cost cannot be negative"},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        hourly, fixed = data.get("hourly_cost"), data.get("fixed_cost")
        if hourly is None and fixed is None:
            self.add_error("hourly_cost", "Enter an hourly cost or a fixed cost for the year")
        elif hourly is not None and fixed is not None:
            self.add_error("fixed_cost", "Enter either an hourly cost or a fixed cost for the year, not both")
        elif hourly is not None:
            for name, label in (("sessions_per_week", "sessions a week"), ("minutes_per_session", "minutes a session"),
                                ("weeks", "weeks a year")):  # fmt: skip
                if not data.get(name):
                    self.add_error(name, f"Enter the number of {label} to cost it at an hourly rate")
        for name in ("sessions_per_week", "minutes_per_session", "weeks"):
            data[name] = data.get(name) or 0
        return data


class GroupMembersForm(GovukForm):
    pupils = forms.TypedMultipleChoiceField(
        label="Pupils taking part", coerce=int, widget=forms.CheckboxSelectMultiple, required=False
    )
    is_running = forms.BooleanField(label="The intervention is running", required=False)

    def __init__(self, *args: Any, pupil_choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pupils"].choices = pupil_choices  # type: ignore[attr-defined]
