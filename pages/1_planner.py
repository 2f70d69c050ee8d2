"""First-request stand-in for the Planner page's address (`/planner`); not a page of its own.

On a freshly started server Streamlit answers the very first request from the legacy ``pages/``
folder, matching the URL to a file name (a leading number is dropped). The Planner page lives in
``pages/planner_workbench.py`` under the address ``planner`` given in ``app.py``, so without this file a bookmark
to ``/planner`` opened "Page not found". This file only switches the legacy mode off and reruns
(:func:`pages.ui.leave_legacy_pages_mode`); the rerun goes through ``app.py`` to the real page.
"""
from pages import ui

ui.leave_legacy_pages_mode()
