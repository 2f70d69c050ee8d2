"""Shared page helpers: session keys, language, the sidebar, cached planner calls, field errors.

Pages only read widgets, call ``planner`` functions (through the cached wrappers below) and render.
All session keys are initialised once, here, by :func:`init_state` (called from ``app.py``).
Nothing personal is written to disk or logged: the family lives in ``st.session_state`` only.
"""
from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

import streamlit as st

from pages.safe import md, plain
from planner.errors import InputError, PlannerError, Problem
from planner.i18n import LANGUAGE_NAMES, LANGUAGES, translate
from planner.numbers import format_number, with_unit

LANG_KEY = "lang"
DATASET_KEY = "dataset_name"
FAMILY_KEY = "family"            # the family dict, in the family-file format (interfaces.md)
CHOSEN_KEY = "chosen_units"      # unit ids the family picked on the Units page (1-3)
SELECTED_UNIT_KEY = "selected_unit"
CHILD_KEY = "ranking_child"      # child id the ranking is made for
MAX_CHOSEN = 3


# --------------------------------------------------------------------------- defaults, state


def default_family(today: date | None = None) -> dict[str, Any]:
    """A complete example family in central Helsinki (the default dataset's area).

    Two adults working in the city centre, a toddler starting ECEC and a pre-schooler already in
    ECEC. Dates are relative to ``today`` so the example never goes stale.
    """
    today = today or date.today()
    first_of_month = today.replace(day=1)
    toddler_birth = _add_months(first_of_month, -16)
    older_birth = _add_months(first_of_month, -50)
    start = first_of_month
    return {
        "municipality": "Helsinki",
        "date": today.isoformat(),
        "holiday_pay": holiday_pay_default("Helsinki", today),
        "home": {"lat": 60.1740, "lon": 24.9470},
        "adults": [
            {"id": "parent1", "gross_monthly_income_eur": 3900,
             "work": {"lat": 60.1705, "lon": 24.9410},
             "schedule": {"days": ["mon", "tue", "wed", "thu", "fri"], "start": "08:00", "end": "16:00"},
             "commute_mode": "walk", "drops_off": True, "picks_up": False},
            {"id": "parent2", "gross_monthly_income_eur": 3400,
             "work": {"lat": 60.1665, "lon": 24.9480},
             "schedule": {"days": ["mon", "tue", "wed", "thu", "fri"], "start": "07:30", "end": "15:30"},
             "commute_mode": "bike", "drops_off": False, "picks_up": True},
        ],
        "children": [
            {"id": "child1", "birth_date": toddler_birth.isoformat(), "care": "municipal",
             "weekly_hours": 40, "language": "fi", "shift_care": False, "start_date": start.isoformat()},
            {"id": "child2", "birth_date": older_birth.isoformat(), "care": "municipal",
             "weekly_hours": 35, "language": "fi", "shift_care": False,
             "start_date": _add_months(first_of_month, -12).isoformat()},
        ],
    }


def holiday_pay_default(municipality: str, on: date | None = None) -> bool:
    """Whether the municipality's own fee calculator counts holiday pay by default: yes where its
    setting (planner's municipal_settings table) adds a holiday-pay share above 1.0 (Helsinki and
    Tampere add about 5 %); no when no setting covers the day."""
    from planner.rules import settings_on

    try:
        return settings_on(municipality, on or date.today()).holiday_pay_factor > 1
    except (PlannerError, LookupError, ValueError):
        return False


def _add_months(day: date, months: int) -> date:
    """The first day of the month ``months`` after ``day``'s month (``day`` must be a 1st)."""
    index = day.year * 12 + (day.month - 1) + months
    return date(index // 12, index % 12 + 1, 1)


def leave_legacy_pages_mode() -> None:
    """Make the router (``app.py``) run even when a fresh server's first request is a page URL.

    Streamlit decides once per process, before any script has run, whether the app uses the
    legacy ``pages/`` folder; until ``st.navigation`` has been called once it runs a page URL
    such as ``/summary`` straight from the folder, without our sidebar and with every module
    listed. Each page calls this first (through :func:`init_state`): it switches the legacy mode
    off and reruns, and the rerun goes through ``app.py`` to the same page (same URL path).
    A no-op in every later run and on other Streamlit versions.
    """
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:  # pragma: no cover - another Streamlit layout
        return
    if getattr(PagesManager, "uses_pages_directory", None):
        PagesManager.uses_pages_directory = False
        st.rerun()


def open_default_page_by_its_name(url_path: str = "family") -> None:
    """Make ``/family`` (a bookmark, a shared link, the README) open the Family page.

    Streamlit serves the default page at ``/`` only; a first request to ``/family`` found no page
    called "family", showed "Page not found" and fell back to the default. Called in ``app.py``
    before ``st.navigation``: a request for the default page's own name is turned into a request
    for the default page. A no-op for every other page and on other Streamlit versions.
    """
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx
    except ImportError:  # pragma: no cover - another Streamlit layout
        return
    manager = getattr(get_script_run_ctx(), "pages_manager", None)
    if manager is None or not hasattr(manager, "set_script_intent"):
        return
    if getattr(manager, "intended_page_name", None) == url_path and not manager.intended_page_script_hash:
        manager.set_script_intent("", "")


def init_state() -> None:
    """Initialise every shared session key once (language, dataset, family, choices)."""
    leave_legacy_pages_mode()
    defaults: dict[str, Any] = {
        LANG_KEY: "fi",
        DATASET_KEY: None,
        FAMILY_KEY: None,
        CHOSEN_KEY: [],
        SELECTED_UNIT_KEY: None,
        CHILD_KEY: None,
    }
    if LANG_KEY not in st.session_state:  # a link may choose the language: /costs?lang=sv
        asked = st.query_params.get("lang")
        if asked in LANGUAGES:
            defaults[LANG_KEY] = asked
    for key, value in defaults.items():
        if key not in st.session_state:
            st.session_state[key] = value
    if st.session_state[FAMILY_KEY] is None:
        st.session_state[FAMILY_KEY] = default_family()


def lang() -> str:
    """The language chosen in the sidebar (fi, sv or en)."""
    value = st.session_state.get(LANG_KEY, "fi")
    return value if value in LANGUAGES else "fi"


def t(key: str, /, **params: Any) -> str:
    """The app text ``app.<key>`` in the chosen language."""
    return translate(f"app.{key}", lang(), **params)


def labeller(prefix: str, **special: str) -> Any:
    """A ``format_func`` for option codes: ``app.<prefix>.<code>`` in the language chosen now
    (captured, so the labels stay right when the function is called outside a script run);
    ``special`` maps a code to a text key of its own."""
    language = lang()

    def label(code: Any) -> str:
        key = special.get(str(code), f"{prefix}.{code}")
        return translate(f"app.{key}", language)

    return label


def family() -> dict[str, Any]:
    """The family dict of this session (family-file format)."""
    return st.session_state[FAMILY_KEY]


def family_json(value: dict[str, Any] | None = None) -> str:
    """Canonical JSON of the family dict: the cache key of every result."""
    return json.dumps(value if value is not None else family(), sort_keys=True, ensure_ascii=False)


# --------------------------------------------------------------------------- sidebar


LANG_CHANGED_KEY = "_lang_changed"


def _copy_widget(widget_key: str, state_key: str) -> None:
    st.session_state[state_key] = st.session_state[widget_key]
    if state_key == LANG_KEY:
        st.session_state[LANG_CHANGED_KEY] = True


def language_just_changed() -> bool:
    """True once, in the run right after the user switched the language.

    Option widgets show translated labels, and the browser still holds the old-language labels in
    that run; the page then sets its widget values again (from the family dict or defaults) before
    creating the widgets, so labels and values stay right.
    """
    return bool(st.session_state.pop(LANG_CHANGED_KEY, False))


# Streamlit's own control texts, in English in the browser, as people of each language read them.
CONTROL_TEXTS: dict[str, dict[str, str]] = {
    "fi": {"Browse files": "Valitse tiedosto", "Drag and drop file here": "Vedä tiedosto tähän",
           "Upload": "Valitse tiedosto", "Choose an option": "Valitse", "No results": "Ei tuloksia",
           "Press Enter to apply": "Paina Enter hyväksyäksesi", "Close": "Sulje", "Clear all": "Tyhjennä",
           "Delete": "Poista", "Remove": "Poista", "Download": "Lataa", "Running...": "Lasketaan…",
           "Skip to main content": "Siirry pääsisältöön", "Open sidebar": "Avaa valikko",
           "Close sidebar": "Sulje valikko", "Show password text": "Näytä teksti", "Open": "Avaa",
           "Selected values": "Valitut", "Clear value": "Tyhjennä"},
    "sv": {"Browse files": "Välj fil", "Drag and drop file here": "Dra filen hit", "Upload": "Välj fil",
           "Choose an option": "Välj", "No results": "Inga träffar", "Press Enter to apply": "Tryck Enter",
           "Close": "Stäng", "Clear all": "Töm", "Delete": "Ta bort", "Remove": "Ta bort",
           "Download": "Ladda ner", "Running...": "Räknar…", "Skip to main content": "Hoppa till huvudinnehållet",
           "Open sidebar": "Öppna menyn", "Close sidebar": "Stäng menyn", "Show password text": "Visa texten",
           "Open": "Öppna", "Selected values": "Valda", "Clear value": "Töm"},
}
# Control texts with a name in them (aria-labels of chips and help buttons): pattern -> replacement.
CONTROL_PATTERNS: dict[str, list[list[str]]] = {
    "fi": [["^Remove (.+)$", "Poista $1"], ["^Help for (.+)$", "Ohje: $1"]],
    "sv": [["^Remove (.+)$", "Ta bort $1"], ["^Help for (.+)$", "Hjälp: $1"]],
}
# The uploader's "5MB per file • JSON" line ("Limit 5MB per file" in older Streamlit; the server's
# limit, in English) is hidden in every
# language: each page says its own limit (planner/readers.py) under the uploader (upload_limit_note).
_CHROME_JS = """
<style>
/* Phone first: narrow padding, chips and long words wrap instead of pushing the page wider. */
@media (max-width: 640px) {
  [data-testid="stMainBlockContainer"] { padding-left: 0.9rem; padding-right: 0.9rem; }
  [data-baseweb="tag"], [data-tag] { max-width: calc(100vw - 6rem) !important; }
  [data-baseweb="tag"] span, [data-tag] span { overflow: hidden; text-overflow: ellipsis; }
  [data-testid="stMain"] h1 { font-size: 2rem; overflow-wrap: anywhere; }
  [data-testid="stTable"] { overflow-x: auto; }
}
[data-testid="stMain"] p, [data-testid="stMain"] li { overflow-wrap: anywhere; }
/* The uploader's own size line ("5MB per file • JSON", English, the server's limit): each page says
   the limit of its kind of file under the uploader instead (upload_limit_note). */
[data-testid="stFileUploaderDropzoneInstructions"] > div > span { display: none !important; }
</style>
<script>
(function () {
  const w = window, d = document;
  w.__ececLang = %(lang)s; w.__ececTexts = %(texts)s; w.__ececTable = %(table)s;
  w.__ececPatterns = %(patterns)s;
  d.documentElement.lang = w.__ececLang;
  const fix = (root) => {
    const texts = w.__ececTexts || {};
    const walker = d.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const t = n.nodeValue.trim();
      if (texts[t]) n.nodeValue = n.nodeValue.replace(t, texts[t]);
      else if (/^(Limit\\s+)?\\d+(\\.\\d+)?\\s*[KMG]B per file/.test(t)) {
        // the whole line goes (its " • CSV, TXT" is a text node of its own); the page says the limit
        n.nodeValue = "";
        const line = n.parentElement;
        if (line && line.closest("[data-testid='stFileUploaderDropzone']")) line.style.display = "none";
      }
    }
    // Tables that may scroll sideways on a phone can be scrolled with the keyboard too.
    root.querySelectorAll && root.querySelectorAll("[data-testid='stTable'] > div").forEach(e => {
      if (!e.hasAttribute("tabindex")) {
        e.tabIndex = 0; e.setAttribute("role", "region"); e.setAttribute("aria-label", w.__ececTable);
      }
    });
    const named = t => {
      if (texts[t]) return texts[t];
      for (const [pattern, to] of (w.__ececPatterns || [])) {
        const re = new RegExp(pattern); if (re.test(t)) return t.replace(re, to);
      }
      return null;
    };
    const targets = root.querySelectorAll ? [root, ...root.querySelectorAll("[aria-label]")] : [];
    targets.forEach(e => {
      const t = e.getAttribute && e.getAttribute("aria-label"); const to = t && named(t);
      if (to && to !== t) e.setAttribute("aria-label", to);
    });
  };
  if (!w.__ececBlur) {
    // A click on a page link must not swallow what is being typed: Streamlit commits a text field on
    // blur, but its page links keep the focus where it was. Blur first, so the value reaches the
    // server (and the family) before the page changes.
    const linkOf = e => e.target.closest && e.target.closest(
      "[data-testid='stSidebarNav'] a, [data-testid='stPageLink'] a, [data-testid='stSidebarNavLink']");
    w.__ececBlur = e => {
      const link = linkOf(e), active = d.activeElement;
      if (link && active && active.matches("input, textarea")) { active.blur(); w.__ececHeld = link; }
    };
    // The page change waits a moment so that it carries the committed value, not the old one.
    w.__ececClick = e => {
      const link = linkOf(e);
      if (link && w.__ececHeld === link) {
        e.preventDefault(); e.stopImmediatePropagation(); w.__ececHeld = null;
        setTimeout(() => link.click(), 300);
      }
    };
    d.addEventListener("pointerdown", w.__ececBlur, true);
    d.addEventListener("click", w.__ececClick, true);
  }
  if (!w.__ececObserver) {
    w.__ececObserver = new MutationObserver(ms => {
      if (d.documentElement.lang !== w.__ececLang) d.documentElement.lang = w.__ececLang;
      ms.forEach(m => m.addedNodes.forEach(n => { if (n.nodeType === 1) fix(n); }));
    });
    w.__ececObserver.observe(d.body, {childList: true, subtree: true,
                                      attributes: true, attributeFilter: ["lang"]});
  }
  fix(d.body);
})();
</script>
"""


def page_chrome() -> None:
    """Once per run: the page's language (``<html lang>``) and Streamlit's own control texts in the
    chosen language (a small script; no space on the page)."""
    language = lang()
    st.html(_CHROME_JS % {"lang": json.dumps(language),
                          "texts": json.dumps(CONTROL_TEXTS.get(language, {}), ensure_ascii=False),
                          "table": json.dumps(t("table_region"), ensure_ascii=False),
                          "patterns": json.dumps(CONTROL_PATTERNS.get(language, []), ensure_ascii=False)},
            unsafe_allow_javascript=True)


def render_sidebar() -> None:
    """Language selector (label in all three languages), dataset selector, the privacy note.

    The choices live in plain session keys (``lang``, ``dataset_name``); the widgets only copy into
    them, so a choice survives every page switch.
    """
    page_chrome()
    with st.sidebar:
        st.selectbox(
            "Kieli · Språk · Language",
            options=list(LANGUAGES),
            index=list(LANGUAGES).index(lang()),
            format_func=lambda code: LANGUAGE_NAMES[code],
            key="w.lang",
            on_change=_copy_widget, args=("w.lang", LANG_KEY),
        )
        names = dataset_names()
        if names:
            if st.session_state.get(DATASET_KEY) not in names:
                st.session_state[DATASET_KEY] = names[0]
            st.selectbox(t("sidebar.dataset"), options=names, key="w.dataset",
                         index=names.index(st.session_state[DATASET_KEY]),
                         on_change=_copy_widget, args=("w.dataset", DATASET_KEY),
                         help=t("sidebar.dataset_help"))
            covers = dataset_covers(st.session_state[DATASET_KEY])
            if covers:  # which area the chosen dataset covers (its outline is drawn on the maps)
                st.caption(translate(covers, lang()))
        st.info(t("sidebar.nothing_stored"), icon=":material/lock:")


# --------------------------------------------------------------------------- cached planner calls


@st.cache_data(max_entries=8, show_spinner=False, ttl=600)
def dataset_names() -> list[str]:
    """Names of the datasets on this machine, the default first."""
    try:
        from planner.datasets import DEFAULT_DATASET, list_datasets
    except ImportError:
        return []
    try:
        names = [entry["name"] for entry in list_datasets()]
    except PlannerError:
        names = []
    if DEFAULT_DATASET in names:
        names.remove(DEFAULT_DATASET)
    return [DEFAULT_DATASET, *names]


@st.cache_data(max_entries=8, show_spinner=False, ttl=600)
def dataset_covers(name: str | None) -> str | None:
    """The locale key saying which area the dataset ``name`` covers (None when unknown)."""
    try:
        from planner.datasets import list_datasets
    except ImportError:
        return None
    try:
        return next((entry.get("covers") for entry in list_datasets() if entry["name"] == name), None)
    except PlannerError:
        return None


@st.cache_resource(show_spinner=False)
def _dataset(name: str | None):
    """Load the dataset once per process and warm its routing engines (so the first family's
    ranking is as fast as the next ones)."""
    from planner.datasets import load_dataset

    loaded = load_dataset(name)
    try:
        for mode in loaded.modes:
            if mode != "transit":
                loaded.engine(mode)
        loaded.transit()
    except (ImportError, PlannerError):
        pass  # the pages report a missing engine where they need it
    return loaded


def dataset():
    """The chosen dataset (read-only, cached once per process)."""
    return _dataset(st.session_state.get(DATASET_KEY))


MONEY_FUNCTIONS = {
    "fees": ("planner.money.fees", "calculate_fees"),
    "allowances": ("planner.money.allowances", "calculate_allowances"),
    "compare": ("planner.money.compare", "compare_scenarios"),
    "timeline": ("planner.money.timeline", "fee_timeline"),
}


RESULTS_KEY = "_results"    # per-session results, keyed by a digest of the inputs
MAX_SESSION_RESULTS = 24


def _session_cached(name: str, key: tuple, compute: Any) -> Any:
    """``compute()`` once per distinct input within this browser session.

    Results that hold a family's data (incomes, children, ids) are never put in a process-wide cache
    (``st.cache_data``, shared by every user and kept after the session): they live in this session's
    state, keyed by a SHA-256 digest of the inputs, and go away with the session. At most
    :data:`MAX_SESSION_RESULTS` results are kept (the oldest is dropped).
    """
    import hashlib

    store = st.session_state.setdefault(RESULTS_KEY, {})
    digest = hashlib.sha256(json.dumps([name, *key], sort_keys=True, ensure_ascii=False,
                                       default=str).encode("utf-8")).hexdigest()
    if digest not in store:
        while len(store) >= MAX_SESSION_RESULTS:
            store.pop(next(iter(store)))
        store[digest] = compute()
    return store[digest]


def _money(kind: str, family_text: str, language: str) -> dict[str, Any]:
    import importlib

    from planner.family import parse_family

    module_name, function_name = MONEY_FUNCTIONS[kind]
    function = getattr(importlib.import_module(module_name), function_name)
    return function(parse_family(json.loads(family_text)), lang=language)


def money(kind: str) -> dict[str, Any]:
    """Money-engine result (``fees``, ``allowances``, ``compare``, ``timeline``) for this family
    (computed once per family, language and kind in this session: :func:`_session_cached`)."""
    text, language = family_json(), lang()
    return _session_cached("money", (kind, text, language), lambda: _money(kind, text, language))


def _ranking(family_text: str, dataset_name: str | None, child_id: str | None, language: str) -> dict:
    from planner.family import parse_family
    from planner.ranking import rank_units

    parsed = parse_family(json.loads(family_text))
    return rank_units(parsed, _dataset(dataset_name), child_id=child_id, lang=language)


def ranking(child_id: str | None = None) -> dict[str, Any]:
    """Every unit of the dataset ranked for this family (once per family, dataset, child and language
    in this session: :func:`_session_cached`)."""
    key = (family_json(), st.session_state.get(DATASET_KEY), child_id, lang())
    return _session_cached("ranking", key, lambda: _ranking(*key))


# --------------------------------------------------------------------------- people, fields, plurals


def _plain_name(name: Any) -> str:
    """A name the family gave, as plain text safe in every table and message: letters, digits,
    spaces, hyphens, apostrophes and dots only (no Markdown or HTML can ride in), at most 40 characters."""
    import re

    if not isinstance(name, str):
        return ""
    return re.sub(r"\s+", " ", re.sub(r"[^\w\s.'-]", "", name)).strip()[:40]


def adult_label(family_dict: dict | None, index: int) -> str:
    """An adult as the family calls them (their ``name``), else "Aikuinen 1" in the chosen language."""
    adults = (family_dict or {}).get("adults") or []
    name = adults[index].get("name") if index < len(adults) and isinstance(adults[index], dict) else None
    return _plain_name(name) or t("family.adult", number=index + 1)


def child_label(family_dict: dict | None, index: int) -> str:
    """A child as the family calls them (their ``name``), else "Lapsi 1" in the chosen language."""
    children = (family_dict or {}).get("children") or []
    name = children[index].get("name") if index < len(children) and isinstance(children[index], dict) else None
    return _plain_name(name) or t("family.child", number=index + 1)


def person_label(person_id: Any, family_dict: dict | None = None) -> str:
    """The label of the adult or child whose id is ``person_id`` (never the internal id on a page)."""
    family_dict = family_dict if family_dict is not None else family()
    for index, child in enumerate(family_dict.get("children") or []):
        if isinstance(child, dict) and str(child.get("id")) == str(person_id):
            return child_label(family_dict, index)
    for index, adult in enumerate(family_dict.get("adults") or []):
        if isinstance(adult, dict) and str(adult.get("id")) == str(person_id):
            return adult_label(family_dict, index)
    return str(person_id)


def local_dates(text: Any) -> str:
    """ISO dates and months in a planner text as the chosen language writes them: ``2026-08-01`` ->
    ``1.8.2026``, ``2026-11`` -> ``11/2026`` (fi, sv); English keeps ISO."""
    import re

    out = "" if text is None else str(text)
    if lang() == "en":
        return out
    out = re.sub(r"(?<![\w-])(\d{4})-(\d{2})-(\d{2})(?![\w-])",
                 lambda m: f"{int(m.group(3))}.{int(m.group(2))}.{m.group(1)}", out)
    return re.sub(r"(?<![\w-])(\d{4})-(0[1-9]|1[0-2])(?![\w-])", lambda m: f"{int(m.group(2))}/{m.group(1)}", out)


def relabel(text: Any, family_dict: dict | None = None) -> str:
    """A planner text with the family's people by their labels: ``child1`` -> "Lapsi 1" (ids of three
    or more characters, as whole words, so short ids never replace parts of words), and its dates
    written the language's way (:func:`local_dates`)."""
    out = local_dates(text)
    family_dict = family_dict if family_dict is not None else family()
    import re

    for group in ("children", "adults"):
        for person in family_dict.get(group) or []:
            person_id = str(person.get("id", "")) if isinstance(person, dict) else ""
            if len(person_id) >= 3 and person_id in out:
                out = re.sub(rf"(?<![\w-]){re.escape(person_id)}(?![\w-])", person_label(person_id, family_dict), out)
    return out


FIELD_KEYS = {
    "municipality": "family.municipality", "date": "family.rules_date", "holiday_pay": "family.holiday_pay",
    "home": "family.home", "work": "family.work", "address": "family.address", "lat": "family.lat",
    "lon": "family.lon", "gross_monthly_income_eur": "family.income", "commute_mode": "family.commute_mode",
    "schedule": "family.days", "days": "family.days", "start": "family.start", "end": "family.end",
    "drops_off": "family.drops_off", "picks_up": "family.picks_up", "weekly_work_hours": "family.weekly_work_hours",
    "birth_date": "family.birth_date", "care": "family.care", "start_date": "family.start_date",
    "weekly_hours": "family.weekly_hours", "language": "family.language", "shift_care": "family.shift_care",
    "adults": "family.adults", "children": "family.children", "id": "family.person_id",
}


def field_label(field: str, family_dict: dict | None = None) -> str:
    """A family-file field path as the form names it: ``adults[0].gross_monthly_income_eur`` ->
    "Aikuinen 1 · Bruttotulot kuukaudessa (€)"; unknown parts stay as they are."""
    import re

    parts: list[str] = []
    for piece in field.split("."):
        match = re.fullmatch(r"(adults|children)\[(\d+)\]", piece)
        if match:
            index = int(match.group(2))
            parts.append(adult_label(family_dict, index) if match.group(1) == "adults"
                         else child_label(family_dict, index))
            continue
        match = re.fullmatch(r"(\w+)\[(\d+)\]", piece)
        name = match.group(1) if match else piece
        key = FIELD_KEYS.get(name)
        text = t(key) if key else name
        parts.append(f"{text} {int(match.group(2)) + 1}" if match and key else text)
    return " · ".join(parts) if parts else field


def plural(key: str, count: int, **params: Any) -> str:
    """``app.<key>.one`` for 1, ``app.<key>.many`` otherwise (fi, sv and en pluralise alike)."""
    return t(f"{key}.{'one' if count == 1 else 'many'}", count=count, **params)


def area_name() -> str:
    """The area the chosen dataset covers, named for people (shown when an address is outside it):
    the dataset's own description (``meta["covers"]``, a text key) in the chosen language, else its
    name and bounding box."""
    try:
        data = dataset()
    except (ImportError, PlannerError):
        return str(st.session_state.get(DATASET_KEY) or "")
    covers = (getattr(data, "meta", None) or {}).get("covers")
    if isinstance(covers, str) and covers in _texts():
        return translate(covers, lang())
    try:
        graph = data.graph("walk")
        return (f"{data.name} ({fmt_decimal(float(graph.lat.min()), 3)}–{fmt_decimal(float(graph.lat.max()), 3)} N, "
                f"{fmt_decimal(float(graph.lon.min()), 3)}–{fmt_decimal(float(graph.lon.max()), 3)} E)")
    except (ImportError, PlannerError, AttributeError):
        return str(getattr(data, "name", ""))


def _texts() -> dict:
    from planner.i18n import load_texts

    return load_texts(lang())


# --------------------------------------------------------------------------- errors next to fields


def problems_by_field(error: InputError) -> dict[str, list[Problem]]:
    """Group the problems of an input error by their field path."""
    grouped: dict[str, list[Problem]] = {}
    for problem in error.problems:
        grouped.setdefault(problem.field, []).append(problem)
    return grouped


def problem_text(problem: Problem) -> str:
    """A problem as one sentence in the chosen language (bad value, what to do), escaped for
    markdown (:func:`pages.safe.md`): values and ids quoted in it come from the user's files."""
    text = t("error.problem", value=_short(problem.value), expected=problem.expected_in(lang()))
    # the template closes the sentence; a fix text that already did ("tarkoititko X?") keeps its own mark
    return md(re.sub(r"([?!.])\.$", r"\1", text))


def problem_line(problem: Problem) -> str:
    """``field: problem text`` for ``st.error`` (markdown-escaped, see :func:`problem_text`)."""
    return f"{md(problem.field, max_chars=80)}: {problem_text(problem)}"


def _short(value: Any) -> str:
    return plain(value, max_chars=60)


def show_field_problems(problems: dict[str, list[Problem]], *fields: str, exact: bool = False) -> None:
    """Show, right here (under the widget), every problem whose field is one of ``fields``
    or (unless ``exact``) lies inside one of them (``home`` covers ``home.lat``)."""
    for field, items in problems.items():
        inside = any(field.startswith(f + ".") or field.startswith(f + "[") for f in fields)
        if field in fields or (inside and not exact):
            for problem in items:
                st.error(problem_text(problem), icon=":material/warning:")


def number_text(value: Any, digits: int = 2) -> str:
    """A number for a text box as people of the chosen language type it: ``22.5`` -> ``22,5`` (fi/sv),
    ``40.0`` -> ``40``; ``None`` -> empty."""
    if value is None or value == "" or isinstance(value, bool):
        return ""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    return format_number(round(number, digits), lang())


def number_field(label: str, key: str, *, field: str, low: float | None = None, high: float | None = None,
                 decimals: int | None = None, help: str | None = None, placeholder: str | None = None,
                 on_change: Any = None, disabled: bool = False, where: Any = None) -> tuple[float | None, bool]:
    """A number typed into a text box (never the browser's number field, whose tooltips are English and
    which writes "0.00"): ``22,5`` and ``22.5`` both read (:func:`planner.parse.parse_number`).

    The box keeps what was typed; a problem is shown right under it, naming the field and the fix.
    Returns ``(value, ok)``: the number (``None`` when empty) and whether the text could be read.
    """
    from planner.parse import parse_number

    box = where if where is not None else st
    text = box.text_input(label, key=key, help=help, placeholder=placeholder, on_change=on_change,
                          disabled=disabled)
    try:
        number = parse_number(text, field, low=low, high=high, decimals=decimals)
    except InputError as error:
        for problem in error.problems:
            box.error(f"{md(label)}: {problem_text(problem)}", icon=":material/warning:")
        return None, False
    return (None if number is None else float(number)), True


def _read_number_box(key: str, low: float | None, high: float | None, decimals: int | None,
                     field: str, required: bool = False) -> list[Problem]:
    """Parse the text of :func:`number_box` ``key`` into ``st.session_state[key]``; the problems when
    it cannot be read (the number keeps its last good value)."""
    from planner.parse import parse_number

    try:
        number = parse_number(st.session_state.get(f"{key}._text"), field, low=low, high=high, decimals=decimals)
    except InputError as error:
        return list(error.problems)
    if number is None and required:
        return [Problem.keyed(field, "", "parse.number.invalid")]
    value = None if number is None else (int(number) if decimals == 0 else float(number))
    st.session_state[key] = value
    st.session_state[f"{key}._shown"] = value
    return []


def number_box(label: str, key: str, *, default: float | None, low: float | None = None,
               high: float | None = None, decimals: int | None = None, help: str | None = None,
               placeholder: str | None = None, where: Any = None) -> float | None:
    """A number kept in ``st.session_state[key]`` (as a number: every reader stays as it is), typed into a
    text box ``<key>._text`` the language's way (never the browser's number field). A new value put
    into ``key`` by the page (a map click) shows in the box; a text that cannot be read is named under
    the box and the number keeps its last good value. Empty means ``None`` where ``default`` is None,
    else it is asked for (the number keeps its last value)."""
    if key not in st.session_state:
        st.session_state[key] = default
    number = st.session_state[key]
    if f"{key}._text" not in st.session_state or st.session_state.get(f"{key}._shown") != number:
        st.session_state[f"{key}._text"] = number_text(number, 6)
        st.session_state[f"{key}._shown"] = number
    box = where if where is not None else st
    required = default is not None
    box.text_input(label, key=f"{key}._text", help=help, placeholder=placeholder, on_change=_read_number_box,
                   args=(key, low, high, decimals, key, required))
    for problem in _read_number_box(key, low, high, decimals, key, required):
        box.error(f"{md(label)}: {problem_text(problem)}", icon=":material/warning:")
    return st.session_state[key]


def money_field(label: str, key: str, *, field: str, help: str | None = None, placeholder: str | None = None,
                where: Any = None) -> tuple[float | None, bool]:
    """Euros typed into a text box the Finnish way (``1 200``, ``1 200,50 €``; :func:`planner.parse.parse_money_eur`).

    Like :func:`number_field`: the box keeps what was typed, a problem is shown under it naming the
    field; returns ``(euros or None, ok)``."""
    from planner.parse import parse_money_eur

    box = where if where is not None else st
    text = box.text_input(label, key=key, help=help, placeholder=placeholder)
    try:
        amount = parse_money_eur(text, field=field)
    except InputError as error:
        for problem in error.problems:
            box.error(f"{md(label)}: {problem_text(problem)}", icon=":material/warning:")
        return None, False
    return (None if amount is None else float(amount)), True


def money_text(value: Any) -> str:
    """Euros for a text box as the chosen language types them (``1 250,50``); empty for none."""
    from planner.parse import format_money_input

    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return ""
    return format_money_input(value, lang())


def show_error(error: PlannerError, family: bool = False) -> None:
    """Show any planner error; input errors one problem per line with the field named (``family``:
    the field as the Family page names it, never the file's internal path)."""
    if isinstance(error, InputError):
        for problem in error.problems:
            name = field_label(problem.field, globals()["family"]()) if family else problem.field
            st.error(f"{md(name, max_chars=80)}: {problem_text(problem)}", icon=":material/warning:")
    else:
        st.error(md(error), icon=":material/warning:")


def show_page_failure(error: BaseException) -> None:
    """The page-level error boundary (``app.py``): a friendly message and a way back instead of a
    traceback. Logs only the error's type and the page's place in the code, never values (which
    could hold what the family typed)."""
    import logging
    import traceback

    frames = traceback.extract_tb(error.__traceback__)
    where = f"{frames[-1].name}:{frames[-1].lineno}" if frames else "?"
    logging.getLogger("planner.app").error("page failed: %s at %s", type(error).__name__, where)
    st.error(t("error.page"), icon=":material/error:")
    st.button(t("error.page_reset"), key="_page_reset", on_click=_reset_family, type="primary")
    st.page_link("pages/family.py", label=t("error.page_back"), icon=":material/arrow_back:")


def _reset_family() -> None:
    st.session_state[FAMILY_KEY] = default_family()
    st.session_state[CHOSEN_KEY] = []


def backend_missing(name: str) -> None:
    """Say that a part of the planner is not installed in this build (never a silent fake)."""
    st.warning(t("error.backend_missing", name=name))


def fmt_eur(value: Any) -> str:
    """Euros for display: ``1234.5`` -> ``1 234,50 €`` (fi/sv, as :mod:`planner.numbers` writes them)
    or ``€1,234.50`` (en)."""
    if value is None:
        return "–"
    number = float(value)
    whole = number == int(number)
    if lang() == "en":
        return f"€{number:,.0f}" if whole else f"€{number:,.2f}"
    return with_unit(format_number(number, lang(), 0 if whole else 2), "€", lang())


def fmt_bytes(size: int) -> str:
    """A file size as people read it: ``1_000_000`` -> ``1 Mt`` (fi), ``1 MB`` (sv, en); kB below 1 MB."""
    units = {"fi": ("kt", "Mt"), "sv": ("kB", "MB"), "en": ("kB", "MB")}[lang()]
    if size >= 1_000_000:
        return with_unit(format_number(round(size / 1_000_000, 1), lang()), units[1], lang())
    return with_unit(format_number(max(1, round(size / 1000)), lang()), units[0], lang())


def uploaded_file(value: Any) -> Any:
    """The file in a ``st.file_uploader`` value, or None while there is none to read.

    When the user drops a new file on an uploader that holds one, the browser deletes the old file on
    the server at once but names it in its widget state until the new one has arrived. A rerun that
    another widget starts in between (a typed id, a button) gets Streamlit's ``DeletedFile``
    placeholder for it, which has no content: reading it crashed the whole page. It counts as no file;
    the uploader's own rerun brings the new file a moment later."""
    return value if callable(getattr(value, "getvalue", None)) else None


def upload_limit_bytes(kind: str) -> int:
    """The largest file of ``kind`` a user can give: planner/readers.py's limit, or the server's own
    upload limit (``server.maxUploadSize``, MB) where that is lower."""
    from planner.readers import MAX_BYTES

    server = int(st.get_option("server.maxUploadSize")) * 1_000_000
    return min(MAX_BYTES.get(kind, MAX_BYTES["json"]), server)


def upload_limit_note(kind: str, types: str) -> None:
    """The size limit under a file uploader, in the chosen language (Streamlit's own English
    "Limit 200MB per file" line is hidden by :data:`_CHROME_JS` in every language)."""
    st.caption(t("upload_limit", limit=fmt_bytes(upload_limit_bytes(kind)), types=types))


def fmt_number(value: Any, unit: str | None = None) -> str:
    """A number as the chosen language writes it, digits as given (``100.0`` -> ``100``, ``3.7`` ->
    ``3,7`` in fi/sv), with an optional unit (``10,5 %``, ``3,7 min``); "–" for no value."""
    import math

    if value is None or isinstance(value, bool):
        return "–"
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    if math.isnan(number):
        return "–"
    text = format_number(number, lang())
    return with_unit(text, unit, lang()) if unit else text


def styled(frame: Any) -> Any:
    """A DataFrame for ``st.dataframe`` whose cells read in the chosen language while the column keeps
    its numbers (sorting stays numeric): decimals with the language's mark and digit groups, "–" for no
    value (never "None" or "nan"). A list of row dicts is made a DataFrame first."""
    import pandas as pd

    if not isinstance(frame, pd.DataFrame):
        frame = pd.DataFrame(frame)
    numeric = [c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])
               and not pd.api.types.is_bool_dtype(frame[c])]
    other = [c for c in frame.columns if c not in numeric]
    styler = frame.style
    if numeric:
        styler = styler.format(fmt_number, subset=numeric)
    if other:
        styler = styler.format(lambda v: "–" if v is None or (isinstance(v, float) and v != v) else v,
                               subset=other)
    return styler


def dataframe(frame: Any, **kwargs: Any) -> Any:
    """``st.dataframe`` of :func:`styled` (hidden index, full width unless told otherwise). The browser
    draws a missing cell as the placeholder, never as the Styler's text for it: "–" here, not "None"."""
    kwargs.setdefault("hide_index", True)
    kwargs.setdefault("placeholder", "–")
    kwargs.setdefault("width", "stretch")
    return st.dataframe(styled(frame), **kwargs)


def fmt_amount(value: Any) -> str:
    """Euros without the sign, for table columns whose header says €: ``1234.5`` -> ``1 234,50``
    (fi/sv) or ``1,234.50`` (en); always two decimals so the column lines up."""
    if value is None:
        return "–"
    if lang() == "en":
        return f"{float(value):,.2f}"
    return format_number(float(value), lang(), 2)


def fmt_decimal(value: Any, digits: int = 2) -> str:
    """A plain number with at most ``digits`` decimals (trailing zeros dropped) and the language's
    decimal mark: ``1.0`` -> ``1``, ``10.7`` -> ``10,7`` (fi/sv) or ``10.7`` (en)."""
    if value is None or value == "":
        return "–"
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    text = f"{number:.{digits}f}".rstrip("0").rstrip(".") if digits else f"{number:.0f}"
    return text if lang() == "en" else text.replace(".", ",")


def next_fee_indexation(on: date) -> date:
    """The next 1 August of an even year after ``on`` (fees are indexed every second year: 2024, 2026, …)."""
    year = on.year + (on.year % 2)
    return date(year, 8, 1) if date(year, 8, 1) > on else date(year + 2, 8, 1)


def fmt_minutes(seconds: Any) -> str:
    """Seconds as whole minutes for display; unreachable (None / inf) as a dash."""
    if seconds is None:
        return "–"
    value = float(seconds)
    if value != value or value in (float("inf"), float("-inf")):
        return "–"
    return t("unit.minutes", minutes=int(round(value / 60.0)))


def point_of(location: dict | None) -> tuple[float, float] | None:
    """WGS84 (lat, lon) of a family location: the coordinates, or the address found in the
    dataset; None when it cannot be placed (the Family page shows why)."""
    if not location:
        return None
    if location.get("lat") is not None and location.get("lon") is not None:
        try:
            return float(location["lat"]), float(location["lon"])
        except (TypeError, ValueError):  # a typed text that is no number: the Family page names it
            return None
    if location.get("address"):
        try:
            return dataset().addresses.resolve(str(location["address"]))
        except (PlannerError, ImportError):
            return None
    return None


# --------------------------------------------------------------------------- map layers (per dataset)


@st.cache_data(max_entries=4, show_spinner=False)
def _streets(dataset_name: str | None) -> tuple[str, list]:
    from pages.maps import street_lines

    loaded = _dataset(dataset_name)
    graph = loaded.graph("walk")
    bounds = [[float(graph.lat.min()), float(graph.lon.min())], [float(graph.lat.max()), float(graph.lon.max())]]
    outline = loaded.meta.get("outline")  # the area the dataset covers, drawn around its streets
    lines = street_lines(graph) + ([outline] if outline else [])
    text = json.dumps({"type": "Feature", "properties": {},
                       "geometry": {"type": "MultiLineString", "coordinates": lines}},
                      separators=(",", ":"))
    return text, bounds


def streets_and_bounds() -> tuple[str, list]:
    """The dataset's walk-graph streets as GeoJSON text (for ``maps.add_streets``) and the
    bounds ``[[lat_min, lon_min], [lat_max, lon_max]]``; cached per dataset."""
    return _streets(st.session_state.get(DATASET_KEY))


@st.cache_data(max_entries=4, show_spinner=False)
def _catchments(dataset_name: str | None) -> dict:
    return _dataset(dataset_name).catchments.to_geojson()


def catchments_geojson() -> dict:
    """The dataset's catchment areas as GeoJSON (cached per dataset)."""
    return _catchments(st.session_state.get(DATASET_KEY))
