"""Property-based tests of scoring and of the random draw (pure functions, no store)."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from curricula.bank import Objective, draw
from curricula.scoring import (
    Key,
    decode_order,
    effective_pass_mark,
    encode_order,
    passes,
    required_correct,
    score,
    to_authoring,
    to_shown,
)


@st.composite
def keys_and_answers(draw_):
    n = draw_(st.integers(min_value=0, max_value=25))
    keys, chosen = [], {}
    for i in range(n):
        options = draw_(st.integers(min_value=2, max_value=6))
        answer = draw_(st.sets(st.integers(0, options - 1), min_size=1, max_size=options))
        keys.append(Key(f"q{i}", frozenset(answer), options))
        choice = draw_(st.one_of(st.none(), st.lists(st.integers(-1, 7), max_size=7)))
        if choice is not None or draw_(st.booleans()):
            chosen[f"q{i}"] = choice
    # answers to questions that are not in the quiz are ignored
    chosen.update(draw_(st.dictionaries(st.sampled_from(["x1", "x2"]), st.lists(st.integers(0, 3), max_size=3))))
    return keys, chosen


def recount(keys, chosen) -> int:
    """An independent recomputation: an item is right when the answer given, as a sorted list
    without repeats, equals the sorted key."""
    right = 0
    for key in keys:
        given_ = chosen.get(key.question)
        if given_ and len(given_) == len(set(given_)) and sorted(given_) == sorted(key.answer):
            right += 1
    return right


@given(keys_and_answers())
@settings(max_examples=150, deadline=None)
def test_score_is_in_range_and_equals_a_recount(data):
    keys, chosen = data
    result = score(keys, chosen)
    assert 0 <= result.correct <= result.total == len(keys)
    assert 0.0 <= result.fraction <= 1.0
    assert result.correct == recount(keys, chosen) == len(result.right)
    assert result.right <= {k.question for k in keys}


@given(st.integers(1, 200), st.integers(0, 200), st.sampled_from([0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 1.0]))
def test_pass_decision_matches_the_share(total, correct, mark):
    correct = min(correct, total)
    assert passes("final", mark, correct, total) == (correct / total >= mark - 1e-12)
    assert passes("knowledge_check", mark, correct, total) == (correct == total)
    assert required_correct(total, effective_pass_mark("final", mark)) <= total


@given(st.permutations(list(range(6))), st.sets(st.integers(0, 5), min_size=1))
def test_shown_positions_map_back_to_the_key(order, answer):
    code = encode_order(order)
    assert decode_order(code) == list(order)
    shown = to_shown(code, answer)
    assert sorted(to_authoring(code, shown)) == sorted(answer)


@st.composite
def banks(draw_, disjoint: bool):
    n_obj = draw_(st.integers(1, 8))
    per = draw_(st.integers(1, 3))
    pool = [f"q{i}" for i in range(60)]
    objectives, used = [], 0
    for o in range(n_obj):
        if disjoint:
            size = draw_(st.integers(per, per + 4))
            qs = pool[used:used + size]
            used += size
        else:
            qs = draw_(st.lists(st.sampled_from(pool[:20]), max_size=6))
        objectives.append(Objective(f"o{o}", f"目标{o}", "m", qs))
    shift = draw_(st.integers(0, 3))
    names = ["single", "multiple", "true_false", "scenario"]
    kinds = {q: (names[(i + shift) % 4], 2 if names[(i + shift) % 4] == "true_false" else 4) for i, q in enumerate(pool)}
    seen = draw_(st.dictionaries(st.sampled_from(pool[:30]), st.integers(0, 3), max_size=12))
    return objectives, per, kinds, seen, draw_(st.integers(0, 2**32 - 1))


@given(banks(disjoint=True))
@settings(max_examples=120, deadline=None)
def test_draw_covers_every_objective_once_per_slot(data):
    objectives, per, kinds, seen, seed = data
    result = draw(objectives, per, kinds, rng=random.Random(seed), seen=seen)
    assert len(result.questions) == len(set(result.questions)) == per * len(objectives)
    for o in objectives:
        picked = [q for q in result.questions if q in o.questions]
        assert len(picked) == per
        # the least-seen questions come first
        rest = [q for q in o.questions if q not in picked]
        if rest:
            assert max(seen.get(q, 0) for q in picked) <= min(seen.get(q, 0) for q in rest)


@given(banks(disjoint=False))
@settings(max_examples=120, deadline=None)
def test_draw_never_repeats_an_item_and_shuffles_options(data):
    objectives, per, kinds, seen, seed = data
    result = draw(objectives, per, kinds, rng=random.Random(seed), seen=seen)
    assert len(result.questions) == len(set(result.questions))
    bank = {q for o in objectives for q in o.questions}
    assert set(result.questions) <= bank
    for o in objectives:  # every objective with a question of its own left is covered
        if set(o.questions):
            assert set(o.questions) & set(result.questions)
    for q, order in zip(result.questions, result.orders):
        kind, n = kinds[q]
        assert sorted(decode_order(order)) == list(range(n))
        if kind == "true_false":
            assert order == "01"
