"""Every question kind of the registry has all its parts, and no part names a kind the
registry does not know: reading the form, the page view, the review text, the page
partial, the schema entry and the GIFT mapping."""

import random
from pathlib import Path
from types import SimpleNamespace
from typing import get_args

import pytest
from werkzeug.datastructures import MultiDict

from trainingapp.content.bank import load_bank
from trainingapp.content.gift import GIFT_WRITERS
from trainingapp.content.schema import Question
from trainingapp.content.sync import version_content
from trainingapp.quizzes import answers
from trainingapp.rules.questions import KINDS, display_order, is_answered

ROOT = Path(__file__).resolve().parents[2]
PARTIALS = ROOT / "templates" / "quizzes" / "kinds"
SCHEMAS = {get_args(model.model_fields["type"].annotation)[0]: model
           for model in get_args(get_args(Question)[0])}


@pytest.mark.parametrize("name", list(KINDS))
def test_every_kind_has_every_part(name):
    kind = KINDS[name]
    assert kind.name == name
    assert callable(kind.grade) and callable(kind.key)
    assert kind.shuffled is None or kind.shuffled in SCHEMAS[name].model_fields
    page = answers.KINDS[name]
    assert callable(page.read) and callable(page.show) and callable(page.describe)
    assert (PARTIALS / f"{name}.html").is_file()
    assert name in SCHEMAS
    assert name in GIFT_WRITERS  # None says GIFT cannot express the kind


@pytest.mark.parametrize(("part", "names"), [
    ("form reader, page view and review text", set(answers.KINDS)),
    ("template partial", {p.stem for p in PARTIALS.glob("*.html") if not p.name.startswith("_")}),
    ("schema entry", set(SCHEMAS)),
    ("GIFT mapping", set(GIFT_WRITERS)),
])
def test_no_part_exists_for_a_kind_the_registry_does_not_know(part, names):
    assert names - set(KINDS) == set(), part


@pytest.fixture(scope="module")
def example():
    """A question of each kind (the quiz fixture's drill has one), as a version's content."""
    examples = {}
    for module in load_bank(ROOT / "tests" / "fixtures" / "quiz_bank").modules:
        for question in module.questions:
            examples.setdefault(question.type, version_content(question))
    return examples


@pytest.mark.parametrize("name", list(KINDS))
def test_every_kind_reads_shows_and_describes_a_question(name, example):
    assert name in example, "add a question of this kind to tests/fixtures/quiz_bank"
    content = example[name]
    item = SimpleNamespace(version=SimpleNamespace(content=content), position=1, answer=None,
                           display_order=display_order(content, random.Random(1)),
                           is_flagged=False, answered_at=None)
    assert not is_answered(answers.read(item, MultiDict()))  # an empty form: no answer
    assert answers.view(item, "en").type == name
    assert answers.describe(content, None, "en") == ""
    assert answers.describe_key(content, "en")
