"""The request or command commits once, through the unit of work, and nothing else commits."""

import ast
from pathlib import Path

import trainingapp

PACKAGE = Path(trainingapp.__file__).parent


def _session_calls(tree: ast.AST) -> list[tuple[int, str]]:
    """Calls such as ``db.session.commit()`` or ``session.rollback()``."""
    found = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in {"commit", "rollback"}
                and "session" in ast.unparse(node.func.value)):
            found.append((node.lineno, ast.unparse(node.func)))
    return found


def test_only_the_unit_of_work_commits_or_rolls_back():
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "unit_of_work.py":
            continue
        for line, call in _session_calls(ast.parse(path.read_text(), str(path))):
            offenders.append(f"{path.relative_to(PACKAGE.parent)}:{line}: {call}()")
    assert offenders == [], "commit through trainingapp.unit_of_work:\n" + "\n".join(offenders)


def test_the_check_finds_a_hidden_commit():
    tree = ast.parse("def helper():\n    x = 1\n    db.session.commit()\n")
    assert _session_calls(tree) == [(3, "db.session.commit")]
