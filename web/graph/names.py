"""Human names for labels, relationship types and properties in the request's language.

The names live in the schema files (``kg/schema/*.yaml``: ``name_zh``/``name_en`` of labels and
relationship types, ``inverse_zh``/``inverse_en`` for a relationship read from its end, and the
``properties:`` tables), so a new label or property is named where it is declared; a test fails
when one is missing.  A thing without a name is shown by its code.
"""

from __future__ import annotations

from kg.schema import load_schema
from web.i18n import current_lang


def _lang() -> str:
    return "en" if current_lang() == "en" else "zh"


def label_name(label: str | None) -> str:
    return load_schema().label_name(label or "", _lang())


def rel_name(rel_type: str, direction: str = "out") -> str:
    return load_schema().rel_name(rel_type, direction, _lang())


def property_name(key: str) -> str:
    return load_schema().property_name(key, _lang())


def property_names() -> dict[str, str]:
    """Every named property's name in the request's language (for loops over many keys)."""
    lang = _lang()
    return {key: names.get(lang, key) for key, names in load_schema().properties.items()}


__all__ = ["label_name", "property_name", "property_names", "rel_name"]
