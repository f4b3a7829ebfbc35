"""Small builders for test data. Every pupil gets a valid synthetic UPN."""

from __future__ import annotations

import datetime
import itertools
from typing import Any

from accounts.models import Membership, Role, RoleAssignment, User
from localities.models import LocalAuthority, Locality, School
from panels.models import Panel, PanelKind
from pupils.models import NeedType, Pupil, SenStatus
from pupils.upn import check_letter

_counter = itertools.count(1)
LA_CODES = itertools.cycle(["306", "808", "929", "926", "928", "940", "941", "201", "202", "203"])
PASSWORD = "correct-horse-battery-staple"


def make_authority(**overrides: Any) -> LocalAuthority:
    n = next(_counter)
    code = overrides.pop("la_code", None)
    while code is None:
        candidate = next(LA_CODES)
        if not LocalAuthority.objects.filter(la_code=candidate).exists():
            code = candidate
    return LocalAuthority.objects.create(name=overrides.pop("name", f"Authority {n}"), la_code=code, **overrides)


def make_locality(authority: LocalAuthority, **overrides: Any) -> Locality:
    return Locality.objects.create(local_authority=authority, name=overrides.pop("name", f"Locality {next(_counter)}"))


def make_school(authority: LocalAuthority, locality: Locality | None = None, **overrides: Any) -> School:
    n = next(_counter)
    defaults: dict[str, Any] = {
        "urn": f"{100000 + n}",
        "establishment_number": f"{2000 + n % 8000:04d}",
        "name": f"School {n}",
        "phase": "primary",
        "is_early_adopter": True,
    }
    defaults.update(overrides)
    return School.objects.create(local_authority=authority, locality=locality, **defaults)


def make_upn(school: School, serial: int | None = None) -> str:
    serial = next(_counter) if serial is None else serial
    body = f"{school.local_authority.la_code}{school.establishment_number}21{serial % 1000:03d}"
    return check_letter(body) + body


def make_pupil(school: School, **overrides: Any) -> Pupil:
    n = next(_counter)
    defaults: dict[str, Any] = {
        "upn": make_upn(school, n),
        "first_name": f"Pupil{n}",
        "last_name": f"Surname{n}",
        "date_of_birth": datetime.date(2015, 1, 1),
        "nc_year": 4,
        "sen_status": SenStatus.SEN_SUPPORT,
        "primary_need": NeedType.objects.get(code="SLCN"),
    }
    defaults.update(overrides)
    return Pupil.objects.create(local_authority=school.local_authority, school=school, **defaults)


def make_panel(authority: LocalAuthority, **overrides: Any) -> Panel:
    return Panel.objects.create(
        local_authority=authority,
        name=overrides.pop("name", f"Panel {next(_counter)}"),
        kind=overrides.pop("kind", PanelKind.HIGH_NEEDS_TOP_UP),
    )


def make_user(authority: LocalAuthority | None = None, role: str | None = None, **scope: Any) -> User:
    n = next(_counter)
    user = User.objects.create_user(f"user{n}@example.org", PASSWORD, full_name=f"User {n}")
    if authority is not None and role is not None:
        grant(user, authority, role, **scope)
    return user


def grant(user: User, authority: LocalAuthority, role: str, **scope: Any) -> Membership:
    membership, _ = Membership.objects.get_or_create(user=user, local_authority=authority)
    RoleAssignment.objects.create(membership=membership, role=role, **scope)
    return membership


__all__ = ["Role"]


def make_open_cycle(pupil: Pupil, *, review_on: Any, started_on: Any = None, number: int = 1) -> Any:
    """An open cycle made directly (any school, no actor), keeping the pupil's next_review_on as the
    cycle workflow (pupils.cycles) does."""
    from pupils.models import Cycle

    started_on = started_on or min(review_on, datetime.date.today()) - datetime.timedelta(days=60)
    cycle = Cycle.objects.create(
        local_authority=pupil.local_authority, pupil=pupil, number=number, started_on=started_on, review_on=review_on
    )
    Pupil.objects.filter(pk=pupil.pk).update(next_review_on=review_on)
    pupil.next_review_on = review_on
    return cycle


def make_budget(authority: LocalAuthority, *, kind: str = "locality", locality: Locality | None = None,
                year_start: Any = None, amount: Any = None, actor: Any = None, panel: Any = None) -> Any:  # fmt: skip
    """A pot for a financial year (the current one by default), optionally with its budget set."""
    from decimal import Decimal

    from funding import ledger
    from funding.models import Budget
    from funding.years import financial_year_start

    year_start = year_start or financial_year_start(datetime.date.today(), authority.financial_year_start_month)
    budget = Budget.objects.create(
        local_authority=authority, kind=kind, locality=locality if kind == "locality" else None, panel=panel,
        name=f"{kind} pot {next(_counter)}", financial_year_start=year_start,
    )  # fmt: skip
    if amount is not None:
        ledger.budget_set(actor=actor or make_user(), budget_id=budget.pk, amount=Decimal(amount))
    return budget


def make_meeting(panel: Panel, *, status: str = "papers_issued", meets_at: Any = None, actor: Any = None) -> Any:
    """A meeting of `panel` made directly (no service), next week by default, its papers issued."""
    from django.utils import timezone

    from panels.models import PanelMeeting

    return PanelMeeting.objects.create(
        local_authority=panel.local_authority, panel=panel, status=status, venue="Town hall, room 2",
        meets_at=meets_at or timezone.now() + datetime.timedelta(days=7), created_by=actor or make_user(),
    )  # fmt: skip


def place_on_agenda(meeting: Any, funding_request: Any, *, actor: Any = None) -> Any:
    """Put a request on a meeting's agenda directly (no service), after the cases already there."""
    from panels.models import AgendaItem

    return AgendaItem.objects.create(
        local_authority=meeting.local_authority, meeting=meeting, funding_request=funding_request,
        position=meeting.items.count() + 1, added_by=actor or make_user(),
    )  # fmt: skip
