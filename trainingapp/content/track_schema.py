"""Schema of certification tracks (see question_bank/README.md)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from trainingapp.content.schema import Slug, Strict, Text

EvidenceKind = Literal["modules", "scenarios", "observation"]


class ModuleRequirement(Strict):
    module: Slug
    min_score: int = Field(default=80, gt=0, le=100)


class CallRequirement(Strict):
    all: list[Slug] = []  # every one of these, passed with no critical error
    any: int = Field(default=0, ge=0)  # and this many of `of`
    of: list[Slug] = []

    @model_validator(mode="after")
    def _consistent(self) -> CallRequirement:
        if self.any > len(self.of):
            raise ValueError(f"any: {self.any} of {len(self.of)} scenarios listed in 'of'")
        return self


class Requirements(Strict):
    modules: list[ModuleRequirement] = []
    scenarios: CallRequirement = CallRequirement()
    observation: bool = False  # a supervisor's observed call, passed


class TrackFile(Strict):
    title: Text
    summary: Text
    kind: Literal["onboarding", "refresher", "promotion", "special-topic"]
    positions: list[Slug] = Field(min_length=1)
    due_days: int = Field(default=30, gt=0)
    validity_months: int = Field(gt=0, le=120)
    renewal_window_days: int = Field(ge=0)
    requirements: Requirements
    renewal: list[EvidenceKind] = ["modules", "scenarios", "observation"]
