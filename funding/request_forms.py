"""The SENCO's funding request forms: the draft, and the actions taken on the request page."""

from __future__ import annotations

from typing import Any

from django import forms

from funding.request_selectors import RecipientChoice
from send_portal.forms import GovukDateField, GovukForm


class MoneyField(forms.DecimalField):
    """Pounds and pence typed as text: a pound sign, commas and spaces are allowed ("£2,400.00")."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_digits=12, decimal_places=2, **kwargs)

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip().removeprefix("£").replace(",", "").replace(" ", "")
        return super().to_python(value)


AMOUNT_ERRORS = {
    "required": "Enter the amount you are asking for",
    "invalid": "Enter the amount, like 2400.00",
    "max_digits": "The amount must be £1,000,000 or less",
    "max_whole_digits": "The amount must be £1,000,000 or less",
    "max_decimal_places": "The amount can only have pounds and pence, like 2400.00",
}


class FundingRequestForm(GovukForm):
    pupil = forms.ChoiceField(
        label="Who is the funding for?",
        help_text="A pupil on your school's SEN register, or one of your school's group interventions",
        error_messages={
            "required": "Select the pupil the funding is for",
            "invalid_choice": "Select a pupil on your school's SEN register",
        },
    )
    amount_requested = MoneyField(
        label="How much are you asking for?",
        help_text="In pounds and pence, for example 2400.00",
        error_messages=AMOUNT_ERRORS,
    )
    period_start = GovukDateField(
        label="When does the funding start?",
        help_text="This financial year or the next. For example, 1 9 2026",
        error_messages={
            "required": "Enter the date the funding starts",
            "invalid": "The start date must be a real date, for example 1 9 2026",
        },
    )
    period_end = GovukDateField(
        label="When does it end?",
        help_text="A year at most after the start. For example, 31 7 2027",
        error_messages={
            "required": "Enter the date the funding ends",
            "invalid": "The end date must be a real date, for example 31 7 2027",
        },
    )
    purpose = forms.CharField(
        label="What will the money buy?",
        help_text="For example, 2 hours a week of speech and language therapy for 30 weeks",
        widget=forms.Textarea,
        max_length=5000,
        error_messages={
            "required": "Enter what the money will buy",
            "max_length": "What the money will buy must be 5,000 characters or fewer",
        },
    )
    outcomes_served = forms.CharField(
        label="Which outcomes will it help the pupil achieve?",
        help_text="The outcomes from the pupil's current assess, plan, do, review cycle",
        widget=forms.Textarea,
        max_length=5000,
        error_messages={
            "required": "Enter the outcomes the money will help the pupil achieve",
            "max_length": "The outcomes must be 5,000 characters or fewer",
        },
    )
    is_exceptional = forms.BooleanField(
        label="This request is for complex and exceptional needs",
        help_text="It will go to the central panel rather than the Area SEND Lead",
        required=False,
    )

    def __init__(self, *args: Any, recipients: list[RecipientChoice], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.recipients = {choice.value: choice for choice in recipients}
        field: Any = self.fields["pupil"]
        field.choices = [("", "Select a pupil"), *((choice.value, choice.label) for choice in recipients)]

    def recipient(self) -> RecipientChoice:
        """The chosen pupil or group (after is_valid)."""
        return self.recipients[self.cleaned_data["pupil"]]


class SubmitForm(GovukForm):
    """No fields: submitting checks eligibility and attaches the casework (the service's rules)."""


class WithdrawForm(GovukForm):
    reason = forms.CharField(
        label="Why are you withdrawing it? (optional)",
        widget=forms.Textarea,
        required=False,
        max_length=2000,
        error_messages={"max_length": "The reason must be 2,000 characters or fewer"},
    )


class AnswerForm(GovukForm):
    message = forms.CharField(
        label="Your answer",
        help_text="The information the Area SEND Lead or the panel asked for",
        widget=forms.Textarea,
        max_length=5000,
        error_messages={
            "required": "Enter the information asked for",
            "max_length": "Your answer must be 5,000 characters or fewer",
        },
    )


class ReviewForm(GovukForm):
    reason = forms.CharField(
        label="Why should the decision be reviewed?",
        help_text="For example, what the panel did not know or has misunderstood. The case goes back to a later "
        "panel meeting with your reasons.",
        widget=forms.Textarea,
        max_length=5000,
        error_messages={
            "required": "Enter why you are asking for the decision to be reviewed",
            "max_length": "Your reasons must be 5,000 characters or fewer",
        },
    )
