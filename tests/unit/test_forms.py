"""Views bind WTForms classes: none reads the submitted form by hand."""

import ast
from pathlib import Path

import trainingapp

PACKAGE = Path(trainingapp.__file__).parent

# Readers of fields named at run time: a quiz page's answers.
DYNAMIC_READERS = {
    ("trainingapp/quizzes/routes.py", "save"),
    ("trainingapp/quizzes/routes.py", "autosave"),
}


def _hand_reads(tree: ast.AST) -> list[tuple[int, str, str]]:
    """``request.form`` and ``request.files`` in the code: (line, function, expression)."""
    found = []

    def visit(node: ast.AST, function: str) -> None:
        for child in ast.iter_child_nodes(node):
            name = child.name if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) else function
            if (isinstance(child, ast.Attribute) and child.attr in {"form", "files"}
                    and isinstance(child.value, ast.Name) and child.value.id == "request"):
                found.append((child.lineno, name, ast.unparse(child)))
            visit(child, name)

    visit(tree, "")
    return found


def test_no_view_reads_the_request_form_by_hand():
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "security.py":
            continue  # the guard refusing NUL bytes in any submitted value
        relative = path.relative_to(PACKAGE.parent).as_posix()
        for line, function, expression in _hand_reads(ast.parse(path.read_text(), str(path))):
            if (relative, function) not in DYNAMIC_READERS:
                offenders.append(f"{relative}:{line}: {expression} in {function}()")
    assert offenders == [], "bind a form (the area's forms.py) instead:\n" + "\n".join(offenders)


def test_the_check_finds_a_hand_read():
    tree = ast.parse("def view():\n    if x:\n        return request.form.get('note', '')[:10]\n")
    assert _hand_reads(tree) == [(3, "view", "request.form")]


def test_no_template_reads_the_request_form():
    """A page shows what was submitted through its form object (``form.x.data``)."""
    templates = PACKAGE.parent / "templates"
    readers = [path.relative_to(templates).as_posix() for path in sorted(templates.rglob("*.html"))
               if "request.form" in path.read_text()]
    assert readers == []


def test_a_day_with_an_impossible_year_is_no_day_not_an_error():
    from flask import Flask
    from flask_babel import Babel

    from trainingapp.forms import parse_day

    app = Flask(__name__)
    Babel(app)
    with app.test_request_context():
        assert parse_day("12/15/2026").isoformat() == "2026-12-15"
        for text in ("12/15/" + "9" * 30, "99999999999/1/1", "2026-02-30", "1/1/"):
            assert parse_day(text) is None, text
