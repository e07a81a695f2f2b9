"""Pinyin typed for Chinese words (``xhs`` for 消火栓, ``kongtiao`` for 空调) in queries."""

from dataclasses import replace

from kg.search.engine import SearchEngine
from kg.search.lexicon import build_lexicon
from kg.search.pinyin import build_pinyin_index, corpus_words, is_word
from kg.search.text import query_terms

TEXTS = [
    "楼道里的消火栓没有水，水带也老化了。应急物资要定期检查，过期的应急物资及时更换。",
    "夏天老人中暑，不舍得开空调；网格员上门提醒开空调。消火栓每季度试水。",
    "网格员发现消防设施损坏，报告物业；消防设施要有人管。燃气报警器被拔掉了。",
    "燃气报警器响了先开窗。针对底层住户，网格员逐户敲门。",
]
VOCABULARY = {"消火栓", "应急", "物资", "空调", "网格", "消防", "设施", "燃气", "报警器", "老人", "中暑", "底层"}


def test_frequent_strings_that_are_words_get_their_initials_and_full_pinyin():
    index = build_pinyin_index(TEXTS, english={"heat", "wave"}, vocabulary=VOCABULARY)
    assert index.keys["xhs"] == ["消火栓"]
    assert index.keys["yjwz"] == ["应急物资"]  # two dictionary words
    assert index.keys["wgy"] == ["网格员"]  # a word and one character
    assert index.keys["rqbjq"] == ["燃气报警器"]
    assert index.keys["kongtiao"] == ["空调"]  # 调 read tiao in this word, not diao
    assert index.keys["xfss"] == ["消防设施"]
    # a piece of a longer string is not offered on its own: 消防设 is always in 消防设施
    assert "xfs" not in index.keys
    # a string met once is not offered (针对底层 … once), nor a string that is no word (老化了)
    assert "zddc" not in index.keys and "lhl" not in index.keys


def test_pieces_and_non_words_are_left_out():
    counts = corpus_words(["消防设施，消防设施，消防设施，开空调，开空调"], VOCABULARY)
    assert counts["消防设施"] == 3 and "消防设" not in counts and "防设施" not in counts
    assert counts["空调"] == 2  # always in 开空调, which is no word
    assert is_word("燃气报警器", VOCABULARY) and is_word("网格员", VOCABULARY)
    assert not is_word("员网格", VOCABULARY) and not is_word("老化了", VOCABULARY)


def test_a_query_s_pinyin_is_read_only_where_it_is_not_english():
    index = build_pinyin_index(TEXTS, english={"heat", "wave", "gas"}, vocabulary=VOCABULARY)
    assert index.readings("xhs没水 heat wave") == [("xhs", ["消火栓"])]
    assert index.words("楼道 yjwz 过期") == ["应急物资"]
    assert index.rewrite("老人中暑 不舍得开kongtiao") == "老人中暑 不舍得开空调"
    assert index.rewrite("heat wave 独居老人") == ""  # English words are no pinyin
    assert index.readings("xh 没水") == []  # two letters are too few to guess from


def test_keyword_terms_carry_the_words_pinyin_stands_for():
    lexicon = build_lexicon([], ["燃气报警器"], TEXTS)
    assert lexicon.pinyin_index is None  # built on first use, not with the lexicon
    assert lexicon.pinyin.keys["rqbjq"] == ["燃气报警器"] and lexicon.pinyin is lexicon.pinyin_index
    lexicon = replace(lexicon, pinyin_index=build_pinyin_index(TEXTS, vocabulary=VOCABULARY))
    terms = query_terms("rqbjq老乱响", lexicon=lexicon, expand_pinyin=True).split()
    assert {"燃气", "报警", "警器"} <= set(terms)
    assert "燃气" not in query_terms("rqbjq老乱响", lexicon=lexicon).split()


def test_search_finds_a_word_typed_as_its_initials(engine):
    """The bundled content says 消火栓; a worker types xhs."""
    hits = engine.search("xhs 没水", method="keyword").hits
    assert hits and "消火栓" in hits[0].name + hits[0].snippet
    plain = SearchEngine(engine.store, engine.embedder, settings=replace(engine.settings, expand_pinyin=False))
    assert not any("消火栓" in h.name + h.snippet for h in plain.search("xhs", method="keyword").hits)


def test_the_embedding_sees_the_query_with_its_pinyin_read(engine):
    texts = engine._dense_texts("老人中暑 不舍得开kongtiao")
    assert texts[0] == "老人中暑 不舍得开kongtiao" and "老人中暑 不舍得开空调" in texts
    assert engine._dense_texts("暴雨 地下车库") == ["暴雨 地下车库"]
