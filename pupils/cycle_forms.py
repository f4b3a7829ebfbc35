"""Forms of the graduated-approach cycle pages. They read what was typed (dates, whole numbers, money); the
rules (what is required, ranges, one way of costing, dates against the cycle, file types) are the services'
(pupils/cycle_services.py), which the forms also ask so that every problem shows at once. Whatever a service
still refuses when called, `apply_errors` puts on the fields.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from pupils import cycle_services
from pupils.models import DeliveredBy, EvidenceKind, Outcome, OutcomeProgress, ReviewDecision
from send_portal.forms import GovukDateField, GovukForm

NUMBER = {"inputmode": "numeric", "class": "govuk-input--width-3"}
MONEY = {"inputmode": "decimal", "class": "govuk-input--width-10"}


def apply_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: keyed messages on their fields, anything else on the form."""
    if hasattr(error, "error_dict"):
        for key, errors in error.error_dict.items():
            form.add_error(key if key in form.fields else None, [e.messages[0] for e in errors][:1])
    else:
        form.add_error(None, error.messages[:1])


class WholeNumberField(forms.IntegerField):
    def __init__(self, *, label: str, example: str, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.TextInput(attrs=NUMBER))
        messages = {"invalid": f"{label} must be a whole number, like {example}"}
        messages.update(kwargs.pop("error_messages", {}))
        super().__init__(label=label, error_messages=messages, **kwargs)


class MoneyField(forms.DecimalField):
    """Pounds and pence as typed: '£1,054.50', '1,054.50' and '1054.50' all read as Decimal('1054.50')."""

    def __init__(self, *, label: str, name: str, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.TextInput(attrs=MONEY))
        messages = {"invalid": f"{name} must be an amount of money, like 18.50"}
        messages.update(kwargs.pop("error_messages", {}))
        super().__init__(label=label, error_messages=messages, **kwargs)

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if isinstance(value, str):
            value = value.replace("£", "").replace(",", "").strip()
        return super().to_python(value)


class RulesForm(GovukForm):
    """A form whose rules come from a service's *_errors function."""

    def rule_errors(self, data: Mapping[str, Any]) -> dict[str, str]:
        raise NotImplementedError

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for field, message in self.rule_errors(data).items():
            if field not in self.errors:
                self.add_error(field if field in self.fields else None, message)
        return data


class CycleStartForm(GovukForm):
    started_on = GovukDateField(
        label="Date the cycle starts",
        help_text="For example, 3 9 2025",
        error_messages={"required": "Enter the date the cycle starts"},
    )
    review_on = GovukDateField(
        label="Agreed review date",
        help_text="Agree it with the pupil and their parents or carers: usually 6 to 12 weeks after the start",
        error_messages={"required": "Enter the agreed review date"},
    )


class EvidenceForm(RulesForm):
    kind = forms.ChoiceField(
        label="Kind of evidence",
        choices=EvidenceKind.choices,
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": "Select the kind of evidence"},
    )
    recorded_on = GovukDateField(label="Date of the evidence", help_text="For example, 27 3 2025", required=False)
    summary = forms.CharField(label="Summary", widget=forms.Textarea, required=False)
    standardised_score = WholeNumberField(
        label="Standardised score",
        example="85",
        help_text="Needed for a standardised test score or CATs scores, and only for them: from 40 to 160",
    )
    source = forms.CharField(
        label="Who gave it",
        help_text="Only for advice from another agency, for example the speech and language therapy service",
        required=False,
    )
    document = forms.FileField(
        label="Upload a document (optional)",
        help_text="A PDF, JPG, PNG or Word document, smaller than 10MB",
        required=False,
        widget=forms.FileInput,
        error_messages={"empty": "The selected file is empty", "invalid": "Select a file to upload"},
    )

    def rule_errors(self, data: Mapping[str, Any]) -> dict[str, str]:
        return cycle_services.evidence_errors(data)


class OutcomeForm(RulesForm):
    description = forms.CharField(label="Outcome", widget=forms.Textarea, required=False)
    achieve_by = GovukDateField(label="To be achieved by", help_text="For example, 12 12 2025", required=False)
    measured_by = forms.CharField(label="How it will be measured", widget=forms.Textarea, required=False)

    def __init__(self, *args: Any, started_on: datetime.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.started_on = started_on

    def rule_errors(self, data: Mapping[str, Any]) -> dict[str, str]:
        return cycle_services.outcome_errors(data, started_on=self.started_on)


class ProvisionForm(RulesForm):
    description = forms.CharField(label="Intervention or support", required=False)
    delivered_by = forms.ChoiceField(
        label="Delivered by",
        choices=DeliveredBy.choices,
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": "Select who delivers it"},
    )
    group_size = WholeNumberField(
        label="Group size",
        example="4",
        initial=1,
        help_text="The number of pupils it is delivered to together, from 1 to 40. The cost is shared equally",
    )
    sessions_per_week = WholeNumberField(label="Sessions per week", example="3")
    minutes_per_session = WholeNumberField(label="Minutes per session", example="30", help_text="From 1 to 600")
    weeks = WholeNumberField(label="Weeks a year", example="38", help_text="From 1 to 52")
    hourly_cost = MoneyField(
        label="Hourly cost, in pounds",
        name="Hourly cost",
        required=False,
        help_text="The cost of an hour of the staff time, for example 18.50. Leave blank for a fixed cost",
    )
    fixed_cost = MoneyField(
        label="Or a fixed cost for the year, in pounds",
        name="Fixed cost",
        required=False,
        help_text="For support bought as a whole, for example a programme licence. Leave blank for an hourly cost",
    )
    outcome = forms.TypedChoiceField(
        label="Outcome it works towards (optional)",
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.Select,
        error_messages={"invalid_choice": "Select an outcome of this cycle, or no outcome"},
    )

    def __init__(self, *args: Any, outcomes: Iterable[Outcome] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: list[tuple[Any, str]] = [("", "Not linked to an outcome")]
        for number, outcome in enumerate(outcomes, start=1):
            text = outcome.description if len(outcome.description) <= 80 else outcome.description[:79] + "…"
            choices.append((outcome.pk, f"Outcome {number}: {text}"))
        self.fields["outcome"].choices = choices  # type: ignore[attr-defined]

    def rule_errors(self, data: Mapping[str, Any]) -> dict[str, str]:
        return cycle_services.provision_errors(data)


class EquipmentForm(RulesForm):
    description = forms.CharField(label="What was bought", required=False)
    cost = MoneyField(label="Cost, in pounds", name="Cost", required=False)
    bought_on = GovukDateField(label="Date bought", help_text="For example, 27 3 2025", required=False)

    def rule_errors(self, data: Mapping[str, Any]) -> dict[str, str]:
        return cycle_services.equipment_errors(data)


class ReviewForm(GovukForm):
    """One progress question (and optional notes) per outcome, then the decision. Progress and the decision
    are checked by pupils.cycles.cycle_review, so its messages are the ones shown."""

    reviewed_on = GovukDateField(
        label="Date of the review",
        help_text="On or after the agreed review date, and not in the future",
        error_messages={"required": "Enter the date of the review"},
    )

    def __init__(self, *args: Any, outcomes: Iterable[Outcome] = (), **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"reviewed_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.outcomes = list(outcomes)
        for number, outcome in enumerate(self.outcomes, start=1):
            self.fields[f"outcome_{outcome.pk}"] = forms.ChoiceField(
                label=f"Progress towards outcome {number}",
                choices=OutcomeProgress.choices,
                widget=forms.RadioSelect,
                required=False,
                error_messages={"invalid_choice": "Select the progress made towards this outcome"},
            )
            self.fields[f"outcome_{outcome.pk}_notes"] = forms.CharField(
                label=f"Notes on outcome {number} (optional)", widget=forms.Textarea, required=False
            )
        self.fields["decision"] = forms.ChoiceField(
            label="Decision",
            choices=ReviewDecision.choices,
            widget=forms.RadioSelect,
            required=False,
            error_messages={"invalid_choice": "Select the decision made at the review"},
        )
        self.fields["review_notes"] = forms.CharField(
            label="Review notes",
            help_text="What was discussed, and the views of the pupil and their parents or carers",
            widget=forms.Textarea,
            required=False,
        )
        self.fields["next_review_on"] = GovukDateField(
            label="Date of the next review",
            help_text=(
                "Needed when the support continues, is adapted or is escalated: "
                "the next cycle starts on the date of this review"
            ),
            required=False,
        )

    def progress(self) -> dict[int, tuple[str, str]]:
        data = self.cleaned_data
        return {
            o.pk: (data.get(f"outcome_{o.pk}") or "", (data.get(f"outcome_{o.pk}_notes") or "").strip())
            for o in self.outcomes
        }
