"""An LA officer configures the scheme; bad input is refused with a specific message and nothing changes."""

from decimal import Decimal

from django.urls import reverse

from audit.models import AuditEvent
from tests.fixtures import client_for

VALID = {
    "scheme_name": "Locality SEND Support",
    "scheme_summary": "",
    "notional_sen_threshold": "6500.00",
    "financial_year_start_month": "4",
    "min_completed_cycles_for_top_up": "3",
    "early_adopter_schools_only": "on",
    "ehcp_issued_before_excluded_0": "1",
    "ehcp_issued_before_excluded_1": "11",
    "ehcp_issued_before_excluded_2": "2020",
    "apportion_by": "months",
    "panel_quorum": "4",
    "panel_packs_pseudonymised": "on",
    "decision_target_days": "42",
}


def test_la_officer_changes_the_threshold_and_it_is_audited(tenant):
    officer = tenant.users["la_officer"]
    response = client_for(officer).post(reverse("localities:scheme-settings-edit"), VALID, follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Scheme settings saved" in page
    assert "£6,500.00" in page
    tenant.authority.refresh_from_db()
    assert tenant.authority.notional_sen_threshold == Decimal("6500.00")
    assert tenant.authority.min_completed_cycles_for_top_up == 3
    assert str(tenant.authority.ehcp_issued_before_excluded) == "2020-11-01"
    assert (tenant.authority.panel_quorum, tenant.authority.panel_packs_pseudonymised) == (4, True)
    assert tenant.authority.decision_target_days == 42
    assert "Initials and a pupil reference instead of names and UPNs" in page and "42 days from submission" in page
    event = AuditEvent.objects.get(action="scheme_settings_changed")
    assert event.actor == officer
    assert event.changes["notional_sen_threshold"] == ["6000.00", "6500.00"]


def test_negative_threshold_is_refused_with_a_specific_message_and_nothing_saved(tenant):
    data = {**VALID, "notional_sen_threshold": "-5"}
    response = client_for(tenant.users["la_officer"]).post(reverse("localities:scheme-settings-edit"), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in page
    assert "govuk-error-summary" in page
    assert 'href="#id_notional_sen_threshold"' in page
    assert "Notional SEN threshold cannot be negative" in page
    tenant.authority.refresh_from_db()
    assert tenant.authority.notional_sen_threshold == Decimal("6000.00")
    assert tenant.authority.min_completed_cycles_for_top_up == 2
    assert not AuditEvent.objects.filter(action="scheme_settings_changed").exists()


def test_fractions_of_a_penny_and_impossible_dates_are_refused(tenant):
    data = {**VALID, "notional_sen_threshold": "6000.001", "ehcp_issued_before_excluded_0": "31",
            "ehcp_issued_before_excluded_1": "2"}  # fmt: skip
    page = client_for(tenant.users["la_officer"]).post(reverse("localities:scheme-settings-edit"), data)
    text = page.content.decode()
    assert "Notional SEN threshold can only have pence" in text
    assert "Enter a real date" in text
    assert 'href="#id_ehcp_issued_before_excluded_0"' in text


def test_user_text_is_escaped(tenant):
    data = {**VALID, "scheme_name": "<script>alert(1)</script>"}
    client = client_for(tenant.users["la_officer"])
    page = client.post(reverse("localities:scheme-settings-edit"), data, follow=True).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_other_tenant_officer_cannot_change_this_tenants_settings(world):
    client_for(world.b.users["la_officer"]).post(reverse("localities:scheme-settings-edit"), VALID)
    world.a.authority.refresh_from_db()
    assert world.a.authority.notional_sen_threshold == Decimal("6000.00")
    world.b.authority.refresh_from_db()
    assert world.b.authority.notional_sen_threshold == Decimal("6500.00")  # only their own changed


def test_senco_cannot_post_scheme_settings(tenant):
    response = client_for(tenant.users["senco"]).post(reverse("localities:scheme-settings-edit"), VALID)
    assert response.status_code == 403
    tenant.authority.refresh_from_db()
    assert tenant.authority.notional_sen_threshold == Decimal("6000.00")


def test_a_partly_entered_date_is_shown_back_exactly_as_typed(tenant):
    data = {**VALID, "ehcp_issued_before_excluded_0": "1", "ehcp_issued_before_excluded_1": "",
            "ehcp_issued_before_excluded_2": "2020"}  # fmt: skip
    page = client_for(tenant.users["la_officer"]).post(reverse("localities:scheme-settings-edit"), data)
    text = page.content.decode()
    assert "Enter a real date" in text
    assert text.count("govuk-date-input__input govuk-input--width-2 govuk-input--error") == 2  # day and month
    assert (
        'id="id_ehcp_issued_before_excluded_0" name="ehcp_issued_before_excluded_0" type="text" inputmode="numeric" value="1"'
        in text
    )
    assert 'name="ehcp_issued_before_excluded_1" type="text" inputmode="numeric">' in text  # month left empty


def test_money_and_counts_use_text_inputs_with_an_inputmode(tenant):
    page = client_for(tenant.users["la_officer"]).get(reverse("localities:scheme-settings-edit")).content.decode()
    assert 'name="notional_sen_threshold" type="text" inputmode="decimal"' in page.replace(
        'id="id_notional_sen_threshold" ', ""
    )
    assert 'type="number"' not in page


def test_a_panel_needs_at_least_one_member_and_a_target_of_a_day_or_more(tenant):
    officer = tenant.users["la_officer"]
    response = client_for(officer).post(
        reverse("localities:scheme-settings-edit"), {**VALID, "panel_quorum": "0", "decision_target_days": "0"}
    )
    page = response.content.decode()
    assert "A panel needs at least 1 member to decide a case" in page and "The target must be at least 1 day" in page
    tenant.authority.refresh_from_db()
    assert (tenant.authority.panel_quorum, tenant.authority.decision_target_days) == (3, 30)


def test_la_officer_says_whether_the_council_runs_locality_budgets(tenant):
    officer = tenant.users["la_officer"]
    client = client_for(officer)
    assert tenant.authority.runs_locality_budgets is True  # the default
    form = client.get(reverse("localities:scheme-settings-edit")).content.decode()
    assert 'name="runs_locality_budgets"' in form and "The council devolves budgets to its localities" in form
    response = client.post(reverse("localities:scheme-settings-edit"), VALID, follow=True)  # the box left unticked
    assert "No: requests go to the council&#x27;s panels" in response.content.decode()
    tenant.authority.refresh_from_db()
    assert tenant.authority.runs_locality_budgets is False
    assert AuditEvent.objects.get(action="scheme_settings_changed").changes["runs_locality_budgets"] == [True, False]
    response = client.post(
        reverse("localities:scheme-settings-edit"), {**VALID, "runs_locality_budgets": "on"}, follow=True
    )
    assert "Yes: a locality school&#x27;s requests go to its Area SEND Lead" in response.content.decode()
    tenant.authority.refresh_from_db()
    assert tenant.authority.runs_locality_budgets is True


def test_the_migration_keeps_each_council_s_routing_as_it_was(world):
    """Before the setting, a council ran locality budgets when it had one: the migration says so for each."""
    import importlib

    from django.apps import apps

    from tests import factories as f

    migration = importlib.import_module("localities.migrations.0005_runs_locality_budgets")
    f.make_budget(world.a.authority, locality=world.a.locality_1)
    migration.from_locality_budgets(apps, None)
    world.a.authority.refresh_from_db()
    world.b.authority.refresh_from_db()
    assert world.a.authority.runs_locality_budgets is True
    assert world.b.authority.runs_locality_budgets is False


def test_the_financial_year_start_cannot_move_once_the_council_has_budgets(tenant):
    from tests import factories as f

    client = client_for(tenant.users["la_officer"])
    url = reverse("localities:scheme-settings-edit")
    f.make_budget(tenant.authority, locality=tenant.locality_1, amount="1000.00", actor=tenant.users["la_officer"])
    response = client.post(url, {**VALID, "financial_year_start_month": "9", "notional_sen_threshold": "7000"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "<title>Error: " in page and 'href="#id_financial_year_start_month"' in page
    message = (
        "The financial year must keep starting in April: the council has 1 budget for years that start in April, "
        "and the commitments on them are shared between those years"
    )
    assert message in page.split('id="id_financial_year_start_month-error"')[1].split("</p>")[0].replace("&#x27;", "'")
    tenant.authority.refresh_from_db()
    assert tenant.authority.financial_year_start_month == 4
    assert tenant.authority.notional_sen_threshold == Decimal("6000.00")  # nothing else was saved either
    assert not AuditEvent.objects.filter(action="scheme_settings_changed").exists()
    # Keeping April, the other settings save as usual.
    assert client.post(url, {**VALID, "notional_sen_threshold": "7000"}).status_code == 302


def test_the_financial_year_start_can_move_before_any_budget_is_set(tenant):
    response = client_for(tenant.users["la_officer"]).post(
        reverse("localities:scheme-settings-edit"), {**VALID, "financial_year_start_month": "9"}
    )
    assert response.status_code == 302
    tenant.authority.refresh_from_db()
    assert tenant.authority.financial_year_start_month == 9
