"""Moodle GIFT import: the whole syntax, unsupported types reported, and round trips."""

from pathlib import Path

import pytest

from trainingapp.content import gift

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
EVERYTHING = (FIXTURES / "gift" / "everything.gift").read_text()


@pytest.fixture(scope="module")
def parsed():
    return gift.parse(EVERYTHING, module="calls")


def _by_id(result):
    return {q["id"]: q for q in result.questions}


def test_every_supported_question_is_converted(parsed):
    assert {qid: q["type"] for qid, q in _by_id(parsed).items()} == {
        "calls-greeting": "single", "calls-hang-up": "true_false", "calls-verify": "true_false",
        "calls-channels": "multiple", "calls-wait-time": "numeric", "calls-range": "numeric",
        "calls-several": "numeric", "calls-short": "short_text", "calls-match": "matching",
        "calls-missing": "single", "calls-escapes": "single",
    }
    assert all(q["tags"] == ["call-handling"] for q in parsed.questions)  # from $CATEGORY


def test_unsupported_and_partly_imported_questions_are_reported_by_line(parsed):
    assert [str(i) for i in parsed.issues] == [
        "line 28: 1 further numeric answer(s) not imported; only the first full-credit "
        "answer is kept",
        "line 30: 1 partial-credit answer(s) of a short-answer question not imported",
        "line 51: essay question: not supported, not imported",
        "line 53: description (no answers): not supported, not imported",
        "line 55: cloze (embedded answers) question: not supported, not imported",
    ]


def test_choice_answers_feedback_and_format_markers(parsed):
    q = _by_id(parsed)["calls-greeting"]
    assert q["stem"] == {"en": "What should an agent say first when answering a call?"}
    assert q["explanation"] == {"en": "The opening sets the tone of the call."}
    assert [(o["text"]["en"], o.get("correct", False)) for o in q["options"]] == [
        ("Greet the caller and give a name or staff number", True),
        ('"What do you want?"', False),
        ("Nothing until the caller speaks", False),
    ]


def test_weights_numbers_matching_and_missing_word(parsed):
    by_id = _by_id(parsed)
    assert [o["weight"] for o in by_id["calls-channels"]["options"]] == [50, 50, -100]
    assert (by_id["calls-wait-time"]["answer"], by_id["calls-wait-time"]["tolerance"]) == (30, 0)
    assert by_id["calls-range"]["range"] == [70, 95]
    assert by_id["calls-several"]["answer"] == 4
    assert by_id["calls-short"]["accepted"] == {
        "en": ["first-contact responsibility", "first contact responsibility"]}
    assert [(p["left"]["en"], p["right"]["en"]) for p in by_id["calls-match"]["pairs"]] == [
        ("Data balance", "Inquiry"), ("Broadband down", "Fault reporting"),
        ("Rude staff", "Complaint")]
    missing = by_id["calls-missing"]
    assert missing["stem"]["en"] == ("An urgent fault must be responded to within _____ "
                                     "minutes under the service standard manual.")
    assert [o["text"]["en"] for o in missing["options"] if o.get("correct")] == ["30"]


def test_escaped_characters_are_kept_as_text(parsed):
    q = _by_id(parsed)["calls-escapes"]
    assert q["stem"]["en"] == "Which sign starts a comment in GIFT: { or // or #?"
    assert [o["text"]["en"] for o in q["options"]] == ["// (two slashes)", "{ (a brace)",
                                                       "# (a hash)"]


def test_gift_round_trip_is_lossless_for_what_was_imported(parsed):
    again = gift.parse(gift.to_gift(parsed.questions, module="calls"), module="calls")
    assert again.issues == []
    assert again.questions == parsed.questions


def test_chinese_gift_files_import_into_the_zh_texts():
    result = gift.parse("::q1::客服应先问候客户吗？{T}\n", module="etq", language="zh")
    assert result.questions == [{"id": "etq-q1", "stem": {"zh": "客服应先问候客户吗？"},
                                 "type": "true_false", "answer": True, "tags": []}]


def test_a_kind_gift_cannot_express_is_refused_not_written_wrong():
    ordering = {"id": "calls-steps", "type": "ordering", "stem": {"en": "Order the steps"},
                "items": [{"id": "a", "text": {"en": "Greet"}}, {"id": "b", "text": {"en": "Ask"}}]}
    with pytest.raises(ValueError, match="GIFT has no ordering question"):
        gift.to_gift([ordering], module="calls")
