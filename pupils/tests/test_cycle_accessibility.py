"""The cycle pages, with and without errors, have no WCAG 2.2 AA violations axe can find.

Pages are rendered by the test client, then loaded into Debian's Chromium with the compiled stylesheet (no live
server, so the database stays in the test's transaction). Playwright starts only after the ORM work is done:
its event loop in the test thread would otherwise stop Django's ORM."""

from __future__ import annotations

import datetime
import os
import pathlib
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pupils import cycle_services
from pupils.models import ReviewDecision
from pupils.tests.test_cycle_uploads import PDF
from pupils.tests.test_cycle_workflow import add_outcome, add_provision, date_fields, review, scope_of, start, today
from tests.fixtures import client_for

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
STYLESHEET = pathlib.Path(__file__).resolve().parents[2] / "frontend" / "build" / "css" / "app.css"
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
    "resultTypes": ["violations"],
}


def violations_of(pages: dict[str, str]) -> dict[str, list[str]]:
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: install it with `apt-get install -y chromium`")
    found: dict[str, list[str]] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
        try:
            page = browser.new_page()
            for name, html in pages.items():
                page.set_content(html)
                if STYLESHEET.exists():
                    page.add_style_tag(path=str(STYLESHEET))
                result = Axe().run(page, options=AXE_OPTIONS).response["violations"]
                found[name] = [f"{v['id']}: {v['help']} ({len(v['nodes'])})" for v in result]
        finally:
            browser.close()
    return {name: problems for name, problems in found.items() if problems}


def test_cycle_pages_are_accessible(tenant, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    senco_user = tenant.users["senco"]
    cycle = start(tenant)
    outcome = add_outcome(tenant, cycle)
    add_provision(tenant, cycle, outcome=outcome, group_size=4)
    cycle_services.evidence_add(
        actor=senco_user, scope=scope_of(senco_user), cycle_id=cycle.pk, kind="agency_advice", recorded_on=today(),
        summary="Advice", source="Educational psychology", document=SimpleUploadedFile("ep.pdf", PDF),
    )  # fmt: skip
    cycle_services.equipment_add(
        actor=senco_user, scope=scope_of(senco_user), cycle_id=cycle.pk, description="Slope", cost=Decimal("20"),
        bought_on=today(),
    )  # fmt: skip
    senco = client_for(senco_user)

    def get(name, *args):
        return senco.get(reverse(f"pupils:{name}", args=[tenant.pupil_1.pk, *args])).content.decode()

    def post(name, data, *args):
        return senco.post(reverse(f"pupils:{name}", args=[tenant.pupil_1.pk, *args]), data).content.decode()

    item = cycle.evidence.get()
    pages = {
        "list": get("cycle-list"),
        "detail (open, due)": get("cycle-detail", cycle.pk),
        "evidence form errors": post("cycle-evidence-add", {"kind": "cats", "standardised_score": "7"}, cycle.pk),
        "outcome form errors": post("cycle-outcome-add", {}, cycle.pk),
        "provision form errors": post("cycle-provision-add", {"hourly_cost": "-1", "fixed_cost": "3"}, cycle.pk),
        "equipment form": get("cycle-equipment-add", cycle.pk),
        "remove evidence": get("cycle-evidence-remove", cycle.pk, item.pk),
        "review form errors": post("cycle-review", date_fields("reviewed_on", today()), cycle.pk),
    }
    next_cycle = review(
        tenant, cycle, decision=ReviewDecision.ESCALATE, progress={outcome.pk: ("partly", "")},
        next_review_on=today() + datetime.timedelta(days=40),
    )  # fmt: skip
    pages["detail (reviewed, escalated to a funding request)"] = get("cycle-detail", cycle.pk)
    pages["closed"] = get("cycle-outcome-add", cycle.pk)
    pages["review not due"] = get("cycle-review", next_cycle.pk)
    pages["list with start form"] = client_for(tenant.users["senco"]).get(
        reverse("pupils:cycle-list", args=[tenant.pupil_1.pk])
    ).content.decode()  # fmt: skip
    pages["start errors"] = post("cycle-start", {})
    pages["detail (opened by an escalation)"] = get("cycle-detail", next_cycle.pk)
    # A page known to be wrong, so a silent axe cannot pass the test.
    pages["known bad"] = (
        '<!DOCTYPE html><html lang="en"><head><title>x</title></head><body><img src="x.png"></body></html>'
    )
    found = violations_of(pages)
    assert [problem.split(":")[0] for problem in found.pop("known bad")] == ["image-alt"]
    assert found == {}
