"""Forms for the SEN register. They check what a person typed; the register's rules (census, duplicate
UPN, who may change what) live in pupils.services, whose errors send_portal.forms.show_service_errors
shows on the form."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from localities.models import School
from pupils.models import NationalCurriculumYear, NeedType, SenStatus
from pupils.services import DATE_OF_BIRTH_IN_THE_PAST
from pupils.upn import validate_upn
from send_portal.forms import GovukDateField, GovukForm

NAME_INPUT = {"spellcheck": "false", "autocomplete": "off"}


def _date_field(label: str, *, required: bool, help_text: str, missing: str = "") -> GovukDateField:
    messages = {"invalid": f"{label} must be a real date"}
    if missing:
        messages["required"] = missing
    return GovukDateField(label=label, help_text=help_text, required=required, error_messages=messages)


class PupilForm(GovukForm):
    """Add a pupil to the register (the edit form is the same without the school)."""

    school = forms.TypedChoiceField(
        label="School",
        coerce=int,
        error_messages={"required": "Select the school", "invalid_choice": "Select one of your schools"},
    )
    upn = forms.CharField(
        label="UPN (unique pupil number)",
        help_text="13 characters, as on the school census, for example A801200005001",
        max_length=20,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20", **NAME_INPUT}),
        error_messages={"required": "Enter the pupil's UPN", "max_length": "UPN must be 13 characters"},
    )
    first_name = forms.CharField(
        label="First name",
        max_length=100,
        widget=forms.TextInput(attrs=NAME_INPUT),
        error_messages={
            "required": "Enter the pupil's first name",
            "max_length": "First name must be 100 characters or fewer",
        },
    )
    last_name = forms.CharField(
        label="Last name",
        max_length=100,
        widget=forms.TextInput(attrs=NAME_INPUT),
        error_messages={
            "required": "Enter the pupil's last name",
            "max_length": "Last name must be 100 characters or fewer",
        },
    )
    date_of_birth = _date_field(
        "Date of birth", required=True, help_text="For example, 27 3 2016", missing="Enter the pupil's date of birth"
    )
    nc_year = forms.TypedChoiceField(
        label="Year group",
        coerce=int,
        choices=[("", "Select a year group"), *NationalCurriculumYear.choices],
        error_messages={
            "required": "Select the pupil's year group",
            "invalid_choice": "Select the pupil's year group from the list",
        },
    )
    sen_status = forms.ChoiceField(
        label="SEN provision",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select SEN Support or EHC plan",
            "invalid_choice": "Select SEN Support or EHC plan",
        },
    )
    primary_need = forms.ChoiceField(
        label="Primary need",
        required=False,  # for SEN Support and EHC plans: see clean()
        error_messages={
            "invalid_choice": "Select the pupil's primary need from the list of census need types",
        },
    )
    secondary_need = forms.ChoiceField(
        label="Secondary need",
        required=False,
        error_messages={"invalid_choice": "Select the pupil's secondary need from the list of census need types"},
    )
    ehcp_issued_on = _date_field(
        "EHC plan issue date",
        required=False,
        help_text="Needed for a pupil with an EHC plan. For example, 14 9 2023",
    )
    sen_support_since = _date_field(
        "Date added to SEN Support", required=False, help_text="If you know it. For example, 5 9 2024"
    )
    joined_school_on = _date_field(
        "Date the pupil joined the school",
        required=False,
        help_text=(
            "For a pupil who joined part-way through the year: the notional SEN threshold is shared by the days "
            "they are at the school. Leave it blank if they were at the school before this financial year "
            "began. For example, 6 1 2026"
        ),
    )

    def __init__(
        self,
        *args: Any,
        needs: Iterable[NeedType],
        statuses: Sequence[tuple[str, str]],
        schools: Sequence[School] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if schools is None:
            del self.fields["school"]
        else:
            self.fields["school"].choices = [(school.pk, school.name) for school in schools]  # type: ignore[attr-defined]
            if len(schools) == 1:
                self.fields["school"].initial = schools[0].pk
        need_choices = [(need.code, f"{need.name} ({need.code})") for need in needs]
        self.fields["primary_need"].choices = [("", "Select a need"), *need_choices]  # type: ignore[attr-defined]
        self.fields["secondary_need"].choices = [("", "None"), *need_choices]  # type: ignore[attr-defined]
        self.fields["sen_status"].choices = list(statuses)  # type: ignore[attr-defined]

    # The service checks these again (with the duplicate UPN check); here they are reported together with
    # everything else missing from the form, on the first try.
    def clean_upn(self) -> str:
        return validate_upn(self.cleaned_data["upn"])

    def clean_date_of_birth(self) -> datetime.date:
        born: datetime.date = self.cleaned_data["date_of_birth"]
        if born >= timezone.localdate():
            raise ValidationError(DATE_OF_BIRTH_IN_THE_PAST)
        return born

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # Census rule: a primary need for SEN Support and EHC plans, so for everything but No SEN.
        needs_a_need = data.get("sen_status") != SenStatus.NO_SEN
        if needs_a_need and not data.get("primary_need") and "primary_need" not in self.errors:
            self.add_error("primary_need", "Select the pupil's primary need")
        return data

    def service_kwargs(self) -> dict[str, Any]:
        """The cleaned answers, named as pupils.services.pupil_add and pupil_update take them."""
        data = self.cleaned_data
        kwargs = {
            "upn": data["upn"],
            "first_name": data["first_name"],
            "last_name": data["last_name"],
            "date_of_birth": data["date_of_birth"],
            "nc_year": data["nc_year"],
            "sen_status": data["sen_status"],
            "primary_need_code": data["primary_need"],
            "secondary_need_code": data["secondary_need"],
            "ehcp_issued_on": data["ehcp_issued_on"],
            "sen_support_since": data["sen_support_since"],
            "joined_school_on": data["joined_school_on"],
        }
        if "school" in self.fields:
            kwargs["school_id"] = data["school"]
        return kwargs


class PupilMoveForm(GovukForm):
    to_school = forms.TypedChoiceField(
        label="School the pupil is moving to",
        coerce=int,
        error_messages={
            "required": "Select the school the pupil is moving to",
            "invalid_choice": "Select the school the pupil is moving to from the list",
        },
    )
    moved_on = _date_field(
        "Date of the move", required=True, help_text="For example, 1 9 2025", missing="Enter the date of the move"
    )
    reason = forms.CharField(
        label="Reason for the move",
        widget=forms.Textarea,
        max_length=2000,
        error_messages={
            "required": "Enter the reason for the move",
            "max_length": "Reason for the move must be 2000 characters or fewer",
        },
    )

    def __init__(self, *args: Any, schools: Sequence[School], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"moved_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        choices = [("", "Select a school"), *((school.pk, school.name) for school in schools)]
        self.fields["to_school"].choices = choices  # type: ignore[attr-defined]


class PupilRemoveForm(GovukForm):
    removed_on = _date_field(
        "Date removed from the register",
        required=True,
        help_text="For example, 20 7 2025",
        missing="Enter the date the pupil was removed from the register",
    )
    reason = forms.CharField(
        label="Reason for removing the pupil from the register",
        help_text="For example, the pupil has made enough progress that they no longer need SEN Support",
        widget=forms.Textarea,
        max_length=2000,
        error_messages={
            "required": "Enter a reason for removing the pupil from the register",
            "max_length": "Reason must be 2000 characters or fewer",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"removed_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class PupilReturnForm(GovukForm):
    """A confirmation: nothing to fill in, but the service's refusal is shown as the form's error."""
