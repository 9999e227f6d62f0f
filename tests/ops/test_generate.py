"""`flask demo generate`: a deterministic data set whose certificates agree with the rules."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from tests.conftest import audit_log_unlocked, sync_fixture_bank
from trainingapp.extensions import db
from trainingapp.models import AuditEvent, Certification, QuizAttempt, User
from trainingapp.ops import generate
from trainingapp.queries import matrix
from trainingapp.services import certification

pytestmark = pytest.mark.db
NOW = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
MATRIX_NAMES = {"certified": "certified", "renewal_due": "renewal_due", "expired": "expired",
                "revoked": "revoked", "not_started": "none", "in_progress": "none"}


def _fingerprint() -> list[tuple[str, str, object, int]]:
    return [tuple(row) for row in db.session.execute(
        select(User.employee_no, User.full_name, User.hire_date,
               select(func.count(Certification.id)).where(Certification.user_id == User.id)
               .scalar_subquery())
        .where(User.employee_no.like("G%")).order_by(User.employee_no))]


def test_generates_every_status_and_the_rules_agree_with_the_matrix(app):
    sync_fixture_bank(app, "cert_bank")
    with app.app_context():
        counts = generate.generate(400, 3, seed=7, now=NOW)
        db.session.commit()
        assert counts["staff"] == 400
        assert db.session.scalar(select(func.count()).where(User.employee_no.like("G%"))) == 400
        assert counts["attempts"] == db.session.scalar(select(func.count(QuizAttempt.id)))
        assert db.session.scalar(select(func.count(AuditEvent.id))) >= counts["audit_events"]
        built = matrix.build(matrix.Filters(), NOW, page_size=1000)
        hotline = next(t for t in built.tracks if t.slug == "hotline-agent")
        assert set(built.counts[hotline.id]) >= {"certified", "renewal_due", "expired",
                                                 "revoked"}
        seen: Counter[str] = Counter()
        for person in certification.statuses(built.people, NOW):
            for slug, decision in person.clearance.tracks.items():
                track_id = person.tracks[slug].id
                cell = built.cells[(person.user.id, track_id)][0]
                assert cell == MATRIX_NAMES[decision.status], person.user.employee_no
                seen[cell] += 1
        assert seen["certified"] > seen["expired"] > 0


def test_the_same_seed_gives_the_same_people(app):
    sync_fixture_bank(app, "cert_bank")
    with app.app_context():
        generate.generate(60, 2, seed=3, now=NOW)
        db.session.commit()
        first = _fingerprint()
        with pytest.raises(generate.GenerateError, match="already here"):
            generate.generate(10, 2, seed=3, now=NOW)
        db.session.rollback()
        with audit_log_unlocked(db.session.connection()):
            for table in reversed(db.metadata.sorted_tables):
                if table.name not in {"module", "lesson", "question", "question_version",
                                      "track", "rubric", "call", "call_version",
                                      "content_release"}:
                    db.session.execute(table.delete())
        db.session.commit()
        generate.generate(60, 2, seed=3, now=NOW)
        db.session.commit()
        assert _fingerprint() == first
        assert len(first) == 60


def test_generate_needs_the_content(app):
    with app.app_context(), pytest.raises(generate.GenerateError, match="content sync"):
        generate.generate(10, 1, seed=1, now=NOW)


def test_the_command_reports_what_it_made(app, runner):
    sync_fixture_bank(app, "cert_bank")
    result = runner.invoke(args=["demo", "generate", "--staff", "30", "--years", "1",
                                 "--cohort", "5"])
    assert result.exit_code == 0, result.output
    assert "30 staff" in result.output and "5 new_hires" in result.output
    with app.app_context():
        hires = db.session.scalars(select(User).where(User.employee_no.like("C%"))).all()
        assert len(hires) == 5
        assert all(s.clearance.tracks["hotline-agent"].status == "not_started"
                   for s in certification.statuses(hires, NOW))
    again = runner.invoke(args=["demo", "generate", "--staff", "30"])
    assert again.exit_code != 0
    assert "already here" in again.output
