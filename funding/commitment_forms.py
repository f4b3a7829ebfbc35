from __future__ import annotations

from django import forms

from send_portal.forms import GovukForm


class CommitmentActionForm(GovukForm):
    amount = forms.DecimalField(
        label="Amount, in pounds",
        max_digits=14,
        decimal_places=4,
        error_messages={"required": "Enter the amount", "invalid": "Enter an amount of money, like 1200.00"},
    )
    memo = forms.CharField(label="Reason or reference", max_length=255, required=False)


class ReverseEntryForm(GovukForm):
    reason = forms.CharField(
        label="Why it is being reversed",
        help_text="For example, the invoice was paid twice, or the adjustment was for the wrong budget",
        max_length=255,
        error_messages={"required": "Enter why the entry is being reversed"},
    )
