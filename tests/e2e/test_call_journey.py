"""A trainee handles two practice calls: one well, to a pass; one into a critical error.
The debrief shows the score per dimension, the error, and the coaching turn by turn."""

import re

from playwright.sync_api import expect
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from tests.e2e.conftest import screenshot, serious_violations, sign_in
from trainingapp.extensions import db
from trainingapp.models import Call, CallRun


def _state(live_app, run_id):
    with live_app.app_context():
        run = db.session.scalar(select(CallRun).where(CallRun.id == run_id)
                                .options(joinedload(CallRun.version)))
        return run.is_open, run.node, run.version.content["call"]["nodes"]


def _play(page, live_app, *, make_mistake: bool) -> None:
    run_id = int(re.search(r"/runs/(\d+)", page.url).group(1))
    for _ in range(40):
        is_open, node_id, nodes = _state(live_app, run_id)
        if not is_open:
            return
        node = nodes[node_id]
        if node["type"] == "choice":
            critical = [o for o in node["options"] if o.get("critical")]
            if make_mistake and critical:
                chosen = critical[0]
            else:
                chosen = max((o for o in node["options"] if not o.get("critical")),
                             key=lambda o: sum(o.get("points", {}).values()))
            page.locator("button.choice-button").filter(has_text=chosen["say"]["en"][:60]).click()
        else:
            reply = " ".join(intent["phrases"]["en"][0] for intent in node["intents"])
            page.get_by_role("textbox").fill(f"I understand. {reply}.")
            page.get_by_role("button", name="Say it").click()
        expect(page.locator("body")).to_be_visible()
    raise AssertionError("the call did not end")


def _start(page, title):
    page.goto("/calls/")
    page.get_by_role("listitem").filter(has_text=title).get_by_role(
        "button", name="Take the call").click()
    expect(page.locator(".line-customer").first).to_be_visible()


def test_a_good_call_passes_and_a_critical_error_fails(page, live_app, new_trainee):
    with live_app.app_context():
        titles = {s.slug: s.title["en"] for s in db.session.scalars(select(Call))}
    sign_in(page, new_trainee)
    _start(page, titles["billing-dispute"])
    assert serious_violations(page) == []
    screenshot(page, "call")
    _play(page, live_app, make_mistake=False)
    expect(page.get_by_role("heading", name="Passed")).to_be_visible()
    expect(page.get_by_role("table", name="Score per rubric dimension")).to_be_visible()
    assert serious_violations(page) == []
    screenshot(page, "debrief-pass")

    _start(page, titles["failed-verification"])
    _play(page, live_app, make_mistake=True)
    expect(page.get_by_role("heading", name="Not passed")).to_be_visible()
    expect(page.locator(".result .error").first).to_be_visible()  # the critical error named
    expect(page.locator(".coach-critical").first).to_be_visible()  # and where it happened
    expect(page.get_by_text("Better:").first).to_be_visible()
    assert serious_violations(page) == []
    screenshot(page, "debrief-critical")
