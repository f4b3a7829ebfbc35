"""One way to render GOV.UK form fields: a form renderer, widgets and a base form class."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting


class GovukFormRenderer(TemplatesSetting):
    form_template_name = "govuk/forms/form.html"
    field_template_name = "govuk/forms/field.html"


class GovukDateInput(forms.MultiWidget):
    """The GOV.UK date input pattern: separate day, month and year boxes."""

    template_name = "govuk/forms/date_input.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        # Day, month, year: a list so the inputs are named field_0, field_1, field_2.
        widgets: list[forms.Widget | type[forms.Widget]] = [
            forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-2"}),
            forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-2"}),
            forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-4"}),
        ]
        super().__init__(widgets, attrs)

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, datetime.date):
            return [value.day, value.month, value.year]
        if isinstance(value, str) and value.count("-") == 2:
            year, month, day = value.split("-")
            return [day, month, year]
        return [None, None, None]

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        day, month, year = (part.strip() if part else "" for part in super().value_from_datadict(data, files, name))
        if not (day or month or year):
            return ""
        # Unpadded, so a form sent back with errors shows exactly what was typed (strptime accepts "3").
        return f"{year}-{month}-{day}"


class GovukDateField(forms.DateField):
    widget = GovukDateInput
    input_formats = ["%Y-%m-%d"]
    default_error_messages = {"invalid": "Enter a real date, for example 27 3 2017"}


class GovukForm(forms.Form):
    """Base for every page form: GOV.UK error messages and a stable field order for the error summary."""

    template_name = "govuk/forms/form.html"

    def full_clean(self) -> None:
        super().full_clean()
        # A date in error outlines its day, month and year boxes in red (the widget cannot see errors).
        for name in self.errors:
            field = self.fields.get(name)
            if field is not None and isinstance(field.widget, GovukDateInput):
                field.widget.attrs["has_error"] = True


def show_service_errors(form: forms.Form, error: ValidationError, *, renamed: dict[str, str] | None = None) -> None:
    """Show a service's refusal on its form: a keyed message on the field of that name (after `renamed`),
    anything else as an error for the whole form, so the GOV.UK error summary lists it."""
    renamed = renamed or {}
    if hasattr(error, "error_dict"):
        for field, problems in error.message_dict.items():
            field = renamed.get(field, field)
            form.add_error(field if field in form.fields else None, problems)
    else:
        form.add_error(None, error.messages)
