"""Every user-visible text exists in Finnish, Swedish and English, with the same placeholders."""
import json
import string

import pytest

from planner.i18n import LANGUAGES, LOCALES_DIR, load_texts, translate


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_language_has_the_same_keys():
    keys = {lang: set(load_texts(lang)) for lang in LANGUAGES}
    for lang in LANGUAGES:
        missing = keys["en"] - keys[lang]
        extra = keys[lang] - keys["en"]
        assert not missing, f"{lang} lacks {sorted(missing)[:10]}"
        assert not extra, f"{lang} has keys English lacks: {sorted(extra)[:10]}"


def test_placeholders_match_across_languages():
    en = load_texts("en")
    for lang in ("fi", "sv"):
        texts = load_texts(lang)
        for key, text in en.items():
            assert _fields(texts[key]) == _fields(text), f"{lang}:{key} placeholders differ"


def test_topic_files_are_valid_json_with_prefixed_keys():
    for lang in LANGUAGES:
        for path in (LOCALES_DIR / lang).glob("*.json"):
            data = json.loads(path.read_text(encoding="utf-8"))
            assert all(isinstance(v, str) and v.strip() for v in data.values()), path


def test_translate_fills_fields_and_rejects_unknown_language():
    assert translate("app.costs.yes", "en") == "yes"
    with pytest.raises(ValueError):
        translate("app.costs.yes", "de")
    with pytest.raises(KeyError):
        translate("no.such.key", "fi")


# --------------------------------------------------------------------------- every key is used

REPO = LOCALES_DIR.parents[1]
# Keys the code builds at run time from a prefix it passes to a helper (ui.labeller, the pages'
# _labels, ui.plural) or keeps in a variable (planner/money/allowances.py's flexible and partial care
# allowance texts), where no literal or f-string in the code names the key: listed by hand, with where
# each is built. A key named nowhere else is unused and fails the test below.
DYNAMIC_PREFIXES = (
    # ui.labeller(prefix): option codes of the family's journey (pages/family.py, costs.py, units.py,
    # changes.py, ui.py's language select)
    "app.care.", "app.day.", "app.day_short.", "app.mode.", "app.provider.", "app.family.situation.",
    "app.family.location_mode.", "app.units.sort.", "app.language.", "app.life.page.type.",
    # ui.plural(key, n): key.one / key.many
    "app.family.has_problems.",
    # pages/planner_workbench.py _labels(prefix)
    "app_planner.action.", "app_planner.assignment_name.", "app_planner.mode_name.",
    "app_planner.opt.objective_name.", "app_planner.opt.source_name.", "app_planner.status.",
    # pages/staff_offers.py _labels(prefix)
    "app_staff.area_rule.", "app_staff.format_name.", "app_staff.kind_name.", "app_staff.method_name.",
    "app_staff.mode_name.", "app_staff.siblings_name.", "app_staff.source_name.", "app_staff.status_name.",
    "app_staff.units_source_name.", "app_staff.decision_name.", "app_staff.change_name.",
    "app_staff.reason_name.",
    # planner/money/allowances.py text(f"{prefix}.paid") with prefix money.flex / money.partial
    "money.flex.", "money.partial.",
)


def _code_strings() -> tuple[set[str], set[str], list[str]]:
    """From pages/, app.py and planner/ (Python; plus the dotted names in planner/'s data files):
    every string literal; the heads of f-strings that are a fixed head and one value
    (``f"app_planner.{key}"``: the key is head + a literal given to that helper); and a pattern per
    f-string whose fixed head is more than a namespace (``f"costs.status.{status}"``)."""
    import ast
    import re

    literals: set[str] = set()
    heads: set[str] = set()
    fstrings: list[list] = []
    files = [REPO / "app.py", *(REPO / "pages").rglob("*.py"), *(REPO / "planner").rglob("*.py")]
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                literals.add(node.value)
            elif isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
                parts = [str(v.value) if isinstance(v, ast.Constant) else None for v in node.values]
                fstrings.append(parts)
                if len(parts) == 2 and parts[1] is None and parts[0].endswith("."):
                    heads.add(parts[0])
    for path in (REPO / "planner").rglob("*"):
        if path.is_file() and "locales" not in path.parts and path.suffix in (".csv", ".json", ".toml"):
            literals |= set(re.findall(r"[a-z_]+(?:\.[\w-]+)+", path.read_text(encoding="utf-8", errors="replace")))
    namespaces = {key.split(".")[0] for key in load_texts("en")}
    patterns = ["".join(re.escape(p) if p is not None else r"[\w-]+" for p in parts) + "$" for parts in fstrings
                if "." in parts[0] and parts[0].rstrip(".") not in namespaces]
    return literals, heads, patterns


def test_every_text_key_is_used_somewhere():
    """A text nobody shows is dead weight for translators (app_staff.running and app_planner.opt.running
    stayed behind when progress bars replaced the spinners)."""
    import re

    literals, heads, patterns = _code_strings()
    compiled = [re.compile(p) for p in patterns]

    def used(key: str) -> bool:
        names = {key} | {key[len(head):] for head in heads if key.startswith(head)}   # ui.t("x") is app.x
        return (key.startswith(DYNAMIC_PREFIXES) or bool(names & literals)
                or any(p.match(name) for p in compiled for name in names))

    keys = load_texts("en")
    stale = [p for p in DYNAMIC_PREFIXES if not any(k.startswith(p) for k in keys)]
    assert stale == [], f"DYNAMIC_PREFIXES lists prefixes no key has any more: {stale}"
    unused = sorted(k for k in keys if not used(k))
    assert unused == [], f"{len(unused)} text keys used nowhere in pages/, app.py or planner/: {unused}"
