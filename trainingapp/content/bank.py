"""Reading the question bank from its folder: every file parsed and checked, every problem
reported with file, line and field. Nothing here touches the database."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, TypeAdapter, ValidationError

from trainingapp.content import markdown, yamlfile
from trainingapp.content.call_schema import (
    NODE_TYPES,
    CallFile,
    RubricFile,
    graph_problems,
)
from trainingapp.content.schema import (
    LANGUAGES,
    QUESTION_TYPES,
    SLUG_PATTERN,
    ModuleFile,
    Question,
    QuestionsFile,
    SourcesFile,
)
from trainingapp.content.track_schema import TrackFile
from trainingapp.rules.quiz import default_review, review_leaks_key

LESSON_FILE = re.compile(r"^(?P<number>\d{2})-(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)\.(?P<lang>[a-z]{2})\.md$")
M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}"
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


@dataclass(frozen=True)
class LessonContent:
    slug: str
    position: int
    title: dict[str, str]
    body: dict[str, str]
    files: dict[str, str]  # language → file, relative to the bank

    @property
    def is_case_study(self) -> bool:
        return self.slug.startswith("case-")


@dataclass(frozen=True)
class ModuleContent:
    slug: str
    meta: ModuleFile
    lessons: list[LessonContent]
    questions: list[Question]
    review_line: int = 0  # where the module file says quiz.review (0: it does not)


@dataclass(frozen=True)
class CallContent:
    slug: str
    call: CallFile
    rubric: RubricFile


@dataclass
class Bank:
    root: Path
    documents: dict[str, Any] = field(default_factory=dict)
    modules: list[ModuleContent] = field(default_factory=list)
    rubrics: dict[str, RubricFile] = field(default_factory=dict)
    calls: list[CallContent] = field(default_factory=list)
    tracks: dict[str, TrackFile] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)  # worth a look; nothing refused
    digest: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems

    def counts(self) -> dict[str, Any]:
        by_module = {m.slug: len(m.questions) for m in self.modules}
        by_type = Counter(q.type for m in self.modules for q in m.questions)
        return {
            "modules": len(self.modules),
            "lessons": sum(len(m.lessons) for m in self.modules),
            "case_studies": sum(lesson.is_case_study for m in self.modules for lesson in m.lessons),
            "questions": sum(by_module.values()),
            "questions_by_module": by_module,
            "questions_by_type": {t: by_type.get(t, 0) for t in QUESTION_TYPES},
            "rubrics": len(self.rubrics),
            "scenarios": len(self.calls),  # the key `flask content stats --json` publishes
            "tracks": len(self.tracks),
        }


_QUESTION_ADAPTER: TypeAdapter[Question] = TypeAdapter(Question)
UNION_TAGS = frozenset(QUESTION_TYPES) | frozenset(NODE_TYPES)
_FRIENDLY = {
    "missing": "required field is missing",
    "extra_forbidden": "unknown field",
}


def _field_path(loc: tuple[Any, ...]) -> str:
    parts: list[str] = []
    for step in loc:
        if isinstance(step, int):
            parts.append(f"[{step}]")
        elif step in UNION_TAGS and parts:  # pydantic names the union member; skip it
            continue
        else:
            parts.append(("." if parts else "") + str(step))
    return "".join(parts)


def _message(error: Any) -> str:
    loc = error["loc"]
    if error["type"] == "missing" and loc and loc[-1] in LANGUAGES:
        return f"missing translation ({loc[-1]})"
    if error["type"] == "union_tag_invalid":
        return (f"unknown type {error['input'].get('type')!r}; expected one of "
                f"{', '.join(QUESTION_TYPES)}")
    if error["type"] == "union_tag_not_found":
        return f"required field 'type' is missing; one of {', '.join(QUESTION_TYPES)}"
    text = _FRIENDLY.get(error["type"], error["msg"])
    return text.removeprefix("Value error, ")


def _loc_in_tree(loc: tuple[Any, ...]) -> list[Any]:
    return [step for step in loc if step not in UNION_TAGS]


class _Reader:
    """Collects problems while reading one bank."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []
        self.hasher = hashlib.sha256()

    def rel(self, path: Path) -> str:
        return path.relative_to(self.root.parent).as_posix()

    def add(self, path: Path, line: int, field_name: str, message: str) -> None:
        self.problems.append(Problem(self.rel(path), line, field_name, message))

    def read_text(self, path: Path) -> str | None:
        try:
            data = path.read_bytes()
        except OSError as error:
            self.add(path, 1, "", f"cannot read the file: {error.strerror}")
            return None
        self.hasher.update(self.rel(path).encode() + b"\0" + data + b"\0")
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n") + 1
            self.add(path, line, "", "the file is not UTF-8 text")
            return None

    def read_yaml(self, path: Path) -> Any:
        text = self.read_text(path)
        if text is None:
            return None
        try:
            return yamlfile.load(text)
        except yaml.YAMLError as error:
            detail = str(getattr(error, "problem", None) or error)
            self.add(path, yamlfile.error_line(error), "", f"not valid YAML: {detail}")
            return None

    def validate(self, path: Path, tree: Any, model: type[M] | TypeAdapter[Any],
                 context: dict[str, Any] | None = None, prefix: tuple[Any, ...] = ()) -> Any:
        try:
            if isinstance(model, TypeAdapter):
                return model.validate_python(tree, context=context)
            return model.model_validate(tree, context=context)
        except ValidationError as error:
            for item in error.errors():
                loc = tuple(item["loc"])
                line = yamlfile.line_of(tree, _loc_in_tree(loc))
                self.add(path, line, _field_path(prefix + loc), _message(item))
            return None


def load_bank(root: Path) -> Bank:
    """Read and check the whole bank. ``bank.problems`` lists everything wrong with it."""
    reader = _Reader(root)
    bank = Bank(root=root)
    if not root.is_dir():
        reader.problems.append(Problem(str(root), 1, "", "the question bank folder does not exist"))
        bank.problems = reader.problems
        return bank

    sources_path = root / "sources.yaml"
    documents: dict[str, Any] | None = None
    if sources_path.exists():
        tree = reader.read_yaml(sources_path)
        sources = reader.validate(sources_path, tree, SourcesFile) if tree is not None else None
        documents = dict(sources.documents) if sources else None
    else:
        reader.add(sources_path, 1, "", "missing: the bank must list the standards it cites")
    bank.documents = documents or {}

    seen_ids: dict[str, str] = {}
    modules_dir = root / "modules"
    for folder in sorted(p for p in modules_dir.iterdir() if p.is_dir()) if modules_dir.is_dir() else []:
        module = _load_module(reader, folder, documents, seen_ids)
        if module is not None:
            bank.modules.append(module)
    bank.modules.sort(key=lambda m: (m.meta.order, m.slug))
    bank.rubrics = _load_rubrics(reader, root / "rubrics")
    bank.calls = _load_calls(reader, root / "calls", bank.rubrics, documents)
    bank.tracks = _load_tracks(reader, root / "tracks", bank)
    _settle_review(reader, bank)
    bank.problems = sorted(reader.problems)
    bank.warnings = sorted(reader.warnings)
    bank.digest = reader.hasher.hexdigest()
    return bank


def _load_module(reader: _Reader, folder: Path, documents: dict[str, Any] | None,
                 seen_ids: dict[str, str]) -> ModuleContent | None:
    before = len(reader.problems)
    if not re.match(SLUG_PATTERN, folder.name):
        reader.add(folder, 1, "", "a module folder's name must be a slug (a-z, 0-9, hyphens)")
    meta_path = folder / "module.yaml"
    meta = meta_tree = None
    if meta_path.exists():
        meta_tree = reader.read_yaml(meta_path)
        meta = reader.validate(meta_path, meta_tree, ModuleFile) if meta_tree is not None else None
    else:
        reader.add(meta_path, 1, "", "missing: every module needs a module.yaml")

    questions = _load_questions(reader, folder / "questions.yaml", documents, seen_ids)
    lessons = _load_lessons(reader, folder)
    if meta is not None and questions:
        _check_draw(reader, meta_path, meta_tree, meta, questions)
    if len(reader.problems) > before or meta is None:
        return None
    said = meta.quiz.review is not None
    return ModuleContent(slug=folder.name, meta=meta, lessons=lessons, questions=questions,
                         review_line=yamlfile.line_of(meta_tree, ["quiz", "review"]) if said else 0)


def _settle_review(reader: _Reader, bank: Bank) -> None:
    """A module file that names no review policy gets the default (a quiz a track requires
    keeps its key until the last attempt or a pass); one that counts toward certification
    and shows its key at once while retakes remain is warned about."""
    required_by: dict[str, str] = {}
    for slug, track in sorted(bank.tracks.items()):
        for requirement in track.requirements.modules:
            required_by.setdefault(requirement.module, slug)
    for index, module in enumerate(bank.modules):
        quiz, track = module.meta.quiz, required_by.get(module.slug)
        if quiz.review is None:
            settled = quiz.model_copy(update={"review": default_review(track is not None)})
            bank.modules[index] = replace(
                module, meta=module.meta.model_copy(update={"quiz": settled}))
        elif track is not None and review_leaks_key(quiz.review, quiz.attempts_allowed):
            path = bank.root / "modules" / module.slug / "module.yaml"
            reader.warnings.append(Problem(
                reader.rel(path), module.review_line, "quiz.review",
                f"the track {track!r} requires this quiz, and 'immediately' shows its key after "
                "a failed attempt while retakes remain; leave review out (after the last "
                "attempt or once passed) unless that is meant"))


def _load_questions(reader: _Reader, path: Path, documents: dict[str, Any] | None,
                    seen_ids: dict[str, str]) -> list[Question]:
    if not path.exists():
        reader.add(path, 1, "", "missing: every module needs a questions.yaml")
        return []
    tree = reader.read_yaml(path)
    if tree is None:
        return []
    if not isinstance(tree, dict) or not isinstance(tree.get("questions"), list):
        reader.validate(path, tree, QuestionsFile)
        return []
    context = {"documents": documents}
    questions = []
    for index, item in enumerate(tree["questions"]):
        line = yamlfile.line_of(tree, ["questions", index])
        raw_id = item.get("id") if isinstance(item, dict) else None
        if isinstance(raw_id, str) and raw_id in seen_ids:
            reader.add(path, line, f"questions[{index}].id",
                       f"duplicate id {raw_id!r} (first at {seen_ids[raw_id]})")
        elif isinstance(raw_id, str):
            seen_ids[raw_id] = f"{reader.rel(path)}:{line}"
        question = reader.validate(path, item, _QUESTION_ADAPTER, context, ("questions", index))
        if question is not None:
            questions.append(question)
    return questions


def _check_draw(reader: _Reader, path: Path, tree: Any, meta: ModuleFile,
                questions: list[Question]) -> None:
    if meta.quiz.questions_per_attempt > len(questions):
        reader.add(path, yamlfile.line_of(tree, ["quiz", "questions_per_attempt"]),
                   "quiz.questions_per_attempt",
                   f"{meta.quiz.questions_per_attempt} per attempt, but the pool holds only "
                   f"{len(questions)}")
    for index, rule in enumerate(meta.quiz.draw):
        available = sum(rule.matches(q) for q in questions)
        if available < rule.count:
            reader.add(path, yamlfile.line_of(tree, ["quiz", "draw", index]), f"quiz.draw[{index}]",
                       f"needs {rule.count} questions matching it, the pool holds {available}")


def _lesson_files(reader: _Reader, folder: Path) -> Iterator[tuple[Path, re.Match[str]]]:
    for path in sorted((folder / "lessons").glob("*")):
        match = LESSON_FILE.match(path.name)
        if match is None or match["lang"] not in LANGUAGES:
            reader.add(path, 1, "", "a lesson file is named NN-slug.en.md or NN-slug.zh.md")
            continue
        yield path, match


def _load_lessons(reader: _Reader, folder: Path) -> list[LessonContent]:
    found: dict[str, dict[str, Any]] = {}
    for path, match in _lesson_files(reader, folder):
        text = reader.read_text(path)
        if text is None:
            continue
        title, body = markdown.split_title(text)
        if not title:
            reader.add(path, 1, "title", "the first line must be the lesson's '# Title'")
            continue
        entry = found.setdefault(match["slug"], {"position": int(match["number"]), "title": {},
                                                 "body": {}, "files": {}})
        if entry["position"] != int(match["number"]):
            reader.add(path, 1, "", f"the {match['slug']!r} lesson has two numbers")
        entry["title"][match["lang"]] = title
        entry["body"][match["lang"]] = body
        entry["files"][match["lang"]] = reader.rel(path)
    if not found:
        reader.add(folder / "lessons", 1, "", "a module needs at least one lesson")
    positions = Counter(entry["position"] for entry in found.values())
    lessons = []
    for slug, entry in found.items():
        for language in LANGUAGES:
            if language not in entry["files"]:
                other = next(iter(entry["files"].values()))
                reader.problems.append(Problem(other, 1, "", f"missing translation ({language}): "
                                               f"no {entry['position']:02d}-{slug}.{language}.md"))
        if positions[entry["position"]] > 1:
            reader.problems.append(Problem(next(iter(entry["files"].values())), 1, "",
                                           f"another lesson also has number {entry['position']:02d}"))
        for language, body in entry["body"].items():
            for line, target in markdown.lesson_links(body):
                link = markdown.LESSON_LINK.match(target)
                if link is None or link["slug"] not in found:
                    reader.problems.append(Problem(entry["files"][language], line + 1, "",
                                                   f"broken lesson link: {target}"))
        lessons.append(LessonContent(slug=slug, position=entry["position"],
                                     title=entry["title"], body=entry["body"],
                                     files=entry["files"]))
    return sorted(lessons, key=lambda lesson: lesson.position)


def _yaml_files(reader: _Reader, folder: Path) -> Iterator[tuple[Path, str]]:
    for path in sorted(folder.glob("*")) if folder.is_dir() else []:
        if path.suffix != ".yaml" or not re.match(SLUG_PATTERN, path.stem):
            reader.add(path, 1, "", "expected <slug>.yaml (a-z, 0-9, hyphens)")
            continue
        yield path, path.stem


def _load_rubrics(reader: _Reader, folder: Path) -> dict[str, RubricFile]:
    rubrics = {}
    for path, slug in _yaml_files(reader, folder):
        tree = reader.read_yaml(path)
        rubric = reader.validate(path, tree, RubricFile) if tree is not None else None
        if rubric is not None:
            rubrics[slug] = rubric
    return rubrics


def _load_calls(reader: _Reader, folder: Path, rubrics: dict[str, RubricFile],
                documents: dict[str, Any] | None) -> list[CallContent]:
    calls = []
    for path, slug in _yaml_files(reader, folder):
        tree = reader.read_yaml(path)
        call = reader.validate(path, tree, CallFile) if tree is not None else None
        if call is None:
            continue
        rubric = rubrics.get(call.rubric)
        if rubric is None:
            reader.add(path, yamlfile.line_of(tree, ["rubric"]), "rubric",
                       f"no rubric {call.rubric!r} in rubrics/")
            continue
        before = len(reader.problems)
        for source in call.sources:
            document = source.split(" ", 1)[0]
            if documents is not None and document not in documents:
                reader.add(path, yamlfile.line_of(tree, ["sources"]), "sources",
                           f"bad source reference: document {document!r} is not in sources.yaml")
        for where, message in graph_problems(call, rubric):
            reader.add(path, yamlfile.line_of(tree, where), _field_path(tuple(where)), message)
        if len(reader.problems) == before:
            calls.append(CallContent(slug, call, rubric))
    return calls


def _load_tracks(reader: _Reader, folder: Path, bank: Bank) -> dict[str, TrackFile]:
    modules = {m.slug for m in bank.modules}
    calls = {c.slug for c in bank.calls}
    tracks = {}
    for path, slug in _yaml_files(reader, folder):
        tree = reader.read_yaml(path)
        track = reader.validate(path, tree, TrackFile) if tree is not None else None
        if track is None:
            continue
        before = len(reader.problems)
        for i, requirement in enumerate(track.requirements.modules):
            if requirement.module not in modules:
                reader.add(path, yamlfile.line_of(tree, ["requirements", "modules", i]),
                           f"requirements.modules[{i}]", f"no module {requirement.module!r}")
        wanted = track.requirements.scenarios
        for key, names in (("all", wanted.all), ("of", wanted.of)):
            for i, name in enumerate(names):
                if name not in calls:
                    reader.add(path, yamlfile.line_of(tree, ["requirements", "scenarios", key, i]),
                               f"requirements.scenarios.{key}[{i}]", f"no scenario {name!r}")
        if len(reader.problems) == before:
            tracks[slug] = track
    return tracks
