"""Free-text matching and call scoring, in English and Chinese (no app)."""

import pytest

from trainingapp.rules.calls import Turn, available, judge_reply, normalise, says, score_call

RUBRIC = {
    "dimensions": [{"id": "opening", "weight": 20}, {"id": "empathy", "weight": 30},
                   {"id": "accuracy", "weight": 50}],
    "forbidden_phrases": {"critical": "forbidden-phrase", "en": ["calm down"],
                          "zh": ["你冷静一点"]},
    "late_turn": {"dimension": "empathy", "penalty": 1},
}
NODE = {
    "type": "free_text", "pass_intents": 2,
    "intents": [
        {"id": "apologise", "dimension": "empathy", "points": 2,
         "phrases": {"en": ["sorry", "apologise", "apologize"], "zh": ["抱歉", "对不起"]}},
        {"id": "refund", "dimension": "accuracy", "points": 3,
         "phrases": {"en": ["refund the charge", "credit your account"],
                     "zh": ["退还这笔费用", "退款"]}},
        {"id": "time", "dimension": "accuracy", "points": 1,
         "phrases": {"en": ["within 24 hours"], "zh": ["24小时内"]}},
    ],
}


def test_normalise_folds_width_case_punctuation_and_traditional_script():
    assert normalise("ＳＯＲＲＹ!!  我們會退款。") == "sorry 我们会退款"


@pytest.mark.parametrize(("phrase", "reply", "expected"), [
    ("sorry", "I'm so SORRY about that.", True),
    ("sorry", "sorrow is not the word", False),
    ("refund the charge", "I will refund that charge today", True),  # close paraphrase
    ("refund the charge", "I will refnud the charge", True),  # a typo
    ("credit your account", "we'll look into it", False),
    ("退还这笔费用", "我们会为您退还这笔费用", True),
    ("退还这笔费用", "我們會為您退還這筆費用", True),  # traditional characters
    ("24小时内", "我们会在２４小时内回复您", True),  # full-width digits
    ("抱歉", "不好意思", False),
])
def test_says(phrase, reply, expected):
    assert says(phrase, reply) is expected


def test_an_english_reply_meets_the_turn():
    result = judge_reply(NODE, RUBRIC, "I'm really sorry. I'll credit your account within 24 hours.")
    assert result.matched == ("apologise", "refund", "time")
    assert result.points == {"empathy": 2, "accuracy": 4}
    assert result.passed and result.critical is None


def test_a_chinese_paraphrase_meets_the_turn():
    result = judge_reply(NODE, RUBRIC, "非常抱歉给您添麻烦了，这笔钱我们会给您退款。")
    assert set(result.matched) == {"apologise", "refund"} and result.passed


def test_too_few_intents_do_not_pass():
    result = judge_reply(NODE, RUBRIC, "Sorry about that.")
    assert result.matched == ("apologise",) and not result.passed


@pytest.mark.parametrize("reply", ["Sir, calm down and listen.", "你冷静一点，我在帮你查。",
                                   "Please CALM DOWN!"])
def test_a_forbidden_phrase_is_a_critical_error(reply):
    result = judge_reply(NODE, RUBRIC, reply)
    assert result.critical == "forbidden-phrase" and not result.passed


def test_available_points():
    choice = {"type": "choice", "options": [{"points": {"opening": 2, "empathy": 1}},
                                            {"points": {"opening": 3}}, {"points": {}}]}
    assert available(choice) == {"opening": 3, "empathy": 1}
    assert available(NODE) == {"empathy": 2, "accuracy": 4}


def test_score_is_weighted_over_the_dimensions_the_call_offered():
    turns = [Turn("greet", {"opening": 3}, {"opening": 3}),
             Turn("explain", {"empathy": 2, "accuracy": 4}, {"empathy": 1, "accuracy": 4})]
    result = score_call(RUBRIC, turns, pass_mark=75)
    assert result.dimensions == {"opening": 1.0, "empathy": 0.5, "accuracy": 1.0}
    assert result.score == 85.0 and result.passed


def test_a_dimension_never_offered_does_not_count():
    result = score_call(RUBRIC, [Turn("greet", {"opening": 2}, {"opening": 1})], pass_mark=50)
    assert result.dimensions["accuracy"] is None and result.score == 50.0


def test_a_late_turn_earns_nothing_and_costs_the_waiting_penalty():
    turns = [Turn("greet", {"opening": 3, "empathy": 2}, {"opening": 3, "empathy": 2}),
             Turn("explain", {"empathy": 2}, {"empathy": 2}, late=True)]
    result = score_call(RUBRIC, turns, pass_mark=75)
    assert result.dimensions["empathy"] == pytest.approx(0.25)  # (2 - 1) / 4


def test_any_critical_error_fails_the_call_with_zero():
    turns = [Turn("greet", {"opening": 3}, {"opening": 3}),
             Turn("verify", {"accuracy": 2}, {"accuracy": 2}, critical="data-before-verification")]
    result = score_call(RUBRIC, turns, pass_mark=50)
    assert (result.score, result.passed) == (0.0, False)
    assert result.critical_errors == ("data-before-verification",)


def test_prepare_loads_the_dictionary_before_the_first_reply(monkeypatch):
    from trainingapp.rules import calls as call_rules

    monkeypatch.setattr(call_rules, "_jieba_ready", False)
    call_rules.prepare()
    assert call_rules._jieba_ready
    assert call_rules._to_simplified.cache_info().currsize == 1
