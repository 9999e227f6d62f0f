"""Assigning through the pages: a supervisor to their team only, HR by position, the
trainee's list (moving a due date: test_record_views)."""

from sqlalchemy import select

from tests.conftest import csrf_token, login, sync_fixture_bank
from trainingapp.extensions import db
from trainingapp.models import Assignment, Role


def test_a_supervisor_assigns_to_their_team_only(app, client, make_user):
    sync_fixture_bank(app, "cert_bank")
    mine = make_user("T5501", team="t1")
    theirs = make_user("T5502", team="t2")
    supervisor = make_user(roles=(Role.SUPERVISOR,), supervises="t1")
    login(client, supervisor.employee_no)
    page = client.get("/supervisor/assign").get_data(as_text=True)
    assert mine.full_name in page and theirs.full_name not in page
    token = csrf_token(client, "/supervisor/assign")
    nobody = client.post("/supervisor/assign", data={"csrf_token": token,
                                                     "what": "module:greeting", "due": "2030-01-31"})
    assert "Choose who gets it." in nobody.get_data(as_text=True)
    forged = client.post("/supervisor/assign", data={
        "csrf_token": token, "what": "module:greeting", "due": "2030-01-31",
        "people": [str(theirs.id)]})
    assert "Choose who gets it." in forged.get_data(as_text=True)  # not their team: ignored
    done = client.post("/supervisor/assign", data={
        "csrf_token": token, "what": "module:greeting", "due": "2030-01-31",
        "whole_team": "1", "note": "Before the exam day"})
    assert done.location == "/supervisor/"
    with app.app_context():
        given = db.session.scalars(select(Assignment).where(Assignment.kind == "module")).all()
        assert [a.user_id for a in given] == [mine.id]
    team_page = client.get("/supervisor/").get_data(as_text=True)
    assert "Greeting the caller" in team_page
    own = app.test_client()
    login(own, mine.employee_no)
    home = own.get("/learn/").get_data(as_text=True)
    assert "Assigned to me" in home and "Before the exam day" in home and "Not started" in home


def test_hr_assigns_by_position(app, client, make_user):
    sync_fixture_bank(app, "cert_bank")
    for n in range(3):
        make_user(f"T56{n:02d}", team="t1")
    hr = make_user(roles=(Role.HR,))
    login(client, hr.employee_no)
    done = client.post("/hr/assign", data={"csrf_token": csrf_token(client, "/hr/assign"),
                                           "what": "scenario:slow-wifi",
                                           "who": "position:hotline-agent", "due": "2030-02-01"})
    assert done.location == "/hr/"
    with app.app_context():
        assert len(db.session.scalars(select(Assignment).where(
            Assignment.kind == "scenario")).all()) == 4  # three and the HR person


def test_the_team_page_shows_scores_and_where_to_coach_in_constant_queries(app, client,
                                                                          make_user):
    from datetime import timedelta

    from tests.conftest import count_queries
    from trainingapp.models import Call, CallRun, CallRunStatus, CallVersion, utcnow

    sync_fixture_bank(app, "cert_bank")
    supervisor = make_user(roles=(Role.SUPERVISOR,), supervises="t1")
    members = [make_user(f"T58{n:02d}", team="t1") for n in range(2)]
    with app.app_context():
        call = db.session.scalar(select(Call))
        version = db.session.scalar(select(CallVersion))
        when = utcnow() - timedelta(days=1)
        for number, (member, empathy) in enumerate(zip(members, (0.2, 0.4), strict=True), 1):
            db.session.add(CallRun(
                user_id=member.id, call_id=call.id, version_id=version.id, number=1,
                status=CallRunStatus.FINISHED, started_at=when, finished_at=when, node="done",
                turn_started_at=when, outcome="resolved", score=60 + number, passed=False,
                dimensions={"empathy": empathy, "opening": 1.0}))
        db.session.commit()
    login(client, supervisor.employee_no)
    page = client.get("/supervisor/").get_data(as_text=True)
    assert "Where to coach" in page and "62%" in page
    assert page.index("Listening and empathy") < page.index("Opening and etiquette")
    assert "30%" in page  # empathy averaged over the two calls
    with count_queries(app) as small:
        client.get("/supervisor/")
    for n in range(2, 20):
        make_user(f"T58{n:02d}", team="t1")
    with count_queries(app) as large:
        client.get("/supervisor/")
    assert len(small) == len(large)


def test_the_team_page_filters_and_sorts(app, client, make_user):
    from datetime import timedelta

    from trainingapp.models import User, utcnow
    from trainingapp.services import assignments

    sync_fixture_bank(app, "cert_bank")
    late = make_user("T5951", team="t1")
    fine = make_user("T5952", team="t1")
    supervisor = make_user(roles=(Role.SUPERVISOR,), supervises="t1")
    with app.app_context():
        for person, due in ((late, utcnow() - timedelta(days=1)),
                            (fine, utcnow() + timedelta(days=9))):
            assignments.assign(None, [db.session.get(User, person.id)], "module", "greeting", due)
        db.session.execute(Assignment.__table__.update().where(
            Assignment.kind == "track").values(due_at=utcnow() + timedelta(days=30)))
        db.session.commit()
    login(client, supervisor.employee_no)
    overdue = client.get("/supervisor/?show=overdue").get_data(as_text=True)
    assert late.employee_no in overdue and fine.employee_no not in overdue
    ordered = client.get("/supervisor/?sort=overdue").get_data(as_text=True)
    assert ordered.index(late.employee_no) < ordered.index(fine.employee_no)
    assert "Overdue" in ordered
