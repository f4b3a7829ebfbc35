from django.urls import reverse

from tests.factories import PASSWORD


def test_sign_in_with_email_then_see_role_home_with_authority_name(client, tenant):
    senco = tenant.users["senco"]
    response = client.post(reverse("accounts:sign-in"), {"username": senco.email, "password": PASSWORD}, follow=True)
    page = response.content.decode()
    assert response.status_code == 200
    assert tenant.authority.name in page
    assert "SENCO (" + tenant.school_1.name + ")" in page
    # Navigation follows the role: a SENCO has Pupils and Schools, not Scheme settings or Panels.
    assert reverse("pupils:list") in page and reverse("localities:school-list") in page
    assert reverse("localities:scheme-settings") not in page
    assert reverse("panels:list") not in page


def test_la_officer_navigation_includes_scheme_settings(client, tenant):
    client.force_login(tenant.users["la_officer"])
    page = client.get(reverse("home")).content.decode()
    assert reverse("localities:scheme-settings") in page
    assert reverse("panels:list") in page


def test_email_is_case_insensitive(client, tenant):
    senco = tenant.users["senco"]
    response = client.post(reverse("accounts:sign-in"), {"username": senco.email.upper(), "password": PASSWORD})
    assert response.status_code == 302


def test_wrong_password_shows_the_error_summary(client, tenant):
    response = client.post(reverse("accounts:sign-in"), {"username": tenant.users["senco"].email, "password": "nope"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Sign in" in page
    assert "Enter a correct email address and password" in page
    assert "govuk-error-summary" in page


def test_empty_form_names_each_missing_field(client, db):
    page = client.post(reverse("accounts:sign-in"), {"username": "", "password": ""}).content.decode()
    assert 'href="#id_username">Enter your email address' in page
    assert 'href="#id_password">Enter your password' in page


def test_sign_out_is_a_post(client, tenant):
    client.force_login(tenant.users["senco"])
    assert client.get(reverse("accounts:sign-out")).status_code == 200  # confirmation page, still signed in
    assert client.get(reverse("home")).status_code == 200
    client.post(reverse("accounts:sign-out"))
    assert client.get(reverse("home")).status_code == 302


def test_sign_in_is_locked_for_an_account_after_five_wrong_passwords(client, tenant):
    from django.core.cache import cache

    cache.clear()
    email = tenant.users["senco"].email
    for _ in range(5):
        client.post(reverse("accounts:sign-in"), {"username": email, "password": "wrong"})
    response = client.post(reverse("accounts:sign-in"), {"username": email, "password": PASSWORD})
    assert response.status_code == 200  # even the right password is refused for now
    assert "Wait 15 minutes" in response.content.decode()
    other = tenant.users["area_lead"].email
    assert client.post(reverse("accounts:sign-in"), {"username": other, "password": PASSWORD}).status_code == 302
    cache.clear()
