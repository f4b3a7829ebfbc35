from __future__ import annotations

from decimal import Decimal

from django import forms

from localities.models import ApportionBy, SendArea
from send_portal.forms import GovukDateField, GovukForm

MONTHS = [
    (1, "January"), (2, "February"), (3, "March"), (4, "April"), (5, "May"), (6, "June"),
    (7, "July"), (8, "August"), (9, "September"), (10, "October"), (11, "November"), (12, "December"),
]  # fmt: skip


class SchemeSettingsForm(GovukForm):
    scheme_name = forms.CharField(
        label="Scheme name", max_length=120, error_messages={"required": "Enter the name of the scheme"}
    )
    scheme_summary = forms.CharField(
        label="Summary for schools and families", widget=forms.Textarea, required=False, max_length=4000
    )
    notional_sen_threshold = forms.DecimalField(
        label="Notional SEN threshold per pupil, in pounds",
        help_text="Schools meet additional support up to this amount a year from their notional SEN budget. "
        "Nationally this is £6,000.",
        min_value=Decimal("0"),
        max_value=Decimal("1000000"),
        max_digits=12,
        decimal_places=2,
        error_messages={
            "required": "Enter the notional SEN threshold",
            "invalid": "Notional SEN threshold must be an amount of money, like 6000 or 6000.00",
            "min_value": "Notional SEN threshold cannot be negative",
            "max_value": "Notional SEN threshold must be £1,000,000 or less",
            "max_decimal_places": "Notional SEN threshold can only have pence, not fractions of a penny",
        },
    )
    financial_year_start_month = forms.TypedChoiceField(
        label="Financial year starts in", choices=MONTHS, coerce=int, widget=forms.Select
    )
    min_completed_cycles_for_top_up = forms.IntegerField(
        label="Completed assess, plan, do, review cycles needed before a top-up request",
        min_value=0,
        max_value=12,
        error_messages={
            "required": "Enter the number of completed cycles",
            "invalid": "Number of completed cycles must be a whole number, like 2",
            "min_value": "Number of completed cycles cannot be negative",
            "max_value": "Number of completed cycles must be 12 or fewer",
        },
    )
    early_adopter_schools_only = forms.BooleanField(
        label="Only early-adopter mainstream schools may request locality funding", required=False
    )
    ehcp_issued_before_excluded = GovukDateField(
        label="Pupils with an EHC plan issued before this date are not eligible for locality funding",
        help_text="Leave blank if every pupil with an EHC plan may be considered. For example, 1 11 2020",
        required=False,
    )
    runs_locality_budgets = forms.BooleanField(
        label="The council devolves budgets to its localities",
        help_text="Requests from a school in a locality go to the locality's Area SEND Lead. Otherwise every "
        "request goes to the High Needs top-up panel, or to the complex and exceptional needs panel when the school "
        "says it is for complex and exceptional needs",
        required=False,
    )
    above_threshold_to_top_up_panel = forms.BooleanField(
        label="Requests that take a pupil above the notional threshold go to the High Needs top-up panel",
        help_text="Otherwise the Area SEND Lead of the school's locality decides them",
        required=False,
    )
    apportion_by = forms.ChoiceField(
        label="Share awards that span two financial years by",
        choices=ApportionBy.choices,
        widget=forms.RadioSelect,
    )
    panel_quorum = forms.IntegerField(
        label="Members needed for a panel to decide a case",
        help_text="Members present at the meeting without a conflict of interest on the case",
        min_value=1,
        max_value=20,
        error_messages={
            "required": "Enter how many members a panel needs to decide a case",
            "invalid": "Members needed must be a whole number, like 3",
            "min_value": "A panel needs at least 1 member to decide a case",
            "max_value": "Members needed must be 20 or fewer",
        },
    )
    panel_packs_pseudonymised = forms.BooleanField(
        label="Panel packs show initials and a pupil reference instead of names and UPNs", required=False
    )
    decision_target_days = forms.IntegerField(
        label="Target for a decision, in days from submission",
        help_text="Requests waiting longer are flagged on the timeliness page",
        min_value=1,
        max_value=365,
        error_messages={
            "required": "Enter the target for a decision in days",
            "invalid": "The target must be a whole number of days, like 30",
            "min_value": "The target must be at least 1 day",
            "max_value": "The target must be 365 days or fewer",
        },
    )


class StaffTrainingForm(GovukForm):
    staff_name = forms.CharField(
        label="Member of staff", max_length=150, error_messages={"required": "Enter the name of the member of staff"}
    )
    course = forms.CharField(
        label="Course or training", max_length=200, error_messages={"required": "Enter the course or training"}
    )
    completed_on = GovukDateField(
        label="Date completed", error_messages={"required": "Enter the date the training was completed"}
    )
    send_area = forms.ChoiceField(
        label="SEND area",
        choices=SendArea.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the SEND area the training covered"},
    )
