"""Every page of every role, in both languages, and every export, read as a person reads
them: with the shipped content, the demo organisation, generated history and the demo
trainee's own quiz, call and certificate, no page shows a slug, a status or event key, a
Python repr, an ISO or UTC timestamp or seconds, and the Chinese interface has no English
sentences (tests/visible_words.py says what each of those looks like)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select, update

from tests.conftest import csrf_token, login
from tests.visible_words import for_people, problems, visible_text
from trainingapp.content.bank import load_bank
from trainingapp.content.sync import sync_bank
from trainingapp.extensions import db
from trainingapp.models import (
    AuditEvent,
    Call,
    CallRun,
    CertificateSource,
    Certification,
    Lesson,
    Module,
    Position,
    Question,
    QuizAttempt,
    Team,
    Track,
    User,
)
from trainingapp.ops import demo
from trainingapp.ops.generate import generate
from trainingapp.services import calls, certification, quizzes, reminders, staff_import

pytestmark = pytest.mark.db
NOW = datetime.now(UTC).replace(microsecond=0)
VIEWERS = {"anonymous": None, "trainee": "T0001", "supervisor": "S0001", "hr": "H0001",
           "admin": "A0001"}
REPLY = "I am sorry, let me check that for you."  # the trainee's own words, shown back
NOTE = "Certified by the group academy"  # an admin's
NOT_PAGES = {"static", "main.healthz", "main.readyz", "api.clearance", "api.me", "api.openapi"}


def _play(run: CallRun) -> None:
    """Answer every turn: the first option, or a short reply at a typed-reply turn."""
    for _turn in range(60):
        if not run.is_open:
            return
        node = run.version.content["call"]["nodes"][run.node]
        if node["type"] == "free_text":
            calls.take_turn(run, run.node, NOW, reply=REPLY)
        else:
            calls.take_turn(run, run.node, NOW, choice=0)


@pytest.fixture
def world(app):  # type: ignore[no-untyped-def]
    """The shipped bank, the demo organisation with 40 generated staff and two years of
    history, and the demo trainee's own results; returns the URL values and the words
    people may see that look like code (their names, numbers, certificate codes)."""
    with app.app_context():
        sync_bank(load_bank(Path(app.config["QUESTION_BANK"])), NOW)
        demo.seed()
        db.session.commit()
        generate(40, 2, 1, NOW)
        trainee = db.session.scalar(select(User).filter_by(employee_no="T0001"))
        admin = db.session.scalar(select(User).filter_by(employee_no="A0001"))
        module = db.session.scalars(select(Module).order_by(Module.id)).first()
        attempt = quizzes.start(trainee, module, NOW)
        quizzes.submit(attempt, NOW)
        call = db.session.scalars(select(Call).order_by(Call.id)).first()
        run = calls.start(trainee, call, NOW)
        _play(run)
        track = db.session.scalars(select(Track).order_by(Track.id)).first()
        cert = certification.record_outside_award(admin, trainee, track,
                                                  CertificateSource.EXTERNAL,
                                                  NOTE, NOW)
        reminders.queue_due(NOW)
        batch = staff_import.stage(admin, "staff.csv", staff_import.read_rows("staff.csv", (
            "工号,姓名,岗位,班组\nT0001,李娜 Li Na,Hotline agent,Hotline team 1\n"
            "N0001,New Hire,热线客服代表,Hotline team 9\nN0002,,astronaut,\n").encode()))
        db.session.commit()
        lesson = db.session.scalars(select(Lesson).where(Lesson.module_id == module.id)
                                    .order_by(Lesson.id)).first()
        question = db.session.scalars(select(Question).where(Question.module_id == module.id)
                                      .order_by(Question.id)).first()
        values = {"user_id": trainee.id, "attempt_id": attempt.id, "run_id": run.id,
                  "cert_id": cert.id, "slug": module.slug, "lesson_slug": lesson.slug,
                  "bank_id": question.bank_id, "employee_no": "T0001", "code": cert.code,
                  "token": "not-a-token", "team_id": trainee.team_id,
                  "position_id": trainee.position_id, "kind": "xlsx",
                  "batch_id": batch.id}
        calls_slugs = {"analysis.call": call.slug}
        allowed = {*db.session.scalars(select(User.full_name)),
                   *db.session.scalars(select(User.employee_no)),
                   *db.session.scalars(select(Team.name)), *db.session.scalars(select(Team.site)),
                   *db.session.scalars(select(Certification.code)), REPLY, NOTE}
        assert db.session.scalar(select(AuditEvent.id).limit(1)) is not None
    return values, calls_slugs, allowed


def _codes(app) -> set[str]:  # type: ignore[no-untyped-def]
    """Every identifier of the content and the organisation, and every key the code keeps."""
    from trainingapp.models import AttemptStatus, CallRunStatus
    from trainingapp.rules.certification import Status
    from trainingapp.rules.questions import KINDS

    with app.app_context():
        found = {*db.session.scalars(select(Module.slug)), *db.session.scalars(select(Call.slug)),
                 *db.session.scalars(select(Track.slug)), *db.session.scalars(select(Lesson.slug)),
                 *db.session.scalars(select(Question.bank_id)),
                 *db.session.scalars(select(Position.code)),
                 *db.session.scalars(select(Team.code)),
                 *db.session.scalars(select(AuditEvent.action).distinct())}
    return found | {s.value for s in Status} | {s.value for s in AttemptStatus} | {
        s.value for s in CallRunStatus} | set(KINDS)


def _typed(app) -> set[str]:  # type: ignore[no-untyped-def]
    """Team and position codes: admins type them in staff files, so their pages show them."""
    with app.app_context():
        return {*db.session.scalars(select(Team.code)), *db.session.scalars(select(Position.code))}


def _set_language(app, language: str) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        db.session.execute(update(User).values(language=language))
        db.session.commit()


def _pages(app, values: dict, call_slugs: dict) -> list[tuple[str, str]]:  # type: ignore[type-arg]
    found = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in rule.methods or rule.endpoint in NOT_PAGES:
            continue
        filled = {**values, **({"slug": call_slugs[rule.endpoint]}
                               if rule.endpoint in call_slugs else {})}
        found.append((rule.endpoint,
                      rule.build({k: filled[k] for k in rule.arguments}, append_unknown=False)[1]))
    return found


def _signed_in(app, who: str | None):  # type: ignore[no-untyped-def]
    client = app.test_client()
    if who:
        login(client, who, demo.DEMO_PASSWORD)
    return client


def _export_texts(reply) -> list[str]:  # type: ignore[no-untyped-def]
    if reply.mimetype == "text/csv":
        rows = list(csv.reader(io.StringIO(reply.get_data(as_text=True).lstrip("\ufeff"))))
    else:
        sheet = load_workbook(io.BytesIO(reply.get_data()), read_only=True).active
        rows = [["" if c is None else str(c) for c in row] for row in sheet.iter_rows(
            values_only=True)]
    return for_people(rows)


@pytest.mark.parametrize("language", ["en", "zh"])
def test_no_page_of_any_role_speaks_the_codes_language(app, world, language):
    values, call_slugs, allowed = world
    codes, typed = _codes(app), _typed(app)
    _set_language(app, language)
    found: list[str] = []
    pages = _pages(app, values, call_slugs)
    for viewer, who in VIEWERS.items():
        client = _signed_in(app, who)
        if who is None:
            client.get(f"/language/{language}") if "main.language" in dict(pages) else None
        for endpoint, path in pages:
            reply = client.get(path, headers={"Accept-Language": language})
            if reply.status_code in (301, 302, 303, 307, 308) or not reply.mimetype == "text/html":
                reply.close()
                continue
            for problem in problems(visible_text(reply.get_data(as_text=True)), language,
                                    codes, allowed, typed):
                found.append(f"{viewer} {endpoint} {path}: {problem}")
    assert found == [], "\n".join(found)


@pytest.mark.parametrize("language", ["en", "zh"])
def test_no_export_speaks_the_codes_language(app, world, language):
    values, _call_slugs, allowed = world
    codes = _codes(app)
    _set_language(app, language)
    hr, supervisor = _signed_in(app, "H0001"), _signed_in(app, "S0001")
    # buffered: each file is streamed, so read it whole before the next request
    replies = {"matrix csv": hr.get("/hr/matrix?export=csv", buffered=True),
               "matrix xlsx": hr.get("/hr/matrix?export=xlsx", buffered=True),
               "audit csv": _signed_in(app, "A0001").get("/audit/?export=csv", buffered=True),
               "roster csv": supervisor.post("/supervisor/roster", buffered=True, data={
                   "employee_nos": "T0001 S0001 NOBODY", "format": "csv",
                   "csrf_token": csrf_token(supervisor, "/supervisor/roster")})}
    found = []
    for name, reply in replies.items():
        assert reply.status_code == 200, name
        assert reply.mimetype in ("text/csv", "application/vnd.openxmlformats-officedocument."
                                  "spreadsheetml.sheet"), name
        found += [f"{name}: {p}" for p in problems(_export_texts(reply), language, codes,
                                                   allowed)]
    assert found == [], "\n".join(found)
