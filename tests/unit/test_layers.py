"""The layers as drawn in the README's map, checked on the source: rules are pure,
services and read models know nothing of requests or blueprints, commands call services,
the content loader calls no service, and only config.py reads the environment."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import trainingapp

PACKAGE = Path(trainingapp.__file__).parent


def _modules() -> dict[str, ast.Module]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        name = ".".join(("trainingapp", *path.relative_to(PACKAGE).with_suffix("").parts))
        found[name.removesuffix(".__init__")] = ast.parse(path.read_text(), str(path))
    return found


MODULES = _modules()
BLUEPRINT_AREAS = sorted({
    name.split(".")[1] for name, tree in MODULES.items()
    if any(isinstance(n, ast.Call) and ast.unparse(n.func) == "Blueprint" for n in ast.walk(tree))
})


def _imports(tree: ast.Module) -> list[str]:
    """Every module or name imported, as dotted paths (``flask.request``)."""
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names += [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
    return names


def _in(prefixes: tuple[str, ...]) -> list[str]:
    return [name for name in MODULES if name.startswith(prefixes)]


def _violations(modules: list[str], forbidden: tuple[str, ...]) -> list[str]:
    return [f"{module} imports {name}" for module in modules for name in _imports(MODULES[module])
            if any(name == f or name.startswith(f + ".") for f in forbidden)]


def test_the_blueprint_areas_are_found():
    assert {"auth", "quizzes", "calls", "hr", "admin", "api"} <= set(BLUEPRINT_AREAS)


def test_rules_are_pure():
    assert _violations(_in(("trainingapp.rules",)),
                       ("flask", "flask_babel", "flask_login", "flask_wtf", "sqlalchemy", "werkzeug",
                        "trainingapp.models", "trainingapp.extensions",
                        "trainingapp.services", "trainingapp.queries")) == []


@pytest.mark.parametrize("layer", ["trainingapp.services", "trainingapp.queries", "trainingapp.ops"])
def test_services_know_nothing_of_requests_or_blueprints(layer):
    forbidden = ("flask.request", "flask.g", "flask.Response", "werkzeug.wrappers",
                 *(f"trainingapp.{area}" for area in BLUEPRINT_AREAS))
    assert _violations(_in((layer,)), forbidden) == []


def test_commands_call_services_not_blueprint_modules():
    commands = ["trainingapp.cli", "trainingapp.content.cli"]
    assert _violations(commands, tuple(f"trainingapp.{area}" for area in BLUEPRINT_AREAS)) == []


def test_the_content_loader_calls_no_service():
    assert _violations(_in(("trainingapp.content",)),
                       ("trainingapp.services", "trainingapp.queries", "trainingapp.ops",
                        *(f"trainingapp.{area}" for area in BLUEPRINT_AREAS))) == []


def test_only_config_reads_the_environment():
    readers = [name for name, tree in MODULES.items() if name != "trainingapp.config"
               for node in ast.walk(tree)
               if isinstance(node, ast.Attribute) and ast.unparse(node) in {"os.environ", "os.getenv"}]
    assert readers == []
