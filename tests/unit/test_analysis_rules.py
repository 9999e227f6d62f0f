import pytest

from trainingapp.rules.analysis import Response, item_statistics, score_distribution


def responses(question, kind, rows):
    """rows: (attempt id, attempt score, share, answer)"""
    return [Response(a, score, question, kind, share, answer) for a, score, share, answer in rows]


def test_facility_discrimination_and_picks():
    # six attempts; top third = attempts 5 and 6, bottom third = attempts 1 and 2
    good = responses("good", "single", [(1, 10, 0, "b"), (2, 20, 0, "c"), (3, 50, 1, "a"),
                                        (4, 60, 0, "b"), (5, 90, 1, "a"), (6, 95, 1, "a")])
    bad = responses("bad", "single", [(1, 10, 1, "a"), (2, 20, 1, "a"), (3, 50, 1, "a"),
                                      (4, 60, 0, "b"), (5, 90, 0, "b"), (6, 95, 0, "b")])
    stats = {s.question: s for s in item_statistics(good + bad)}
    assert stats["good"].facility == pytest.approx(0.5)
    assert stats["good"].discrimination == pytest.approx(1.0)
    assert stats["good"].picks == {"a": 0.5, "b": pytest.approx(1 / 3), "c": pytest.approx(1 / 6)}
    assert stats["bad"].discrimination == pytest.approx(-1.0)
    assert not stats["bad"].needs_review  # only six answers: too few to judge


def test_low_discrimination_is_flagged_with_enough_answers():
    rows = [(i, i * 5, 1 if i % 2 else 0, None) for i in range(1, 13)]
    stats = item_statistics(responses("coin", "true_false", rows))[0]
    assert stats.responses == 12 and stats.needs_review
    assert stats.picks == {}  # only choice questions have picks


def test_multiple_choice_picks_count_each_option():
    rows = [(1, 50, 1, ["a", "b"]), (2, 60, 0.5, ["a"])]
    assert item_statistics(responses("m", "multiple", rows))[0].picks == {"a": 1.0, "b": 0.5}


def test_score_distribution():
    assert score_distribution([0, 9.9, 10, 55, 99, 100]) == [2, 1, 0, 0, 0, 1, 0, 0, 0, 2]
