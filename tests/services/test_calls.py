"""Running a simulated call: turns, free text, timing, hang-up, resume, scoring."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from tests.conftest import sync_fixture_bank
from trainingapp.extensions import db
from trainingapp.models import Call, CallRunStatus, CallTurn, User
from trainingapp.rules.calls import option_order
from trainingapp.services import calls

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture
def ctx(app, make_user):
    sync_fixture_bank(app, "call_bank")
    user = make_user()
    with app.app_context():
        yield db.session.get(User, user.id), db.session.scalar(select(Call))


def pick(run, option_id, at):
    """Choose the option with this id, whatever position it is shown in."""
    node = run.version.content["call"]["nodes"][run.node]
    index = option_order(run.id, run.node, node, run.visits).index(option_id)
    return calls.take_turn(run, run.node, at, choice=index)


def test_a_good_call_passes_with_every_dimension_scored(ctx):
    user, call = ctx
    run = calls.start(user, call, T0)
    assert run.node == "greet"  # the customer's first line was followed
    at = T0
    for option in ("a", "a"):
        at += timedelta(seconds=10)
        pick(run, option, at)
    assert run.node == "explain"
    calls.take_turn(run, "explain", at + timedelta(seconds=20),
                    reply="I'm so sorry about this. I'll run a line test right now.")
    pick(run, "a", at + timedelta(seconds=30))
    pick(run, "a", at + timedelta(seconds=40))
    db.session.commit()
    assert run.status == CallRunStatus.FINISHED and run.outcome == "resolved"
    assert run.score == 100 and run.passed and run.critical_errors == []
    assert run.dimensions["accuracy"] is None  # not in this call


def test_a_critical_error_fails_the_call(ctx):
    user, call = ctx
    run = calls.start(user, call, T0)
    pick(run, "a", T0)
    pick(run, "b", T0)  # reads out the account before verifying
    calls.take_turn(run, "explain", T0, reply="sorry, line test")
    pick(run, "a", T0)
    pick(run, "a", T0)
    assert (run.score, run.passed) == (0.0, False)
    assert run.critical_errors == ["data-before-verification"]


def test_a_forbidden_phrase_in_free_text_is_critical(ctx):
    user, call = ctx
    run = calls.start(user, call, T0)
    pick(run, "a", T0)
    pick(run, "a", T0)
    calls.take_turn(run, "explain", T0, reply="Calm down, I'll run a line test.")
    turn = db.session.scalars(select(CallTurn).order_by(CallTurn.seq.desc())).first()
    assert turn.critical == "forbidden-phrase"


def test_a_failed_reply_repeats_the_turn_until_its_cap(ctx):
    user, call = ctx
    run = calls.start(user, call, T0)
    pick(run, "a", T0)
    pick(run, "a", T0)
    calls.take_turn(run, "explain", T0, reply="Hmm.")
    assert run.node == "explain"  # the customer waits for a proper answer
    calls.take_turn(run, "explain", T0, reply="Let me see.")
    assert run.status == CallRunStatus.FINISHED and run.outcome == "escalated"


def test_a_late_turn_earns_nothing_and_a_long_wait_hangs_up(ctx):
    user, call = ctx
    run = calls.start(user, call, T0)
    result = pick(run, "a", T0 + timedelta(seconds=90))  # limit 60 s
    assert result.late and not result.hung_up
    turn = db.session.scalar(select(CallTurn))
    assert turn.is_late
    result = pick(run, "a", T0 + timedelta(seconds=90 + 200))
    assert result.hung_up and run.outcome == "customer_hung_up"


def test_starting_again_resumes_and_a_stale_page_is_refused(ctx):
    user, call = ctx
    run = calls.start(user, call, T0)
    pick(run, "a", T0)
    db.session.commit()
    assert calls.start(user, call, T0).id == run.id
    with pytest.raises(calls.TurnRejected):
        calls.take_turn(run, "greet", T0, choice=0)  # a second tab still on the first turn
    with pytest.raises(calls.TurnRejected):
        calls.take_turn(run, "verify", T0, choice=7)
    with pytest.raises(calls.TurnRejected):
        calls.take_turn(run, "verify", T0, reply="text on a choice turn")


def test_attempts_rule(app, ctx):
    user, call = ctx
    run = calls.start(user, call, T0)
    version = run.version
    version.content = {**version.content, "call": {**version.content["call"],
                                                   "attempts_allowed": 1}}
    for option in ("a", "a"):
        pick(run, option, T0)
    calls.take_turn(run, "explain", T0, reply="sorry")
    pick(run, "a", T0)
    pick(run, "a", T0)
    db.session.commit()
    with pytest.raises(calls.CallRefused):
        calls.start(user, call, T0 + timedelta(minutes=5))
