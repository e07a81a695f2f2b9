"""Human names for labels, relationship types and properties in the request's language.

The names live in the schema files (``kg/schema/*.yaml``: ``name_zh``/``name_en`` of labels and
relationship types, ``inverse_zh``/``inverse_en`` for a relationship read from its end, and the
``properties:`` tables), so a new label or property is named where it is declared; a test fails
when one is missing.  A thing without a name is shown by its code.
"""

from __future__ import annotations

from functools import lru_cache

from kg.schema import load_schema
from web.i18n import CONTENT_LANG, current_lang, is_chinese


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
    return _property_names(_lang())


@lru_cache(maxsize=2)
def _property_names(lang: str) -> dict[str, str]:
    return {key: names.get(lang, key) for key, names in load_schema().properties.items()}


def value_names() -> dict[str, dict[str, str]]:
    """Coded values in words in the request's language, per property (``{"category": {"natural":
    "自然灾害"}}``)."""
    return _value_names(_lang())


@lru_cache(maxsize=2)
def _value_names(lang: str) -> dict[str, dict[str, str]]:
    return {key: {code: names.get(lang, code) for code, names in codes.items()}
            for key, codes in load_schema().values.items()}


def value_name(key: str, value):
    return value_names().get(key, {}).get(value, value) if isinstance(value, str) else value




def _refs(value, out: list) -> None:
    """Collect every ``{"id", "name"}`` entry (dicts, and objects with those attributes such as
    search hits) in a nested structure."""
    if isinstance(value, dict):
        if "id" in value and "name" in value:
            out.append(value)
        for v in value.values():
            if isinstance(v, (dict, list, tuple)) or hasattr(v, "__dataclass_fields__"):
                _refs(v, out)
    elif isinstance(value, (list, tuple)):
        for v in value:
            _refs(v, out)
    elif hasattr(value, "__dataclass_fields__"):
        if hasattr(value, "id") and hasattr(value, "name"):
            out.append(value)
        for name in value.__dataclass_fields__:
            v = getattr(value, name)
            if isinstance(v, (dict, list, tuple)) or hasattr(v, "__dataclass_fields__"):
                _refs(v, out)


def localize_names(store, *structures) -> None:
    """On an English page, give every ``{"id", "name"}`` entry in ``structures`` (search hits,
    graph context, lesson rows …) its node's ``name_en`` where the node has one (one read for all
    of them), and mark the entries left in Chinese with ``"lang": "zh-CN"`` (objects: a ``lang``
    attribute).  On a Chinese page nothing changes."""
    if _lang() != "en":
        return
    refs: list = []
    for s in structures:
        _refs(s, refs)
    if not refs:
        return

    def get(ref, key):
        return ref.get(key) if isinstance(ref, dict) else getattr(ref, key, None)

    ids = sorted({get(r, "id") for r in refs if isinstance(get(r, "id"), str) and not get(r, "name_en")})
    nodes = store.get_nodes(ids) if ids else {}
    for ref in refs:
        node = nodes.get(get(ref, "id"))
        english = get(ref, "name_en") or (node["properties"].get("name_en") if node else None)
        name = english or get(ref, "name")
        lang = None if english or not is_chinese(name) else CONTENT_LANG
        if isinstance(ref, dict):
            ref["name"], ref["lang"] = name, lang
        else:
            ref.name, ref.lang = name, lang


__all__ = ["label_name", "localize_names", "property_name", "property_names", "rel_name", "value_name", "value_names"]
