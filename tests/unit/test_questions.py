"""Every grader, with edge cases and bad input (which earns 0 and never raises); each
kind's key and the order its choices are shown in."""

import math
import random

import pytest

from trainingapp.rules.questions import (
    KINDS,
    NumericKey,
    display_order,
    grade,
    is_answered,
    normalise_text,
    option_weights,
)


def opts(*correct_flags, weights=None):
    return [{"id": chr(97 + i), "correct": c, **({"weight": weights[i]} if weights else {})}
            for i, c in enumerate(correct_flags)]


SINGLE = {"type": "single", "options": opts(False, True, False)}
MULTI = {"type": "multiple", "options": opts(True, True, False, False)}
WEIGHTED = {"type": "multiple", "options": opts(True, True, False, weights=[60, 40, -100])}
TF = {"type": "true_false", "answer": False}
NUM = {"type": "numeric", "answer": 30, "tolerance": 0}
NUM_TOL = {"type": "numeric", "answer": 2.5, "tolerance": 0.5}
NUM_RANGE = {"type": "numeric", "range": [70, 95]}
SHORT = {"type": "short_text", "accepted": {"en": ["first-contact responsibility", "FCR"],
                                            "zh": ["首问负责制"]}}
ORDER = {"type": "ordering", "items": [{"id": i} for i in "abcd"]}
ORDER_P = {**ORDER, "scoring": "proportional"}
MATCH = {"type": "matching", "pairs": [{"id": i} for i in "abc"]}
MATCH_ALL = {**MATCH, "scoring": "all_or_nothing"}


@pytest.mark.parametrize(("content", "answer", "expected"), [
    (SINGLE, "b", 1), (SINGLE, "a", 0), (SINGLE, "z", 0), (SINGLE, ["b"], 0), (SINGLE, 1, 0),
    (MULTI, ["a", "b"], 1), (MULTI, ["b", "a"], 1), (MULTI, ["a"], 0.5),
    (MULTI, ["a", "c"], 0), (MULTI, ["a", "b", "c"], 0.5), (MULTI, ["c", "d"], 0),
    (MULTI, ["a", "b", "c", "d"], 0), (MULTI, [], 0), (MULTI, ["a", "zz"], 0), (MULTI, "a", 0),
    (WEIGHTED, ["a"], 0.6), (WEIGHTED, ["a", "b"], 1), (WEIGHTED, ["a", "c"], 0),
    (WEIGHTED, ["a", "b", "c"], 0),
    (TF, False, 1), (TF, True, 0), (TF, "false", 0), (TF, 0, 0),
    (NUM, 30, 1), (NUM, 30.0, 1), (NUM, 29.99, 0), (NUM, "30", 0), (NUM, True, 0),
    (NUM, math.nan, 0), (NUM, math.inf, 0),
    (NUM_TOL, 2.0, 1), (NUM_TOL, 3.0, 1), (NUM_TOL, 3.01, 0),
    (NUM_RANGE, 70, 1), (NUM_RANGE, 95, 1), (NUM_RANGE, 82.5, 1), (NUM_RANGE, 96, 0),
    (SHORT, "First-contact responsibility", 1), (SHORT, "  first-contact   RESPONSIBILITY ", 1),
    (SHORT, "ＦＣＲ", 1), (SHORT, "首问负责制", 1), (SHORT, "first contact", 0), (SHORT, "", 0),
    (SHORT, None, 0), (SHORT, 42, 0),
    (ORDER, list("abcd"), 1), (ORDER, list("abdc"), 0), (ORDER, list("abc"), 0),
    (ORDER, list("abcc"), 0), (ORDER, "abcd", 0),
    (ORDER_P, list("abdc"), 0.5), (ORDER_P, list("dcba"), 0),
    (MATCH, {"a": "a", "b": "b", "c": "c"}, 1), (MATCH, {"a": "a", "b": "c", "c": "b"}, 1 / 3),
    (MATCH, {"a": "a"}, 1 / 3), (MATCH, ["a"], 0), (MATCH, {}, 0),
    (MATCH_ALL, {"a": "a", "b": "c", "c": "b"}, 0), (MATCH_ALL, {"a": "a", "b": "b", "c": "c"}, 1),
])
def test_grade(content, answer, expected):
    assert grade(content, answer) == pytest.approx(expected)


def test_no_answer_earns_nothing_for_every_type():
    for content in (SINGLE, MULTI, TF, NUM, SHORT, ORDER, MATCH):
        assert grade(content, None) == 0


def test_default_weights_split_the_marks_between_correct_options():
    assert option_weights(MULTI) == {"a": 50, "b": 50, "c": -50, "d": -50}
    assert option_weights(WEIGHTED) == {"a": 60, "b": 40, "c": -100}


def test_text_normalisation():
    assert normalise_text("  Ｈｅｌｌｏ\u3000 WORLD ") == "hello world"


def test_is_answered():
    assert not any(is_answered(a) for a in (None, "", [], {}))
    assert all(is_answered(a) for a in ("x", ["a"], {"a": "b"}, False, 0))


@pytest.mark.parametrize(("content", "key"), [
    (SINGLE, "b"), (MULTI, ["a", "b"]), (TF, False),
    (NUM_TOL, NumericKey(2.5, 0.5)), (NUM_RANGE, NumericKey(range=(70, 95))),
    (SHORT, SHORT["accepted"]), (ORDER, list("abcd")),
    (MATCH, {"a": "a", "b": "b", "c": "c"}),
])
def test_the_key_is_what_is_correct(content, key):
    assert KINDS[content["type"]].key(content) == key


def test_a_key_in_the_answer_shape_earns_full_marks():
    for content in (SINGLE, MULTI, TF, ORDER, ORDER_P, MATCH, MATCH_ALL):
        assert grade(content, KINDS[content["type"]].key(content)) == 1


@pytest.mark.parametrize(("content", "shuffled"), [
    (SINGLE, "options"), (MULTI, "options"), (ORDER, "items"), (MATCH, "pairs"),
])
def test_choices_items_and_right_sides_are_shown_shuffled(content, shuffled):
    expected = [entry["id"] for entry in content[shuffled]]
    random.Random(7).shuffle(expected)
    assert display_order(content, random.Random(7)) == expected


def test_kinds_without_choices_have_no_display_order_and_draw_nothing():
    rng = random.Random(7)
    state = rng.getstate()
    assert [display_order(c, rng) for c in (TF, NUM, NUM_RANGE, SHORT)] == [[], [], [], []]
    assert rng.getstate() == state
