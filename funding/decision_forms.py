"""Forms for the Area SEND Lead's decisions and the LA officer's budget pages. They read what a person
typed; the rules (how much, which dates, which pots, who) live in funding.services and
funding.budget_services, whose refusals the views show on these forms' fields."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django import forms

from funding.models import Budget, FundingRequest, PotKind, financial_year_label
from localities.models import Locality
from panels.models import Panel
from send_portal.forms import GovukDateField, GovukForm

TEXT_LIMIT = 5000


class MoneyField(forms.DecimalField):
    """Pounds and pence, typed as people write them: "£1,250.50" reads as 1250.50."""

    def __init__(self, *, label: str, what: str, help_text: str = "", **kwargs: Any) -> None:
        super().__init__(
            label=label,
            help_text=help_text,
            max_digits=12,
            decimal_places=2,
            widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "inputmode": "decimal"}),
            error_messages={
                "required": f"Enter {what}",
                "invalid": f"Enter {what} in pounds and pence, like 1250.00",
                "max_decimal_places": f"Enter {what} in pounds and pence: no more than 2 digits after the point",
                "max_digits": f"Enter {what} of £9,999,999,999.99 or less",
                "max_whole_digits": f"Enter {what} of £9,999,999,999.99 or less",
            },
            **kwargs,
        )

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if isinstance(value, str):
            value = value.strip().replace("£", "").replace(",", "").replace(" ", "")
        return super().to_python(value)


def _text(label: str, missing: str, help_text: str = "", *, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=required,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea,
        error_messages={"required": missing, "max_length": f"{label} must be {TEXT_LIMIT:,} characters or fewer"},
    )


def _date(label: str, missing: str) -> GovukDateField:
    return GovukDateField(
        label=label,
        help_text="For example, 1 9 2026",
        error_messages={"required": missing, "invalid": f"{label} must be a real date"},
    )


# Decisions ------------------------------------------------------------------------------------------------


class ActionChoiceForm(GovukForm):
    """Which decision to make (sent by GET to the same page, so it needs no JavaScript)."""

    action = forms.ChoiceField(
        label="What do you want to do?",
        widget=forms.RadioSelect,
        error_messages={"required": "Select what you want to do with the request"},
    )

    def __init__(self, *args: Any, actions: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = actions  # type: ignore[attr-defined]


class AskForInformationForm(GovukForm):
    message = _text(
        "What information do you need?",
        "Enter what information you need from the school",
        "The SENCO gets an email saying you need more information and answers on the request.",
    )

    def service_kwargs(self) -> dict[str, Any]:
        return {"message": self.cleaned_data["message"]}


class ApproveForm(GovukForm):
    """Approve in full (the amount asked for, the period asked for) or in part (less money, a shorter
    period), with conditions; the band where the council uses banding."""

    amount = MoneyField(label="Amount to approve", what="the amount to approve")
    period_start = _date("Start date", "Enter the date the funding starts")
    period_end = _date("End date", "Enter the date the funding ends")
    conditions = _text(
        "Conditions (optional)", "", "For example, a termly report on progress towards the outcomes.", required=False
    )

    def __init__(self, *args: Any, funding_request: FundingRequest, bands: list[Any], **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "amount": funding_request.amount_requested,
                "period_start": funding_request.period_start,
                "period_end": funding_request.period_end,
                "band": funding_request.indicative_band_id or "",
            },
        )
        super().__init__(*args, **kwargs)
        self.fields[
            "amount"
        ].help_text = f"The school asked for £{funding_request.amount_requested:,.2f}. Enter less to approve in part."
        if bands:
            self.fields["band"] = forms.TypedChoiceField(
                label="Band",
                help_text="The indicative band from the school's scores is chosen. Choose another only with a reason.",
                choices=[("", "No band"), *[(b.pk, f"{b.name} (£{b.annual_tariff:,.2f} a year)") for b in bands]],
                coerce=int,
                empty_value=None,
                required=False,
            )
            self.fields["band_reason"] = _text("Reason for a different band (if you chose one)", "", required=False)

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        kwargs = {"amount": data["amount"], "start": data["period_start"], "end": data["period_end"],
                  "conditions": data["conditions"]}  # fmt: skip
        if "band" in self.fields and data.get("band") is not None:
            kwargs |= {"band_id": data["band"], "band_reason": data.get("band_reason", "")}
        return kwargs


class DeclineForm(GovukForm):
    reasons = _text(
        "Reasons for declining",
        "Enter the reasons for declining",
        "The school sees these reasons on the request and in the email telling them.",
    )

    def service_kwargs(self) -> dict[str, Any]:
        return {"reasons": self.cleaned_data["reasons"]}


class ReferForm(GovukForm):
    reason = _text(
        "Why does the request need the central panel?",
        "Enter why the request needs the central panel",
        "For example, the needs are complex and exceptional, or the amount is beyond the locality budget.",
    )

    def service_kwargs(self) -> dict[str, Any]:
        return {"reason": self.cleaned_data["reason"]}


# Each decision: its form, the page's title and its button.
DECISION_PAGES: dict[str, tuple[type[GovukForm], str, str]] = {
    "ask_for_information": (AskForInformationForm, "Ask the school for more information", "Send the question"),
    "approve": (ApproveForm, "Approve the request", "Approve and commit the money"),
    "decline": (DeclineForm, "Decline the request", "Decline the request"),
    "refer": (ReferForm, "Refer the request to the central panel", "Refer to the central panel"),
}


# Budgets --------------------------------------------------------------------------------------------------


class BudgetCreateForm(GovukForm):
    kind = forms.ChoiceField(
        label="Kind of budget",
        choices=PotKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the kind of budget"},
    )
    locality = forms.TypedChoiceField(
        label="Locality (for a locality budget)", coerce=int, empty_value=None, required=False
    )
    panel = forms.TypedChoiceField(
        label="Panel that decides it (for a central budget)", coerce=int, empty_value=None, required=False
    )
    financial_year = forms.TypedChoiceField(
        label="Financial year",
        coerce=datetime.date.fromisoformat,
        error_messages={
            "required": "Select the financial year",
            "invalid_choice": "Select this financial year or the next",
        },
    )
    name = forms.CharField(
        label="Name",
        max_length=150,
        help_text="For example, North locality 2026-27",
        error_messages={
            "required": "Enter a name for the budget",
            "max_length": "Name must be 150 characters or fewer",
        },
    )
    amount = MoneyField(label="Initial amount", what="the initial amount")

    def __init__(
        self,
        *args: Any,
        localities: list[Locality],
        panels: list[Panel],
        years: list[datetime.date],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["locality"].choices = [("", "Select a locality"), *[(loc.pk, loc.name) for loc in localities]]  # type: ignore[attr-defined]
        self.fields["panel"].choices = [("", "Select a panel"), *[(p.pk, p.name) for p in panels]]  # type: ignore[attr-defined]
        self.fields["financial_year"].choices = [(year.isoformat(), financial_year_label(year)) for year in years]  # type: ignore[attr-defined]
        # Only the council's own localities and panels are offered; anything else reads as "none chosen",
        # and the service says which one is needed.
        for name in ("locality", "panel"):
            self.fields[name].error_messages["invalid_choice"] = "Select one from the list"

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "locality_id": data["locality"],
            "panel_id": data["panel"],
            "financial_year_start": data["financial_year"],
            "name": data["name"],
            "amount": data["amount"],
        }


class BudgetAdjustForm(GovukForm):
    direction = forms.ChoiceField(
        label="Increase or decrease the budget?",
        choices=[("increase", "Increase"), ("decrease", "Decrease")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether to increase or decrease the budget"},
    )
    amount = MoneyField(label="Amount of the change", what="the amount of the change")
    reason = _text("Reason", "Enter the reason for the adjustment", "Everyone who reads the budget sees this.")

    def service_kwargs(self) -> dict[str, Any]:
        return {key: self.cleaned_data[key] for key in ("direction", "amount", "reason")}


class _AnyBudgetChoice(forms.TypedChoiceField):
    """Offers the other pots of the year; any number is passed on, so the service can say exactly
    what is wrong with it (the same pot, another year's, not the council's)."""

    def valid_value(self, value: Any) -> bool:
        return str(value).isdigit()


class BudgetTransferForm(GovukForm):
    to_budget = _AnyBudgetChoice(
        label="Transfer to",
        coerce=int,
        empty_value=None,
        error_messages={
            "required": "Select the budget to transfer to",
            "invalid_choice": "Select a budget from the list",
        },
    )
    amount = MoneyField(label="Amount to transfer", what="the amount to transfer")
    reason = _text("Reason", "Enter the reason for the transfer", "Both budgets' ledgers show this.")

    def __init__(self, *args: Any, targets: list[Budget], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_budget"].choices = [("", "Select a budget"), *[(b.pk, b.name) for b in targets]]  # type: ignore[attr-defined]

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"to_budget_id": data["to_budget"], "amount": data["amount"], "reason": data["reason"]}
