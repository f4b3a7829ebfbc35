from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from accounts.models import Role
from tests import factories as f


@dataclass
class World:
    """Two tenants, each with two localities, schools, pupils and one user per role."""

    a: Any
    b: Any


@dataclass
class Tenant:
    authority: Any
    locality_1: Any
    locality_2: Any
    school_1: Any  # in locality_1
    school_2: Any  # in locality_1
    school_3: Any  # in locality_2
    pupil_1: Any  # at school_1
    pupil_2: Any  # at school_2
    pupil_3: Any  # at school_3
    panel: Any
    other_panel: Any
    users: dict[str, Any]


def build_tenant() -> Tenant:
    authority = f.make_authority()
    loc1, loc2 = f.make_locality(authority), f.make_locality(authority)
    s1, s2, s3 = f.make_school(authority, loc1), f.make_school(authority, loc1), f.make_school(authority, loc2)
    panel, other_panel = f.make_panel(authority), f.make_panel(authority)
    users = {
        "senco": f.make_user(authority, Role.SENCO, school=s1),
        "area_lead": f.make_user(authority, Role.AREA_SEND_LEAD, locality=loc1),
        "panel_member": f.make_user(authority, Role.PANEL_MEMBER, panel=panel),
        "la_officer": f.make_user(authority, Role.LA_OFFICER),
        "finance_officer": f.make_user(authority, Role.FINANCE_OFFICER),
        "specialist": f.make_user(authority, Role.SPECIALIST),
    }
    return Tenant(
        authority, loc1, loc2, s1, s2, s3,
        f.make_pupil(s1), f.make_pupil(s2), f.make_pupil(s3),
        panel, other_panel, users,
    )  # fmt: skip


@pytest.fixture
def world(db: Any) -> World:
    return World(a=build_tenant(), b=build_tenant())


@pytest.fixture
def tenant(world: World) -> Tenant:
    return world.a


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client
