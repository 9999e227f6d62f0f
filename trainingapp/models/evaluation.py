"""Evaluation beyond exams, as the standards name it: a supervisor's periodic evaluation
(colleague evaluation, work performance) and customer-satisfaction figures from HR."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from trainingapp.models.base import Base, utcnow


class Evaluation(Base):
    __tablename__ = "evaluation"
    __table_args__ = (UniqueConstraint("user_id", "source", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    source: Mapped[str] = mapped_column(String(20))  # supervisor | satisfaction
    period: Mapped[str] = mapped_column(String(16))  # e.g. 2026-Q4 or 2026-11
    colleague: Mapped[int | None]  # 1..5, supervisor evaluations
    performance: Mapped[int | None]  # 1..5
    satisfaction: Mapped[float | None]  # percent, imported
    notes: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
