"""A small world for the analysis: the drill module (every question type) and the
slow-wifi call, answered by ``people`` people in a fixed pattern."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from tests.conftest import FIXTURES
from trainingapp.content.bank import load_bank
from trainingapp.content.sync import sync_bank
from trainingapp.extensions import db
from trainingapp.models import (
    Call,
    CallRun,
    CallRunStatus,
    CallTurn,
    CallVersion,
    Module,
    User,
    utcnow,
)
from trainingapp.services import quizzes
from trainingapp.services.quizzes import SavedAnswer

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
SINGLE = ["a", "b", "c", None, "a", "a", "b"]
MULTIPLE = [["a", "b"], ["a"], ["c"], ["a", "c"], [], ["b", 3], "a"]
CRITICAL = [[], ["data-before-verification"], [], ["forbidden-phrase", "data-before-verification"]]


def load(tmp_path: Path) -> None:
    """The quiz bank with the call bank's call and rubric beside it, synced."""
    bank = tmp_path / "analysis_bank"
    shutil.copytree(FIXTURES / "quiz_bank", bank)
    for part in ("calls", "rubrics"):
        shutil.copytree(FIXTURES / "call_bank" / part, bank / part)
    loaded = load_bank(bank)
    assert loaded.ok, loaded.problems
    sync_bank(loaded, utcnow())
    db.session.commit()


def _answer(kind: str, i: int) -> object:
    return {"single": SINGLE[i % len(SINGLE)],
            "multiple": MULTIPLE[i % len(MULTIPLE)],
            "true_false": i % 2 == 0,
            "numeric": 6 if i % 3 else 5,
            "short_text": "first-contact responsibility" if i % 4 else "no idea",
            "ordering": ["a", "b", "c"] if i % 2 else ["c", "b", "a"]}.get(kind)


def answer(user_ids: list[int]) -> None:
    """Person i answers the drill quiz in the i-th way (the last one leaves it open) and
    takes the call once (every third run left unfinished)."""
    module = db.session.scalar(select(Module).where(Module.slug == "drill"))
    call = db.session.scalar(select(Call).where(Call.slug == "slow-wifi"))
    version = db.session.scalar(select(CallVersion).where(CallVersion.call_id == call.id))
    for i, user_id in enumerate(user_ids):
        at = T0 + timedelta(minutes=i)
        attempt = quizzes.start(db.session.get(User, user_id), module, at)
        quizzes.save_answers(attempt, [
            SavedAnswer(item.position, _answer(item.version.content["type"], i), False)
            for item in quizzes.questions_of(attempt)], at)
        if i < len(user_ids) - 1:
            quizzes.submit(attempt, at + timedelta(minutes=1))
        finished = i % 3 != 2
        run = CallRun(
            user_id=user_id, call_id=call.id, version_id=version.id, number=1,
            status=CallRunStatus.FINISHED if finished else CallRunStatus.IN_PROGRESS,
            started_at=at, finished_at=at if finished else None,
            node="done" if finished else "verify", turn_started_at=at, visits={},
            outcome="resolved" if finished else None, score=50.0 + i if finished else None,
            passed=(i % 2 == 0) if finished else None,
            critical_errors=CRITICAL[i % len(CRITICAL)] if finished else [],
            dimensions={"opening": i % 5 / 4, "verification": None if i % 2 else 1.0,
                        **({"empathy": 0.5} if i % 4 == 0 else {})} if finished else {})
        db.session.add(run)
        db.session.flush()
        db.session.add_all([
            CallTurn(run_id=run.id, seq=1, node="greet", option="ab"[i % 2], next_node="verify",
                     seconds=3.0),
            CallTurn(run_id=run.id, seq=2, node="explain", option=None, reply="sorry",
                     next_node="hold", seconds=9.0),
            *([CallTurn(run_id=run.id, seq=3, node="verify", option="aab"[i % 3],
                        next_node="verified", seconds=4.0)] if i % 3 else []),
        ])
    db.session.commit()
