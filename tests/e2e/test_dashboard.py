"""The dashboard in a real headless Chromium (Debian's, driven by Playwright): it loads behind the operator's
sign-in, a purchase's trace is drawn as a waterfall of its calls, and a fault added from the form opens
the breaker on the page, then goes with its button.

Skipped, in one line, only when there is no Chromium to drive; a missing Playwright is a failure."""

from __future__ import annotations

import os
import shutil

import httpx
import pytest

CHROMIUM = os.environ.get("CAAS_SANDBOX_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
if not os.access(CHROMIUM, os.X_OK):
    pytest.skip(
        f"the dashboard's browser tests did not run: no Chromium at {CHROMIUM} "
        "(apt-get install chromium, or set CAAS_SANDBOX_CHROMIUM)",
        allow_module_level=True,
    )

from playwright.sync_api import expect, sync_playwright  # noqa: E402

from caas_core.policies import load_policies  # noqa: E402
from caas_sandbox.sandbox import LiveSandbox  # noqa: E402
from tests.helpers.serving import operator_client, poll  # noqa: E402
from tests.helpers.world import CONFIGS, purchase_body  # noqa: E402

pytestmark = [pytest.mark.live, pytest.mark.browser]

# Only what a headless browser on a machine without a network needs: no GPU, no QUIC, nothing fetched.
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
SPEED = 50
# The VSS breaker stays open an hour (72 s of wall time at SPEED): long enough to see it on the page.
POLICIES = load_policies().model_copy(
    update={
        "breakers": load_policies().breakers.model_copy(
            update={"vss": load_policies().breakers.vss.model_copy(update={"open_duration_s": 3600.0})}
        )
    }
)


@pytest.fixture(scope="module")
def sandbox():
    box = LiveSandbox(seed=21, port_base=0, speed=SPEED, configs=CONFIGS, policies=POLICIES).start()
    yield box
    box.stop()


@pytest.fixture(scope="module")
def api(sandbox):
    with operator_client(sandbox) as client:
        yield client


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A page in a context of its own: no cookie or session from another test, which may run first, on
    another worker, or not at all."""
    context = browser.new_context()
    context.set_default_timeout(20_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def operator_page(sandbox, page):
    """A page signed in with the operator's token."""
    page.goto(f"{sandbox.servers['core'].url}/")
    page.get_by_label("Operator token").fill(sandbox.tokens.operator)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Systems")).to_be_visible()
    return page


def test_the_dashboard_loads_behind_the_operators_sign_in(sandbox, page):
    core = sandbox.servers["core"].url
    page.goto(f"{core}/")  # a browser asking for the index is sent to the dashboard
    expect(page.get_by_label("Operator token")).to_be_visible()
    page.get_by_label("Operator token").fill(sandbox.tokens.api)  # the client's token is not enough
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_have_text("that is not the operator token")
    page.get_by_label("Operator token").fill(sandbox.tokens.operator)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Systems")).to_be_visible()
    rows = page.locator("#systems tr[id^=system-]")
    expect(rows).to_have_count(9)
    expect(page.locator("#system-vss [data-breaker]")).to_have_text("closed")
    expect(page.locator("#system-payment [data-breaker]")).to_have_text("none")


def test_a_purchases_trace_is_a_waterfall_of_its_calls(sandbox, api, operator_page):
    page = operator_page
    accepted = api.post(
        "/api/purchases", json=purchase_body("SBXHEALTHY0000001"), headers={"X-Trace-Id": "ui-1"}
    )
    purchase_id = accepted.json()["purchaseId"]
    done = poll(lambda: api.get(f"/api/purchases/{purchase_id}").json(), lambda p: p["status"] == "ACTIVE")
    assert done["status"] == "ACTIVE"
    poll(lambda: done, lambda _: api.get("/api/traces/ui-1").json()["entities"][0]["payment"]["capturedAt"])
    page.goto(f"{sandbox.servers['core'].url}/ui")
    page.locator("#purchases").get_by_role("link", name="ui-1").click()
    expect(page.get_by_role("heading", name="Trace ui-1")).to_be_visible()
    calls = page.locator("#waterfall tr.entry[data-kind=call]")
    expect(calls.filter(has_text="GET /api/v2/vehicles/{vin}/maintenance")).to_have_count(1)
    expect(calls.filter(has_text="POST /api/payments/authorize")).to_have_count(1)
    expect(calls.filter(has_text="POST /api/iot/vehicles/{vin}/configure")).to_have_count(1)
    expect(calls.filter(has_text="POST /api/payments/capture")).to_have_count(1)
    received = page.locator("#waterfall tr.entry[data-kind=received]")
    expect(received.filter(has_text="GET /api/v2/vehicles/SBXHEALTHY0000001/maintenance")).to_have_count(1)
    assert page.locator("#waterfall .bar").count() == page.locator("#waterfall tr.entry").count()
    expect(page.get_by_text("payment auth_")).to_contain_text("CAPTURED")


def test_a_fault_added_from_the_form_opens_the_breaker_on_the_page_and_its_button_removes_it(
    sandbox, api, operator_page
):
    page = operator_page
    page.goto(f"{sandbox.servers['core'].url}/ui")
    form = page.locator("#add-fault")
    form.get_by_label("System").select_option("vss")
    form.get_by_label("Action").select_option("error")
    form.get_by_label("Status").fill("503")
    form.get_by_role("button", name="Add fault").click()
    fault = page.locator("#system-vss .fault")
    expect(fault).to_have_count(1)
    expect(fault).to_contain_text('"status": 503')
    for _ in range(3):  # four attempts each within 35 s: twelve failures, over the ten that open it
        api.post("/api/purchases", json=purchase_body("SBXLAPSED00000001"))
    poll(lambda: sandbox.core.breakers["vss"].state, lambda state: state == "open")
    page.reload()
    expect(page.locator("#system-vss [data-breaker]")).to_have_text("open")
    expect(page.locator("#system-vss")).to_contain_text("failed")
    page.get_by_role("button", name="remove fault").click()
    expect(page.locator("#system-vss .fault")).to_have_count(0)
    assert httpx.get(f"{sandbox.servers['vss'].url}/__sandbox/faults").json()["faults"] == []


def test_a_form_posted_from_elsewhere_is_refused(sandbox):
    core = sandbox.servers["core"].url
    forged = httpx.post(f"{core}/ui/faults", data={"system": "vss", "action": "hang"})
    assert forged.status_code == 401  # no session
    stale = httpx.post(
        f"{core}/ui/faults",
        data={"system": "vss", "action": "hang", "csrf": "guessed"},
        headers={"Authorization": f"Bearer {sandbox.tokens.operator}"},
    )
    assert stale.status_code == 403
    assert httpx.get(f"{sandbox.servers['vss'].url}/__sandbox/faults").json()["faults"] == []
