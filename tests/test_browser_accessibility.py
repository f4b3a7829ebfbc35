"""Real browser checks: headless Chromium (Playwright, sync API) against the live server.

Every key page is checked with axe-core for WCAG 2.2 AA violations, and the main journeys are
driven the way a person would: signing in through the form, reading error summaries, following
links, using the keyboard and using the service with JavaScript switched off.

Debian's Chromium is launched once per module; each test gets its own fresh browser context.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from tests import factories as f

# Playwright's sync API keeps an event loop in the test thread; Django's ORM (used by factories and
# live_server's test data) would refuse to run there without this.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_22_AA}, "resultTypes": ["violations"]}
STYLESHEET = "/static/css/app.css"
TIMEOUT_MS = 10_000

axe = Axe()


# --- fixtures ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    """Debian's Chromium, launched once for the whole module (never a Playwright-downloaded browser)."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: install it with `apt-get install -y chromium`")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def site(transactional_db: Any, django_db_serialized_rollback: Any, live_server: Any) -> str:
    """The live server's base URL.

    live_server needs transactional_db, whose flush would also empty the census need types the
    migrations load; serialized rollback puts them back for every test (and for the next test file).
    """
    return live_server.url


@pytest.fixture
def open_context(chromium: Browser, site: str) -> Iterator[Any]:
    """Open fresh browser contexts (own cookies, own settings) that are closed after the test."""
    contexts: list[BrowserContext] = []

    def open_context(**options: Any) -> BrowserContext:
        context = chromium.new_context(base_url=site, **options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context

    yield open_context
    for context in contexts:
        context.close()


@pytest.fixture
def tab(open_context: Any) -> Page:
    """A JavaScript-enabled page in a fresh context (deliberately not pytest-playwright's `page`)."""
    return open_context().new_page()


@pytest.fixture
def tenants(site: str) -> Any:
    """Two tenants with a user per role (built inside the transactional database live_server sees)."""
    from tests.fixtures import build_tenant

    return build_tenant(), build_tenant()


@pytest.fixture
def officer_tab(tab: Page, tenants: Any) -> Page:
    """A page signed in, through the real sign-in form, as tenant A's LA officer."""
    sign_in(tab, tenants[0].users["la_officer"].email)
    expect(tab).to_have_url(re.compile(r"/$"))
    return tab


# --- helpers ----------------------------------------------------------------------------------


def sign_in(page: Page, email: str, password: str = f.PASSWORD) -> None:
    page.goto("/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def assert_no_axe_violations(page: Page) -> None:
    results = axe.run(page, options=AXE_OPTIONS)
    violations = results.response["violations"]
    report = "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} [{v['helpUrl']}]\n"
        + "\n".join(f"    at {' '.join(map(str, node['target']))}: {node.get('failureSummary', '')}" for node in v["nodes"])
        for v in violations
    )
    assert not violations, f"axe found {len(violations)} WCAG 2.2 AA violation(s) on {page.url}:\n{report}"


def assert_styled_with_govuk_frontend(page: Page) -> None:
    """app.css loaded and applied: GOV.UK Frontend compiled with Arial sets the heading's font."""
    loaded = page.evaluate(
        """href => [...document.styleSheets].some(
            sheet => sheet.href && new URL(sheet.href).pathname === href && sheet.cssRules.length > 100)""",
        STYLESHEET,
    )
    assert loaded, f"{STYLESHEET} did not load on {page.url}"
    font = page.locator("h1").first.evaluate("element => getComputedStyle(element).fontFamily")
    assert "arial" in font.lower(), f"h1 font-family is {font!r}: GOV.UK Frontend styles were not applied"


def assert_error_summary(page: Page, *, expected_message: str) -> None:
    """The GOV.UK error summary pattern: 'Error:' title prefix, summary, links to real fields."""
    assert page.title().startswith("Error: "), f"page title {page.title()!r} does not start with 'Error: '"
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    links = summary.locator(".govuk-error-summary__list a")
    expect(links.filter(has_text=expected_message)).to_have_count(1)
    for index in range(links.count()):
        href = links.nth(index).get_attribute("href") or ""
        assert href.startswith("#"), f"error summary link {href!r} is not a link to a field on the page"
        target = page.locator(f"[id='{href[1:]}']")
        expect(target, f"error summary links to {href}, which is not on the page").to_have_count(1)
        tag = target.evaluate("element => element.tagName.toLowerCase()")
        assert tag in ("input", "select", "textarea"), f"error summary links to a <{tag}>, not a form field"


# --- public pages -----------------------------------------------------------------------------


def test_sign_in_page_is_styled_and_accessible(tab: Page) -> None:
    page = tab
    stylesheet_statuses: list[int] = []
    page.on("response", lambda r: stylesheet_statuses.append(r.status) if r.url.endswith(STYLESHEET) else None)
    response = page.goto("/sign-in/")
    assert response is not None and response.status == 200
    expect(page).to_have_title(re.compile(r"^Sign in – SEND Portal$"))
    assert stylesheet_statuses == [200], f"{STYLESHEET} responses: {stylesheet_statuses}"
    assert_styled_with_govuk_frontend(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to SEND Portal")
    expect(page.get_by_label("Email address")).to_have_attribute("autocomplete", "email")
    expect(page.get_by_label("Password")).to_have_attribute("autocomplete", "current-password")
    assert_no_axe_violations(page)


def test_wrong_password_shows_an_accessible_error_summary(tab: Page, tenants: Any) -> None:
    page = tab
    email = tenants[0].users["la_officer"].email
    sign_in(page, email, password="not-the-password")
    expect(page).to_have_url(re.compile(r"/sign-in/$"))
    assert_error_summary(page, expected_message="Enter a correct email address and password")
    # What the person typed is kept; the password never is.
    expect(page.get_by_label("Email address")).to_have_value(email)
    expect(page.get_by_label("Password")).to_have_value("")
    assert_no_axe_violations(page)
    # The right password then signs in.
    page.get_by_label("Password").fill(f.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")


def test_empty_sign_in_links_each_error_to_its_field(tab: Page) -> None:
    page = tab
    page.goto("/sign-in/")
    page.get_by_role("button", name="Sign in").click()
    assert_error_summary(page, expected_message="Enter your email address")
    expect(page.locator(".govuk-error-summary__list a")).to_have_count(2)
    expect(page.locator("#id_username-error")).to_contain_text("Enter your email address")
    expect(page.get_by_label("Email address")).to_have_attribute("aria-describedby", re.compile(r"\bid_username-error\b"))
    expect(page.get_by_label("Password")).to_have_attribute("aria-describedby", re.compile(r"\bid_password-error\b"))
    assert_no_axe_violations(page)


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/accessibility/", "Accessibility statement for SEND Portal"),
        ("/cookies/", "Cookies"),
    ],
)
def test_public_page_is_accessible(tab: Page, path: str, heading: str) -> None:
    page = tab
    response = page.goto(path)
    assert response is not None and response.status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    assert_styled_with_govuk_frontend(page)
    assert_no_axe_violations(page)


def test_skip_link_is_the_first_thing_a_keyboard_reaches(tab: Page) -> None:
    page = tab
    page.goto("/accessibility/")
    page.keyboard.press("Tab")
    focused = page.locator(":focus")
    expect(focused).to_have_text("Skip to main content")
    expect(focused).to_be_visible()  # shown on focus, not left visually hidden
    expect(focused).to_have_attribute("href", "#main-content")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main-content$"))


@pytest.mark.xfail(
    strict=True,
    reason="CSP bug: settings put the literal 'nonce' in script-src instead of csp.constants.NONCE, so the "
    "header carries no nonce-… source, base.html's inline script is blocked, <body> never gets "
    "govuk-frontend-supported and GOV.UK Frontend's initAll() initialises no component. "
    "Remove this marker once the setting is fixed.",
)
def test_govuk_frontend_javascript_runs(tab: Page, tenants: Any) -> None:
    page = tab
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    sign_in(page, tenants[0].users["la_officer"].email, password="not-the-password")
    expect(page.locator("body")).to_have_class(re.compile(r"\bgovuk-frontend-supported\b"), timeout=2_000)
    # The error summary takes focus on load, and its link moves focus to the field it names.
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    link = page.locator(".govuk-error-summary__list a").first
    link.click()
    expect(page.locator(f"[id='{(link.get_attribute('href') or '#')[1:]}']")).to_be_focused()
    # The skip link moves focus to the main content.
    page.keyboard.press("Shift+Tab")
    page.goto("/accessibility/")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("#main-content")).to_be_focused()
    assert not errors, f"JavaScript errors in the console: {errors}"


# --- signed-in pages (LA officer) -------------------------------------------------------------


def test_la_officer_home_page_is_accessible(officer_tab: Page, tenants: Any) -> None:
    page = officer_tab
    expect(page).to_have_title(re.compile(r"^Home – SEND Portal$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
    expect(page.get_by_test_id("authority-name")).to_have_text(tenants[0].authority.name)
    nav = page.get_by_role("navigation", name="Menu")
    expect(nav.get_by_role("link", name="Home")).to_have_attribute("aria-current", "page")
    for label in ("Pupils", "Schools", "Localities", "Panels", "Scheme settings", "Sign out"):
        expect(nav.get_by_role("link", name=label, exact=True)).to_be_visible()
    expect(page.get_by_test_id("pupil-total")).to_have_text("3")
    assert_styled_with_govuk_frontend(page)
    assert_no_axe_violations(page)


def test_pupils_list_and_a_pupil_record_are_accessible(officer_tab: Page, tenants: Any) -> None:
    page, tenant = officer_tab, tenants[0]
    for _ in range(30):  # more than one page of pupils, so the pagination component is checked too
        f.make_pupil(tenant.school_3, nc_year=6)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Pupils").click()
    expect(page).to_have_url(re.compile(r"/pupils/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Pupils")
    expect(page.get_by_test_id("result-count")).to_have_text("33 pupils")
    expect(page.get_by_role("navigation", name="Pagination")).to_be_visible()
    expect(page.get_by_text(tenants[1].pupil_1.last_name)).to_have_count(0)  # never another tenant's pupil
    assert_no_axe_violations(page)

    # Filter with the form as a person would, then open a record from the table.
    page.get_by_label("Year group").select_option(label="Year 4")
    page.get_by_label("Sort by").select_option(label="School")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"year=4"))
    expect(page.get_by_test_id("result-count")).to_have_text("3 pupils")
    expect(page.get_by_label("Year group")).to_have_value("4")
    pupil = tenant.pupil_1
    page.get_by_role("link", name=f"{pupil.last_name}, {pupil.first_name}", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/pupils/{pupil.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{pupil.first_name} {pupil.last_name}")
    expect(page.get_by_text(pupil.upn)).to_be_visible()
    assert_no_axe_violations(page)


def test_schools_list_is_accessible(officer_tab: Page, tenants: Any) -> None:
    page = officer_tab
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Schools").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Schools")
    expect(page.get_by_test_id("result-count")).to_have_text("3 schools")
    assert_no_axe_violations(page)
    school = tenants[0].school_2
    page.get_by_label("Search by school name or URN").fill(school.urn)
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_test_id("result-count")).to_have_text("1 school")
    expect(page.get_by_role("link", name=school.name, exact=True)).to_be_visible()


def test_scheme_settings_and_edit_form_are_accessible(officer_tab: Page) -> None:
    page = officer_tab
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Scheme settings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Scheme settings")
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Change scheme settings").click()
    expect(page).to_have_url(re.compile(r"/scheme/edit/$"))
    expect(page).to_have_title(re.compile(r"^Change scheme settings – SEND Portal$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Change scheme settings")
    assert_no_axe_violations(page)

    # Invalid input: the form comes back with the GOV.UK error pattern and is still accessible.
    threshold = page.get_by_label("Notional SEN threshold per pupil, in pounds")
    threshold.fill("-5")
    page.get_by_role("button", name="Save scheme settings").click()
    expect(page).to_have_url(re.compile(r"/scheme/edit/$"))
    assert_error_summary(page, expected_message="Notional SEN threshold cannot be negative")
    expect(threshold).to_have_value("-5")
    expect(threshold).to_have_attribute("aria-describedby", re.compile(r"\bid_notional_sen_threshold-error\b"))
    expect(page.locator("#id_notional_sen_threshold-error")).to_contain_text("cannot be negative")
    assert_no_axe_violations(page)

    # Correcting it saves, and the page with the success banner is accessible too.
    threshold.fill("6500")
    page.get_by_role("button", name="Save scheme settings").click()
    expect(page).to_have_url(re.compile(r"/scheme/$"))
    expect(page.get_by_test_id("threshold")).to_have_text("£6,500.00")
    expect(page.get_by_role("alert")).to_contain_text("Scheme settings saved")
    assert_no_axe_violations(page)


def test_another_tenants_pupil_is_an_accessible_404(officer_tab: Page, tenants: Any) -> None:
    page = officer_tab
    response = page.goto(f"/pupils/{tenants[1].pupil_1.pk}/")
    assert response is not None and response.status == 404
    expect(page).to_have_title(re.compile(r"^Page not found – SEND Portal$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page.get_by_text(tenants[1].pupil_1.last_name)).to_have_count(0)
    assert_styled_with_govuk_frontend(page)
    assert_no_axe_violations(page)


# --- without JavaScript -----------------------------------------------------------------------


def test_service_works_without_javascript(open_context: Any, tenants: Any) -> None:
    page = open_context(java_script_enabled=False).new_page()
    sign_in(page, tenants[0].users["la_officer"].email)
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator("body")).not_to_have_class(re.compile(r"js-enabled"))  # no script ran
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Pupils").click()
    expect(page).to_have_url(re.compile(r"/pupils/$"))
    expect(page.get_by_test_id("result-count")).to_have_text("3 pupils")
    pupil = tenants[0].pupil_2
    expect(page.get_by_role("link", name=f"{pupil.last_name}, {pupil.first_name}", exact=True)).to_be_visible()
