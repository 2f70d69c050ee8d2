"""Real browser: replacing an uploaded scenario file while another widget reruns the page.

When the user drops a second file on an uploader that holds one, the browser deletes the old file on
the server at once but names it in its widget state until the new one has arrived. A rerun started by
another widget in between (typing an id, a button) then gets Streamlit's ``DeletedFile`` placeholder
for the old file, and the uploader's ``on_change`` ran on it: an ``AttributeError`` before the page,
so Streamlit's red "This app has encountered an error" box replaced the whole Planner page (seen once
in four clean-clone CI runs of the hostile-input test, as a "Name of the new unit" box that never
came back). The test makes that order certain by holding two websocket messages: the server's answer
to the new file's upload request, and the rerun the typed id causes, which is let through only once
the old file's deletion has finished.
"""
from __future__ import annotations

import json
import time

import pytest

from tests.browser.conftest import ARGS, CHROMIUM, WAIT_MS, need_chromium, streamlit_app

pytestmark = pytest.mark.browser


class HeldSocket:
    """Passes Streamlit's websocket through, holding chosen message kinds until released."""

    def __init__(self) -> None:
        self.hold_down: set[str] = set()   # ForwardMsg kinds (server -> browser) to hold
        self.hold_up: set[str] = set()     # BackMsg kinds (browser -> server) to hold
        self.held_down: list = []
        self.held_up: list = []
        self.finished = 0                  # script_finished messages seen

    def route(self, ws) -> None:
        from streamlit.proto import BackMsg_pb2, ForwardMsg_pb2

        server = ws.connect_to_server()

        def up(message) -> None:
            if isinstance(message, bytes) and self.hold_up:
                back = BackMsg_pb2.BackMsg()
                back.ParseFromString(message)
                if back.WhichOneof("type") in self.hold_up:
                    self.held_up.append((server, message))
                    return
            server.send(message)

        def down(message) -> None:
            if isinstance(message, bytes):
                forward = ForwardMsg_pb2.ForwardMsg()
                forward.ParseFromString(message)
                kind = forward.WhichOneof("type")
                self.finished += kind == "script_finished"
                if kind in self.hold_down:
                    self.held_down.append((ws, message))
                    return
            ws.send(message)

        ws.on_message(up)
        server.on_message(down)

    @staticmethod
    def release(held: list, count: int | None = None) -> None:
        for target, message in held[:count]:
            target.send(message)
        del held[:count]


def _idle(page) -> None:
    from playwright.sync_api import expect

    page.wait_for_timeout(500)
    expect(page.locator("[data-testid='stStatusWidget']")).to_have_count(0, timeout=WAIT_MS)


def _until(page, condition, what: str) -> None:
    deadline = time.monotonic() + WAIT_MS / 1000
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        page.wait_for_timeout(100)


def test_replacing_a_scenario_file_while_typing_keeps_the_planner_page(tmp_path):
    need_chromium()
    from playwright.sync_api import expect, sync_playwright

    from planner.datasets import load_dataset

    unit = json.loads((load_dataset(None).path / "units.json").read_text(encoding="utf-8"))[0]
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    first.write_text(json.dumps({"format": "planner-scenario", "version": 1, "name": "first", "changes": [
        {"action": "add", "unit_id": "x1", "name": "Uusi", "lat": unit["lat"] + 0.001, "lon": unit["lon"]}]}),
        encoding="utf-8")
    second.write_text(json.dumps({"changes": [{"action": "close", "unit_id": "no-such-unit"}]}), encoding="utf-8")
    socket = HeldSocket()
    with streamlit_app() as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_context(viewport={"width": 1400, "height": 2400}, locale="en-FI").new_page()
            page.set_default_timeout(WAIT_MS)
            page.route_web_socket("**/_stcore/stream", socket.route)
            deletions: list[str] = []
            page.on("requestfinished",
                    lambda request: deletions.append(request.url) if request.method == "DELETE" else None)
            page.goto(f"{url}/planner?lang=en")
            _idle(page)
            page.get_by_role("tab", name="What-if").click()
            _idle(page)
            uploader = page.locator("[data-testid='stFileUploaderDropzoneInput']").first
            uploader.set_input_files(str(first))
            _idle(page)
            expect(page.get_by_text("new unit Uusi", exact=False)).to_be_visible(timeout=WAIT_MS)
            expect(page.locator("[data-testid='stFileChipName']")).to_have_text("first.json")
            _idle(page)

            # The second file: its upload request is answered only after the id's rerun has been sent.
            socket.hold_down.add("file_urls_response")
            page.locator("[data-testid='stFileUploaderDropzoneInput']").first.set_input_files(str(second))
            _until(page, lambda: socket.held_down, "the upload request")
            socket.hold_up.add("rerun_script")
            box = page.get_by_role("textbox", name="Id of the new unit", exact=True)
            box.fill("typed-id")
            box.press("Tab")
            _until(page, lambda: socket.held_up, "the typed id's rerun")
            socket.hold_down.clear()
            socket.release(socket.held_down)
            _until(page, lambda: deletions, "the first file's deletion")
            finished = socket.finished
            socket.release(socket.held_up, 1)      # the id's rerun, which still names the deleted file
            _until(page, lambda: socket.finished > finished, "the end of the id's rerun")
            page.wait_for_timeout(300)
            page.screenshot(path=str(tmp_path / "after-id-rerun.png"), full_page=True)
            assert page.locator("[data-testid='stException']").count() == 0, page.inner_text("body")[:500]
            expect(page.get_by_role("textbox", name="Name of the new unit", exact=True)).to_be_visible(timeout=WAIT_MS)

            # The uploader's own reruns were held too; they name message hashes of the browser's cache as it
            # was before the id's rerun, so they are dropped (sent now, Streamlit would report a cache miss).
            # The next widget the user touches sends the second file along, and its problem is shown.
            socket.hold_up.clear()
            socket.held_up.clear()
            name = page.get_by_role("textbox", name="Name of the new unit", exact=True)
            name.fill("Toinen")
            name.press("Tab")
            _idle(page)
            expect(page.locator("[data-testid='stAlertContentError']").filter(has_text="no-such-unit")).to_be_visible(
                timeout=WAIT_MS)
            page.screenshot(path=str(tmp_path / "after-second-file.png"), full_page=True)
            expect(page.get_by_role("tab", name="What-if", selected=True)).to_be_visible()
            expect(page.get_by_role("textbox", name="Id of the new unit", exact=True)).to_have_value("typed-id")
            assert page.locator("[data-testid='stException']").count() == 0
            assert "Connection error" not in page.inner_text("body")
        finally:
            browser.close()
