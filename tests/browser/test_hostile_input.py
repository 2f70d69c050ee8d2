"""Real browser: hostile names in a units file, an uploaded scenario and typed ids stay text (issue 17).

A fresh server runs on a copy of the default dataset whose units carry hostile names (a folium
template-literal breakout ``${...}``, ``</script>``, an ``<img onerror>``, a markdown image that would
make the browser fetch a URL). The test opens the Units and Planner pages, uploads a scenario whose
new unit has such a name and types such an id, and checks that no script ran (no dialog, no console
message from the payloads, no request for the payload's image) and that the names are shown as text.
The first request goes straight to ``/family`` (once shown as "Page not found").
"""
from __future__ import annotations

import json
import shutil
import time

import pytest

from tests.browser.conftest import ARGS, CHROMIUM, REPO, WAIT_MS, need_chromium, streamlit_app

pytestmark = pytest.mark.browser

MARK = "PWNED"
HOSTILE_NAMES = [
    "${console.log('" + MARK + "-1') || alert(1)}",
    "`+console.log('" + MARK + "-2')+`</script><script>console.log('" + MARK + "-3');alert(3)</script>",
    "<img src=x onerror=\"console.log('" + MARK + "-4');alert(4)\">",
    "![x](http://127.0.0.1:9/" + MARK + "-5.png) :red[red] **bold** $x^2$",
]


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory):
    need_chromium()
    from planner.datasets import DEFAULT_DATASET, load_dataset

    source = load_dataset(None).path
    root = tmp_path_factory.mktemp("hostile-data")
    target = root / DEFAULT_DATASET
    shutil.copytree(source, target)
    units = json.loads((target / "units.json").read_text(encoding="utf-8"))
    for unit, name in zip(units, HOSTILE_NAMES):
        unit["name"] = name
    (target / "units.json").write_text(json.dumps(units, ensure_ascii=False), encoding="utf-8")
    with streamlit_app({"PLANNER_DATA_DIR": str(root)}) as url:
        yield url, units


class Watch:
    """Everything a payload could make the browser do: dialogs, console output, requests."""

    def __init__(self, page):
        self.dialogs: list[str] = []
        self.console: list[str] = []
        self.requests: list[str] = []
        page.on("dialog", self._dialog)
        page.on("console", lambda message: self.console.append(message.text))
        page.on("request", lambda request: self.requests.append(request.url))

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def assert_nothing_ran(self, where: str) -> None:
        assert self.dialogs == [], f"{where}: a dialog opened: {self.dialogs}"
        assert not [c for c in self.console if MARK in c], f"{where}: payload console output: {self.console}"
        fetched = [r for r in self.requests if MARK in r]
        assert not fetched, f"{where}: payload request: {fetched}"


def _idle(page) -> None:
    from playwright.sync_api import expect

    page.wait_for_timeout(500)
    expect(page.locator("[data-testid='stStatusWidget']")).to_have_count(0, timeout=WAIT_MS)
    expect(page.locator("[data-testid='stMain']")).to_be_visible()


def _maps_loaded(page) -> int:
    """Wait until at least one map iframe has drawn its Leaflet markers; the number of such maps.

    The frames are looked up afresh on every poll: a map drawn by a rerun (a tab chosen, a file
    uploaded) replaces its iframe, so a list taken once can hold only frames that are gone."""
    deadline = time.monotonic() + WAIT_MS / 1000
    while True:
        drawn = 0
        for frame in page.frames:
            if frame == page.main_frame:
                continue
            try:
                drawn += frame.locator(".leaflet-marker-icon").count() > 0
            except Exception:  # noqa: BLE001 - a frame detached while polled: the next poll sees its successor
                continue
        if drawn or time.monotonic() > deadline:
            return drawn
        page.wait_for_timeout(250)


def test_hostile_names_render_as_text_and_run_nothing(hostile_server, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    url, units = hostile_server
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            context = browser.new_context(viewport={"width": 1400, "height": 3000}, locale="en-FI")
            page = context.new_page()
            page.set_default_timeout(WAIT_MS)
            watch = Watch(page)

            # A bookmark to /family as the very first request of this server: the family page, not "not found".
            page.goto(f"{url}/family?lang=en")
            _idle(page)
            assert "not found" not in page.inner_text("body").lower()
            expect(page.locator("[data-testid='stSidebarNav']")).to_be_visible()

            # Units page: the ranking table, the explanations and the map carry the hostile names.
            page.goto(f"{url}/units?lang=en")
            _idle(page)
            assert _maps_loaded(page) >= 1
            page.mouse.move(700, 1200)  # hover over the map: tooltips are built, still as text
            page.wait_for_timeout(500)
            body = page.inner_text("body").replace("\u2060", "")  # word joiners keep ":red[" text
            assert "**bold**" in body and ":red[red]" in body, body[-3000:]
            watch.assert_nothing_ran("units page")

            # Planner page: maps of the units; a scenario file adding a unit with a hostile name and id.
            page.goto(f"{url}/planner?lang=en")
            _idle(page)
            page.get_by_role("tab", name="What-if").click()
            _idle(page)
            first = units[0]
            scenario = tmp_path / "hostile-scenario.json"
            scenario.write_text(json.dumps({"format": "planner-scenario", "version": 1, "name": "hostile",
                                            "changes": [{"action": "add", "unit_id": "x1", "name": HOSTILE_NAMES[0],
                                                         "lat": first["lat"] + 0.001, "lon": first["lon"]},
                                                        {"action": "close", "unit_id": units[1]["unit_id"]}]}),
                                encoding="utf-8")
            page.locator("[data-testid='stFileUploaderDropzoneInput']").first.set_input_files(str(scenario))
            _idle(page)
            expect(page.get_by_text("Changes in this scenario")).to_be_visible()
            assert _maps_loaded(page) >= 1
            watch.assert_nothing_ran("planner page, scenario with a hostile name")

            # A scenario naming a hostile unit id that does not exist: the problem shows it as text.
            bad = tmp_path / "hostile-ids.json"
            bad.write_text(json.dumps({"changes": [{"action": "close", "unit_id": HOSTILE_NAMES[3]}]}),
                           encoding="utf-8")
            page.locator("[data-testid='stFileUploaderDropzoneInput']").first.set_input_files(str(bad))
            _idle(page)
            # A typed id for a new unit, as a planner would type it.
            box = page.get_by_role("textbox", name="Id of the new unit", exact=True)
            if box.count():
                box.fill(HOSTILE_NAMES[2])
                box.press("Tab")
                _idle(page)
                # Strict: the id's rerun keeps the What-if tab and its form (once it crashed the page when it
                # overtook the second file's upload: tests/browser/test_upload_race.py).
                expect(page.get_by_role("tab", name="What-if", selected=True)).to_be_visible()
                page.get_by_role("textbox", name="Name of the new unit", exact=True).fill(HOSTILE_NAMES[1])
                page.get_by_role("textbox", name="Name of the new unit", exact=True).press("Tab")
                _idle(page)
                page.get_by_role("button", name="Add the change to the scenario").click()
                _idle(page)
            page.wait_for_timeout(1500)
            watch.assert_nothing_ran("planner page, hostile ids")
            context.close()
        finally:
            browser.close()


def test_every_page_url_opens_its_page_as_a_first_request(hostile_server):
    """Streamlit's own protocol, as the browser speaks it: ``/family`` (the default page, served at
    ``/``) and every other page name run without "page not found" or an error box."""
    import asyncio
    import importlib.util

    spec = importlib.util.spec_from_file_location("load_benchmark", REPO / "benchmarks" / "load.py")
    load = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(load)
    url, _ = hostile_server

    async def walk() -> list[str]:
        import websockets

        problems: list[str] = []
        for page in load.PAGES:  # a new session per page: each is the session's first request
            async with websockets.connect(url.replace("http://", "ws://") + "/_stcore/stream",
                                          subprotocols=["streamlit"], max_size=2**26) as ws:
                _, errors = await load._run_page(ws, page)
                problems.extend(errors)
        return problems

    assert asyncio.run(walk()) == []
