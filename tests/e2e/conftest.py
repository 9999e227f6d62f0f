"""Browser tests: real Chromium (Debian's package) driven by Playwright, against the app
served on a local port.

Without Chromium a developer's run skips these with one line; in CI (CI=true) a missing
browser fails the run.
"""

from __future__ import annotations

import itertools
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import select
from werkzeug.serving import make_server

from tests.conftest import make_app
from trainingapp.content.bank import load_bank
from trainingapp.content.sync import sync_bank
from trainingapp.extensions import db
from trainingapp.models import QuizAttempt, Team, utcnow
from trainingapp.ops import demo
from trainingapp.services import accounts, quizzes

_numbers = itertools.count(1)
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# How long an action or an expectation waits for the page's own signal (an element, a text,
# a URL) before it fails. Tests wait on signals, never for a fixed time; the bound is wide so
# that a busy 2-core machine (CI beside other jobs) passes: see the README's testing section.
WAIT_MS = int(os.environ.get("TRAININGAPP_BROWSER_WAIT_MS", "30000"))
CHROMIUM_FLAGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def chromium_path() -> str | None:
    return (os.environ.get("TRAININGAPP_CHROMIUM") or shutil.which("chromium")
            or shutil.which("chromium-browser"))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    executable = chromium_path()
    if executable is None:
        message = "Chromium not installed (apt-get install chromium): browser tests skipped"
        if os.environ.get("CI") == "true":
            pytest.fail("CI needs Chromium: " + message)
        pytest.skip(message)
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=WAIT_MS)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def live_app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    return make_app(f"sqlite:///{tmp_path_factory.mktemp('e2e') / 'e2e.db'}")


@pytest.fixture(scope="session")
def live_server(live_app: Flask) -> Iterator[str]:
    app = live_app
    with app.app_context():
        upgrade()
        demo.seed()
        sync_bank(load_bank(Path(app.config["QUESTION_BANK"])), utcnow())
        db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def page(browser, live_server):  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=live_server, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    yield page
    context.close()


@pytest.fixture
def new_trainee(live_app: Flask) -> str:
    """A trainee of their own, so that one test's choices (language, progress) do not leak
    into another's."""
    employee_no = f"N{next(_numbers):04d}"
    with live_app.app_context():
        accounts.create_user(employee_no=employee_no, full_name=f"New hire {employee_no}",
                          password=demo.DEMO_PASSWORD,
                          team=db.session.scalar(select(Team).filter_by(code="hotline-1")))
        db.session.commit()
    return employee_no


def sign_in(page, employee_no: str) -> None:  # type: ignore[no-untyped-def]
    from trainingapp.ops.demo import DEMO_PASSWORD

    page.goto("/login")
    page.get_by_label("Employee number").fill(employee_no)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def serious_violations(page) -> list[str]:  # type: ignore[no-untyped-def]
    """axe-core's serious and critical findings on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def screenshot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def answer_correctly(page, live_app, attempt_id, position):
    """Give the right answer to the question on the page, the way a person would."""
    with live_app.app_context():
        item = next(i for i in quizzes.questions_of(db.session.get(QuizAttempt, attempt_id))
                    if i.position == position)
        content, order = item.version.content, item.display_order
    box = page.locator(f'fieldset[data-position="{position}"]')
    name = f"q{position}"
    kind = content["type"]
    if kind in ("single", "multiple"):
        for option in content["options"]:
            if option.get("correct"):
                box.locator(f'input[name="{name}"][value="{order.index(option["id"])}"]').check()
    elif kind == "true_false":
        box.locator(f'input[name="{name}"][value="{str(content["answer"]).lower()}"]').check()
    elif kind == "numeric":
        value = content.get("answer", (content.get("range") or [0])[0])
        box.locator(f'input[name="{name}"]').fill(f"{value:g}")
    elif kind == "short_text":
        box.locator(f'input[name="{name}"]').fill(content["accepted"]["en"][0])
    elif kind == "ordering":
        correct = [i["id"] for i in content["items"]]
        for k, item_id in enumerate(order):
            box.locator(f'select[name="{name}-{k}"]').select_option(str(correct.index(item_id) + 1))
    elif kind == "matching":
        for pair in content["pairs"]:
            box.locator(f'select[name="{name}-{pair["id"]}"]').select_option(
                str(order.index(pair["id"])))
