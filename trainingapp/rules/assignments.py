"""An assignment's status, read from the results: not started, in progress, completed,
overdue (at the instant the due date passes)."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from datetime import datetime

from trainingapp.rules.certification import Decision, Evidence


class Progress(enum.StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    OVERDUE = "overdue"


def status(kind: str, target: str, due_at: datetime, now: datetime,
           evidence: Sequence[Evidence], started: set[tuple[str, str]],
           track: Decision | None = None) -> Progress:
    """``started``: (kind, slug) pairs the person has begun (an attempt or a call in
    progress counts); ``track``: the track's decision, for a track assignment."""
    if kind == "track":
        done = track is not None and track.is_valid
        begun = track is not None and track.status.value != "not_started"
    else:
        done = any(e.kind == kind and e.key == target and e.passed for e in evidence)
        begun = (kind, target) in started or any(e.kind == kind and e.key == target
                                                 for e in evidence)
    if done:
        return Progress.COMPLETED
    if now >= due_at:
        return Progress.OVERDUE
    return Progress.IN_PROGRESS if begun else Progress.NOT_STARTED
