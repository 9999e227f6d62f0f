"""The bank's schema and checks, on the shipped bank and on broken fixtures (no app)."""

import shutil
from pathlib import Path

import pytest

from trainingapp.content import markdown
from trainingapp.content.bank import load_bank
from trainingapp.content.schema import QUESTION_TYPES

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture(scope="module")
def shipped():
    return load_bank(ROOT / "question_bank")


def test_the_shipped_bank_has_no_problems(shipped):
    assert [str(p) for p in shipped.problems] == []


def test_the_shipped_bank_meets_the_content_minimums(shipped):
    assert len(shipped.modules) >= 6
    assert {m.meta.category for m in shipped.modules} == {
        "etiquette", "products", "processes", "regulations", "privacy", "quality"}
    for module in shipped.modules:
        assert len(module.lessons) >= 3, module.slug
        assert any(lesson.is_case_study for lesson in module.lessons), module.slug
        assert len(module.questions) >= 30, module.slug
        assert len({q.type for q in module.questions}) >= 5, module.slug
    assert 0 not in shipped.counts()["questions_by_type"].values()
    assert set(shipped.counts()["questions_by_type"]) == set(QUESTION_TYPES)


def test_every_time_limit_of_the_brief_is_asked(shipped):
    # (source section, a figure the question must state or expect)
    rows = [("000 §3.1.2", "30"), ("000 §3.1.2", "5"), ("000 §3.1.3", "3"),
            ("000 §3.1.3", "1"), ("000 §4.2", "1"), ("000 §4.2", "30"), ("000 §4.2", "15"),
            ("000 §5.3.2", "24"), ("000 §6.3.1", "1"), ("000 §6.3.1", "15"),
            ("000 §6.3.2", "2"), ("000 §6.3.2", "4"), ("004 §1.4", "24"),
            ("004 §2.4", "48"), ("004 §2.4", "1")]
    questions = [q for m in shipped.modules for q in m.questions]
    for source, figure in rows:
        matching = [q for q in questions if q.source == source
                    and figure in (q.model_dump_json())]
        assert matching, f"no question on {source} with {figure}"


def test_every_numbered_process_has_an_ordering_question(shipped):
    ordering_sources = {q.source for m in shipped.modules for q in m.questions
                        if q.type == "ordering"}
    for section in ("000 §2.1", "000 §2.2", "000 §2.3", "000 §4.3", "004 §1.5", "000 §6.2",
                    "000 §7.3.2"):
        assert any(s == section or s.startswith(section + ".") for s in ordering_sources), section


def test_the_broken_bank_reports_every_problem_with_file_line_and_field():
    bank = load_bank(FIXTURES / "broken_bank")
    found = [str(p) for p in bank.problems]
    q = "broken_bank/modules/broken/questions.yaml"
    assert found == [
        "broken_bank/modules/Bad_Folder:1: a module folder's name must be a slug (a-z, 0-9, hyphens)",
        "broken_bank/modules/Bad_Folder/lessons:1: a module needs at least one lesson",
        "broken_bank/modules/Bad_Folder/module.yaml:11: quiz.review: Input should be "
        "'immediately', 'after_pass_or_last_attempt', 'after_pass' or 'never'",
        "broken_bank/modules/Bad_Folder/questions.yaml:1: missing: every module needs a "
        "questions.yaml",
        "broken_bank/modules/broken/lessons/01-greeting.en.md:3: broken lesson link: 02-missing.md",
        "broken_bank/modules/broken/lessons/02-untitled.en.md:1: title: the first line must be "
        "the lesson's '# Title'",
        "broken_bank/modules/broken/lessons/03-only-english.en.md:1: missing translation (zh): "
        "no 03-only-english.zh.md",
        "broken_bank/modules/broken/module.yaml:7: quiz.questions_per_attempt: 20 per attempt, "
        "but the pool holds only 1",
        "broken_bank/modules/broken/module.yaml:9: quiz.draw[0]: needs 2 questions matching it, "
        "the pool holds 0",
        f"{q}:6: questions[0].stem.zh: missing translation (zh)",
        f"{q}:13: questions[1]: unknown type 'essay'; expected one of single, multiple, "
        "true_false, numeric, short_text, ordering, matching",
        f"{q}:23: questions[2].source: bad source reference: document '999' is not in "
        "sources.yaml",
        f"{q}:31: questions[3].source: bad source reference: expected '<document> <section>', "
        "e.g. '000 §3.1.2', '002 art. 14', '004 ch. 7'",
        f"{q}:36: questions[3].colour: unknown field",
        f"{q}:38: questions[4].id: duplicate id 'bad-003' (first at {q}:20)",
        f"{q}:46: questions[5]: answer not among options: exactly one option must be correct",
        f"{q}:56: questions[6]: give either 'answer' (with 'tolerance') or 'range', not both",
        "broken_bank/modules/unparseable/module.yaml:3: not valid YAML: expected ',' or ']', "
        "but got '<stream end>'",
    ]
    assert not bank.ok


def test_a_file_that_is_not_utf8_is_named(tmp_path):
    bank_dir = tmp_path / "bank"
    (bank_dir / "modules").mkdir(parents=True)
    (bank_dir / "sources.yaml").write_bytes("documents:\n  '000': {title: {en: A, zh: \xe7}}\n"
                                            .encode("latin-1"))
    problems = [str(p) for p in load_bank(bank_dir).problems]
    assert problems == ["bank/sources.yaml:2: the file is not UTF-8 text"]


def test_duplicate_yaml_keys_are_reported(tmp_path):
    bank_dir = tmp_path / "bank"
    (bank_dir / "modules").mkdir(parents=True)
    (bank_dir / "sources.yaml").write_text(
        "documents:\n  '000': {title: {en: A, zh: B}}\n  '000': {title: {en: C, zh: D}}\n")
    problems = [str(p) for p in load_bank(bank_dir).problems]
    assert problems == ["bank/sources.yaml:3: not valid YAML: duplicate key '000' "
                        "(first at line 2)"]


def test_lesson_markdown_is_sanitised_and_lesson_links_become_lesson_addresses():
    html = markdown.render(
        'See [the next lesson](02-closing.md#end) and **this**.\n\n'
        '<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n'
        '[bad](javascript:alert(1)) [web](https://example.org)\n\n'
        '| a | b |\n|---|---|\n| 1 | 2 |\n'
    )
    assert '<a href="closing#end" rel="noopener noreferrer">the next lesson</a>' in html
    assert "<strong>this</strong>" in html
    # raw HTML is shown as text, never as markup
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;" in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert 'href="javascript:' not in html
    assert 'href="https://example.org" rel="noopener noreferrer"' in html
    assert "<table>" in html and "<td>1</td>" in html


def test_questions_on_conflicting_time_limits_name_their_standard(shipped):
    # An urgent fault: 30 minutes in 000 §4.2, 1 hour in 004 §2.4.
    for module in shipped.modules:
        for q in module.questions:
            if q.source.startswith(("000 §4.2", "004 §2.4")):
                names = ("000", "004", "manual", "specification")
                assert any(n in q.stem.en for n in names), q.id
                assert any(n in q.stem.zh for n in ("000", "004", "手册", "规范")), q.id


def test_broken_rubrics_and_calls_are_reported_by_file_and_line():
    found = [str(p) for p in load_bank(FIXTURES / "broken_calls").problems]
    tangled = "broken_calls/calls/tangled.yaml"
    assert found == [
        "broken_calls/calls/no-rubric.yaml:3: rubric: no rubric 'missing' in rubrics/",
        f"{tangled}:17: nodes.ring: no path from here ends the call",
        f"{tangled}:21: nodes.greet: in a cycle: give the node max_visits and exhausted_next",
        f"{tangled}:21: nodes.greet: next: no node 'nowhere'",
        f"{tangled}:21: nodes.greet: no path from here ends the call",
        f"{tangled}:24: nodes.greet.options[0]: points: no dimension 'charm' in the rubric",
        f"{tangled}:25: nodes.greet.options[1]: critical: no critical error 'sarcasm' in the "
        "rubric",
        f"{tangled}:26: nodes.loop: in a cycle: give the node max_visits and exhausted_next",
        f"{tangled}:26: nodes.loop: no path from here ends the call",
        f"{tangled}:30: nodes.island: unreachable from the start",
        "broken_calls/rubrics/lopsided.yaml:1: the dimension weights must add up to 100, not 60",
    ]


def _agent_turns_to_an_end(call) -> int:
    """The fewest agent turns on any path from the start to a resolved or escalated end."""
    from collections import deque

    nodes = call.nodes
    best = {call.start: 0}
    queue = deque([call.start])
    found = []
    while queue:
        node_id = queue.popleft()
        node = nodes[node_id]
        cost = best[node_id] + (node.type in ("choice", "free_text"))
        if node.type == "end":
            if node.outcome in ("resolved", "escalated"):
                found.append(best[node_id])
            continue
        from trainingapp.content.call_schema import successors

        for target in successors(node):
            if target not in best or best[target] > cost:
                best[target] = cost
                queue.append(target)
    return min(found)


def test_the_shipped_calls_meet_the_content_minimums(shipped):
    assert len(shipped.calls) >= 10
    for content in shipped.calls:
        call = content.call
        types = {node.type for node in call.nodes.values()}
        assert "free_text" in types, content.slug
        assert _agent_turns_to_an_end(call) >= 6, content.slug
        criticals = [o for n in call.nodes.values() if n.type == "choice"
                     for o in n.options if o.critical]
        assert criticals, f"{content.slug} has no tempting wrong path"


def _module_review(bank, slug):
    return next(m for m in bank.modules if m.slug == slug).meta.quiz.review


def test_a_quiz_a_track_requires_reviews_after_a_pass_or_the_last_attempt(shipped):
    required = {r.module for t in shipped.tracks.values() for r in t.requirements.modules}
    assert required
    for module in shipped.modules:
        expected = "after_pass_or_last_attempt" if module.slug in required else "immediately"
        assert module.meta.quiz.review == expected, module.slug
    assert shipped.warnings == []
    # a quiz no track requires still reviews immediately by default
    assert _module_review(load_bank(FIXTURES / "quiz_bank"), "drill") == "immediately"


def _cert_bank_saying(tmp_path, lines):
    bank = tmp_path / "bank"
    shutil.copytree(FIXTURES / "cert_bank", bank)
    meta = bank / "modules" / "greeting" / "module.yaml"
    meta.write_text(meta.read_text(encoding="utf-8") + lines, encoding="utf-8")
    return bank


def test_a_module_file_can_still_choose_its_review(tmp_path):
    bank = load_bank(_cert_bank_saying(tmp_path, "  review: never\n"))
    assert bank.ok and bank.warnings == []
    assert _module_review(bank, "greeting") == "never"


def test_a_certification_quiz_reviewing_immediately_with_retakes_left_is_warned_about(tmp_path):
    bank = load_bank(_cert_bank_saying(tmp_path, "  review: immediately\n"))
    assert bank.ok  # a warning, not a problem: the bank still loads
    assert _module_review(bank, "greeting") == "immediately"
    [warning] = bank.warnings
    assert (warning.file, warning.line, warning.field) == (
        "bank/modules/greeting/module.yaml", 11, "quiz.review")
    assert "retakes remain" in warning.message
