"""Real browser (Debian Chromium + Playwright): walk the whole family journey and save screenshots.

Starts ``streamlit run app.py`` on a free local port, then: the first request goes straight to a page
URL (the router's sidebar must still be there), switch to English, enter a family (home address,
income), see the costs (tables and charts drawn), see the ranked units and the offline map, choose a
unit and download the printable summary and the family file, look at the planner and staff pages.
Before every screenshot the test waits until Streamlit has drawn everything (no loading skeletons,
every chart has its svg/canvas, every data grid its canvas) and asserts content that is visible.
Screenshots go to tests/browser/screenshots/.
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parent / "screenshots"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
WAIT_MS = 90_000


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server_url():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is absent (install Debian's chromium: apt-get install -y chromium)")
    port = _free_port()
    streamlit = Path(sys.executable).parent / "streamlit"
    process = subprocess.Popen(
        [str(streamlit), "run", "app.py", "--server.headless", "true", "--server.address", "127.0.0.1",
         "--server.port", str(port), "--browser.gatherUsageStats", "false"],
        cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ})
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("streamlit did not start")
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="module")
def page(server_url):
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 4200}, accept_downloads=True)
        tab = context.new_page()
        tab.set_default_timeout(WAIT_MS)
        # The very first request of the fresh server goes straight to a page URL (a bookmark).
        tab.goto(f"{server_url}/summary")
        yield tab
        context.close()
        browser.close()


def _wait_idle(page) -> None:
    """Wait until Streamlit has finished running the script."""
    from playwright.sync_api import expect

    page.wait_for_timeout(500)
    expect(page.locator("[data-testid='stStatusWidget']")).to_have_count(0, timeout=WAIT_MS)


def _go(page, label: str) -> None:
    page.locator("[data-testid='stSidebarNav']").get_by_text(label, exact=True).click()
    _wait_idle(page)


DRAWN_JS = """() => {
  const all = s => [...document.querySelectorAll(s)];
  return all("[data-testid='stSkeleton']").length === 0
    && all("[data-testid='stVegaLiteChart']").every(c => c.querySelector("svg, canvas"))
    && all("[data-testid='stDataFrame']").every(g => g.querySelector("canvas"))
    && all("[data-testid='stMetricValue']").every(m => m.innerText.trim() !== "");
}"""


def _drawn(page) -> None:
    """Wait until every element Streamlit loads lazily is drawn (else screenshots show grey boxes)."""
    _wait_idle(page)
    page.wait_for_function(DRAWN_JS, timeout=WAIT_MS)
    page.wait_for_timeout(300)


def _shot(page, name: str) -> None:
    _drawn(page)
    page.screenshot(path=str(SHOTS / name), full_page=True)


def test_the_whole_family_journey(page):
    (SHOTS / "failure.png").unlink(missing_ok=True)
    try:
        _journey(page)
    except Exception:
        page.screenshot(path=str(SHOTS / "failure.png"), full_page=True)
        raise


def _journey(page) -> None:
    from playwright.sync_api import expect

    # First request straight to /summary: the router ran, so our sidebar is there (not the legacy
    # list of every module in pages/).
    nav = page.locator("[data-testid='stSidebarNav']")
    expect(page.get_by_role("heading", name="Yhteenveto", exact=True)).to_be_visible()
    expect(nav.locator("a")).to_have_count(6)
    expect(nav).to_contain_text("Perhe")
    expect(nav.get_by_text("ui", exact=True)).to_have_count(0)
    _go(page, "Perhe")

    # Family page, Finnish by default; switch to English from the sidebar.
    expect(page.get_by_role("heading", name="Perheesi")).to_be_visible()
    page.locator("[data-testid='stSidebar']").get_by_role("combobox").first.click()
    page.get_by_role("option", name="English").click()
    expect(page.get_by_role("heading", name="Your family")).to_be_visible()
    _wait_idle(page)
    # option labels follow the language (the values come from the family, not the old labels)
    days = page.locator("[data-testid='stMultiSelect']").first
    expect(days).to_contain_text("Monday")
    expect(days).not_to_contain_text("maanantai")

    # Enter the family: home by address search, a different income.
    page.get_by_text("Street address", exact=True).first.click()
    _wait_idle(page)
    address = page.get_by_role("textbox", name="Street address").first
    address.fill("Aleksanterinkatu 9")
    address.press("Enter")
    _wait_idle(page)
    income = page.get_by_role("spinbutton", name="Gross monthly income (€)").first
    income.fill("4200")
    income.press("Enter")
    _wait_idle(page)
    expect(page.get_by_text("The family's details are complete.")).to_be_visible()
    frame = page.frame_locator("iframe[title='streamlit_folium.st_folium']").first
    expect(frame.locator(".leaflet-container")).to_have_count(1)
    expect(page.get_by_role("spinbutton", name="Gross monthly income (€)").first).to_have_value("4200.00")
    _shot(page, "1-family.png")

    # Costs.
    _go(page, "Costs")
    expect(page.get_by_role("heading", name="Costs", exact=True)).to_be_visible()
    expect(page.get_by_text("Total fees / month")).to_be_visible()
    expect(page.get_by_test_id("stMetric").filter(has_text="Total fees / month")).to_contain_text("€")
    expect(page.get_by_role("heading", name="Fees and allowances over 24 months")).to_be_visible()
    # every small table is a real HTML table; the timeline has one row per month
    tables = page.get_by_test_id("stTable")
    expect(tables.filter(has_text="Sibling rank").locator("tbody tr")).to_have_count(2)
    expect(tables.filter(has_text="Sibling supplements").locator("tbody tr")).to_have_count(4)
    expect(tables.filter(has_text="As entered").first).to_be_visible()
    timeline = tables.filter(has_text="Fee child1 €").locator("tbody tr")
    expect(timeline).to_have_count(24)
    expect(timeline.first).to_be_visible()
    expect(page.get_by_test_id("stDataFrame")).to_have_count(0)
    # both charts are drawn (svg), have a text alternative and a visible pointer to the table
    charts = page.get_by_test_id("stVegaLiteChart")
    expect(charts).to_have_count(2)
    expect(charts.locator("svg").first).to_be_visible()
    expect(charts.locator("svg").last).to_be_visible()
    expect(page.get_by_label("Line chart: fees and allowances per month over 24 months.", exact=False)).not_to_have_count(0)
    expect(page.get_by_text("The chart shows the same numbers as the table below.")).to_have_count(2)
    # the questions families ask: open two with the keyboard-usable expander and read the answers
    expect(page.get_by_role("heading", name="Questions families ask – answered for your family")).to_be_visible()
    page.get_by_text("5. Is July free?", exact=True).click()
    expect(page.get_by_text("Many municipalities charge no fee for July", exact=False).last).to_be_visible()
    page.get_by_text("10. How long will my child's day be", exact=False).click()
    expect(page.get_by_text("At the best-ranked unit", exact=False)).to_be_visible()
    _wait_idle(page)
    _shot(page, "2-costs.png")

    # Units: ranked table, reasons and the offline map with rank labels.
    _go(page, "Daycare units")
    expect(page.get_by_role("heading", name="Daycare units for your family")).to_be_visible()
    expect(page.get_by_text("Why this order")).to_be_visible()
    frame = page.frame_locator("iframe[title='streamlit_folium.st_folium']").first
    expect(frame.locator(".leaflet-container")).to_have_count(1)
    expect(frame.locator(".leaflet-marker-icon").filter(has_text="1").first).to_be_visible()
    grid = page.get_by_test_id("stDataFrame").first
    expect(grid.locator("canvas").first).to_be_attached()
    expect(page.get_by_test_id("stTable").filter(has_text="Contribution").locator("tbody tr")).to_have_count(5)
    page.wait_for_timeout(1500)
    _shot(page, "3-units.png")

    # Summary: choose the best unit, download the printable page and the family file.
    _go(page, "Summary")
    expect(page.get_by_role("heading", name="Summary", exact=True)).to_be_visible()
    page.locator("[data-testid='stMultiSelect']").last.click()
    page.get_by_role("option").first.click()
    page.keyboard.press("Escape")
    _wait_idle(page)
    expect(page.get_by_text("No units chosen yet")).to_have_count(0)
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download the printable summary (HTML)").click()
    html_text = Path(download_info.value.path()).read_text(encoding="utf-8")
    assert html_text.startswith("<!DOCTYPE html>") and "Chosen units" in html_text
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download the family file (JSON)").click()
    family = json.loads(Path(download_info.value.path()).read_text(encoding="utf-8"))
    assert family["home"] == {"address": "Aleksanterinkatu 9"}
    assert family["adults"][0]["gross_monthly_income_eur"] == 4200
    expect(page.get_by_test_id("stTable").filter(has_text="Choice").locator("tbody tr").first).to_be_visible()
    expect(page.get_by_test_id("stMetric").filter(has_text="Total fees / month")).to_contain_text("€")
    _shot(page, "4-summary.png")

    # Planner and staff pages: just look (their own tests drive the forms).
    _go(page, "Planner: new sites")
    expect(page.get_by_role("heading", name="Planner: units, what-if and new sites")).to_be_visible()
    expect(page.get_by_role("heading", name="Baseline: today's units")).to_be_visible()
    expect(page.locator("[data-testid='stDataFrame'], [data-testid='stTable']").first).to_be_visible()
    _shot(page, "5-planner.png")
    _go(page, "Staff: placement offers")
    expect(page.get_by_role("heading", name="Staff: placement offers")).to_be_visible()
    expect(page.get_by_role("button", name="Run the placement round")).to_be_visible()
    _shot(page, "6-staff.png")

    # Load the family file again later (changed income) on the Family page.
    family["adults"][1]["gross_monthly_income_eur"] = 5100
    _go(page, "Family")
    page.get_by_text("Family file: save or load").click()
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(
        files=[{"name": "family.json", "mimeType": "application/json",
                "buffer": json.dumps(family).encode("utf-8")}])
    _wait_idle(page)
    expect(page.get_by_role("spinbutton", name="Gross monthly income (€)").nth(1)).to_have_value("5100.00")
    expect(page.get_by_role("textbox", name="Street address").first).to_have_value("Aleksanterinkatu 9")
