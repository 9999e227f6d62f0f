"""The call's graph walked, free-text matching and call scoring, in English and Chinese
(no app)."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from trainingapp.rules.calls import (
    Line,
    Position,
    Turn,
    TurnRejected,
    answer,
    available,
    better_option,
    judge_reply,
    normalise,
    option_order,
    replay,
    says,
    score_call,
    start,
    step,
)

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


# --- the graph ------------------------------------------------------------------------------

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
SAY = {"en": "…", "zh": "…"}
CALL = {
    "start": "ring", "turn_seconds": 60,
    "nodes": {
        "ring": {"type": "customer", "say": SAY, "next": "greet"},
        "greet": {"type": "choice", "seconds": 20, "options": [
            {"id": "a", "say": SAY, "points": {"opening": 2}, "next": "explain"},
            {"id": "b", "say": SAY, "points": {"opening": 1}, "next": "explain"},
            {"id": "c", "say": SAY, "points": {"opening": 3}, "critical": "rude",
             "next": "explain"},
            {"id": "d", "say": SAY, "next": "bye"},
        ]},
        "explain": {**NODE, "prompt": SAY, "feedback": SAY, "next_pass": "thanks",
                    "next_fail": "again", "max_visits": 2, "exhausted_next": "escalate"},
        "again": {"type": "customer", "say": SAY, "next": "explain"},
        "thanks": {"type": "customer", "say": SAY, "next": "bye"},
        "escalate": {"type": "end", "outcome": "escalated"},
        "bye": {"type": "end", "outcome": "resolved", "say": SAY},
    },
}


@dataclass(frozen=True)
class Taken:
    node: str
    next_node: str
    option: str | None = None
    reply: str | None = None


def test_a_step_follows_the_customer_to_the_next_turn_and_counts_the_visit():
    assert start(CALL) == Position("greet", {"greet": 1}, (Line("customer", "ring"),))
    assert step(CALL, "again", {"greet": 1, "explain": 1}) == Position(
        "explain", {"greet": 1, "explain": 2}, (Line("customer", "again"),))


def test_a_turn_reached_too_often_sends_the_call_on_and_an_end_says_its_line():
    assert step(CALL, "again", {"explain": 2}) == Position(
        "escalate", {"explain": 2}, (Line("customer", "again"),), "escalated")
    assert step(CALL, "thanks", {}) == Position(
        "bye", {}, (Line("customer", "thanks"), Line("customer", "bye")), "resolved")


def test_a_replay_gives_the_lines_said_and_where_the_call_waits():
    turns = [Taken("greet", "explain", option="a"), Taken("explain", "again", reply="hm")]
    replayed = replay(CALL, turns)
    assert replayed.lines == (Line("customer", "ring"), Line("agent", "greet", 0),
                              Line("agent", "explain", 1), Line("customer", "again"))
    assert replayed.position == Position("explain", {"greet": 1, "explain": 2},
                                         (Line("customer", "again"),))


def test_a_replay_stops_at_the_end():
    turns = [Taken("greet", "bye", option="d"), Taken("greet", "bye", option="d")]
    replayed = replay(CALL, turns)
    assert replayed.lines[-2:] == (Line("agent", "greet", 0), Line("customer", "bye"))
    assert replayed.position.outcome == "resolved"


def test_the_option_order_is_seeded_by_run_turn_and_visit():
    node = CALL["nodes"]["greet"]
    assert option_order(7, "greet", node, {"greet": 1}) == ["d", "b", "c", "a"]
    assert option_order(7, "greet", node, {"greet": 2}) == ["b", "d", "c", "a"]
    assert option_order(8, "greet", node, {"greet": 1}) == ["a", "c", "d", "b"]


def test_a_choice_is_the_option_at_the_shown_place():
    position = start(CALL)
    said = answer(CALL, RUBRIC, 7, position, T0, T0 + timedelta(seconds=10), choice=3)
    assert (said.option, said.next_node, said.earned, said.critical) == ("a", "explain",
                                                                        {"opening": 2}, None)
    assert said.available == {"opening": 3} and said.seconds == 10
    assert not said.late and not said.hung_up
    with pytest.raises(TurnRejected):
        answer(CALL, RUBRIC, 7, position, T0, T0, choice=4)
    with pytest.raises(TurnRejected):
        answer(CALL, RUBRIC, 7, position, T0, T0, reply="text on a choice turn")


def test_a_reply_goes_on_when_it_passes_and_round_again_when_not():
    position = Position("explain", {"greet": 1, "explain": 1})
    said = answer(CALL, RUBRIC, 7, position, T0, T0, reply="  So sorry, I'll credit your account. ")
    assert said.reply == "So sorry, I'll credit your account."
    assert said.matched == ("apologise", "refund") and said.next_node == "thanks"
    assert answer(CALL, RUBRIC, 7, position, T0, T0, reply="Hmm.").next_node == "again"
    with pytest.raises(TurnRejected):
        answer(CALL, RUBRIC, 7, position, T0, T0, reply="   ")


def test_a_turn_is_late_after_the_grace_and_the_customer_hangs_up_at_three_times_the_limit():
    position = start(CALL)  # 20 s to answer

    def waited(seconds):
        said = answer(CALL, RUBRIC, 7, position, T0, T0 + timedelta(seconds=seconds), choice=0)
        return said.late, said.hung_up
    assert waited(25) == (False, False)
    assert waited(26) == (True, False)
    assert waited(61) == (True, True)


def test_the_better_option_avoids_critical_errors_then_earns_the_most():
    node = CALL["nodes"]["greet"]
    assert better_option(node, "b")["id"] == "a"
    assert better_option(node, "c")["id"] == "a"  # more points, but a critical error
    assert better_option(node, "a") is None
