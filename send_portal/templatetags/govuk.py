from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.forms import BoundField

register = template.Library()


@register.filter
def money(value: Any) -> str:
    """Format pounds and pence the one way the service shows money: £1,234.50."""
    if value is None or value == "":
        return ""
    amount = Decimal(value).quantize(Decimal("0.01"))
    sign = "-" if amount < 0 else ""
    return f"{sign}£{abs(amount):,.2f}"


@register.filter
def widget_kind(field: BoundField) -> str:
    """Which GOV.UK component renders this field."""
    name = type(field.field.widget).__name__
    return {
        "RadioSelect": "radios",
        "CheckboxSelectMultiple": "checkboxes",
        "CheckboxInput": "checkbox",
        "Select": "select",
        "Textarea": "textarea",
        "GovukDateInput": "date",
        "ClearableFileInput": "file",
        "FileInput": "file",
        "PasswordInput": "password",
    }.get(name, "input")


@register.filter
def error_anchor(field: BoundField) -> str:
    """The id the error summary links to: the first input of a multi-input field."""
    kind = widget_kind(field)
    if kind == "date":
        return f"{field.auto_id}_0"
    if kind in ("radios", "checkboxes"):
        return f"{field.auto_id}_0"
    return str(field.auto_id)


@register.simple_tag(takes_context=True)
def query_with(context: Any, **changes: Any) -> str:
    """The current query string with some parameters changed (pagination and sort links)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    return "?" + params.urlencode() if params else "?"


@register.filter
def divide_money(value: Any, shared_by: Any) -> Decimal:
    """An amount shared equally, to the penny (the same rounding as pupils.costs)."""
    from pupils.costs import to_pennies

    return to_pennies(Decimal(value) / int(shared_by))


@register.filter
def is_decimal(field: BoundField) -> bool:
    """GOV.UK asks for text inputs with an inputmode rather than type=number: decimals need a point."""
    from django import forms

    return isinstance(field.field, forms.DecimalField)
