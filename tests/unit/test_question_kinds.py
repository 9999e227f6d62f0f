"""Every question kind of the registry has all its parts, and no part names a kind the
registry does not know: reading the form, the page view, the review text, the page
partial, the schema entry and the GIFT mapping."""

from pathlib import Path
from typing import get_args

import pytest

from trainingapp.content.gift import GIFT_WRITERS
from trainingapp.content.schema import Question
from trainingapp.quizzes import answers
from trainingapp.rules.questions import KINDS

ROOT = Path(__file__).resolve().parents[2]
PARTIALS = ROOT / "templates" / "quizzes" / "kinds"
SCHEMAS = {get_args(model.model_fields["type"].annotation)[0]: model
           for model in get_args(get_args(Question)[0])}


@pytest.mark.parametrize("name", list(KINDS))
def test_every_kind_has_every_part(name):
    kind = KINDS[name]
    assert kind.name == name
    assert callable(kind.grade) and callable(kind.key) and callable(kind.is_answered)
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
