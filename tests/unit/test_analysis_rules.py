import pytest

from trainingapp.rules.analysis import (
    ItemTotals,
    Share,
    item_statistics,
    score_distribution,
)


def test_facility_discrimination_and_picks():
    # six attempts; the top third (2) answered "good" right and "bad" wrong
    good = ItemTotals("good", all=Share(6, 3.0), top=Share(2, 2.0), bottom=Share(2, 0.0),
                      picks={"b": 2, "a": 3, "c": 1})
    bad = ItemTotals("bad", all=Share(6, 3.0), top=Share(2, 0.0), bottom=Share(2, 2.0),
                     picks={"a": 3, "b": 3})
    stats = {s.question: s for s in item_statistics([good, bad])}
    assert stats["good"].facility == pytest.approx(0.5)
    assert stats["good"].discrimination == pytest.approx(1.0)
    assert stats["good"].picks == {"a": 0.5, "b": pytest.approx(1 / 3), "c": pytest.approx(1 / 6)}
    assert list(stats["good"].picks) == ["a", "b", "c"]
    assert stats["bad"].discrimination == pytest.approx(-1.0)
    assert not stats["bad"].needs_review  # only six answers: too few to judge
    assert [s.question for s in item_statistics([good, bad])] == ["bad", "good"]


def test_low_discrimination_is_flagged_with_enough_answers():
    coin = ItemTotals("coin", all=Share(12, 6.0), top=Share(4, 2.0), bottom=Share(4, 2.0))
    stats = item_statistics([coin])[0]
    assert stats.responses == 12 and stats.needs_review
    assert stats.picks == {}  # only choice questions have picks


def test_no_thirds_no_discrimination():
    """Below three attempts there is no top or bottom third to compare."""
    few = ItemTotals("few", all=Share(2, 1.0), top=Share(0, 0.0), bottom=Share(0, 0.0))
    assert item_statistics([few])[0].discrimination is None
    assert item_statistics([few])[0].facility == 0.5


def test_score_distribution_from_counted_scores():
    scores = [(0, 1), (9.9, 1), (10, 1), (55, 1), (99, 1), (100, 1)]
    assert score_distribution(scores) == [2, 1, 0, 0, 0, 1, 0, 0, 0, 2]
    assert score_distribution([(70.0, 40), (0.0, 2)]) == [2, 0, 0, 0, 0, 0, 0, 40, 0, 0]
