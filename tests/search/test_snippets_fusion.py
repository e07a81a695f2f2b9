"""Snippets, the lexicon's English translation and the fusions (no store needed)."""

import numpy as np

from kg.schema import load_schema
from kg.search.fusion import (
    RRF,
    Candidates,
    GraphBoost,
    LinearFusion,
    ScoreFusion,
    features,
    from_dict,
    name_match,
    to_dict,
)
from kg.search.lexicon import LexiconSources, build_lexicon, stems
from kg.search.snippets import plain_text, snippet
from kg.search.text import KeywordScheme, keyword_terms, query_terms

UNIT = """## 搜索的方法
进入现场前先观察周围环境，确认没有二次坍塌的危险。**先喊话**，再敲击，静听回应。

- 按区域分片搜索
- 记录已搜区域

发现被困者后立即报告。"""


def test_snippets_are_plain_whole_sentences_with_the_terms_located():
    assert "#" not in plain_text(UNIT) and "**" not in plain_text(UNIT)
    text, marks = snippet({"body": UNIT}, "喊话 回应 被困")
    assert "##" not in text and "**" not in text and "先喊话" in text
    assert [text[a:b] for a, b in marks] == ["喊话", "回应", "被困"]
    long = {"observation": "前面的事情说了很久。" * 6 + "店主担心货物受损，又返回地下搬货。" + "后面还有很多话。" * 30}
    text, marks = snippet(long, "返回 搬货", width=40)
    assert text.startswith("…") and text.endswith("…") and "返回地下搬货。" in text
    assert all(text[a:b] in ("返回", "搬货") for a, b in marks)
    piece = text.strip("…")
    assert piece.endswith("。") and piece[0] in "店前后"  # cut between sentences, not inside one
    assert snippet({}, "燃气") == ("", [])


def test_english_words_are_translated_through_the_graph_and_the_glossary():
    pairs = [("Hazard", "燃气泄漏", "Gas leak"), ("Hazard", "居民住宅火灾", "Residential fire"),
             ("Hazard", "高层建筑火灾", "High-rise building fire"), ("Facility", "灭火器与室内消火栓", "Fire extinguishers and indoor hydrants")]
    lexicon = build_lexicon(pairs, ["燃气泄漏", "灭火器与室内消火栓"])
    assert stems("Evacuating residents") == ["evacu", "resid"]
    found = {t.english: (t.source, t.chinese) for t in lexicon.translate("gas leak: evacuate the residents?")}
    assert found["gas leak"] == ("graph", ["燃气泄漏"]) and found["evacu"][0] == "glossary" and "疏散" in found["evacu"][1]
    assert lexicon.translate("fire")[0].chinese[0] == "火灾"  # aligned over the name pairs
    assert set(lexicon.phrase_terms("室内消火栓没水，灭火器过期")) == {"室内消火栓", "灭火器"}
    terms = query_terms("gas leak in the stairwell", lexicon=lexicon, expand_english=True).split()
    assert {"gas", "leak", "燃气", "泄漏"} <= set(terms)
    assert "燃气" not in query_terms("gas leak in the stairwell", lexicon=lexicon).split()


def test_aligned_translations_are_words_not_bigrams_cut_across_two():
    pairs = [("Hazard", "电动自行车火灾", "Electric bicycle fire"), ("Hazard", "电动自行车充电", "Electric bicycle charging"),
             ("Facility", "电动自行车充电桩", "Electric bicycle charging pile"), ("Hazard", "居民住宅火灾", "Residential fire")]
    words_only = build_lexicon(pairs, [], sources=LexiconSources(cedict=False, pinyin=False))
    assert {t.english: t.chinese for t in words_only.translate("bicycle charging")} == {"bicycl": ["电动"], "charg": ["充电"]}
    every_bigram = build_lexicon(pairs, [], sources=LexiconSources(cedict=False, pinyin=False, aligned_words=False))
    assert "动自" in every_bigram.translate("bicycle")[0].chinese  # what the filter keeps out


def test_keyword_schemes_weight_names_and_add_phrases():
    lexicon = build_lexicon([], ["燃气泄漏"])
    props = {"name": "燃气泄漏", "description": "闻到异味"}
    plain = keyword_terms(load_schema(), "Duty", props).split()
    weighted = keyword_terms(load_schema(), "Duty", props, lexicon=lexicon,
                             scheme=KeywordScheme(phrases=True, field_weights=(("name", 2),))).split()
    assert plain.count("燃气") == 1 and weighted.count("燃气") == 2 and weighted.count("燃气泄漏") == 2
    assert "燃气泄漏" not in plain


def _candidates(lang="zh"):
    return Candidates.of("燃气泄漏怎么办", lang, {
        "dense": [{"id": "a", "score": 0.9}, {"id": "b", "score": 0.8}, {"id": "c", "score": 0.5}],
        "keyword": [{"id": "b", "score": 12.0}, {"id": "d", "score": 3.0}]})


def test_name_match_is_the_share_of_the_query_terms_in_each_name():
    c = Candidates.of("燃气泄漏怎么办", "zh", {
        "dense": [{"id": "a", "name": "燃气泄漏处置", "score": 0.9}, {"id": "b", "name": "暴雨内涝", "score": 0.8}],
        "keyword": [{"id": "c", "name": "燃气表检查", "score": 3.0}]},
        terms="燃 气 泄 漏 燃气 气泄 泄漏 怎么 么办 燃气泄漏")
    # six wanted terms (single characters do not count): a's name holds all but 怎么 and 么办,
    # b's none, c's only 燃气
    assert np.allclose(name_match(c), [4 / 6, 0.0, 1 / 6])
    assert np.allclose(features(c)[:, -1], name_match(c))
    assert not name_match(_candidates()).any()  # no terms given: nothing to match


def test_fusions_rank_the_same_candidates_and_round_trip():
    c = _candidates()
    assert c.single("dense") == ["a", "b", "c"] and c.single("keyword") == ["b", "d"]
    assert c.ranked(RRF({"zh": (1.0, 1.0, 1)}).scores(c))[0][0] == "b"
    assert [i for i, _ in c.ranked(ScoreFusion("minmax", {"zh": 1.0}).scores(c))][:3] == ["a", "b", "c"]
    assert [i for i, _ in c.ranked(ScoreFusion("zscore", {"zh": 0.0}).scores(c))][:2] == ["b", "d"]
    linear = LinearFusion(list(np.ones(features(c).shape[1])), 0.0)
    boosted = GraphBoost(linear, beta=5.0, top=1)
    c.hazards = {"a": {"h1"}, "b": {"h2"}, "c": {"h2"}, "d": set()}
    top = c.ranked(linear.scores(c))[0][0]
    assert top == "b" and [i for i, _ in c.ranked(boosted.scores(c))][:2] == ["b", "c"]
    again = from_dict(to_dict(boosted))
    assert np.allclose(again.scores(c), boosted.scores(c))
