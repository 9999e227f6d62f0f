"""The names of what audit events and notifications refer to (people, modules, calls,
tracks, certificates, teams…), looked up together for a whole list: at most one query per
kind of thing the list mentions, whatever its length. Retired content keeps its title."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable
from typing import Any

from sqlalchemy import select

from trainingapp.extensions import db
from trainingapp.models import (
    Assignment,
    Call,
    CallRun,
    Certification,
    Module,
    Position,
    QuizAttempt,
    Team,
    Track,
    User,
)

# kind → (key column, the columns read): a person (by id, or by employee number) is
# (full name, employee number), a position or a team (English name, Chinese name),
# content its bilingual title.
_DIRECT = {
    "person": (User.id, (User.full_name, User.employee_no)),
    "person_no": (User.employee_no, (User.full_name, User.employee_no)),
    "module": (Module.slug, (Module.title,)),
    "call": (Call.slug, (Call.title,)),
    "track": (Track.slug, (Track.title,)),
    "team": (Team.code, (Team.name, Team.name_zh)),
    "position": (Position.code, (Position.name_en, Position.name_zh)),
}


class Names:
    """Say what you will need (``want``), ``load`` once, then ``get``. A reference that
    leads to another (a certificate to its track, an attempt to its module) is followed."""

    def __init__(self) -> None:
        self._wanted: dict[str, set[Hashable]] = defaultdict(set)
        self._found: dict[str, dict[Hashable, Any]] = defaultdict(dict)

    def want(self, kind: str, key: Any) -> None:
        if key is not None and key != "" and isinstance(key, Hashable):
            self._wanted[kind].add(key)

    def get(self, kind: str, key: Any) -> Any:
        if not isinstance(key, Hashable):
            return None
        return self._found[kind].get(key)

    def load(self) -> Names:
        self._indirect()
        for kind, (key, columns) in _DIRECT.items():
            keys = self._ints(kind) if kind == "person" else self._texts(kind)
            for chunk in _chunks(keys):
                rows = db.session.execute(select(key, *columns).where(key.in_(chunk)))
                self._found[kind].update(
                    (row[0], tuple(row[1:]) if len(columns) > 1 else row[1]) for row in rows)
        return self

    def _indirect(self) -> None:
        for ids in _chunks(self._ints("certificate")):
            for cert_id, code, slug in db.session.execute(
                    select(Certification.id, Certification.code, Track.slug)
                    .join(Track, Track.id == Certification.track_id)
                    .where(Certification.id.in_(ids))):
                self._found["certificate"][cert_id] = (code, slug)
                self.want("track", slug)
        for codes in _chunks(self._texts("certificate_code")):
            for code, slug in db.session.execute(
                    select(Certification.code, Track.slug)
                    .join(Track, Track.id == Certification.track_id)
                    .where(Certification.code.in_(codes))):
                self._found["certificate_code"][code] = slug
                self.want("track", slug)
        for kind, model, link, target, via in (
                ("attempt", QuizAttempt, QuizAttempt.module_id, Module, "module"),
                ("run", CallRun, CallRun.call_id, Call, "call")):
            for ids in _chunks(self._ints(kind)):
                for row_id, slug in db.session.execute(
                        select(model.id, target.slug).join(target, target.id == link)
                        .where(model.id.in_(ids))):
                    self._found[kind][row_id] = slug
                    self.want(via, slug)
        for ids in _chunks(self._ints("assignment")):
            for row_id, what, slug in db.session.execute(
                    select(Assignment.id, Assignment.kind, Assignment.target)
                    .where(Assignment.id.in_(ids))):
                self._found["assignment"][row_id] = (what.value, slug)
                self.want(ASSIGNABLE.get(what.value, "track"), slug)

    def _ints(self, kind: str) -> list[int]:
        return sorted(k for k in self._wanted.pop(kind, ()) if isinstance(k, int)
                      and not isinstance(k, bool))

    def _texts(self, kind: str) -> list[str]:
        return sorted(k for k in self._wanted.pop(kind, ()) if isinstance(k, str))


CHUNK = 1000  # keys read together: one IN list each


def _chunks(keys: list[Any]) -> list[list[Any]]:
    return [keys[start:start + CHUNK] for start in range(0, len(keys), CHUNK)]


# An assignment's kind → the kind of name its target has.
ASSIGNABLE = {"module": "module", "scenario": "call", "track": "track"}
