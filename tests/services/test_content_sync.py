"""Loading the bank: idempotent, versioned, retiring, all or nothing."""

import shutil

import pytest
from sqlalchemy import func, select

from tests.conftest import FIXTURES
from trainingapp.content import markdown
from trainingapp.content.bank import load_bank
from trainingapp.content.sync import BankHasProblems, sync_bank
from trainingapp.extensions import db
from trainingapp.models import (
    ContentRelease,
    Lesson,
    Module,
    Question,
    QuestionVersion,
    utcnow,
)

MODELS = (Module, Lesson, Question, QuestionVersion, ContentRelease)


def _counts():
    return {m.__tablename__: db.session.scalar(select(func.count()).select_from(m))
            for m in MODELS}


@pytest.fixture
def bank_copy(tmp_path):
    target = tmp_path / "question_bank"
    shutil.copytree(FIXTURES / "mini_bank", target)
    return target


def test_sync_twice_changes_nothing_the_second_time(app):
    with app.app_context():
        first = sync_bank(load_bank(FIXTURES / "mini_bank"), utcnow())
        db.session.commit()
        after_first = _counts()
        second = sync_bank(load_bank(FIXTURES / "mini_bank"), utcnow())
        db.session.commit()
        assert first is not None and first.changes == {
            "lessons_created": 2, "modules_created": 1, "questions_created": 2}
        assert second is None
        assert _counts() == after_first == {
            "module": 1, "lesson": 2, "question": 2, "question_version": 2, "content_release": 1}


def test_changed_question_gets_a_new_version_and_keeps_the_old(app, bank_copy):
    path = bank_copy / "modules" / "greeting" / "questions.yaml"
    with app.app_context():
        sync_bank(load_bank(bank_copy), utcnow())
        db.session.commit()
        path.write_text(path.read_text().replace("answer: 30", "answer: 20"))
        release = sync_bank(load_bank(bank_copy), utcnow())
        db.session.commit()
        assert release.changes == {"lessons_unchanged": 2, "modules_unchanged": 1,
                                   "question_versions_created": 1, "questions_unchanged": 1}
        question = db.session.scalar(select(Question).where(Question.bank_id == "mini-002"))
        versions = db.session.scalars(select(QuestionVersion).where(
            QuestionVersion.question_id == question.id).order_by(QuestionVersion.version)).all()
        assert question.current_version == 2
        assert [v.content["answer"] for v in versions] == [30, 20]


def test_a_metadata_change_updates_in_place(app, bank_copy):
    path = bank_copy / "modules" / "greeting" / "questions.yaml"
    with app.app_context():
        sync_bank(load_bank(bank_copy), utcnow())
        db.session.commit()
        path.write_text(path.read_text().replace("difficulty: medium", "difficulty: hard"))
        release = sync_bank(load_bank(bank_copy), utcnow())
        db.session.commit()
        assert release.changes["questions_updated"] == 1
        assert "question_versions_created" not in release.changes


def test_removed_content_is_retired_not_deleted_and_returns(app, bank_copy):
    questions = bank_copy / "modules" / "greeting" / "questions.yaml"
    original = questions.read_text()
    with app.app_context():
        sync_bank(load_bank(bank_copy), utcnow())
        db.session.commit()
        questions.write_text(original.split("\n  - id: mini-002")[0] + "\n")
        meta = bank_copy / "modules" / "greeting" / "module.yaml"
        meta.write_text(meta.read_text().replace("questions_per_attempt: 2", "questions_per_attempt: 1"))
        for lang in ("en", "zh"):
            (bank_copy / "modules/greeting/lessons" / f"02-closing.{lang}.md").unlink()
        lesson_en = bank_copy / "modules/greeting/lessons/01-opening.en.md"
        lesson_zh = bank_copy / "modules/greeting/lessons/01-opening.zh.md"
        for lesson in (lesson_en, lesson_zh):
            lesson.write_text(lesson.read_text().replace("(02-closing.md)", ""))
        release = sync_bank(load_bank(bank_copy), utcnow())
        db.session.commit()
        assert release.changes["questions_retired"] == 1
        assert release.changes["lessons_retired"] == 1
        retired = db.session.scalar(select(Question).where(Question.bank_id == "mini-002"))
        assert retired.retired_at is not None
        assert db.session.scalar(select(func.count()).select_from(QuestionVersion)) == 2

        questions.write_text(original)
        sync_bank(load_bank(bank_copy), utcnow())
        db.session.commit()
        db.session.refresh(retired)
        assert retired.retired_at is None and retired.current_version == 1


def test_a_bank_with_problems_changes_nothing(app):
    with app.app_context():
        sync_bank(load_bank(FIXTURES / "mini_bank"), utcnow())
        db.session.commit()
        before = _counts()
        with pytest.raises(BankHasProblems):
            sync_bank(load_bank(FIXTURES / "broken_bank"), utcnow())
        db.session.rollback()
        assert _counts() == before


def test_cli_sync_refuses_a_broken_bank_and_lists_every_problem(app, runner):
    result = runner.invoke(args=["content", "sync", "--bank", str(FIXTURES / "broken_bank")])
    assert result.exit_code == 1
    assert "18 problem(s) in the question bank; nothing was loaded." in result.output
    assert "questions.yaml:6: questions[0].stem.zh: missing translation (zh)" in result.output
    with app.app_context():
        assert _counts() == dict.fromkeys([m.__tablename__ for m in MODELS], 0)


def test_cli_sync_failing_half_way_applies_nothing(app, runner, monkeypatch):
    calls = {"n": 0}
    real_render = markdown.render

    def flaky(text):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("disk went away")
        return real_render(text)

    monkeypatch.setattr(markdown, "render", flaky)
    result = runner.invoke(args=["content", "sync", "--bank", str(FIXTURES / "mini_bank")])
    assert result.exit_code == 1 and isinstance(result.exception, RuntimeError)
    with app.app_context():
        db.session.rollback()
        assert _counts()["module"] == 0 and _counts()["lesson"] == 0


def test_cli_check_and_stats(runner):
    ok = runner.invoke(args=["content", "check", "--bank", str(FIXTURES / "mini_bank")])
    assert ok.exit_code == 0
    assert "The question bank is valid: 1 modules, 2 lessons, 2 questions, 0 scenarios." in ok.output
    stats = runner.invoke(args=["content", "stats", "--json",
                                "--bank", str(FIXTURES / "mini_bank")])
    import json

    counts = json.loads(stats.output)
    assert counts["questions_by_module"] == {"greeting": 2}
    assert counts["questions_by_type"]["numeric"] == 1
    assert counts["scenarios"] == 0 and counts["tracks"] == 0


def test_the_shipped_bank_loads(app, runner):
    result = runner.invoke(args=["content", "sync"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Question)) >= 180


def test_cli_check_warns_of_a_certification_quiz_that_shows_its_key_at_once(runner, tmp_path):
    import shutil

    bank = tmp_path / "bank"
    shutil.copytree(FIXTURES / "cert_bank", bank)
    meta = bank / "modules" / "greeting" / "module.yaml"
    meta.write_text(meta.read_text(encoding="utf-8") + "  review: immediately\n",
                    encoding="utf-8")
    result = runner.invoke(args=["content", "check", "--bank", str(bank)])
    assert result.exit_code == 0  # a warning does not fail the check
    assert "warning: bank/modules/greeting/module.yaml:11: quiz.review: " in result.output
    assert "The question bank is valid" in result.output
