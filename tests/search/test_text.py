"""Searchable text, hashes and keyword terms (no store needed)."""

from kg.schema import load_schema
from kg.search.text import (
    content_hash,
    document_terms,
    embedding_text,
    language,
    query_terms,
    query_text,
    searchable_text,
    tokens,
)


def test_tokens_are_cjk_unigrams_bigrams_and_words():
    assert tokens("燃气泄漏 LPG-2") == ["燃", "气", "泄", "漏", "燃气", "气泄", "泄漏", "lpg", "2"]
    assert document_terms("暴雨") == "暴 雨 暴雨"


def test_query_words_that_carry_no_subject_are_dropped_for_keywords():
    assert "怎么" not in query_text("暴雨天地下车库怎么组织转移")
    terms = query_terms("老旧小区燃气泄漏谁先处置").split()
    assert "燃气" in terms and "谁" not in terms and len(terms) == len(set(terms))
    assert query_terms("Who should evacuate the garage?").split() == ["evacuate", "garage"]


def test_searchable_text_follows_the_schema_text_list():
    schema = load_schema()
    props = {"name": "燃气事故应急专项预案", "name_en": "Gas plan", "description": "说明",
             "activation_criteria": ["泄漏", "爆炸"], "kind": "special"}
    assert searchable_text(schema, "Plan", props) == "燃气事故应急专项预案\n说明\n泄漏；爆炸\nGas plan"
    assert embedding_text(schema, "Plan", props) == "燃气事故应急专项预案\n说明\n泄漏；爆炸"


def test_hash_changes_with_text_and_model():
    assert content_hash("a", "m1") != content_hash("b", "m1") != content_hash("a", "m2")
    assert content_hash("a", "m1") == content_hash("a", "m1")


def test_language():
    assert language("燃气 leak") == "zh" and language("gas leak") == "en"
