from __future__ import annotations

from typing import Any

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
)


def scheme_settings_update(*, actor: Any, scope: Scope, data: dict[str, Any]) -> LocalAuthority:
    """An LA officer changes their council's scheme policy; the old and new values are audited."""
    if not scope.has_role(Role.LA_OFFICER):
        raise PermissionError("Only LA officers configure the scheme")
    with transaction.atomic():
        authority = LocalAuthority.objects.select_for_update().get(pk=scope.local_authority_id)
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
