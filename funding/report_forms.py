"""The form that asks for a budget report. Who may ask for what is checked again by the service."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django import forms

from funding.reports import year_label
from localities.models import Locality
from send_portal.forms import GovukForm

WHOLE_AUTHORITY = "authority"


class BudgetReportForm(GovukForm):
    scope = forms.ChoiceField(
        label="What should the report cover?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select what the report should cover",
            "invalid_choice": "Select one of the options listed",
        },
    )
    financial_year = forms.ChoiceField(
        label="Financial year",
        error_messages={
            "required": "Select the financial year",
            "invalid_choice": "Select one of the financial years listed",
        },
    )

    def __init__(
        self,
        data: Any = None,
        *,
        localities: Sequence[Locality],
        years: Sequence[datetime.date],
        whole_authority: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(data, **kwargs)
        choices = [(WHOLE_AUTHORITY, "The whole local authority: every pot")] if whole_authority else []
        choices += [(str(locality.pk), f"{locality.name} locality") for locality in localities]
        self.fields["scope"].choices = choices  # type: ignore[attr-defined]
        self.fields["financial_year"].choices = [(y.isoformat(), year_label(y)) for y in years]  # type: ignore[attr-defined]
        if choices and not self.is_bound:
            self.initial.setdefault("scope", choices[0][0])
        if years and not self.is_bound:
            self.initial.setdefault("financial_year", years[0].isoformat())

    def service_kwargs(self) -> dict[str, Any]:
        scope = self.cleaned_data["scope"]
        return {
            "locality_id": None if scope == WHOLE_AUTHORITY else int(scope),
            "financial_year_start": datetime.date.fromisoformat(self.cleaned_data["financial_year"]),
        }
