from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import Role
from accounts.scoping import Scope
from audit.services import audit_record, changes_between
from localities.models import LocalAuthority

SCHEME_SETTING_FIELDS = (
    "scheme_name",
    "scheme_summary",
    "notional_sen_threshold",
    "financial_year_start_month",
    "min_completed_cycles_for_top_up",
    "early_adopter_schools_only",
    "ehcp_issued_before_excluded",
    "apportion_by",
    "runs_locality_budgets",
    "above_threshold_to_top_up_panel",
    "panel_quorum",
    "panel_packs_pseudonymised",
    "decision_target_days",
)


def _financial_year_errors(authority: LocalAuthority, month: Any) -> dict[str, str]:
    """The financial year's first month cannot move once money is in the books: every budget is for a year
    starting in the old month, and approvals share awards between those years. Refused, in plain words."""
    from funding.models import Budget  # funding depends on localities, not the other way round

    if month is None or month == authority.financial_year_start_month:
        return {}
    budgets = Budget.objects.filter(local_authority_id=authority.pk).count()
    if not budgets:
        return {}
    current = datetime.date(2000, authority.financial_year_start_month, 1).strftime("%B")
    return {
        "financial_year_start_month": f"The financial year must keep starting in {current}: the council has "
        f"{budgets} budget{'s' if budgets != 1 else ''} for years that start in {current}, and the commitments "
        "on them are shared between those years"
    }


def scheme_settings_update(*, actor: Any, scope: Scope, data: dict[str, Any]) -> LocalAuthority:
    """An LA officer changes their council's scheme policy; the old and new values are audited. The month
    the financial year starts is fixed once the council has budgets."""
    if not scope.has_role(Role.LA_OFFICER):
        raise PermissionError("Only LA officers configure the scheme")
    with transaction.atomic():
        authority = LocalAuthority.objects.select_for_update().get(pk=scope.local_authority_id)
        errors = _financial_year_errors(authority, data.get("financial_year_start_month"))
        if errors:
            raise ValidationError(errors)
        before = {name: getattr(authority, name) for name in SCHEME_SETTING_FIELDS}
        for name in SCHEME_SETTING_FIELDS:
            if name in data:
                setattr(authority, name, data[name])
        authority.full_clean()
        authority.save()
        after = {name: getattr(authority, name) for name in SCHEME_SETTING_FIELDS}
        changes = changes_between(_jsonable(before), _jsonable(after))
        if changes:
            audit_record(
                actor=actor,
                local_authority_id=authority.pk,
                action="scheme_settings_changed",
                obj=authority,
                summary="Scheme settings changed: " + ", ".join(sorted(changes)),
                changes=changes,
            )
    return authority


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    return {
        key: (value if isinstance(value, (str, int, bool, type(None))) else str(value)) for key, value in values.items()
    }
