"""Loading a checked bank into the database: idempotent, never deleting.

A module, lesson or question that left the bank is retired; a question whose text or
answer key changed gets a new version, and the old versions stay for the attempts that
used them. The caller commits once, so a failure leaves the database as it was.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import select

from trainingapp.caches import process_cache
from trainingapp.content import markdown
from trainingapp.content.bank import Bank, CallContent, LessonContent, ModuleContent
from trainingapp.content.schema import Question as QuestionModel
from trainingapp.extensions import db
from trainingapp.models import User
from trainingapp.models.call import Call, CallVersion, Rubric
from trainingapp.models.certification import Track
from trainingapp.models.learning import (
    ContentRelease,
    Lesson,
    Module,
    Question,
    QuestionVersion,
)

# Fields of a question that are metadata, kept on Question, not versioned.
METADATA_FIELDS = {"id", "difficulty", "tags", "source"}


class BankHasProblems(ValueError):
    def __init__(self, bank: Bank) -> None:
        super().__init__(f"the question bank has {len(bank.problems)} problems")
        self.bank = bank


def version_content(question: QuestionModel) -> dict[str, Any]:
    """What a trainee sees and the grader uses: everything but the metadata."""
    return question.model_dump(mode="json", exclude=METADATA_FIELDS, exclude_none=True)


def content_hash(content: dict[str, Any]) -> str:
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


class _Changes:
    def __init__(self) -> None:
        self.counter: Counter[str] = Counter()

    def __call__(self, what: str) -> None:
        self.counter[what] += 1

    @property
    def any(self) -> bool:
        return any(not key.endswith("unchanged") for key in self.counter)

    def as_dict(self) -> dict[str, int]:
        return dict(sorted(self.counter.items()))


def _set(row: Any, values: dict[str, Any]) -> bool:
    """Assign changed values; True when something changed."""
    changed = False
    for key, value in values.items():
        if getattr(row, key) != value:
            setattr(row, key, value)
            changed = True
    return changed


def _upsert(row: Any, create: Callable[..., Any], values: dict[str, Any], changes: _Changes,
            name: str) -> Any:
    """Create the row with ``values`` or bring it in line with them; count what happened."""
    if row is None:
        row = create(**values)
        db.session.add(row)
        db.session.flush()
        changes(f"{name}_created")
    else:
        changes(f"{name}_updated" if _set(row, values) else f"{name}_unchanged")
    return row


def _retire_missing(rows: Iterable[Any], wanted: Callable[[Any], bool], now: datetime,
                    changes: _Changes, name: str) -> None:
    """Retire (never delete) the live rows the bank no longer has."""
    for row in rows:
        if not wanted(row) and row.retired_at is None:
            row.retired_at = now
            changes(f"{name}_retired")


def sync_bank(bank: Bank, now: datetime, actor: User | None = None) -> ContentRelease | None:
    """Bring the database in line with ``bank``. Returns the release recorded, or None when
    nothing changed. Raises BankHasProblems (and changes nothing) for a bank with problems."""
    if not bank.ok:
        raise BankHasProblems(bank)
    changes = _Changes()
    modules = {m.slug: m for m in db.session.scalars(select(Module))}
    lessons = {(lesson.module_id, lesson.slug): lesson for lesson in db.session.scalars(select(Lesson))}
    questions = {q.bank_id: q for q in db.session.scalars(select(Question))}
    current_hashes = dict(
        db.session.execute(
            select(QuestionVersion.question_id, QuestionVersion.content_hash)
            .join(Question, Question.id == QuestionVersion.question_id)
            .where(QuestionVersion.version == Question.current_version)
        ).all()
    )

    seen_lessons: set[int] = set()
    seen_questions: set[str] = set()
    for content in bank.modules:
        module = _sync_module(content, modules.get(content.slug), changes)
        for lesson_content in content.lessons:
            lesson = _sync_lesson(module, lesson_content, lessons.get((module.id, lesson_content.slug)),
                                  changes)
            seen_lessons.add(lesson.id)
        for question_content in content.questions:
            _sync_question(module, question_content, questions.get(question_content.id),
                           current_hashes, changes)
            seen_questions.add(question_content.id)

    _sync_calls(bank, now, changes)
    _sync_tracks(bank, now, changes)

    wanted_modules = {m.slug for m in bank.modules}
    _retire_missing(modules.values(), lambda m: m.slug in wanted_modules, now, changes, "modules")
    _retire_missing(lessons.values(), lambda lesson: lesson.id in seen_lessons, now, changes,
                    "lessons")
    _retire_missing(questions.values(), lambda q: q.bank_id in seen_questions, now, changes,
                    "questions")

    if not changes.any:
        return None
    process_cache.forget()  # this process reads the new content at once
    release = ContentRelease(synced_at=now, bank_hash=bank.digest, counts=bank.counts(),
                             changes=changes.as_dict(), synced_by_id=actor.id if actor else None)
    db.session.add(release)
    db.session.flush()
    return release


def _sync_module(content: ModuleContent, module: Module | None, changes: _Changes) -> Module:
    meta = content.meta
    values = {
        "category": meta.category,
        "position": meta.order,
        "estimated_minutes": meta.estimated_minutes,
        "title": meta.title.model_dump(),
        "summary": meta.summary.model_dump(),
        "quiz": meta.quiz.model_dump(mode="json"),
        "retired_at": None,
    }
    return _upsert(module, lambda **v: Module(slug=content.slug, **v), values, changes,
                   "modules")


def _sync_lesson(module: Module, content: LessonContent, lesson: Lesson | None,
                 changes: _Changes) -> Lesson:
    values = {
        "position": content.position,
        "is_case_study": content.is_case_study,
        "title": dict(content.title),
        "body": dict(content.body),
        "body_html": {lang: markdown.render(text) for lang, text in content.body.items()},
        "retired_at": None,
    }
    return _upsert(lesson, lambda **v: Lesson(module_id=module.id, slug=content.slug, **v),
                   values, changes, "lessons")


def _sync_question(module: Module, content: QuestionModel, question: Question | None,
                   current_hashes: dict[int, str], changes: _Changes) -> None:
    body = version_content(content)
    digest = content_hash(body)
    values = {
        "module_id": module.id,
        "type": content.type,
        "difficulty": content.difficulty,
        "tags": list(content.tags),
        "source": content.source,
        "retired_at": None,
    }
    if question is None:
        question = Question(bank_id=content.id, current_version=1, **values)
        question.versions = [QuestionVersion(version=1, content=body, content_hash=digest)]
        db.session.add(question)
        changes("questions_created")
        return
    updated = _set(question, values)
    if current_hashes.get(question.id) != digest:
        question.current_version += 1
        db.session.add(QuestionVersion(question_id=question.id, version=question.current_version,
                                       content=body, content_hash=digest))
        changes("question_versions_created")
    elif updated:
        changes("questions_updated")
    else:
        changes("questions_unchanged")


def _sync_calls(bank: Bank, now: datetime, changes: _Changes) -> None:
    rubrics = {r.slug: r for r in db.session.scalars(select(Rubric))}
    for slug, content in bank.rubrics.items():
        _upsert(rubrics.get(slug), lambda s=slug, **v: Rubric(slug=s, **v),
                {"content": content.model_dump(mode="json"), "retired_at": None}, changes,
                "rubrics")
    _retire_missing(rubrics.values(), lambda r: r.slug in bank.rubrics, now, changes, "rubrics")

    calls = {c.slug: c for c in db.session.scalars(select(Call))}
    current_hashes = dict(db.session.execute(
        select(CallVersion.call_id, CallVersion.content_hash)
        .join(Call, Call.id == CallVersion.call_id)
        .where(CallVersion.version == Call.current_version)
    ).all())
    for content in bank.calls:
        _sync_call(content, calls.get(content.slug), current_hashes, changes)
    wanted = {c.slug for c in bank.calls}
    _retire_missing(calls.values(), lambda c: c.slug in wanted, now, changes, "scenarios")


def _sync_call(content: CallContent, call: Call | None,
               current_hashes: dict[int, str], changes: _Changes) -> None:
    # The counts keep the names `flask content sync` prints and releases record:
    # "scenarios_created", "scenario_versions_created"…
    body = {"call": content.call.model_dump(mode="json", exclude_none=True),
            "rubric": content.rubric.model_dump(mode="json", exclude_none=True)}
    digest = content_hash(body)
    values = {"title": content.call.title.model_dump(),
              "channel": content.call.channel, "retired_at": None}
    if call is None:
        call = Call(slug=content.slug, current_version=1, **values)
        db.session.add(call)
        db.session.flush()
        db.session.add(CallVersion(call_id=call.id, version=1, content=body,
                                   content_hash=digest))
        changes("scenarios_created")
        return
    updated = _set(call, values)
    if current_hashes.get(call.id) != digest:
        call.current_version += 1
        db.session.add(CallVersion(call_id=call.id, version=call.current_version,
                                   content=body, content_hash=digest))
        changes("scenario_versions_created")
    else:
        changes("scenarios_updated" if updated else "scenarios_unchanged")


def _sync_tracks(bank: Bank, now: datetime, changes: _Changes) -> None:
    tracks = {t.slug: t for t in db.session.scalars(select(Track))}
    for slug, content in bank.tracks.items():
        _upsert(tracks.get(slug), lambda s=slug, **v: Track(slug=s, **v),
                {"title": content.title.model_dump(), "content": content.model_dump(mode="json"),
                 "retired_at": None}, changes, "tracks")
    _retire_missing(tracks.values(), lambda t: t.slug in bank.tracks, now, changes, "tracks")
