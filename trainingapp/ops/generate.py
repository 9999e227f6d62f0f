"""A large, realistic and deterministic data set for measuring the product at the size of a
big operator: ``flask demo generate --staff 100000 --years 3 --seed 1``.

Teams of about twelve with a supervisor, HR staff, agents in every position hired over the
years, onboarding assignments, quiz attempts (failed ones too) and call runs that earned
certificates, renewals, lapses, revocations and exemptions, in-progress new hires, and the
audit rows all of that writes. Everything is bulk-inserted in chunks; the same seed gives
the same data. The shipped content must be synced first (the attempts use its questions).
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select, text

from trainingapp.extensions import db
from trainingapp.models import (
    Assignment,
    AssignmentKind,
    AttemptQuestion,
    AttemptStatus,
    AuditEvent,
    Call,
    CallRun,
    CallRunStatus,
    CallVersion,
    CertificateSource,
    Certification,
    Module,
    Observation,
    Position,
    Question,
    QuestionVersion,
    QuizAttempt,
    Role,
    Rubric,
    Team,
    User,
    UserRole,
)
from trainingapp.models.user import team_supervisor
from trainingapp.ops import demo
from trainingapp.rules.certification import add_months
from trainingapp.rules.passwords import hash_password
from trainingapp.services import accounts, assignments, certification

PREFIX = "G"  # employee numbers G000001…; nothing else uses it
COHORT_PREFIX = "C"  # an exam-day class of new hires: C00001…
TEAM_SIZE = 12
HR_EVERY = 2000
SITES = ["Contact centre East", "Contact centre West", "Contact centre North",
         "Central business hall", "Riverside business hall", "Airport business hall",
         "Technical support centre", "Online service centre"]
POSITION_WEIGHTS = {"hotline-agent": 45, "online-agent": 20, "business-hall-associate": 22,
                    "technical-support": 13}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍建国红梅鑫宇浩然欣怡子涵雨轩"
DETAIL_DAYS = 60  # attempts this recent keep their questions and answers (item analysis)
CHUNK = 2000  # people per batch of inserts


class GenerateError(RuntimeError):
    pass


@dataclass(frozen=True)
class _Module:
    id: int
    slug: str
    settings: dict[str, Any]
    versions: list[tuple[int, float]]  # (question version id, points)


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))


class _Batch:
    """Rows for one chunk of people, inserted table by table."""

    def __init__(self) -> None:
        self.users: list[dict[str, Any]] = []
        self.roles: list[dict[str, Any]] = []
        self.supervises: list[dict[str, Any]] = []
        self.assignments: list[dict[str, Any]] = []
        self.attempts: list[tuple[dict[str, Any], list[dict[str, Any]]]] = []
        self.runs: list[dict[str, Any]] = []
        self.observations: list[dict[str, Any]] = []
        self.certs: list[dict[str, Any]] = []
        self.audit: list[dict[str, Any]] = []


def _insert(table: Any, rows: list[dict[str, Any]]) -> None:
    if rows:
        db.session.execute(insert(table), rows)


def _insert_returning_ids(model: Any, rows: list[dict[str, Any]]) -> list[int]:
    if not rows:
        return []
    result = db.session.execute(
        insert(model).returning(model.id, sort_by_parameter_order=True), rows)
    return [row[0] for row in result]


class Generator:
    def __init__(self, staff: int, years: int, seed: int, now: datetime,
                 cohort: int = 0) -> None:
        if staff < 1 or years < 1 or cohort < 0:
            raise GenerateError("staff and years must be at least 1")
        self.staff, self.years, self.now, self.cohort = staff, years, now, cohort
        self.rng = random.Random(seed)
        self.counts: Counter[str] = Counter()

    # --- what exists already -------------------------------------------------------------

    def _load(self) -> None:
        taken = db.session.scalar(select(User.id).where(User.employee_no == f"{PREFIX}000001"))
        if taken is not None:
            raise GenerateError("generated staff are already here; use an empty database")
        self.tracks = {code: t for t in certification.live_tracks()
                       for code in t.content["positions"]}
        if not self.tracks:
            raise GenerateError("no certification tracks: run `flask content sync` first")
        demo.seed()
        self.positions = dict(db.session.execute(select(Position.code, Position.id)).all())
        self.modules: dict[str, _Module] = {}
        for module in db.session.scalars(select(Module).where(Module.retired_at.is_(None))):
            versions = [(vid, float(content.get("points", 1))) for vid, content in
                        db.session.execute(
                            select(QuestionVersion.id, QuestionVersion.content)
                            .join(Question, (Question.id == QuestionVersion.question_id)
                                  & (QuestionVersion.version == Question.current_version))
                            .where(Question.module_id == module.id,
                                   Question.retired_at.is_(None)))]
            self.modules[module.slug] = _Module(module.id, module.slug, module.quiz, versions)
        self.calls = {slug: (sid, version_id) for slug, sid, version_id in db.session.execute(
            select(Call.slug, Call.id, CallVersion.id)
            .join(CallVersion, (CallVersion.call_id == Call.id)
                  & (CallVersion.version == Call.current_version)))}
        rubric = db.session.scalar(select(Rubric.content).where(Rubric.retired_at.is_(None)))
        self.rubric = rubric or {"dimensions": [], "pass_mark": 75}
        self.password_hash = hash_password(demo.DEMO_PASSWORD, accounts.password_cost())

    # --- the organisation ----------------------------------------------------------------

    def _teams(self) -> list[int]:
        rows = [{"code": f"gen-{i:05d}", "name": f"Team {i}",
                 "site": SITES[i % len(SITES)]}
                for i in range(1, max(1, self.staff // TEAM_SIZE) + 1)]
        self.counts["teams"] = len(rows)
        return _insert_returning_ids(Team, rows)

    def _person(self, index: int, team_ids: list[int]) -> tuple[dict[str, Any], Role | None]:
        rng = self.rng
        hired = self.now - timedelta(days=rng.uniform(0, self.years * 365))
        role: Role | None = None
        team_id: int | None = team_ids[min((index - 1) // TEAM_SIZE, len(team_ids) - 1)]
        if index % HR_EVERY == 0:
            position, role, team_id = "hr-specialist", Role.HR, None
        elif (index - 1) % TEAM_SIZE == 0:
            position, role = "team-leader", Role.SUPERVISOR
            hired -= timedelta(days=365)  # leaders have been here longer
        else:
            position = rng.choices(list(POSITION_WEIGHTS), list(POSITION_WEIGHTS.values()))[0]
        row = {
            "employee_no": f"{PREFIX}{index:06d}", "full_name": _name(rng),
            "email": f"{PREFIX.lower()}{index:06d}@staff.invalid",
            "password_hash": self.password_hash, "language": rng.choice(["zh", "zh", "en"]),
            "is_active": rng.random() > 0.03, "wants_email": True,
            "hire_date": hired.date(), "position_id": self.positions[position],
            "team_id": team_id, "session_token": f"gen-{rng.getrandbits(96):024x}",
            "created_at": hired, "password_changed_at": hired,
            "last_login_at": self.now - timedelta(hours=rng.uniform(1, 24 * 60)),
        }
        return row, role

    # --- one person's history ------------------------------------------------------------

    def _attempts(self, batch: _Batch, user_id: int, module: _Module, done_at: datetime,
                  numbers: Counter[str]) -> None:
        """A passed attempt finishing at ``done_at``, sometimes after a failed one."""
        rng = self.rng
        tries = 2 if rng.random() < 0.2 else 1
        for attempt_index in range(tries):
            passed = attempt_index == tries - 1
            finished = done_at - timedelta(days=(tries - 1 - attempt_index) * rng.uniform(1, 3))
            started = finished - timedelta(minutes=rng.uniform(6, 18))
            score = rng.uniform(module.settings["pass_mark"], 100) if passed else rng.uniform(
                40, module.settings["pass_mark"] - 1)
            numbers[module.slug] += 1
            questions = []
            if self.now - finished < timedelta(days=DETAIL_DAYS) and module.versions:
                picked = rng.sample(module.versions,
                                    min(len(module.versions),
                                        module.settings["questions_per_attempt"]))
                for position, (version_id, points) in enumerate(picked, 1):
                    questions.append({"position": position, "question_version_id": version_id,
                                      "points": points, "display_order": [], "answer": None,
                                      "is_flagged": False, "answered_at": None,
                                      "share": 1.0 if rng.random() < score / 100 else 0.0})
            batch.attempts.append(({
                "user_id": user_id, "module_id": module.id, "number": numbers[module.slug],
                "status": AttemptStatus.SUBMITTED, "started_at": started,
                "deadline_at": started + timedelta(
                    minutes=module.settings.get("time_limit_minutes") or 60),
                "finished_at": finished, "settings": module.settings,
                "points": round(score / 10, 2), "max_points": 10.0, "score": round(score, 1),
                "passed": passed}, questions))
            batch.audit.append({"at": finished, "action": "quiz_submitted",
                                "subject_user_id": user_id, "actor_id": None,
                                "detail": {"module": module.slug, "score": round(score, 1),
                                           "passed": passed}})

    def _runs(self, batch: _Batch, user_id: int, slugs: list[str], done_at: datetime,
              numbers: Counter[str]) -> None:
        rng = self.rng
        for slug in slugs:
            if slug not in self.calls:
                continue
            call_id, version_id = self.calls[slug]
            numbers[slug] += 1
            finished = done_at - timedelta(hours=rng.uniform(1, 48))
            batch.runs.append({
                "user_id": user_id, "call_id": call_id, "version_id": version_id,
                "number": numbers[slug], "status": CallRunStatus.FINISHED,
                "started_at": finished - timedelta(minutes=rng.uniform(4, 12)),
                "finished_at": finished, "node": "end", "turn_started_at": finished,
                "visits": {}, "outcome": "resolved", "score": round(rng.uniform(75, 100), 1),
                "passed": True, "critical_errors": [], "dimensions": {}})
            batch.audit.append({"at": finished, "action": "call_finished",
                                "subject_user_id": user_id, "actor_id": None,
                                "detail": {"scenario": slug, "passed": True}})

    def _evidence(self, batch: _Batch, user_id: int, track: Any, done_at: datetime,
                  numbers: Counter[str], kinds: tuple[str, ...], observer: int | None) -> None:
        required = track.content["requirements"]
        if "modules" in kinds:
            for item in required.get("modules", []):
                if item["module"] in self.modules:
                    self._attempts(batch, user_id, self.modules[item["module"]], done_at,
                                   numbers)
        if "scenarios" in kinds:
            wanted = required.get("scenarios", {})
            choice = self.rng.sample(wanted.get("of", []),
                                     min(wanted.get("any", 0), len(wanted.get("of", []))))
            self._runs(batch, user_id, list(wanted.get("all", [])) + choice, done_at, numbers)
        if "observation" in kinds and required.get("observation") and observer:
            dims = [d["id"] for d in self.rubric.get("dimensions", [])]
            batch.observations.append({
                "user_id": user_id, "observer_id": observer, "rubric": self.rubric,
                "ratings": {d: self.rng.randint(3, 4) for d in dims}, "critical_errors": [],
                "notes": "", "score": round(self.rng.uniform(80, 100), 1), "passed": True,
                "pass_mark": float(self.rubric.get("pass_mark", 75)),
                "observed_at": done_at - timedelta(days=1)})

    def _history(self, batch: _Batch, user_id: int, person: dict[str, Any],
                 observer: int | None) -> None:
        rng, now = self.rng, self.now
        code = next(c for c, i in self.positions.items() if i == person["position_id"])
        track = self.tracks.get(code)
        if track is None:
            return
        content = track.content
        hired = datetime.combine(person["hire_date"], datetime.min.time(), UTC)
        batch.assignments.append({
            "user_id": user_id, "kind": AssignmentKind.TRACK, "target": track.slug,
            "due_on": person["hire_date"] + timedelta(days=content["due_days"]), "note": "",
            "origin": "onboarding", "assigned_by_id": None, "assigned_at": hired})
        numbers: Counter[str] = Counter()
        if rng.random() < 0.01:  # exempted: certified elsewhere before joining
            batch.certs.append(self._cert(user_id, track, hired, None,
                                          CertificateSource.EXEMPTION))
            return
        awarded = hired + timedelta(days=rng.uniform(8, content["due_days"] + 10))
        if awarded > now:  # a new hire still working through the track
            for item in content["requirements"].get("modules", []):
                if rng.random() < 0.5 and item["module"] in self.modules:
                    self._attempts(batch, user_id, self.modules[item["module"]],
                                   hired + (now - hired) * rng.random(), numbers)
            return
        self._evidence(batch, user_id, track, awarded, numbers,
                       ("modules", "scenarios", "observation"), observer)
        valid_from, renewal = awarded, False
        while True:
            expires = add_months(valid_from, content["validity_months"])
            cert = self._cert(user_id, track, valid_from, expires, CertificateSource.EARNED)
            cert["awarded_at"] = awarded
            batch.certs.append(cert)
            batch.audit.append({"at": awarded, "subject_user_id": user_id, "actor_id": None,
                                "action": "certificate_renewed" if renewal
                                else "certificate_awarded", "detail": {"track": track.slug}})
            window_opens = expires - timedelta(days=content["renewal_window_days"])
            if rng.random() < 0.02 and valid_from < now:  # revoked after a quality incident
                cert["revoked_at"] = min(now, valid_from + (expires - valid_from) * rng.random())
                cert["revoke_reason"] = "Critical privacy error on an observed call"
                cert["revoked_by_id"] = observer
                batch.audit.append({"at": cert["revoked_at"], "subject_user_id": user_id,
                                    "actor_id": observer, "action": "certificate_revoked",
                                    "detail": {"track": track.slug}})
                return
            if window_opens > now or rng.random() < 0.12:  # not due yet, or let it lapse
                return
            awarded = window_opens + (expires - window_opens) * rng.uniform(0.1, 0.9)
            if awarded > now:  # renewal window open, not renewed yet
                return
            self._evidence(batch, user_id, track, awarded, numbers,
                           tuple(content.get("renewal", [])), observer)
            valid_from, renewal = expires, True

    def _cert(self, user_id: int, track: Any, valid_from: datetime, expires: datetime | None,
              source: CertificateSource) -> dict[str, Any]:
        return {"user_id": user_id, "track_id": track.id,
                "code": f"G{self.rng.getrandbits(55):011X}"[:12], "source": source,
                "awarded_at": valid_from, "valid_from": valid_from, "expires_at": expires,
                "note": "" if source == CertificateSource.EARNED else "Certified before joining",
                "awarded_by_id": None, "revoked_at": None, "revoked_by_id": None,
                "revoke_reason": None}

    # --- writing -------------------------------------------------------------------------

    def _flush(self, batch: _Batch) -> None:
        _insert(Assignment, batch.assignments)
        attempt_ids = _insert_returning_ids(QuizAttempt, [a for a, _ in batch.attempts])
        _insert(AttemptQuestion, [dict(q, attempt_id=attempt_id)
                                  for attempt_id, (_, questions) in zip(attempt_ids,
                                                                        batch.attempts)
                                  for q in questions])
        _insert(CallRun, batch.runs)
        _insert(Observation, batch.observations)
        _insert(Certification, batch.certs)
        _insert(AuditEvent, batch.audit)
        self.counts.update(assignments=len(batch.assignments), attempts=len(attempt_ids),
                           answers=sum(len(q) for _, q in batch.attempts), runs=len(batch.runs),
                           observations=len(batch.observations), certificates=len(batch.certs),
                           audit_events=len(batch.audit))

    def _chunks(self) -> Iterator[range]:
        for start in range(1, self.staff + 1, CHUNK):
            yield range(start, min(self.staff, start + CHUNK - 1) + 1)

    def run(self, progress: Callable[[int], None] | None = None) -> Counter[str]:
        self._load()
        team_ids = self._teams()
        leader_of: dict[int, int] = {}
        for indexes in self._chunks():
            people = [self._person(i, team_ids) for i in indexes]
            ids = _insert_returning_ids(User, [p for p, _ in people])
            batch = _Batch()
            for user_id, (person, role) in zip(ids, people):
                if role is not None:
                    batch.roles.append({"user_id": user_id, "role": role})
                if role == Role.SUPERVISOR:
                    leader_of[person["team_id"]] = user_id
                    batch.supervises.append({"team_id": person["team_id"], "user_id": user_id})
            _insert(UserRole, batch.roles)
            _insert(team_supervisor, batch.supervises)
            for user_id, (person, _role) in zip(ids, people):
                self._history(batch, user_id, person, leader_of.get(person["team_id"]))
                batch.audit.append({"at": person["created_at"], "action": "user_created",
                                    "subject_user_id": user_id, "actor_id": None,
                                    "detail": {"generated": True}})
            self._flush(batch)
            self.counts["staff"] += len(ids)
            if progress:
                progress(self.counts["staff"])
        if self.cohort:
            self._new_hires(team_ids[-1])
        db.session.execute(text("ANALYZE"))  # fresh statistics for the query planner
        return self.counts

    def _new_hires(self, team_id: int) -> None:
        """Today's class: new hotline agents with nothing done yet (the exam-day load)."""
        today = self.now
        rows = [{**self._person(1, [team_id])[0], "employee_no": f"{COHORT_PREFIX}{n:05d}",
                 "email": f"{COHORT_PREFIX.lower()}{n:05d}@staff.invalid",
                 "position_id": self.positions["hotline-agent"], "team_id": team_id,
                 "is_active": True, "hire_date": today.date(), "created_at": today,
                 "password_changed_at": today, "last_login_at": None}
                for n in range(1, self.cohort + 1)]
        batch = _Batch()
        track = self.tracks["hotline-agent"]
        due_on = assignments.today(today) + timedelta(days=track.content["due_days"])
        for user_id in _insert_returning_ids(User, rows):
            batch.assignments.append({
                "user_id": user_id, "kind": AssignmentKind.TRACK, "target": track.slug,
                "due_on": due_on, "note": "",
                "origin": "onboarding", "assigned_by_id": None, "assigned_at": today})
        self._flush(batch)
        self.counts["new_hires"] = len(rows)


def generate(staff: int, years: int, seed: int, now: datetime, *, cohort: int = 0,
             progress: Callable[[int], None] | None = None) -> Counter[str]:
    """Add ``staff`` generated people with ``years`` of history, and a ``cohort`` of new
    hires starting today; returns row counts."""
    return Generator(staff, years, seed, now, cohort).run(progress)

