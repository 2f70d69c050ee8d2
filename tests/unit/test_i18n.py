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
    assert translate("common.app_title", "en") == "Early childhood education planner"
    with pytest.raises(ValueError):
        translate("common.app_title", "de")
    with pytest.raises(KeyError):
        translate("no.such.key", "fi")
