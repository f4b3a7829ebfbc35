import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import RoleAssignment
from panels.models import PanelMeeting
from tests.fixtures import client_for


def form(day, **overrides):
    data = {
        "meets_on_0": day.day,
        "meets_on_1": day.month,
        "meets_on_2": day.year,
        "starts_at": "14:30",
        "venue": "Town Hall, Room 2",
        "online_link": "",
    }
    data.update(overrides)
    return data


def test_la_officer_schedules_a_meeting_shown_on_the_panel_page(tenant):
    day = timezone.localdate() + datetime.timedelta(days=10)
    client = client_for(tenant.users["la_officer"])
    response = client.post(reverse("panels:meeting-add", args=[tenant.panel.pk]), form(day), follow=True)
    page = response.content.decode()
    assert "Meeting scheduled" in page and "Town Hall, Room 2" in page and "14:30" in page
    meeting = PanelMeeting.objects.get()
    assert meeting.panel == tenant.panel and timezone.localtime(meeting.meets_at).hour == 14
    member_page = client_for(tenant.users["panel_member"]).get(reverse("panels:detail", args=[tenant.panel.pk]))
    assert "Town Hall, Room 2" in member_page.content.decode()


@pytest.mark.parametrize(
    ("days", "overrides", "message"),
    [
        (-1, {}, "The meeting must be in the future"),
        (5, {"venue": ""}, "Enter where the meeting is, or a link to join it online"),
        (5, {"venue": "", "online_link": "http://meet.example.org/x"}, "must start with https://"),
        (5, {"starts_at": "25:99"}, "Enter a time like 14:30"),
    ],
)
def test_bad_meetings_are_refused_with_a_specific_message(tenant, days, overrides, message):
    day = timezone.localdate() + datetime.timedelta(days=days)
    response = client_for(tenant.users["la_officer"]).post(
        reverse("panels:meeting-add", args=[tenant.panel.pk]), form(day, **overrides)
    )
    assert message in response.content.decode()
    assert not PanelMeeting.objects.exists()


def test_members_are_listed_with_their_place_on_the_panel_chair_first(tenant):
    RoleAssignment.objects.filter(membership__user=tenant.users["panel_member"]).update(
        panel_role="educational_psychologist"
    )
    from tests import factories as f

    chair = f.make_user(tenant.authority, "panel_member", panel=tenant.panel, panel_role="chair")
    page = client_for(tenant.users["la_officer"]).get(reverse("panels:detail", args=[tenant.panel.pk])).content.decode()
    members = page[page.index('data-testid="members"') :]
    assert members.index(chair.full_name) < members.index(tenant.users["panel_member"].full_name)
    assert "Educational Psychologist" in members and "Chair" in members


def test_scheduling_is_for_la_officers_of_the_tenant(world):
    a = world.a
    url = reverse("panels:meeting-add", args=[a.panel.pk])
    day = timezone.localdate() + datetime.timedelta(days=3)
    assert client_for(a.users["panel_member"]).post(url, form(day)).status_code == 403
    assert client_for(a.users["senco"]).get(url).status_code == 403
    assert client_for(world.b.users["la_officer"]).post(url, form(day)).status_code == 404
    assert not PanelMeeting.objects.exists()


def test_a_member_of_another_panel_sees_none_of_its_meetings(tenant):
    from panels.services import meeting_schedule
    from pupils.tests.casework import scope_of

    officer = tenant.users["la_officer"]
    meeting_schedule(
        actor=officer,
        scope=scope_of(officer),
        panel_id=tenant.other_panel.pk,
        meets_at=timezone.now() + datetime.timedelta(days=2),
        venue="Secret room",
        online_link="",
    )
    member = client_for(tenant.users["panel_member"])
    assert member.get(reverse("panels:detail", args=[tenant.other_panel.pk])).status_code == 404
    assert "Secret room" not in member.get(reverse("panels:detail", args=[tenant.panel.pk])).content.decode()
