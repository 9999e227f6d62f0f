"""Item analysis over real attempts, and regrading after a key is corrected. The figures
are added up in the database; the ones pinned here are what the analysis computed in
Python from every answer before it was (the same world, the same numbers), on SQLite
and PostgreSQL."""

import re
import shutil
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from tests.conftest import FIXTURES, count_queries, csrf_token, login, sync_fixture_bank
from tests.queries import analysis_world
from tests.unit.test_caches import Clock
from trainingapp.caches import ProcessCache, process_cache
from trainingapp.content.bank import load_bank
from trainingapp.content.sync import sync_bank
from trainingapp.extensions import db
from trainingapp.models import AuditEvent, Call, Module, QuizAttempt, Role, User, utcnow
from trainingapp.queries import analysis
from trainingapp.services import quizzes, regrading
from trainingapp.services.quizzes import SavedAnswer

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _attempt(user, module, numeric_answer, tf_answer, at):
    attempt = quizzes.start(user, module, at)
    saved = []
    for item in quizzes.questions_of(attempt):
        kind = item.version.content["type"]
        saved.append(SavedAnswer(item.position, numeric_answer if kind == "numeric" else tf_answer,
                                 False))
    quizzes.save_answers(attempt, saved, at)
    quizzes.submit(attempt, at + timedelta(minutes=1))
    db.session.commit()
    return attempt


def test_module_analysis_counts_attempts_and_questions(app, mini_bank, make_user):
    people = [make_user() for _ in range(3)]
    with app.app_context():
        module = db.session.scalar(select(Module))
        for person, (numeric, tf) in zip(people, [(30, True), (30, False), (12, False)],
                                         strict=True):
            _attempt(db.session.get(User, person.id), module, numeric, tf, T0)
        report = analysis.analyse_module(module)
        assert report.attempts == 3
        assert report.pass_rate == 2 / 3  # pass mark 50: 100 %, 50 %, 0 %
        assert report.distribution[0] == 1 and report.distribution[5] == 1
        facility = {i.question: i.facility for i in report.items}
        assert facility == {"mini-001": 1 / 3, "mini-002": 2 / 3}


@pytest.fixture
def world(app, make_user, tmp_path):
    """The drill module and the slow-wifi call; ``world(n)`` has n more people answer."""
    with app.app_context():
        analysis_world.load(tmp_path)

    def _answered(people: int) -> None:
        ids = [make_user().id for _ in range(people)]
        with app.app_context():
            analysis_world.answer(ids)

    return _answered


# (answers, facility, discrimination, picks, needs review), worst first
ITEMS_OF_14 = [
    ("drill-tf", 13, 7 / 13, -0.5, {}, True),
    ("drill-match", 13, 0.0, 0.0, {}, True),
    ("drill-short", 13, 9 / 13, 0.25, {}, False),
    ("drill-multiple", 13, 3 / 13, 0.375, {"a": 7 / 13, "b": 4 / 13, "c": 4 / 13}, False),
    ("drill-order", 13, 6 / 13, 0.5, {}, False),
    ("drill-single", 13, 6 / 13, 0.5, {"a": 6 / 13, "b": 3 / 13, "c": 2 / 13}, False),
    ("drill-numeric", 13, 8 / 13, 1.0, {}, False),
]


def test_item_statistics_are_the_ones_computed_from_every_answer(app, world):
    """Thirteen finished attempts and one open; single choices as one id, multiple as a
    list (a stray number in one skipped, a bare id in another counted), unanswered ones;
    ordering answers are lists too but never picks."""
    world(14)
    with app.app_context():
        report = analysis.analyse_module(db.session.scalar(select(Module)))
        assert (report.attempts, report.pass_rate) == (13, pytest.approx(1 / 13))
        assert report.distribution == [0, 0, 4, 1, 4, 3, 0, 1, 0, 0]
        assert [(i.question, i.responses, pytest.approx(i.facility),
                 pytest.approx(i.discrimination), i.picks, i.needs_review)
                for i in report.items] == [
            (q, n, facility, discrimination, pytest.approx(picks), review)
            for q, n, facility, discrimination, picks, review in ITEMS_OF_14]
        assert report.kinds["drill-order"] == "ordering" and report.open_reports == {}
        assert report.stems["drill-single"]["en"] == "Which step comes first in a new connection?"


def test_call_statistics_are_the_ones_computed_from_every_run(app, world):
    """Ten finished runs of fourteen: dimensions averaged over the runs that scored them
    (a null skipped), critical errors counted each time made, choices in every run."""
    world(14)
    with app.app_context():
        report = analysis.analyse_call(db.session.scalar(select(Call)))
    assert (report.runs, report.pass_rate) == (10, 0.5)
    assert report.dimensions == pytest.approx(
        {"opening": 0.5, "verification": 1.0, "empathy": 0.5})
    assert report.critical == {"data-before-verification": 5, "forbidden-phrase": 2}
    assert report.choices == {"greet": {"a": 7, "b": 7}, "verify": {"a": 5, "b": 4}}


def test_the_index_counts_every_module_and_call_at_once(app, world):
    world(14)
    with app.app_context():
        [drill], [call] = analysis.index_counts()
    assert (drill.slug, drill.attempts, drill.passed, drill.open_reports) == ("drill", 13, 1, 0)
    assert (call.slug, call.runs, call.passed, call.critical_errors) == ("slow-wifi", 10, 5, 7)
    assert call.pass_rate == 0.5


PAGES = ("/analysis/", "/analysis/modules/drill", "/analysis/calls/slow-wifi")


def _queries(app, client, *, first_view: bool) -> dict[str, int]:
    counts = {}
    for path in PAGES:
        if first_view:
            process_cache.forget()
        else:
            client.get(path)
        with count_queries(app) as queries:
            assert client.get(path).status_code == 200, path
        counts[path] = len(queries)
        for statement in queries:  # everyone's answers and runs are only ever added up
            if (re.search(r"\b(attempt_question|call_run|call_turn)\b", statement)
                    and "user_id IN" not in statement):  # the banner: the viewer's own
                assert re.search(r"\b(count|sum|avg)\(", statement), statement
    return counts


def test_the_analysis_pages_run_as_many_queries_for_30_people_as_for_3(app, client, world,
                                                                      make_user):
    login(client, make_user(roles=(Role.HR,)).employee_no)
    world(3)
    small, small_cached = (_queries(app, client, first_view=True),
                           _queries(app, client, first_view=False))
    world(27)
    assert _queries(app, client, first_view=True) == small
    assert _queries(app, client, first_view=False) == small_cached
    # viewed again within the minute: the figures are kept, one query checks the release
    assert all(small_cached[path] < small[path] - 1 for path in PAGES), (small, small_cached)
    page = client.get("/analysis/modules/drill").get_data(as_text=True)
    assert "28 finished attempts" in page  # each world's last attempt still open


def test_the_figures_are_kept_a_minute_per_content_release(app, world, monkeypatch, tmp_path):
    clock = Clock()
    monkeypatch.setattr(analysis, "process_cache", ProcessCache(clock))  # not the sync's
    world(3)
    with app.app_context():
        module, call = db.session.scalar(select(Module)), db.session.scalar(select(Call))

        def seen() -> tuple[int, int, int, int]:
            return (analysis.analyse_module(module).attempts, analysis.analyse_call(call).runs,
                    analysis.index_counts().modules[0].attempts,
                    analysis.index_counts().calls[0].runs)

        assert seen() == (2, 2, 2, 2)
    world(3)
    with app.app_context():
        clock.now = 59.0
        assert seen() == (2, 2, 2, 2)  # within the minute: as counted
        clock.now = 60.0
        assert seen() == (4, 4, 4, 4)
    world(3)
    questions = tmp_path / "analysis_bank/modules/drill/questions.yaml"
    questions.write_text(questions.read_text().replace("Order these steps.", "Put in order."))
    with app.app_context():
        assert sync_bank(load_bank(questions.parents[2]), utcnow()) is not None
        db.session.commit()
        assert seen() == (6, 6, 6, 6)  # a content sync is a new release: counted again


def test_regrade_after_a_key_is_corrected(app, mini_bank, make_user, tmp_path):
    person = make_user()
    admin_id = make_user(roles=(Role.ADMIN,)).id
    with app.app_context():
        module = db.session.scalar(select(Module))
        attempt = _attempt(db.session.get(User, person.id), module, 20, False, T0)
        assert attempt.score == 0 and not attempt.passed
        bank = tmp_path / "bank"
        shutil.copytree(FIXTURES / "mini_bank", bank)
        path = bank / "modules/greeting/questions.yaml"
        path.write_text(path.read_text().replace("answer: 30", "answer: 20"))  # the fix
        sync_bank(load_bank(bank), utcnow())
        db.session.commit()
        question = analysis.get_question("mini-002")
        preview = regrading.regrade_preview(question)
        assert [(r.attempt.id, r.new_score, r.new_passed) for r in preview] == [
            (attempt.id, 50.0, True)]
        assert db.session.get(QuizAttempt, attempt.id).score == 0  # a preview changes nothing

        admin = db.session.get(User, admin_id)
        assert regrading.apply_regrade(question, admin, utcnow()) == 1
        db.session.commit()
        regraded = db.session.get(QuizAttempt, attempt.id)
        assert (regraded.score, regraded.passed) == (50.0, True)
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "quiz_regraded"))
        assert event.detail["score_before"] == 0 and event.detail["score_after"] == 50
        assert regrading.regrade_preview(question) == []  # nothing left on the old version


def test_analysis_pages_for_hr_and_admin_regrade_for_admin_only(app, client, make_user):
    sync_fixture_bank(app, "quiz_bank")
    hr = make_user(roles=(Role.HR,))
    login(client, hr.employee_no)
    for path in ("/analysis/", "/analysis/modules/drill",
                 "/analysis/questions/drill-single"):
        assert client.get(path).status_code == 200, path
    page = client.get("/analysis/questions/drill-single").get_data(as_text=True)
    assert "Apply the regrade" not in page
    token = csrf_token(client, "/analysis/")
    assert client.post("/admin/questions/drill-single/regrade",
                       data={"csrf_token": token}).status_code == 403
    trainee = app.test_client()
    login(trainee, make_user().employee_no)
    assert trainee.get("/analysis/").status_code == 403
