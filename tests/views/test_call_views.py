"""The call screen and the debrief through the pages; observations by supervisors."""

import re

import pytest
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from tests.conftest import csrf_token, login, sync_fixture_bank
from trainingapp.extensions import db
from trainingapp.models import CallRun, Observation, Role
from trainingapp.rules.calls import option_order


@pytest.fixture
def calls_loaded(app):
    sync_fixture_bank(app, "call_bank")


def _start(client):
    response = client.post("/calls/slow-wifi/start",
                           data={"csrf_token": csrf_token(client, "/calls/")})
    assert response.status_code == 302
    return response.location


def _choose(app, client, url, option_id):
    run_id = int(re.search(r"/runs/(\d+)", url).group(1))
    with app.app_context():
        run = db.session.scalar(select(CallRun).where(CallRun.id == run_id)
                                .options(joinedload(CallRun.version)))
        node = run.version.content["call"]["nodes"][run.node]
        index = option_order(run.id, run.node, node, run.visits).index(option_id)
        node_id = run.node
    return client.post(f"{url}/turn", data={"csrf_token": csrf_token(client, url),
                                             "node": node_id, "choice": index})


def _say(client, url, node, text):
    return client.post(f"{url}/turn", data={"csrf_token": csrf_token(client, url),
                                             "node": node, "reply": text})


def test_a_call_through_the_pages_to_the_debrief(app, client, login_as, calls_loaded):
    login_as()
    url = _start(client)
    page = client.get(url).get_data(as_text=True)
    assert "My Wi-Fi is crawling." in page and "Good evening, Sample Telecom" in page
    for word in ("FEEDBACK", "points", "critical"):
        assert word not in page.split('<main')[1], word  # nothing of the scoring shows
    _choose(app, client, url, "a")
    _choose(app, client, url, "a")
    empty = _say(client, url, "explain", "   ")
    assert "Type what you say to the customer." in client.get(empty.location).get_data(
        as_text=True)
    _say(client, url, "explain", "So sorry! I'll test the line now.")
    _choose(app, client, url, "b")  # a hold without asking
    _choose(app, client, url, "a")
    assert client.get(url).location == f"{url}/debrief"  # the call is over
    debrief = client.get(f"{url}/debrief").get_data(as_text=True)
    assert "Passed" in debrief
    assert "Ask first." in debrief and "May I put you on hold" in debrief  # the better option
    assert "Hold and transfer etiquette" in debrief and "not in this call" in debrief


def test_a_stale_tab_cannot_answer_twice(app, client, login_as, calls_loaded):
    login_as()
    url = _start(client)
    _choose(app, client, url, "a")
    stale = client.post(f"{url}/turn", data={"csrf_token": csrf_token(client, url),
                                              "node": "greet", "choice": 0})
    assert stale.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(CallRun)).node == "verify"


def test_someone_else_s_call_is_not_found(app, client, make_user, login_as, calls_loaded):
    other = app.test_client()
    login(other, make_user().employee_no)
    url = _start(other)
    login_as()
    assert client.get(url).status_code == 404
    assert client.get(f"{url}/debrief").status_code == 404
    assert client.post(f"{url}/turn", data={"csrf_token": csrf_token(client, "/calls/"),
                                            "node": "greet", "choice": 0}).status_code == 404


def test_a_supervisor_observes_a_call_of_their_own_team_only(app, client, make_user,
                                                             calls_loaded):
    mine = make_user(team="t1")
    theirs = make_user(team="t2")
    supervisor = make_user(roles=(Role.SUPERVISOR,), supervises="t1")
    login(client, supervisor.employee_no)
    assert client.get(f"/supervisor/people/{theirs.id}/observe").status_code == 404
    path = f"/supervisor/people/{mine.id}/observe"
    token = csrf_token(client, path)
    nothing = client.post(path, data={"csrf_token": token, "notes": "kept"})
    assert "Rate at least one dimension" in nothing.get_data(as_text=True)
    assert "kept" in nothing.get_data(as_text=True)
    response = client.post(path, data={"csrf_token": token, "rating-opening": "4",
                                       "rating-empathy": "2", "notes": "Warm, rushed."})
    assert response.location == f"/people/{mine.id}"
    with app.app_context():
        observation = db.session.scalar(select(Observation))
        # opening 10 × 1.0 + empathy 15 × 0.5, over the weights rated (25)
        assert observation.score == 70.0 and not observation.passed
    assert "Warm, rushed." in client.get(f"/people/{mine.id}").get_data(as_text=True)
    critical = client.post(path, data={"csrf_token": token, "rating-opening": "4",
                                       "critical-forbidden-phrase": "1"})
    assert critical.status_code == 302
    with app.app_context():
        latest = db.session.scalars(select(Observation).order_by(Observation.id.desc())).first()
        assert latest.score == 0 and latest.critical_errors == ["forbidden-phrase"]


def test_a_reply_over_the_limit_is_refused_and_kept(app, client, login_as, calls_loaded):
    login_as()
    url = _start(client)
    _choose(app, client, url, "a")
    _choose(app, client, url, "a")
    page = client.get(url).get_data(as_text=True)
    assert 'maxlength="2000"' in page and "Up to 2,000 characters." in page
    long = "So sorry! " + "x" * 2000
    refused = _say(client, url, "explain", long)
    assert refused.status_code == 422
    shown = refused.get_data(as_text=True)
    assert "A reply can be at most 2,000 characters long; yours has 2,010." in shown
    assert long in shown  # kept in the box, to be shortened
    with app.app_context():
        run = db.session.scalar(select(CallRun))
        assert run.node == "explain" and run.is_open  # nothing taken
    assert _say(client, url, "explain", long[:2000]).status_code == 302  # 2,000 is fine


def test_the_reply_limit_in_chinese(app, client, make_user, calls_loaded):
    login(client, make_user(language="zh").employee_no)
    url = _start(client)
    _choose(app, client, url, "a")
    _choose(app, client, url, "a")
    shown = _say(client, url, "explain", "您" * 2001).get_data(as_text=True)
    assert "2,001" in shown and "A reply can be" not in shown


def test_the_call_clock_counts_from_the_call_s_start(app, client, login_as, calls_loaded,
                                                    monkeypatch):
    from datetime import timedelta

    from trainingapp.calls import routes

    login_as()
    url = _start(client)
    with app.app_context():
        started = db.session.scalar(select(CallRun)).started_at
    monkeypatch.setattr(routes, "utcnow", lambda: started + timedelta(seconds=75))
    page = client.get(url).get_data(as_text=True)
    assert 'data-started="75"' in page  # a reload mid-turn keeps the time on the clock


def _finish_a_call(app, client, url):
    _choose(app, client, url, "a")
    _choose(app, client, url, "a")
    _say(client, url, "explain", "So sorry! I'll test the line now.")
    _choose(app, client, url, "b")
    _choose(app, client, url, "a")
    assert client.get(url).location == f"{url}/debrief"


def test_the_record_links_each_call_to_its_debrief(app, client, make_user, calls_loaded):
    owner = make_user("OWN1", team="t1")
    viewers = {"leader": make_user(roles=(Role.SUPERVISOR,), team="t1", supervises="t1"),
               "hr": make_user(roles=(Role.HR,)),
               "other leader": make_user(roles=(Role.SUPERVISOR,), team="t2", supervises="t2"),
               "peer": make_user(team="t2"), "admin": make_user(roles=(Role.ADMIN,))}
    login(client, owner.employee_no)
    url = _start(client)
    record = client.get(f"/people/{owner.id}").get_data(as_text=True)
    assert f'<a href="{url}">' in record  # in progress: back to the call
    _finish_a_call(app, client, url)
    record = client.get(f"/people/{owner.id}").get_data(as_text=True)
    assert f'<a href="{url}/debrief">' in record
    for who, person in viewers.items():
        other = app.test_client()
        login(other, person.employee_no)
        reply = other.get(f"{url}/debrief")
        if who in ("leader", "hr"):
            page = reply.get_data(as_text=True)
            assert reply.status_code == 200, who
            assert "A practice call by" in page and "Back to the training record" in page
            assert ">You<" not in page  # the agent is not the reader
            if who == "leader":
                assert f'<a href="{url}/debrief">' in other.get(
                    f"/people/{owner.id}").get_data(as_text=True)
        else:
            assert reply.status_code == 404, who


def test_observation_notes_over_the_limit_are_refused_and_kept(app, client, make_user,
                                                              calls_loaded):
    mine = make_user(team="t1")
    login(client, make_user(roles=(Role.SUPERVISOR,), supervises="t1", language="zh").employee_no)
    path = f"/supervisor/people/{mine.id}/observe"
    assert "最多 4,000 个字" in client.get(path).get_data(as_text=True)
    notes = "语速太快。" * 801  # 4,005 characters
    refused = client.post(path, data={"csrf_token": csrf_token(client, path),
                                      "rating-opening": "4", "notes": notes})
    shown = refused.get_data(as_text=True)
    assert "辅导意见最多 4,000 个字，您写了 4,005 个字。" in shown and notes in shown
    with app.app_context():
        assert db.session.scalar(select(Observation)) is None


@pytest.mark.parametrize("rating", ["²", "-1", "5", "a", "9" * 30])
def test_a_rating_off_the_scale_is_refused_not_taken_for_not_observed(app, client, make_user,
                                                                      calls_loaded, rating):
    mine = make_user(team="t1")
    login(client, make_user(roles=(Role.SUPERVISOR,), supervises="t1").employee_no)
    path = f"/supervisor/people/{mine.id}/observe"
    refused = client.post(path, data={"csrf_token": csrf_token(client, path),
                                      "rating-opening": "4", "rating-empathy": rating,
                                      "notes": "kept"})
    shown = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "Choose a rating on the scale" in shown and "kept" in shown
    with app.app_context():
        assert db.session.scalar(select(Observation)) is None

@pytest.mark.parametrize("choice", ["²", "١", "-1", "a", "1" * 30])
def test_a_choice_that_is_no_number_is_refused_and_says_nothing(app, client, login_as,
                                                                 calls_loaded, choice):
    from trainingapp.models import CallTurn

    login_as()
    url = _start(client)
    response = client.post(f"{url}/turn", data={"csrf_token": csrf_token(client, url),
                                                 "node": "greet", "choice": choice})
    assert response.status_code == 400
    assert "not one of this turn" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(CallRun)).node == "greet"
        assert db.session.scalars(select(CallTurn)).all() == []


def test_a_choice_past_the_last_option_is_refused_with_a_message(app, client, login_as,
                                                                 calls_loaded):
    login_as()
    url = _start(client)
    response = client.post(f"{url}/turn", data={"csrf_token": csrf_token(client, url),
                                                 "node": "greet", "choice": "99"})
    assert "not one of this turn" in client.get(response.location).get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(CallRun)).node == "greet"


@pytest.mark.parametrize("run_id", ["9999999999999999999999999", str(2**31), "0"])
def test_a_run_id_out_of_range_is_not_found(client, login_as, calls_loaded, run_id):
    login_as()
    _start(client)
    assert client.get(f"/calls/runs/{run_id}").status_code == 404
    assert client.get(f"/calls/runs/{run_id}/debrief").status_code == 404
