"""QUALITY.md reliability 9: each start, submission, award, revocation, role change and
import writes one audit row saying who, when, what and from where (regrades: test_analysis)."""

from __future__ import annotations

import ast
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from tests.conftest import csrf_token, login, sync_fixture_bank
from trainingapp import audit_events
from trainingapp.extensions import db
from trainingapp.models import (
    Assignment,
    AuditEvent,
    Call,
    CertificateSource,
    Certification,
    Module,
    Role,
    User,
)
from trainingapp.queries import audit_log
from trainingapp.services import (
    accounts,
    assignments,
    calls,
    certification,
    quizzes,
    staff_import,
)

pytestmark = pytest.mark.db
FROM = {"REMOTE_ADDR": "10.20.30.40"}


def _events(app, action):  # type: ignore[no-untyped-def]
    with app.app_context():
        return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_every_listed_event_is_written_once_with_who_when_what_and_where(app, client,
                                                                        make_user):
    sync_fixture_bank(app, "quiz_bank")
    trainee = make_user("AU01", team="t1")
    admin = make_user("AU02", roles=(Role.ADMIN,))
    login(client, trainee.employee_no)
    token = csrf_token(client, "/quizzes/")
    url = client.post("/quizzes/modules/drill/start", data={"csrf_token": token},
                      environ_base=FROM).location
    client.post(f"{url}/submit", data={"csrf_token": token}, environ_base=FROM)
    with app.test_request_context(environ_base=FROM):
        actor = accounts.get_by_employee_no(admin.employee_no)
        person = accounts.get_by_employee_no(trainee.employee_no)
        accounts.set_roles(person, [Role.SUPERVISOR], actor=actor)
        plans = staff_import.plan(staff_import.read_rows(
            "staff.csv", b"employee_no,name\nAU09,New Person\n"))
        staff_import.apply(plans, actor, "staff.csv")
        db.session.commit()
    expected = {"quiz_started": trainee.id, "quiz_submitted": trainee.id,
                "roles_changed": admin.id, "staff_imported": admin.id}
    for action, actor_id in expected.items():
        found = _events(app, action)
        assert len(found) == 1, action
        event = found[0]
        assert event.actor_id == actor_id, action
        assert event.remote_addr == "10.20.30.40", action
        assert event.at is not None and event.detail is not None, action
    assert _events(app, "quiz_submitted")[0].subject_user_id == trainee.id


def test_awards_and_revocations_are_on_the_record(app, make_user):
    sync_fixture_bank(app, "cert_bank")
    trainee = make_user("AU03")
    hr = make_user("AU04", roles=(Role.HR, Role.ADMIN))
    with app.test_request_context(environ_base=FROM):
        actor = db.session.get(User, hr.id)
        person = db.session.get(User, trainee.id)
        track = certification.get_track("hotline-agent")
        cert = certification.record_outside_award(actor, person, track,
                                                  CertificateSource.EXTERNAL,
                                                  "certified by the old system",
                                                  datetime.now(UTC))
        certification.revoke(actor, db.session.get(Certification, cert.id), "quality incident",
                             datetime.now(UTC))
        db.session.commit()
    for action in ("certificate_external", "certificate_revoked"):
        [event] = _events(app, action)
        assert (event.actor_id, event.subject_user_id, event.remote_addr) == (
            hr.id, trainee.id, "10.20.30.40")


# -- every event in words ----------------------------------------------------------------

PACKAGE = Path(__file__).resolve().parents[2] / "trainingapp"
# Actions the code builds from a value: the f-string → every action it can make.
BUILT = {"{kind}_created": {"team_created", "position_created"},
         "{kind}_{'reactivated' if active else 'deactivated'}": {
             f"{kind}_{change}" for kind in ("team", "position")
             for change in ("deactivated", "reactivated")},
         "certificate_{source.value}": {f"certificate_{s.value}" for s in CertificateSource
                                        if s != CertificateSource.EARNED},
         "event": {"team_updated", "position_updated"}}  # accounts._rename's


def _written_actions() -> set[str]:
    """Every action an ``audit.record(...)`` or ``audit.record_each(...)`` call (or the
    generator's bulk rows) can write."""
    found: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (isinstance(node, ast.Call) and ast.unparse(node.func) in ("audit.record", "audit.record_each")
                    and node.args):
                found |= _values_of(node.args[0], path)
            elif isinstance(node, ast.Dict) and path.name == "generate.py":
                for key, value in zip(node.keys, node.values):
                    if isinstance(key, ast.Constant) and key.value == "action":
                        found |= _values_of(value, path)
    return found


def _values_of(node: ast.expr, path: Path) -> set[str]:
    if isinstance(node, ast.Constant):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return _values_of(node.body, path) | _values_of(node.orelse, path)
    if isinstance(node, ast.Name):
        assert node.id in BUILT, f"{path.name}: say in BUILT which actions {node.id} can be"
        return BUILT[node.id]
    if isinstance(node, ast.JoinedStr):
        shape = "".join(v.value if isinstance(v, ast.Constant) else
                        "{" + ast.unparse(v.value) + "}" for v in node.values)
        assert shape in BUILT, f"{path.name}: say in BUILT which actions {shape!r} makes"
        return BUILT[shape]
    raise AssertionError(f"{path.name}: an action that is not a string: {ast.unparse(node)}")


# One realistic detail of each event, as its writer stores it (older shapes included).
SAMPLES: dict[str, dict[str, Any]] = {
    "login": {}, "logout": {}, "logout_everywhere": {}, "password_changed": {}, "password_reset_link": {},
    "login_failed": {"employee_no": "T0001"},
    "user_created": {"roles": ["admin", "hr"]},
    "user_updated": {"fields": ["full_name", "hire_date", "team"]},
    "user_deactivated": {}, "user_reactivated": {},
    "roles_changed": {"before": ["hr"], "after": ["admin", "supervisor"]},
    "supervisor_assigned": {"team": "t1"},
    "team_created": {"code": "t1"}, "position_created": {"code": "hotline-agent"},
    # as the organisation pages write them (teams and positions by their own key)
    "team_updated": {"team": "t1", "before": {"name": "Team 1", "site": ""},
                     "after": {"name": "Team t1", "site": "Test site"}},
    "team_deactivated": {"team": "t1"}, "team_reactivated": {"team": "t1"},
    "team_supervisors_changed": {"team": "t1", "added": ["AW02"], "removed": ["X9999"]},
    "position_updated": {"position": "hotline-agent", "before": {"name_zh": "热线"},
                         "after": {"name_zh": "热线客服代表"}},
    "position_deactivated": {"position": "hotline-agent"},
    "position_reactivated": {"position": "hotline-agent"},
    "staff_imported": {"file": "staff.csv", "created": 3, "updated": 1, "unchanged": 0,
                       "new_teams": 1},
    "quiz_started": {"module": "greeting", "attempt": 1, "number": 2},
    "quiz_submitted": {"attempt": 1, "score": 85.0, "passed": True},
    "quiz_expired": {"attempt": 1, "score": 40.0, "passed": False},
    "quiz_regraded": {"attempt": 1, "question": "mini-001", "score_before": 60.0,
                      "score_after": 80.0, "passed_before": False, "passed_after": True,
                      "at": "2026-03-01T08:00:00+00:00"},
    "question_report_resolved": {"report": 4},
    "call_started": {"scenario": "slow-wifi", "run": 1},
    "call_finished": {"run": 1, "score": 62.5, "passed": False,
                      "critical": ["privacy_breach"]},
    "observation_recorded": {"observation": 3, "score": 90.0, "passed": True},
    "evaluation_recorded": {"period": "2026-Q1", "colleague": 4, "performance": 5},
    "satisfaction_imported": {"file": "csat.xlsx", "rows": 12},
    "assigned": {"kind": "module", "target": "greeting", "due": "2026-12-15",
                 "origin": "onboarding"},
    "assignment_changed": {"assignment": 1, "kind": "scenario", "target": "slow-wifi",
                           "previous_due": "2026-12-15", "due": "2026-12-20",
                           "previous_note": "", "note": "Before the audit"},
    "due_date_extended": {"assignment": 1, "previous": "2026-12-15T23:59:59+00:00",
                          "new": "2026-12-22", "reason": "Off sick for a week"},
    "certificate_awarded": {"track": "hotline-agent", "certificate": 1, "code": "K7M2P9QX4TRW",
                            "valid_from": "2026-03-01T08:00:00+00:00",
                            "expires_at": "2027-03-01T08:00:00+00:00"},
    "certificate_renewed": {"track": "hotline-agent"},
    "certificate_external": {"track": "hotline-agent", "certificate": 1,
                             "note": "Certified by the old system"},
    "certificate_exemption": {"track": "hotline-agent", "certificate": 1, "note": "Exempt"},
    "certificate_revoked": {"certificate": 1, "reason": "Quality incident"},
    "certificate_reinstated": {"certificate": 1, "reason": "Appeal upheld"},
    "matrix_exported": {"format": "xlsx", "rows": 40},
    "audit_exported": {"rows": 12, "event": "login", "person": "T0001"},
    "api_token_created": {"token": "rostering", "scopes": ["clearance:read"]},
    "api_token_revoked": {"token": "rostering"},
}
REPR = re.compile(r"\b(True|False|None)\b|[\[\]{}]|\b[a-z]+_[a-z_]+\b|\d{4}-\d\d-\d\dT")


def test_every_event_the_code_writes_has_a_phrase_in_both_languages(app):
    written = _written_actions()
    assert written - set(audit_events.AUDIT_EVENTS) == set(), "give these events a phrase"
    assert set(SAMPLES) == set(audit_events.AUDIT_EVENTS), "add a sample detail to SAMPLES"
    with app.test_request_context():
        english = {key: audit_events.phrase(key) for key in SAMPLES}
        with force_locale("zh"):
            chinese = {key: audit_events.phrase(key) for key in SAMPLES}
    for key in SAMPLES:
        assert english[key] != chinese[key] and re.search(r"[\u4e00-\u9fff]", chinese[key]), key
        assert "_" not in english[key], key
    assert len(set(english.values())) == len(SAMPLES)  # no two events read alike


@pytest.fixture
def worded(app, make_user):  # type: ignore[no-untyped-def]
    """The events of SAMPLES (and any other given) in words, in a language: phrase, by,
    concerning, details."""
    sync_fixture_bank(app, "cert_bank")
    trainee = make_user("AW01", team="t1")
    admin = make_user("AW02", roles=(Role.ADMIN,))
    with app.app_context():
        person, track = db.session.get(User, trainee.id), certification.get_track(
            "hotline-agent")
        now = datetime.now(UTC)
        cert = certification.record_outside_award(db.session.get(User, admin.id), person, track,
                                                  CertificateSource.EXTERNAL, "old system", now)
        attempt = quizzes.start(person, db.session.scalar(select(Module)), now)
        run = calls.start(person, db.session.scalar(select(Call)), now)
        assignments.assign(None, [person], "module", "greeting", (now + timedelta(days=9)).date())
        db.session.commit()
        ids = {"certificate": cert.id, "attempt": attempt.id, "run": run.id,
               "assignment": db.session.scalar(select(Assignment.id).where(
                   Assignment.user_id == trainee.id, Assignment.target == "greeting"))}

    def _worded(language: str, events: dict[str, dict[str, Any]] | None = None,
                actor: int | None = admin.id) -> dict[str, audit_log.LogRow]:
        rows = {}
        with app.test_request_context(), force_locale(language):
            made = [AuditEvent(id=n, action=action, actor_id=actor, subject_user_id=trainee.id,
                               at=datetime(2026, 3, 1, 8, 0, tzinfo=UTC),
                               detail={k: ids.get(k, v) for k, v in detail.items()})
                    for n, (action, detail) in enumerate((events or SAMPLES).items())]
            for row in audit_log.describe(made):
                rows[row.event.action] = row
        return rows

    return _worded


@pytest.mark.parametrize("language", ["en", "zh"])
def test_every_event_kind_reads_as_words(worded, language):
    for action, row in worded(language).items():
        for text in (row.phrase, row.actor, row.subject, row.details):
            assert not REPR.search(text), (action, text)
        assert row.actor == ("Person AW02 (AW02)" if language == "en" else "Person AW02（AW02）")
        if SAMPLES[action] and action not in ("question_report_resolved",):
            assert row.details, action


def test_details_are_sentences_with_titles_and_local_dates(worded):
    en, zh = worded("en"), worded("zh")
    assert en["quiz_submitted"].details == "Greeting the caller: Passed with 85%"
    assert zh["quiz_submitted"].details == "问候来电客户：通过，得分 85%"
    assert en["roles_changed"].details == ("Roles granted: Administrator and Supervisor; "
                                           "Roles withdrawn: HR")
    assert en["user_created"].details == "Roles: Administrator and HR"
    assert en["due_date_extended"].details == (
        "Due date of Greeting the caller (learning module) moved from Dec 16, 2026 to "
        "Dec 22, 2026: Off sick for a week")  # a moment stored before: its local date
    assert zh["due_date_extended"].details == (
        "问候来电客户（学习模块）的截止日期从 2026年12月16日 改为 2026年12月22日：Off sick for a week")
    assert en["assigned"].details == (
        "Greeting the caller (learning module), due Dec 15, 2026 (on hiring)")
    assert en["call_finished"].details == "Slow Wi-Fi: Not passed (62%); 1 critical error"
    assert en["certificate_revoked"].details.startswith(
        "Hotline agent certification (") and "Quality incident" in en[
        "certificate_revoked"].details
    assert en["user_updated"].details == "Changed: name, hire date, and team"
    assert en["audit_exported"].details == "12 events; event: Signed in; employee number: T0001"
    assert en["team_created"].details == "Team t1"
    assert zh["position_created"].details == "热线客服代表"
    assert en["team_updated"].details == (
        "Team t1: English name “Team 1” → “Team t1”; site “” → “Test site”")
    assert en["team_supervisors_changed"].details == (
        "Team t1: supervisors added: Person AW02 (AW02); supervisors removed: X9999")
    assert en["assignment_changed"].details == (
        "Slow Wi-Fi (practice call): due date moved from Dec 15, 2026 to Dec 20, 2026; "
        "note: Before the audit")
    assert en["staff_imported"].details == (
        "From staff.csv: 3 new, 1 updated, 0 unchanged; 1 new team")


def test_the_system_acts_and_an_unknown_event_still_reads_as_words(worded):
    odd = {"legacy_thing_done": {"was_ok": True, "items": ["a", None], "when":
                                 "2026-03-01T08:00:00+00:00", "nested": {"x_y": False}}}
    [row] = worded("en", odd, actor=None).values()
    assert row.actor == "the system" and row.phrase == "Other event"
    assert row.details.replace("\u202f", " ") == (
        "items: a; nested: x y: no; was ok: yes; when: Mar 1, 2026, 4:00 PM")
    assert not REPR.search(row.details)
    [row] = worded("zh", {"login": {}}, actor=None).values()
    assert row.actor == "系统"


def test_a_finished_call_names_the_trainee_as_who_finished_it(app, make_user):
    sync_fixture_bank(app, "call_bank")
    trainee = make_user("AU05")
    with app.test_request_context(environ_base=FROM):
        user, call = db.session.get(User, trainee.id), db.session.scalar(select(Call))
        run = calls.start(user, call, datetime.now(UTC))
        for _turn in range(8):
            if not run.is_open:
                break
            node = run.version.content["call"]["nodes"][run.node]
            if node.get("options"):
                calls.take_turn(run, run.node, datetime.now(UTC), choice=0)
            else:
                calls.take_turn(run, run.node, datetime.now(UTC), reply="sorry, line test")
        db.session.commit()
    [event] = _events(app, "call_finished")
    assert (event.actor_id, event.subject_user_id) == (trainee.id, trainee.id)
