"""Assigning through the pages: a supervisor to their team only, HR by position, the
trainee's list (moving a due date: test_record_views); the warnings before a past due date
or an existing assignment is given, and the due day's end at local midnight."""

import re
from datetime import date, timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import func, select, text

from tests.conftest import (
    BEYOND_PARAMETER_LIMIT,
    count_queries,
    csrf_token,
    insert_people,
    login,
    sync_fixture_bank,
)
from trainingapp.extensions import db
from trainingapp.models import (
    Assignment,
    AuditEvent,
    DueDateExtension,
    Notification,
    Role,
    Team,
    User,
    utcnow,
)
from trainingapp.services import assignments, reminders

CONFIRM = re.compile(r'name="confirm" value="([0-9a-f]+)"')


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
    assert "Assigned Greeting the caller to 1 person, due Jan 31, 2030." in client.get(
        done.location).get_data(as_text=True)
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
    assert "to 4 people, due Feb 1, 2030." in client.get("/hr/").get_data(as_text=True)


def _teams(app, count):
    """``count`` teams t000, t001…, named "Team t000"…; t250 also in Chinese."""
    with app.app_context():
        db.session.add_all(Team(code=f"t{n:03d}", name=f"Team t{n:03d}", site="Test site",
                                name_zh="北区二五〇班" if n == 250 else "")
                           for n in range(count))
        db.session.commit()


def _team_options(page):
    return re.findall(r'<option value="team:([^"]+)"', page)


def test_hr_finds_a_team_by_searching_and_the_page_lists_no_more_than_it_found(
        app, client, make_user):
    sync_fixture_bank(app, "cert_bank")
    _teams(app, 300)
    hr = make_user(roles=(Role.HR,))
    login(client, hr.employee_no)
    with count_queries(app) as few:
        page = client.get("/hr/assign").get_data(as_text=True)
    assert _team_options(page) == [f"t{n:03d}" for n in range(20)]  # not 300
    assert "The list shows the first 20 of 300 teams: search for the one you want." in page
    found = client.get("/hr/assign?team_q=T12").get_data(as_text=True)  # any case
    assert _team_options(found) == [f"t12{n}" for n in range(10)]
    assert "10 teams match “T12”: choose one in the list." in found
    assert 'value="T12"' in found  # the search box keeps what was typed
    assert _team_options(client.get("/hr/assign?team_q=北区").get_data(as_text=True)) == ["t250"]
    nothing = client.get("/hr/assign?team_q=%25").get_data(as_text=True)  # "%" is no wildcard
    assert _team_options(nothing) == [] and "No team matches “%”." in nothing
    many = client.get("/hr/assign?team_q=Team").get_data(as_text=True)
    assert len(_team_options(many)) == 20
    assert "300 teams match “Team”; the list shows the first 20: type more to narrow it." in many
    units = [Team(code=f"u{n:03d}", name=f"Unit {n}") for n in range(300)]
    with app.app_context():
        db.session.add_all(units)
        db.session.commit()
    with count_queries(app) as more:
        client.get("/hr/assign")
    assert len(more) == len(few)


def test_the_team_search_answers_the_pages_script_in_the_readers_language(
        app, client, make_user):
    _teams(app, 300)
    hr = make_user(roles=(Role.HR,), language="zh")
    login(client, hr.employee_no)
    answer = client.get("/hr/assign/teams?team_q=t25")
    assert answer.is_json
    assert [o["value"] for o in answer.json["options"]] == [f"team:t25{n}" for n in range(10)]
    assert answer.json["options"][0]["label"] == "北区二五〇班"  # its Chinese name
    assert answer.json["options"][1]["label"] == "Team t251"  # none: the English one
    assert "t25" in answer.json["status"] and "10" in answer.json["status"]
    assert "team" not in answer.json["status"].lower()  # said in Chinese


def test_hr_assigns_to_a_team_found_and_the_choice_stays_when_the_form_comes_back(
        app, client, make_user):
    sync_fixture_bank(app, "cert_bank")
    _teams(app, 300)
    members = [make_user(f"T59{n:02d}", team="t299") for n in range(2)]
    hr = make_user(roles=(Role.HR,))
    login(client, hr.employee_no)
    form = {"csrf_token": csrf_token(client, "/hr/assign?team_q=t299"),
            "what": "module:greeting", "who": "team:t299", "due": "2020-01-31"}
    warned = client.post("/hr/assign", data=form).get_data(as_text=True)
    assert "is already past" in warned
    assert '<option value="team:t299" selected>Team t299</option>' in warned
    done = client.post("/hr/assign", data={**form, "confirm": CONFIRM.search(warned)[1]})
    assert done.location == "/hr/"
    assert _given(app) == {m.id: (date(2020, 1, 31), "") for m in members}


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
    sync_fixture_bank(app, "cert_bank")
    late = make_user("T5951", team="t1")
    fine = make_user("T5952", team="t1")
    supervisor = make_user(roles=(Role.SUPERVISOR,), supervises="t1")
    with app.app_context():
        today = assignments.today(utcnow())
        for person, due in ((late, today - timedelta(days=1)), (fine, today + timedelta(days=9))):
            assignments.assign(None, [db.session.get(User, person.id)], "module", "greeting", due)
        db.session.execute(Assignment.__table__.update().where(
            Assignment.kind == "track").values(due_on=today + timedelta(days=30)))
        db.session.commit()
    login(client, supervisor.employee_no)
    overdue = client.get("/supervisor/?show=overdue").get_data(as_text=True)
    assert late.employee_no in overdue and fine.employee_no not in overdue
    ordered = client.get("/supervisor/?sort=overdue").get_data(as_text=True)
    assert ordered.index(late.employee_no) < ordered.index(fine.employee_no)
    assert "Overdue" in ordered


# --- what the form warns about, and waits for confirmation -----------------------------------


def _team(app, make_user, *numbers):
    sync_fixture_bank(app, "cert_bank")
    members = [make_user(n, team="t1") for n in numbers]
    return members, make_user(roles=(Role.SUPERVISOR,), supervises="t1")


def _given(app, target="greeting"):
    with app.app_context():
        return {a.user_id: (a.due_on, a.note) for a in db.session.scalars(
            select(Assignment).where(Assignment.target == target))}


def test_nothing_is_chosen_for_what_or_who_until_the_assigner_does(app, client, make_user):
    _members, supervisor = _team(app, make_user, "T5701")
    hr = make_user(roles=(Role.HR,))
    login(client, supervisor.employee_no)
    page = client.get("/supervisor/assign").get_data(as_text=True)
    assert re.search(r'<select id="what" name="what" required>\s*<option value="">Choose…</option>',
                     page)
    assert " selected" not in page
    token = csrf_token(client, "/supervisor/assign")
    refused = client.post("/supervisor/assign", data={"csrf_token": token, "what": "",
                                                      "whole_team": "1", "due": "2030-01-31"})
    assert refused.status_code == 200 and "Choose what to assign." in refused.get_data(as_text=True)
    assert _given(app) == {}
    other = app.test_client()
    login(other, hr.employee_no)
    page = other.get("/hr/assign").get_data(as_text=True)
    assert re.search(r'<select id="who" name="who" required>\s*<option value="">Choose…</option>',
                     page) and " selected" not in page
    refused = other.post("/hr/assign", data={"csrf_token": csrf_token(other, "/hr/assign"),
                                             "what": "module:greeting", "due": "2030-01-31"})
    assert "Choose who gets it." in refused.get_data(as_text=True)


@freeze_time("2026-12-10 03:00:00")  # 11:00 in Shanghai
def test_a_past_due_date_is_assigned_only_once_confirmed(app, client, make_user):
    (member,), supervisor = _team(app, make_user, "T5711")
    login(client, supervisor.employee_no)
    form = {"csrf_token": csrf_token(client, "/supervisor/assign"), "what": "module:greeting",
            "people": [str(member.id)], "due": "2026-12-09", "note": "Catch up"}
    warned = client.post("/supervisor/assign", data=form)
    page = warned.get_data(as_text=True)
    assert warned.status_code == 200
    assert "The due date, Dec 9, 2026, is already past" in page  # as the pages show dates
    assert 'value="2026-12-09"' in page and "Catch up" in page  # the input is kept
    assert _given(app) == {}
    confirmed = client.post("/supervisor/assign", data={**form, "confirm": CONFIRM.search(page)[1]})
    assert confirmed.location == "/supervisor/"
    assert _given(app) == {member.id: (date(2026, 12, 9), "Catch up")}
    # today is not past: due until the end of today, where the organisation works
    client.post("/supervisor/assign", data={**form, "what": "scenario:slow-wifi",
                                            "due": "2026-12-10"})
    assert _given(app, "slow-wifi") == {member.id: (date(2026, 12, 10), "Catch up")}


def test_an_existing_assignment_is_shown_and_kept_until_the_change_is_confirmed(app, client,
                                                                                 make_user):
    (first, second), supervisor = _team(app, make_user, "T5721", "T5722")
    login(client, supervisor.employee_no)
    token = csrf_token(client, "/supervisor/assign")
    client.post("/supervisor/assign", data={"csrf_token": token, "what": "module:greeting",
                                            "people": [str(first.id)], "due": "2030-01-31",
                                            "note": "Before the exam day"})
    again = {"csrf_token": token, "what": "module:greeting", "whole_team": "1",
             "due": "2030-03-15", "note": "After the refresher"}
    warned = client.post("/supervisor/assign", data=again)
    page = warned.get_data(as_text=True)
    assert warned.status_code == 200
    assert "1 of the people chosen has Greeting the caller already:" in page
    shown = page[page.index("Check before assigning"):]
    assert first.full_name in shown and "due Jan 31, 2030" in shown
    assert "Before the exam day" in shown
    assert "changes their due date to Mar 15, 2030" in shown
    assert _given(app) == {first.id: (date(2030, 1, 31), "Before the exam day")}  # untouched
    # a confirmation counts for what it was shown: another date is warned about again
    stale = client.post("/supervisor/assign", data={**again, "due": "2030-04-01",
                                                    "confirm": CONFIRM.search(page)[1]})
    assert stale.status_code == 200 and "Check before assigning" in stale.get_data(as_text=True)
    assert _given(app) == {first.id: (date(2030, 1, 31), "Before the exam day")}
    done = client.post("/supervisor/assign", data={**again, "confirm": CONFIRM.search(page)[1]})
    assert done.location == "/supervisor/"
    assert _given(app) == {first.id: (date(2030, 3, 15), "After the refresher"),
                           second.id: (date(2030, 3, 15), "After the refresher")}
    said = client.get("/supervisor/").get_data(as_text=True)
    assert ("Assigned Greeting the caller to 2 people, due Mar 15, 2030. "
            "1 of them had it already: their assignment was changed.") in said
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(
            AuditEvent.action == "assignment_changed"))
        assert (event.actor_id, event.subject_user_id) == (supervisor.id, first.id)
        assert (event.detail["previous_due"], event.detail["due"], event.detail["previous_note"],
                event.detail["note"]) == ("2030-01-31", "2030-03-15", "Before the exam day",
                                          "After the refresher")
        dues = sorted(n.detail["due"] for n in db.session.scalars(select(Notification).where(
            Notification.user_id == first.id, Notification.kind == "assigned"))
            if n.detail["target"] == "greeting")
        assert dues == ["2030-01-31", "2030-03-15"]  # told of the new date


def test_hr_sees_who_has_it_already_before_assigning_to_a_position(app, client, make_user):
    sync_fixture_bank(app, "cert_bank")
    agents = [make_user(f"T573{n}", team="t1") for n in range(2)]
    hr = make_user(roles=(Role.HR,))
    with app.app_context():
        assignments.assign(None, [db.session.get(User, agents[0].id)], "scenario", "slow-wifi",
                           date(2030, 1, 10), "Night shift first")
        db.session.commit()
    login(client, hr.employee_no)
    form = {"csrf_token": csrf_token(client, "/hr/assign"), "what": "scenario:slow-wifi",
            "who": "position:hotline-agent", "due": "2030-02-01"}
    page = client.post("/hr/assign", data=form).get_data(as_text=True)
    assert "1 of the people chosen has" in page and "Night shift first" in page
    assert "due Jan 10, 2030" in page and "and keeps their note" in page
    assert _given(app, "slow-wifi") == {agents[0].id: (date(2030, 1, 10), "Night shift first")}
    done = client.post("/hr/assign", data={**form, "confirm": CONFIRM.search(page)[1]})
    assert done.location == "/hr/"
    given = _given(app, "slow-wifi")
    assert given[agents[0].id] == (date(2030, 2, 1), "Night shift first")  # no note: kept
    assert len(given) == 3  # the two agents and the HR person, all hotline agents


@pytest.mark.db
@pytest.mark.usefixtures("bulk_rows")
def test_hr_assigns_to_a_position_larger_than_the_database_binds_in_one_statement(
        app, client, make_user):
    """More people than an IN list of them all could hold: each gets it, told once, on the
    record; assigned again with another date, each is warned about, then changed."""
    sync_fixture_bank(app, "cert_bank")
    hr = make_user(roles=(Role.HR,))  # a hotline agent too
    count = BEYOND_PARAMETER_LIMIT + 1
    with app.app_context():
        insert_people(BEYOND_PARAMETER_LIMIT, position="hotline-agent")
        db.session.commit()
        if db.engine.dialect.name == "postgresql":  # as autovacuum would after a bulk load
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("ANALYZE user_account"))
    login(client, hr.employee_no)
    form = {"csrf_token": csrf_token(client, "/hr/assign"), "what": "module:greeting",
            "who": "position:hotline-agent", "due": "2030-02-01"}
    with count_queries(app) as statements:
        assert client.post("/hr/assign", data=form).location == "/hr/"
    assert len(statements) < count / 100  # a few per chunk of people, not some per person
    again = {**form, "due": "2030-03-01"}
    page = client.post("/hr/assign", data=again).get_data(as_text=True)
    assert f"{count} of the people chosen have Greeting the caller already:" in page
    assert client.post("/hr/assign", data={**again, "confirm": CONFIRM.search(page)[1]}
                       ).location == "/hr/"
    with app.app_context():
        def counted(model, *where):  # type: ignore[no-untyped-def]
            return db.session.scalar(select(func.count()).select_from(model).where(*where))

        assert db.session.execute(select(Assignment.due_on, func.count()).where(
            Assignment.target == "greeting").group_by(Assignment.due_on)).all() == [
            (date(2030, 3, 1), count)]
        assert counted(DueDateExtension, DueDateExtension.new_due_on == date(2030, 3, 1),
                       DueDateExtension.extended_by_id == hr.id) == count
        for action in ("assigned", "assignment_changed"):
            assert counted(AuditEvent, AuditEvent.action == action,
                           AuditEvent.actor_id == hr.id) == count
        for due in ("20300201", "20300301"):
            assert counted(Notification,
                           Notification.ref == f"assigned:module:greeting:{due}") == count


# --- the due day ends at midnight where the organisation works -------------------------------


def test_due_until_local_midnight_on_the_pages_and_in_reminders(app, client, make_user):
    """Frozen clock, Asia/Shanghai (UTC+8): due 2026-12-15 is not overdue at 23:59 that day
    (15:59 UTC), and is at 00:00 the next day (16:00 UTC): on the trainee's page, the team
    page and in the reminders (chosen in SQL)."""
    (member,), supervisor = _team(app, make_user, "T5741")
    with app.app_context():
        user = db.session.get(User, member.id)
        assignments.assign(None, [user], "module", "greeting", date(2026, 12, 15))
        db.session.execute(Assignment.__table__.update().where(
            Assignment.kind == "track").values(due_on=date(2027, 6, 1)))
        db.session.commit()
    boss = app.test_client()

    def reminded():
        with app.app_context():
            reminders.queue_due(utcnow())
            db.session.commit()
            return sorted(n.kind for n in db.session.scalars(select(Notification).where(
                Notification.user_id == member.id, Notification.ref.like("assignment:%")))
                if n.detail["target"] == "greeting")

    with freeze_time("2026-12-15 15:59:00"):
        login(client, member.employee_no)
        login(boss, supervisor.employee_no)
        page = client.get("/learn/").get_data(as_text=True)
        assert "due Dec 15, 2026" in page and "badge-bad" not in page
        assert member.employee_no not in boss.get("/supervisor/?show=overdue").get_data(
            as_text=True)
        assert reminded() == ["due_soon"]
    with freeze_time("2026-12-15 16:00:00"):
        page = client.get("/learn/").get_data(as_text=True)
        assert "due Dec 15, 2026" in page and 'badge-bad">Overdue' in page
        assert member.employee_no in boss.get("/supervisor/?show=overdue").get_data(as_text=True)
        record = boss.get(f"/people/{member.id}").get_data(as_text=True)
        shown = record[record.index('id="assignments"'):]
        assert "due Dec 15, 2026 · assigned" in shown and 'badge-bad">Overdue' in shown
        assert reminded() == ["due_soon", "overdue"]
