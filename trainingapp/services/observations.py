"""Supervisors' observation scorecards: a real or shadowed call scored on a rubric."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select

from trainingapp.extensions import db
from trainingapp.models import Observation, Rubric, User
from trainingapp.rules import calls
from trainingapp.services import audit, certification

RATING_MAX = 4  # 0 not at all … 4 fully, as the rubric describes


def rubrics() -> Sequence[Rubric]:
    return db.session.scalars(select(Rubric).where(Rubric.retired_at.is_(None))
                              .order_by(Rubric.slug)).all()


def record(observer: User, person: User, rubric: Rubric, ratings: dict[str, int | None],
           critical: list[str], notes: str, now: datetime) -> Observation:
    content = rubric.content
    turns = [calls.Turn(d["id"], {d["id"]: RATING_MAX}, {d["id"]: ratings[d["id"]]})
             for d in content["dimensions"] if ratings.get(d["id"]) is not None]
    turns += [calls.Turn("critical", {}, {}, critical=error) for error in critical]
    result = calls.score_call(content, turns, content.get("pass_mark", 75))
    observation = Observation(
        user_id=person.id, observer_id=observer.id, rubric={"slug": rubric.slug, **content},
        ratings=ratings, critical_errors=critical, notes=notes.strip(), score=result.score,
        passed=result.passed, pass_mark=content.get("pass_mark", 75), observed_at=now)
    db.session.add(observation)
    db.session.flush()
    audit.record("observation_recorded", actor=observer, subject=person,
                 observation=observation.id, score=result.score, passed=result.passed)
    if result.passed:
        certification.reevaluate(person.id, now)
    return observation


def observations_of(user_id: int) -> Sequence[Observation]:
    return db.session.scalars(select(Observation).where(Observation.user_id == user_id)
                              .order_by(Observation.observed_at.desc())).all()


def dimension_titles() -> dict[str, dict[str, str]]:
    """Rubric dimension titles by id, across the live rubrics."""
    return {d["id"]: d["title"] for rubric in rubrics() for d in rubric.content["dimensions"]}
