"""flask content import-gift: a Moodle file becomes bank questions that load."""

import shutil

import yaml

from tests.conftest import FIXTURES
from trainingapp.content.bank import load_bank


def test_imported_questions_load_into_the_bank_once_translated(tmp_path, runner):
    bank = tmp_path / "question_bank"
    shutil.copytree(FIXTURES / "mini_bank", bank)
    module = bank / "modules" / "greeting"
    result = runner.invoke(args=["content", "import-gift",
                                 str(FIXTURES / "gift" / "everything.gift"),
                                 "--module", "greeting", "--source", "000 §3.1.2",
                                 "--output", str(module / "questions.yaml")])
    assert result.exit_code == 0, result.output
    assert "Converted 11 question(s); 5 note(s)" in result.output
    assert "everything.gift: line 51: essay question" in result.output

    problems = [str(p) for p in load_bank(bank).problems]
    assert "missing translation (zh)" in problems[0] and len(problems) > 11

    def translate(node):
        if isinstance(node, dict):
            if set(node) == {"en"}:
                node["zh"] = node["en"]
            for value in node.values():
                translate(value)
        elif isinstance(node, list):
            for value in node:
                translate(value)

    data = yaml.safe_load((module / "questions.yaml").read_text())
    translate(data)
    for question in data["questions"]:
        question.setdefault("explanation", {"en": "See the lesson.", "zh": "见课程。"})
    (module / "questions.yaml").write_text(yaml.safe_dump(data, allow_unicode=True))
    assert [str(p) for p in load_bank(bank).problems] == []
