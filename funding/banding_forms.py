from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from funding.banding_models import BandingDomain
from send_portal.forms import GovukForm


class ScoresForm(GovukForm):
    """One level (radios, with the council's descriptors), the supporting evidence and why, per domain."""

    def __init__(
        self, *args: Any, domains: list[BandingDomain], evidence: list[tuple[int, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.domains = domains
        for domain in domains:
            self.fields[f"level_{domain.pk}"] = forms.TypedChoiceField(
                label=f"{domain.name} (weight {domain.weight.normalize()})",
                choices=[(lv.level, f"Level {lv.level}: {lv.descriptor}") for lv in domain.levels.all()],
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": f"Select a level for {domain.name.lower()}"},
            )
            self.fields[f"evidence_{domain.pk}"] = forms.TypedChoiceField(
                label=f"Evidence for {domain.name.lower()}",
                choices=[("", "None chosen"), *evidence],
                coerce=int,
                empty_value=None,
                required=False,
            )
            self.fields[f"rationale_{domain.pk}"] = forms.CharField(
                label=f"Why this level for {domain.name.lower()}",
                widget=forms.Textarea,
                required=False,
                max_length=2000,
            )

    def levels(self) -> dict[int, tuple[int, int | None, str]]:
        data = self.cleaned_data
        return {
            d.pk: (data[f"level_{d.pk}"], data[f"evidence_{d.pk}"], data[f"rationale_{d.pk}"]) for d in self.domains
        }


class DomainForm(GovukForm):
    name = forms.CharField(
        label="Need domain", max_length=120, error_messages={"required": "Enter the name of the need domain"}
    )
    weight = forms.DecimalField(
        label="Weight",
        min_value=Decimal("0.01"),
        max_digits=5,
        decimal_places=2,
        initial=Decimal("1"),
        error_messages={
            "required": "Enter the weight",
            "min_value": "Weight must be more than 0",
            "invalid": "Weight must be a number, like 1 or 1.5",
        },
    )
    levels = forms.CharField(
        label="Level descriptors",
        help_text="One level a line, starting with level 0 (no additional need)",
        widget=forms.Textarea,
        error_messages={"required": "Describe at least two levels, one a line, starting with level 0"},
    )


class BandForm(GovukForm):
    name = forms.CharField(label="Band", max_length=60, error_messages={"required": "Enter the name of the band"})
    min_score = forms.DecimalField(
        label="Lowest weighted score in this band",
        max_digits=7,
        decimal_places=2,
        error_messages={"required": "Enter the lowest score", "invalid": "Enter a number, like 8"},
    )
    annual_tariff = forms.DecimalField(
        label="Annual amount above the notional threshold, in pounds",
        max_digits=12,
        decimal_places=2,
        error_messages={"required": "Enter the annual amount", "invalid": "Enter an amount of money, like 3000.00"},
    )
