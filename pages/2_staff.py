"""First-request stand-in for the Staff page's address (`/staff`); not a page of its own.

On a freshly started server Streamlit answers the very first request from the legacy ``pages/``
folder, matching the URL to a file name (a leading number is dropped). The Staff page lives in
``pages/staff_offers.py`` under the address ``staff`` given in ``app.py``, so without this file a bookmark
to ``/staff`` opened "Page not found". This file only switches the legacy mode off and reruns
(:func:`pages.ui.leave_legacy_pages_mode`); the rerun goes through ``app.py`` to the real page.
"""
from pages import ui

ui.leave_legacy_pages_mode()
