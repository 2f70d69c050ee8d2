"""Finnish, Swedish and English texts.

Texts live in ``planner/locales/<lang>/<topic>.json`` (one file per topic so modules do not share a
file); keys are namespaced by topic (``money.fee.base``). ``translate`` formats ``{name}`` fields.
Every key must exist in all three languages (a test checks this).
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from planner.errors import InputError

LANGUAGES: tuple[str, ...] = ("fi", "sv", "en")
LANGUAGE_NAMES: dict[str, str] = {"fi": "Suomi", "sv": "Svenska", "en": "English"}
LOCALES_DIR = Path(__file__).parent / "locales"


@lru_cache(maxsize=None)
def load_texts(lang: str) -> dict[str, str]:
    """All texts of one language, merged from its topic files."""
    if lang not in LANGUAGES:
        raise InputError.single("language", lang, f"use one of {', '.join(LANGUAGES)}")
    texts: dict[str, str] = {}
    for path in sorted((LOCALES_DIR / lang).glob("*.json")):
        with path.open(encoding="utf-8") as handle:
            for key, value in json.load(handle).items():
                if key in texts:
                    raise ValueError(f"duplicate text key {key!r} in {path}")
                texts[key] = value
    return texts


def translate(key: str, lang: str = "fi", /, **params: Any) -> str:
    """The text for ``key`` in ``lang`` with ``{name}`` fields filled from ``params``.

    A missing key is a bug: it raises ``KeyError`` naming the key and the language.
    """
    texts = load_texts(lang)
    if key not in texts:
        raise KeyError(f"text key {key!r} missing for language {lang!r} (add it to planner/locales/{lang}/)")
    text = texts[key]
    return text.format(**params) if params else text


def translate_all(key: str, /, **params: Any) -> dict[str, str]:
    """The text in every language: ``{"fi": ..., "sv": ..., "en": ...}``."""
    return {lang: translate(key, lang, **params) for lang in LANGUAGES}
