"""Everything the schema declares has a name for people in both languages: labels, relationship
types read from either end, and every property the bundled content uses (node pages show these
names instead of codes and keys)."""

from __future__ import annotations

import pytest

from kg.content.loader import read_content
from kg.schema import Schema, SchemaError, _parse, load_schema


def test_every_label_has_a_chinese_and_an_english_name():
    schema = load_schema()
    missing = sorted(label for label, spec in schema.labels.items() if not spec.names.complete)
    assert missing == []
    for lang in ("zh", "en"):
        names = [schema.label_name(label, lang) for label in schema.labels]
        assert len(set(names)) == len(names), f"two labels share a {lang} name"
    assert schema.label_name("LessonLearned", "zh") == "经验教训"
    assert schema.label_name("LessonLearned", "en") == "Lesson learned"


def test_every_relationship_type_is_named_from_both_ends():
    schema = load_schema()
    missing = sorted(name for name, spec in schema.relationships.items()
                     if not (spec.names.complete and spec.inverse.complete))
    assert missing == []
    assert schema.rel_name("ADDRESSES", "out", "zh") == "应对风险"
    assert schema.rel_name("ADDRESSES", "in", "en") == "Duties addressing it"


def test_every_property_of_the_bundled_content_is_named_in_both_languages():
    schema = load_schema()
    content = read_content()
    used = {key for node in content.nodes for key in node.properties}
    used |= {key for rel in content.relationships for key in (rel.properties or {})}
    assert {"name", "discussion", "source_gap", "locator"} <= used
    missing = sorted(key for key in used if key not in schema.properties or not schema.properties[key].complete)
    assert missing == []
    assert schema.property_name("source_gap", "zh") == "来源缺口"
    assert schema.property_name("discussion", "en") == "Discussion"


def test_every_coded_value_of_the_bundled_content_is_named_in_both_languages():
    schema = load_schema()
    content = read_content()
    used = {(key, value) for node in content.nodes for key, value in node.properties.items()
            if key in schema.values and isinstance(value, str)}
    assert {"category", "level", "kind", "scoring", "provenance"} <= {key for key, _ in used}
    missing = sorted(f"{key}={value}" for key, value in used
                     if value not in schema.values[key] or not schema.values[key][value].complete)
    assert missing == []
    assert schema.value_name("category", "natural", "zh") == "自然灾害"
    assert schema.value_name("kind", "true_false", "en") == "True or false"
    assert schema.value_name("category", "not-a-code", "en") == "not-a-code"


def test_a_thing_without_a_name_is_shown_by_its_code():
    schema = Schema()
    _parse({"labels": {"Thing": {}}, "relationships": {"LINKS": {}}}, "x.yaml", schema)
    assert schema.label_name("Thing", "en") == "Thing" and schema.rel_name("LINKS", "in", "zh") == "LINKS"
    assert schema.property_name("colour", "zh") == "colour"
    assert not schema.labels["Thing"].names.complete


@pytest.mark.parametrize("doc,message", [
    ({"labels": {"Thing": {"name_zh": 3}}}, "Thing: name_zh must be text"),
    ({"relationships": {"LINKS": {"inverse_en": " "}}}, "LINKS: inverse_en must be text"),
    ({"properties": {"colour": "颜色"}}, "property colour: expected"),
    ({"properties": {"colour": {"zh": "颜色", "en": ["Colour"]}}}, "property colour: en must be text"),
    ({"values": {"colour": ["red"]}}, "values of colour: expected"),
    ({"values": {"colour": {"red": "红"}}}, "value colour=red: expected"),
])
def test_malformed_names_are_rejected(doc, message):
    with pytest.raises(SchemaError, match=message):
        _parse(doc, "x.yaml", Schema())


def test_a_coded_value_is_named_once_across_files():
    schema = Schema()
    _parse({"values": {"kind": {"law": {"zh": "法律", "en": "Law"}}}}, "a.yaml", schema)
    _parse({"values": {"kind": {"core": {"zh": "核心课程", "en": "Core course"}}}}, "b.yaml", schema)
    assert set(schema.values["kind"]) == {"law", "core"}
    with pytest.raises(SchemaError, match=r"c\.yaml: value kind=law is named twice"):
        _parse({"values": {"kind": {"law": {"zh": "法", "en": "Act"}}}}, "c.yaml", schema)


def test_a_property_is_named_once_across_files():
    schema = Schema()
    _parse({"properties": {"colour": {"zh": "颜色", "en": "Colour"}}}, "a.yaml", schema)
    with pytest.raises(SchemaError, match=r"b\.yaml: property colour is named twice"):
        _parse({"properties": {"colour": {"zh": "色", "en": "Color"}}}, "b.yaml", schema)
