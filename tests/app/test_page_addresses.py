"""Every page address in app.py also names a file in pages/, so that a fresh server's very first request
(answered from the legacy pages/ folder, see pages/ui.py:leave_legacy_pages_mode) finds a script that
hands over to app.py instead of showing "Page not found"."""
from __future__ import annotations

import ast
from pathlib import Path

from streamlit.source_util import page_icon_and_name

REPO = Path(__file__).resolve().parents[2]


def _addresses_in_app() -> set[str]:
    """The url_path values of app.py (st.Page(..., url_path=...) and the EXTRA_PAGES tuples)."""
    tree = ast.parse((REPO / "app.py").read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg == "url_path" and isinstance(node.value, ast.Constant):
            found.add(node.value.value)
        if isinstance(node, ast.Tuple) and len(node.elts) == 4 and all(isinstance(e, ast.Constant) for e in node.elts):
            found.add(node.elts[3].value)   # ("pages/x.py", "nav.key", icon, url_path)
    return found


def test_every_address_has_a_legacy_page_file_that_hands_over():
    addresses = _addresses_in_app()
    assert {"family", "costs", "units", "summary", "changes", "planner", "staff"} <= addresses
    legacy = {page_icon_and_name(path)[1]: path for path in (REPO / "pages").glob("*.py")
              if not path.name.startswith("_")}
    for address in sorted(addresses):
        assert address in legacy, f"/{address}: no pages/ file named for it (add a stand-in, see pages/1_planner.py)"
        source = legacy[address].read_text(encoding="utf-8")
        assert "init_state()" in source or "leave_legacy_pages_mode()" in source, legacy[address]
