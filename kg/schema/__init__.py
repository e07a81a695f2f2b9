"""The graph schema: labels, relationship types (with allowed endpoints), required properties,
constraints and indexes — in one place.

Every ``*.yaml`` file in this package is part of the schema; each area of the product adds its
labels and relationship types by adding a file here (``core.yaml`` holds the curated knowledge).
Labels and relationship types are checked against this schema before they are ever placed into
a query string.

The schema also names things for people, in Simplified Chinese and English: every label
(``name_zh``/``name_en``), every relationship type read from either end (``name_zh``/``name_en``
from its start, ``inverse_zh``/``inverse_en`` from its end) and every property (the
``properties:`` table of each file), and coded property values (``values:``: ``category: natural``
→ 自然灾害 / Natural hazard).  ``Schema.label_name``, ``rel_name``, ``property_name`` and
``value_name`` give them in a language (``"zh"`` or ``"en"``); a thing without a name is shown by
its code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import yaml

NAME_RE = re.compile(r"^[A-Z][A-Za-z0-9]*$")
REL_RE = re.compile(r"^[A-Z][A-Z0-9_]*$")
ANY = "*"


class SchemaError(ValueError):
    """A label, relationship type or property breaks the schema."""


LANGUAGES = ("zh", "en")


@dataclass(frozen=True)
class Names:
    """A thing's name for people in each language (empty: not named yet)."""

    zh: str = ""
    en: str = ""

    def get(self, lang: str, default: str) -> str:
        return (self.en if lang == "en" else self.zh) or default

    @property
    def complete(self) -> bool:
        return bool(self.zh and self.en)


@dataclass(frozen=True)
class LabelSpec:
    name: str
    description: str
    required: tuple[str, ...]
    text: tuple[str, ...] = ()
    indexes: tuple[str, ...] = ()
    names: Names = Names()


@dataclass(frozen=True)
class RelSpec:
    name: str
    description: str
    sources: tuple[str, ...]
    targets: tuple[str, ...]
    names: Names = Names()  # read from the start node ("addresses hazards")
    inverse: Names = Names()  # read from the end node ("duties addressing it")

    def allows(self, start_label: str, end_label: str) -> bool:
        return (ANY in self.sources or start_label in self.sources) and (
            ANY in self.targets or end_label in self.targets
        )


@dataclass(frozen=True)
class Schema:
    labels: dict[str, LabelSpec] = field(default_factory=dict)
    relationships: dict[str, RelSpec] = field(default_factory=dict)
    properties: dict[str, Names] = field(default_factory=dict)
    values: dict[str, dict[str, Names]] = field(default_factory=dict)

    def label(self, name: object) -> LabelSpec:
        """Return the label's spec; raise SchemaError for anything not in the schema."""
        if not isinstance(name, str) or name not in self.labels:
            raise SchemaError(f"unknown label {name!r}")
        return self.labels[name]

    def relationship(self, name: object) -> RelSpec:
        if not isinstance(name, str) or name not in self.relationships:
            raise SchemaError(f"unknown relationship type {name!r}")
        return self.relationships[name]

    def check_relationship(self, rel_type: str, start_label: str, end_label: str) -> RelSpec:
        spec = self.relationship(rel_type)
        if not spec.allows(start_label, end_label):
            raise SchemaError(
                f"relationship {rel_type} is not allowed from {start_label} to {end_label} "
                f"(allowed: {', '.join(spec.sources)} -> {', '.join(spec.targets)})"
            )
        return spec

    def missing_required(self, label: str, properties: dict) -> list[str]:
        spec = self.label(label)
        return [p for p in spec.required if p != "id" and properties.get(p) in (None, "", [])]

    def label_name(self, label: str, lang: str = "zh") -> str:
        """What pages call a label in ``lang`` (its code when it has no name)."""
        spec = self.labels.get(label)
        return spec.names.get(lang, label) if spec else label

    def rel_name(self, rel_type: str, direction: str = "out", lang: str = "zh") -> str:
        """A relationship type read from its start (``direction="out"``) or its end (``"in"``)."""
        spec = self.relationships.get(rel_type)
        if spec is None:
            return rel_type
        return (spec.names if direction == "out" else spec.inverse).get(lang, rel_type)

    def property_name(self, key: str, lang: str = "zh") -> str:
        names = self.properties.get(key)
        return names.get(lang, key) if names else key

    def value_name(self, key: str, value: str, lang: str = "zh") -> str:
        """A coded value of property ``key`` in words (the value itself when it is no code)."""
        names = self.values.get(key, {}).get(value) if isinstance(value, str) else None
        return names.get(lang, value) if names else value


def _names(body: dict, origin: str, what: str, zh: str = "name_zh", en: str = "name_en") -> Names:
    values = {}
    for lang, key in (("zh", zh), ("en", en)):
        value = body.get(key)
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise SchemaError(f"{origin}: {what}: {key} must be text")
        values[lang] = (value or "").strip()
    return Names(**values)


def _parse(doc: dict, origin: str, schema: Schema) -> None:
    for name, body in (doc.get("labels") or {}).items():
        if not NAME_RE.match(name):
            raise SchemaError(f"{origin}: bad label name {name!r}")
        if name in schema.labels:
            raise SchemaError(f"{origin}: label {name} is defined twice")
        body = body or {}
        required = tuple(body.get("required") or ["id"])
        if "id" not in required:
            required = ("id",) + required
        schema.labels[name] = LabelSpec(
            name=name,
            description=body.get("description", ""),
            required=required,
            text=tuple(body.get("text") or ()),
            indexes=tuple(body.get("indexes") or ()),
            names=_names(body, origin, name),
        )
    for name, body in (doc.get("relationships") or {}).items():
        if not REL_RE.match(name):
            raise SchemaError(f"{origin}: bad relationship type {name!r}")
        if name in schema.relationships:
            raise SchemaError(f"{origin}: relationship {name} is defined twice")
        body = body or {}
        schema.relationships[name] = RelSpec(
            name=name,
            description=body.get("description", ""),
            sources=tuple(body.get("from") or (ANY,)),
            targets=tuple(body.get("to") or (ANY,)),
            names=_names(body, origin, name),
            inverse=_names(body, origin, name, "inverse_zh", "inverse_en"),
        )
    for key, body in (doc.get("properties") or {}).items():
        if key in schema.properties:
            raise SchemaError(f"{origin}: property {key} is named twice")
        if not isinstance(body, dict):
            raise SchemaError(f"{origin}: property {key}: expected {{zh: ..., en: ...}}")
        schema.properties[key] = _names(body, origin, f"property {key}", "zh", "en")
    for key, codes in (doc.get("values") or {}).items():
        if not isinstance(codes, dict):
            raise SchemaError(f"{origin}: values of {key}: expected {{code: {{zh: ..., en: ...}}}}")
        table = schema.values.setdefault(key, {})
        for code, body in codes.items():
            code = str(code)
            if code in table:
                raise SchemaError(f"{origin}: value {key}={code} is named twice")
            if not isinstance(body, dict):
                raise SchemaError(f"{origin}: value {key}={code}: expected {{zh: ..., en: ...}}")
            table[code] = _names(body, origin, f"value {key}={code}", "zh", "en")


def _validate_endpoints(schema: Schema) -> None:
    for rel in schema.relationships.values():
        for label in rel.sources + rel.targets:
            if label != ANY and label not in schema.labels:
                raise SchemaError(f"relationship {rel.name} names unknown label {label}")


@lru_cache(maxsize=1)
def load_schema() -> Schema:
    """Load and merge every schema file of this package (cached)."""
    schema = Schema()
    files = sorted(
        (f for f in resources.files(__package__).iterdir() if f.name.endswith(".yaml")),
        key=lambda f: (f.name != "core.yaml", f.name),
    )
    for f in files:
        _parse(yaml.safe_load(f.read_text(encoding="utf-8")) or {}, f.name, schema)
    _validate_endpoints(schema)
    return schema
