"""Real browser checks: headless Chromium (Playwright, sync API) against the live server.

Every key page is checked with axe-core for WCAG 2.2 AA violations, and the main journeys are
driven the way a person would: signing in through the form, reading error summaries, following
links, using the keyboard and using the service with JavaScript switched off.

Debian's Chromium is launched once per module; each test gets its own fresh browser context.
"""

from __future__ import annotations

import datetime
import importlib
import os
import re
from collections.abc import Iterator
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.apps import apps as django_apps
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from panels import pack_services, services
from panels.models import PanelDecision, PanelMeeting, PanelPack
from panels.tests import scenario
from pupils.tests.casework import scope_of
from tests import factories as f

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
    """Debian's Chromium, launched once for the whole module (never a Playwright-downloaded browser).

    Playwright's sync API runs an event loop in the test thread, where Django's ORM (test data, the
    transactional_db flush) refuses to run unless DJANGO_ALLOW_ASYNC_UNSAFE is set: set it only
    while the browser is up.
    """
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: install it with `apt-get install -y chromium`")
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def load_census_need_types() -> None:
    """Re-run the data migration that loads the DfE census need types (every pupil needs one)."""
    importlib.import_module("pupils.migrations.0002_census_need_types").add_need_types(django_apps, None)


@pytest.fixture(scope="module", autouse=True)
def _census_need_types_outlive_this_module(django_db_blocker: Any) -> Iterator[None]:
    """live_server's transactional_db flush empties every table, including the need types the migrations
    loaded. (Serialized rollback cannot put them back here: with Playwright's event loop in the test
    thread, Django hands the test a different connection object from the one it serialized with.)
    Reload them once this module is done, for test files that run later in the same process."""
    yield
    with django_db_blocker.unblock():
        load_census_need_types()


@pytest.fixture
def site(transactional_db: Any, live_server: Any) -> str:
    """The live server's base URL, with the migrations' reference data in place for this test."""
    load_census_need_types()
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
def tenants(site: str, world: Any) -> Any:
    """Tenants A and B with a user per role, committed where the live server can see them."""
    return world.a, world.b


@pytest.fixture
def officer_tab(tab: Page, tenants: Any) -> Page:
    """A page signed in, through the real sign-in form, as tenant A's LA officer."""
    sign_in(tab, tenants[0].users["la_officer"].email)
    expect(tab).to_have_url(re.compile(r"/$"))
    return tab


# --- helpers ----------------------------------------------------------------------------------


def sign_in(page: Page, email: str, password: str = f.PASSWORD) -> None:
    """Sign in the way a person does: the real form, by its labels and button."""
    page.goto("/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def axe_violations(page: Page) -> list[dict[str, Any]]:
    return axe.run(page, options=AXE_OPTIONS).response["violations"]


def describe_violations(page: Page, violations: list[dict[str, Any]]) -> str:
    lines = [f"{page.url}: {len(violations)} WCAG 2.2 AA violation(s)"]
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} [{v['helpUrl']}]")
        for node in v["nodes"]:
            summary = " ".join((node.get("failureSummary") or "").split())
            lines.append(f"    at {' '.join(map(str, node['target']))} - {summary}")
    return "\n".join(lines)


def assert_no_axe_violations(page: Page) -> None:
    page.wait_for_load_state("load")
    violations = axe_violations(page)
    assert not violations, describe_violations(page, violations)


def assert_styled_with_govuk_frontend(page: Page) -> None:
    """app.css loaded and applied: GOV.UK Frontend, compiled with Arial, sets the page's fonts."""
    loaded = page.evaluate(
        """path => [...document.styleSheets].some(
            sheet => sheet.href && new URL(sheet.href).pathname === path && sheet.cssRules.length > 100)""",
        STYLESHEET,
    )
    assert loaded, f"{STYLESHEET} did not load on {page.url}"
    font = page.locator("h1").first.evaluate("element => getComputedStyle(element).fontFamily")
    assert "arial" in font.lower(), f"<h1> font-family is {font!r} on {page.url}: GOV.UK Frontend styles not applied"


def assert_error_summary(page: Page, *, expected_message: str) -> None:
    """The GOV.UK error pattern: 'Error:' title prefix, a summary, and links to fields on the page."""
    # Auto-waiting: the click only waits for the new page to be committed, not parsed, so its title may be
    # empty for a moment; then the whole page must have loaded before its links are counted.
    expect(page).to_have_title(re.compile(r"^Error: "))
    page.wait_for_load_state("load")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("heading", level=2)).to_have_text("There is a problem")
    expect(summary.get_by_role("alert")).to_have_count(1)
    links = summary.locator(".govuk-error-summary__list a")
    expect(links.filter(has_text=expected_message)).to_have_count(1)
    for index in range(links.count()):
        href = links.nth(index).get_attribute("href") or ""
        assert href.startswith("#"), f"error summary link {href!r} is not a link to a field on the page"
        target = page.locator(f"[id='{href[1:]}']")
        expect(target, f"the error summary links to {href}, which is not on the page").to_have_count(1)
        tag = target.evaluate("element => element.tagName.toLowerCase()")
        assert tag in ("input", "select", "textarea"), f"the error summary links {href} to a <{tag}>, not a field"


def assert_field_error(page: Page, field: Any, field_id: str, message: str) -> None:
    """The field's own error message is shown once, by the field, and read out with it."""
    error = page.locator(f"[id='{field_id}-error']")
    expect(error).to_have_count(1)
    expect(error).to_contain_text(message)
    expect(field).to_have_attribute("aria-describedby", re.compile(rf"(^|\s){re.escape(field_id)}-error(\s|$)"))


# --- public pages -----------------------------------------------------------------------------


def test_sign_in_page_and_its_errors_are_accessible(tab: Page, tenants: Any) -> None:
    page = tab
    stylesheet_statuses: list[int] = []
    page.on("response", lambda r: stylesheet_statuses.append(r.status) if r.url.endswith(STYLESHEET) else None)
    response = page.goto("/sign-in/")
    assert response is not None and response.status == 200
    expect(page).to_have_title("Sign in – SEND Portal")
    assert stylesheet_statuses == [200], f"{STYLESHEET} responses: {stylesheet_statuses}"
    assert_styled_with_govuk_frontend(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to SEND Portal")
    expect(page.get_by_label("Email address")).to_have_attribute("autocomplete", "email")
    expect(page.get_by_label("Password")).to_have_attribute("autocomplete", "current-password")
    assert_no_axe_violations(page)

    # Submitting nothing: each error links to its own field and is read out with it.
    page.get_by_role("button", name="Sign in").click()
    assert_error_summary(page, expected_message="Enter your email address")
    expect(page.locator(".govuk-error-summary__list a")).to_have_count(2)
    assert_field_error(page, page.get_by_label("Email address"), "id_username", "Enter your email address")
    assert_field_error(page, page.get_by_label("Password"), "id_password", "Enter your password")

    # A wrong password: one error for the form, linked to the first field; the email is kept, the password not.
    email = tenants[0].users["la_officer"].email
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/sign-in/$"))
    assert_error_summary(page, expected_message="Enter a correct email address and password")
    expect(page.locator(".govuk-error-summary__list a")).to_have_count(1)
    expect(page.get_by_label("Email address")).to_have_value(email)
    expect(page.get_by_label("Password")).to_have_value("")
    assert_no_axe_violations(page)

    # The right password signs in.
    page.get_by_label("Password").fill(f.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_title("Home – SEND Portal")


def test_public_pages_are_accessible(tab: Page) -> None:
    page = tab
    reports = []
    for path, heading in [
        ("/accessibility/", "Accessibility statement for SEND Portal"),
        ("/cookies/", "Cookies"),
    ]:
        response = page.goto(path)
        assert response is not None and response.status == 200, f"{path} answered {response and response.status}"
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        assert_styled_with_govuk_frontend(page)
        if violations := axe_violations(page):
            reports.append(describe_violations(page, violations))
    assert not reports, "\n\n".join(reports)


def test_skip_link_is_the_first_focusable_element(tab: Page) -> None:
    page = tab
    page.goto("/cookies/")
    page.keyboard.press("Tab")
    focused = page.locator(":focus")
    expect(focused).to_have_text("Skip to main content")
    expect(focused).to_be_visible()  # visible once focused, not left visually hidden
    expect(focused).to_have_attribute("href", "#main-content")
    expect(page.locator("main#main-content")).to_have_count(1)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main-content$"))


def test_govuk_frontend_javascript_runs(tab: Page) -> None:
    """The inline js-enabled script is allowed by the CSP nonce, so GOV.UK Frontend's components start."""
    page = tab
    console_errors: list[str] = []
    page.on("console", lambda message: console_errors.append(message.text) if message.type == "error" else None)
    page.goto("/sign-in/")
    page.get_by_role("button", name="Sign in").click()
    body_class = page.locator("body").get_attribute("class") or ""
    assert "govuk-frontend-supported" in body_class.split(), f"<body class={body_class!r}>: no GOV.UK Frontend JS"
    # The error summary takes focus when the page loads, and its link moves focus to the field it names.
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    page.locator(".govuk-error-summary__list a").first.click()
    expect(page.get_by_label("Email address")).to_be_focused()
    # The skip link moves focus to the main content.
    page.goto("/cookies/")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("#main-content")).to_be_focused()
    csp_errors = [text for text in console_errors if "Content Security Policy" in text]
    assert not csp_errors, f"the browser refused something under the CSP: {csp_errors}"


# --- signed-in pages (LA officer) -------------------------------------------------------------


def test_la_officer_home_and_schools_pages_are_accessible(officer_tab: Page, tenants: Any) -> None:
    page, tenant = officer_tab, tenants[0]
    expect(page).to_have_title("Home – SEND Portal")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
    expect(page.get_by_test_id("authority-name")).to_have_text(tenant.authority.name)
    nav = page.get_by_role("navigation", name="Menu")
    expect(nav.get_by_role("link", name="Home")).to_have_attribute("aria-current", "page")
    for label in ("Pupils", "Schools", "Localities", "Panels", "Scheme settings", "Sign out"):
        expect(nav.get_by_role("link", name=label, exact=True)).to_be_visible()
    expect(page.get_by_test_id("pupil-total")).to_have_text("3")
    assert_styled_with_govuk_frontend(page)
    assert_no_axe_violations(page)

    nav.get_by_role("link", name="Schools").click()
    expect(page).to_have_url(re.compile(r"/schools/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Schools")
    expect(nav.get_by_role("link", name="Schools")).to_have_attribute("aria-current", "page")
    expect(page.get_by_test_id("result-count")).to_have_text("3 schools")
    assert_no_axe_violations(page)
    school = tenant.school_2
    page.get_by_label("Search by school name or URN").fill(school.urn)
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_test_id("result-count")).to_have_text("1 school")
    expect(page.get_by_role("link", name=school.name, exact=True)).to_be_visible()


def test_pupils_list_and_a_pupil_record_are_accessible(officer_tab: Page, tenants: Any) -> None:
    page, tenant, other_tenant = officer_tab, tenants[0], tenants[1]
    for _ in range(30):  # more than one page of pupils, so the pagination component is checked too
        f.make_pupil(tenant.school_3, nc_year=6)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Pupils").click()
    expect(page).to_have_url(re.compile(r"/pupils/$"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_test_id("result-count")).to_have_text("33 pupils")
    expect(page.get_by_role("navigation", name="Pagination")).to_be_visible()
    expect(page.get_by_text(other_tenant.pupil_1.last_name)).to_have_count(0)
    assert_no_axe_violations(page)

    # Filter with the form as a person would, then open a record from the table.
    page.get_by_label("Year group").select_option(label="Year 4")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"[?&]year=4(&|$)"))
    expect(page.get_by_test_id("result-count")).to_have_text("3 pupils")
    expect(page.get_by_label("Year group")).to_have_value("4")
    pupil = tenant.pupil_1
    page.get_by_role("link", name=f"{pupil.last_name}, {pupil.first_name}", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/pupils/{pupil.pk}/$"))
    expect(page).to_have_title("Pupil record – SEND Portal")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{pupil.first_name} {pupil.last_name}")
    expect(page.get_by_text(pupil.upn)).to_be_visible()
    assert_no_axe_violations(page)

    # Another tenant's pupil is an ordinary, accessible "Page not found" that gives nothing away.
    response = page.goto(f"/pupils/{other_tenant.pupil_1.pk}/")
    assert response is not None and response.status == 404
    expect(page).to_have_title("Page not found – SEND Portal")
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page.get_by_text(other_tenant.pupil_1.last_name)).to_have_count(0)
    assert_styled_with_govuk_frontend(page)
    assert_no_axe_violations(page)


def test_scheme_settings_and_edit_form_are_accessible(officer_tab: Page) -> None:
    page = officer_tab
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Scheme settings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Scheme settings")
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Change scheme settings").click()
    expect(page).to_have_url(re.compile(r"/scheme/edit/$"))
    expect(page).to_have_title("Change scheme settings – SEND Portal")
    expect(page.get_by_role("heading", level=1)).to_have_text("Change scheme settings")
    assert_no_axe_violations(page)

    # Invalid input: the form comes back with the GOV.UK error pattern and is still accessible.
    threshold = page.get_by_label("Notional SEN threshold per pupil, in pounds")
    threshold.fill("-5")
    page.get_by_role("button", name="Save scheme settings").click()
    expect(page).to_have_url(re.compile(r"/scheme/edit/$"))
    expect(page).to_have_title("Error: Change scheme settings – SEND Portal")
    assert_error_summary(page, expected_message="Notional SEN threshold cannot be negative")
    expect(threshold).to_have_value("-5")
    assert_field_error(page, threshold, "id_notional_sen_threshold", "Notional SEN threshold cannot be negative")
    assert_no_axe_violations(page)

    # Two things wrong with one answer: still one error message (one id) for the field.
    threshold.fill("-5.123")
    page.get_by_role("button", name="Save scheme settings").click()
    assert_error_summary(page, expected_message="Notional SEN threshold cannot be negative")
    assert_field_error(page, threshold, "id_notional_sen_threshold", "cannot be negative")

    # Correcting it saves, and the page with the success banner is accessible too.
    threshold.fill("6500")
    page.get_by_role("button", name="Save scheme settings").click()
    expect(page).to_have_url(re.compile(r"/scheme/$"))
    expect(page.get_by_test_id("threshold")).to_have_text("£6,500.00")
    expect(page.get_by_role("alert")).to_contain_text("Scheme settings saved")
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
    page.get_by_role("link", name=f"{pupil.last_name}, {pupil.first_name}", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{pupil.first_name} {pupil.last_name}")


# --- panels -----------------------------------------------------------------------------------


@pytest.fixture
def panel(tenants: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Tenant A's central panel (chair, Educational Psychologist, health, headteacher representative), its
    pot, and two requests its Area SEND Lead referred to it (panels.tests.scenario). The packs are Celery's
    work, which these pages do not need: none is built, so each stays "waiting to start", as the meeting
    page shows while a pack builds."""
    monkeypatch.setattr(pack_services, "_enqueue", lambda pack_id: None)
    return scenario.build(tenants[0])


def signed_in(open_context: Any, user: Any, **options: Any) -> Page:
    """A page in a fresh context, signed in through the form as `user`."""
    page = open_context(**options).new_page()
    sign_in(page, user.email)
    expect(page).to_have_url(re.compile(r"/$"))
    return page


def case_link(page: Page, position: int) -> Any:
    """The agenda's link to a case ("Case 1", then the request's number for screen readers)."""
    return page.get_by_test_id("agenda").get_by_role("link", name=re.compile(rf"^Case {position}\b"))


def test_panel_agenda_and_papers_pages_are_accessible(open_context: Any, panel: Any) -> None:
    """The LA officer's journey: the panel, a scheduled meeting, the agenda builder and its error, the
    confirmation, then the meeting with its papers issued and the pack's progress bar."""
    meeting = scenario.schedule(panel)
    page = signed_in(open_context, panel.officer)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Panels").click()
    page.get_by_role("link", name=panel.panel.name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(panel.panel.name)
    expect(page.get_by_test_id("waiting")).to_contain_text("2 requests waiting")
    assert_no_axe_violations(page)

    page.get_by_test_id("upcoming").get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(rf"/panels/meetings/{meeting.pk}/$"))
    expect(page.get_by_test_id("meeting-status")).to_have_text("Scheduled")
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Build the agenda").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Build the agenda")
    second = panel.requests[1]
    expect(page.get_by_role("checkbox")).to_have_count(2)
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Add the selected requests").click()  # nothing ticked
    assert_error_summary(page, expected_message="Select at least one request to add to the agenda")
    assert_no_axe_violations(page)
    page.get_by_label(re.compile(rf"^Funding request {second.pk}:")).check()
    page.get_by_role("button", name="Add the selected requests").click()
    expect(page.get_by_role("alert")).to_contain_text("1 case added to the agenda")
    page.get_by_role("button", name="Add every waiting request, oldest first").click()
    expect(page.get_by_test_id("agenda").get_by_role("row")).to_have_count(3)  # the header and two cases
    expect(page.get_by_test_id("nothing-waiting")).to_be_visible()
    assert_no_axe_violations(page)  # the table with its move and take-off buttons

    page.get_by_role("link", name="Back to the meeting").click()
    page.get_by_role("link", name="Issue the papers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Issue the papers")
    expect(page.get_by_text("The agenda of 2 cases is then fixed.")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Issue the papers").click()
    expect(page.get_by_role("alert")).to_contain_text("Papers issued")
    expect(page.get_by_test_id("meeting-status")).to_have_text("Papers issued")
    progress = page.get_by_label("Waiting to start")
    expect(progress).to_have_attribute("value", "0")
    expect(page.locator('meta[http-equiv="refresh"]')).to_have_count(0)  # no timed reload (WCAG 2.2.1)
    assert_no_axe_violations(page)

    # Once the pack is built the page says so in place, without reloading, and tells screen readers.
    page.evaluate("window.stillThisPage = true")
    PanelPack.objects.filter(meeting=meeting).update(status="done", progress=100, pages=3, finished_at=timezone.now())
    # The script checks every 3 seconds (PACK_REFRESH_SECONDS): allow it two checks.
    built = page.get_by_test_id("pack")
    expect(built).to_contain_text("Download the panel pack (PDF, 3 pages)", timeout=TIMEOUT_MS)
    expect(page.get_by_test_id("pack-announcement")).to_have_text("The papers are ready")
    assert page.evaluate("window.stillThisPage === true")
    assert_no_axe_violations(page)


def test_panel_members_conflict_and_recommendation_pages_are_accessible(open_context: Any, panel: Any) -> None:
    """A member reads the papers, recommends (an error first) and declares a conflict (an error first);
    the chair then sees the members' recommendations side by side."""
    meeting = scenario.issued_meeting(panel)
    first = scenario.item_of(panel, panel.requests[0])
    member = signed_in(open_context, panel.members[1])
    member.goto(f"/panels/meetings/{meeting.pk}/")
    expect(member.get_by_label("Waiting to start")).to_be_visible()  # their own copy of the papers
    assert_no_axe_violations(member)

    case_link(member, 1).click()
    expect(member.get_by_role("heading", level=1)).to_have_text("Case 1")
    assert_no_axe_violations(member)
    member.get_by_role("link", name="Record your recommendation").click()
    expect(member.get_by_role("heading", level=1)).to_have_text("Record your recommendation")
    assert_no_axe_violations(member)
    member.get_by_label("Support a different amount").check()
    member.get_by_role("button", name="Record recommendation").click()
    assert_error_summary(member, expected_message="Enter the amount you would support")
    assert_no_axe_violations(member)
    member.get_by_label("Amount you would support (if a different amount)").fill("600")
    member.get_by_label("Comment").fill("Half the sessions would meet the need")
    member.get_by_role("button", name="Record recommendation").click()
    expect(member.get_by_role("alert")).to_contain_text("Your recommendation on case 1 is recorded")

    case_link(member, 2).click()
    member.get_by_role("link", name="Declare a conflict of interest").click()
    expect(member.get_by_role("heading", level=1)).to_have_text("Declare a conflict of interest")
    assert_no_axe_violations(member)
    member.get_by_role("button", name="Declare the conflict").click()
    assert_error_summary(member, expected_message="Enter the reason for the conflict of interest")
    assert_no_axe_violations(member)
    member.get_by_label("What is your conflict of interest?").fill("My niece attends the school")
    member.get_by_role("button", name="Declare the conflict").click()
    expect(member.get_by_role("alert")).to_contain_text("Conflict of interest declared on case 2")
    expect(member.get_by_text("Withheld: a conflict of interest is recorded for you")).to_be_visible()
    assert_no_axe_violations(member)

    health = panel.members[2]
    services.recommendation_record(
        actor=health, scope=scope_of(health), item_id=first.pk, choice="support", amount=None, comment="Clear need"
    )
    chair = signed_in(open_context, panel.chair)
    chair.goto(f"/panels/cases/{first.pk}/")
    table = chair.get_by_test_id("recommendations")
    expect(table.get_by_role("row")).to_have_count(3)  # the header and both members, side by side
    expect(table).to_contain_text("£600.00")
    assert_no_axe_violations(chair)


def test_attendance_decision_and_the_school_s_review_pages_are_accessible(open_context: Any, panel: Any) -> None:
    """On the day: the chair records attendance and a decline (missing reasons first); the case shows the
    decision; the school reads it on its request and opens "Ask for a review" (an empty reason first)."""
    meeting = scenario.issued_meeting(panel)
    PanelMeeting.objects.filter(pk=meeting.pk).update(meets_at=timezone.now() - datetime.timedelta(hours=1))
    chair = signed_in(open_context, panel.chair)
    chair.goto(f"/panels/meetings/{meeting.pk}/")
    chair.get_by_role("link", name="Record attendance").click()
    expect(chair.get_by_role("heading", level=1)).to_have_text("Record attendance")
    expect(chair.get_by_role("checkbox")).to_have_count(len(panel.members))
    assert_no_axe_violations(chair)
    for member in panel.members[:3]:
        chair.get_by_label(re.compile(rf"^{re.escape(member.full_name)} \(")).check()
    chair.get_by_role("button", name="Record attendance").click()
    expect(chair.get_by_role("alert")).to_contain_text("Attendance recorded")
    expect(chair.get_by_test_id("meeting-status")).to_have_text("Held")
    expect(chair.get_by_test_id("attendance")).to_contain_text(f"{panel.members[3].full_name}: apologies")
    assert_no_axe_violations(chair)

    case_link(chair, 1).click()
    expect(chair.get_by_test_id("quorum")).to_contain_text("Quorate")
    chair.get_by_role("link", name="Record the panel's decision").click()
    expect(chair.get_by_role("group", name="What has the panel decided?")).to_be_visible()
    assert_no_axe_violations(chair)
    chair.get_by_label("Decline").check()
    chair.get_by_role("button", name="Continue").click()
    expect(chair.get_by_role("heading", level=1)).to_have_text("Record the panel's decision: decline")
    assert_no_axe_violations(chair)
    chair.get_by_role("button", name="Record the decision").click()  # no reasons
    assert_error_summary(chair, expected_message="Enter the reasons for declining")
    assert_no_axe_violations(chair)
    reasons = chair.get_by_label("Reasons for declining, in plain English")
    reasons.fill("The support can be met within the school's notional SEN budget.")
    chair.get_by_role("button", name="Record the decision").click()
    expect(chair.get_by_role("alert")).to_contain_text("Decision on case 1 recorded: decline")
    expect(chair.get_by_test_id("decisions")).to_contain_text("notional SEN budget")
    assert_no_axe_violations(chair)

    senco = signed_in(open_context, panel.sencos[panel.requests[0].school_id])
    senco.goto(f"/funding/requests/{panel.requests[0].pk}/")
    expect(senco.get_by_test_id("panel-decisions")).to_contain_text("decline")
    assert_no_axe_violations(senco)
    senco.get_by_text("Ask for a review of the panel's decision").click()  # opens the details
    review = senco.get_by_role("button", name="Ask for a review")
    expect(review).to_be_visible()
    assert_no_axe_violations(senco)
    review.click()
    assert_error_summary(senco, expected_message="Enter why you are asking for the decision to be reviewed")
    expect(senco.get_by_role("button", name="Ask for a review")).to_be_visible()  # the details open again
    assert_no_axe_violations(senco)


def test_the_chair_records_a_decision_without_javascript(open_context: Any, panel: Any) -> None:
    """Every step of a decision is a link or a form post: choosing the outcome is a GET form, not a script."""
    scenario.start_meeting(panel)
    first = scenario.item_of(panel, panel.requests[0])
    page = signed_in(open_context, panel.chair, java_script_enabled=False)
    expect(page.locator("body")).not_to_have_class(re.compile(r"js-enabled"))
    page.goto(f"/panels/meetings/{first.meeting_id}/")
    case_link(page, 1).click()
    page.get_by_role("link", name="Record the panel's decision").click()
    page.get_by_label("Approve a different amount").check()
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"[?&]outcome=approve_different$"))
    page.get_by_label("Amount the panel approves").fill("750")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_role("alert")).to_contain_text("Decision on case 1 recorded: approve a different amount")
    decision = PanelDecision.objects.get(agenda_item=first)
    assert decision.amount == 750 and decision.decided_by == panel.chair
