"""Evaluation beyond exams: supervisors' periodic evaluations, HR's satisfaction import."""

import io

from sqlalchemy import func, select

from tests.conftest import csrf_token, login
from trainingapp.extensions import db
from trainingapp.models import Evaluation, Role


def test_a_supervisor_evaluates_a_team_member(app, client, make_user):
    person = make_user("T6601", team="t1")
    stranger = make_user("T6602", team="t2")
    login(client, make_user(roles=(Role.SUPERVISOR,), supervises="t1").employee_no)
    path = f"/supervisor/people/{person.id}/evaluate"
    assert client.get(f"/supervisor/people/{stranger.id}/evaluate").status_code == 404
    token = csrf_token(client, path)
    bad = client.post(path, data={"csrf_token": token, "period": "Q4", "colleague": "4",
                                  "notes": "kept"}).get_data(as_text=True)
    assert "both scores from 1 to 5" in bad and ">kept</textarea>" in bad
    client.post(path, data={"csrf_token": token, "period": "2026-Q4", "colleague": "4",
                            "performance": "3", "notes": "Good with angry callers."})
    client.post(path, data={"csrf_token": token, "period": "2026-Q4", "colleague": "5",
                            "performance": "3"})  # the same period again replaces it
    with app.app_context():
        rows = db.session.scalars(select(Evaluation)).all()
        assert [(r.period, r.colleague, r.performance) for r in rows] == [("2026-Q4", 5, 3)]
    record = client.get(f"/people/{person.id}").get_data(as_text=True)
    assert "Colleague evaluation 5/5" in record


def test_hr_imports_satisfaction_all_or_nothing(app, client, make_user):
    make_user("T6701", team="t1")
    make_user("T6702", team="t1")
    login(client, make_user(roles=(Role.HR,)).employee_no)
    token = csrf_token(client, "/hr/satisfaction")
    bad = ("employee_no,period,satisfaction\nT6701,2026-Q4,92\nT6702,2026-Q4,lots\n"
           "NOBODY,2026-Q4,80\nT6701,autumn,80\n")
    page = client.post("/hr/satisfaction", data={"csrf_token": token,
                                                  "file": (io.BytesIO(bad.encode()), "s.csv")},
                       content_type="multipart/form-data").get_data(as_text=True)
    assert "Nothing was imported" in page and "The satisfaction “lots” is not a number" in page
    assert "No employee has the number NOBODY" in page
    assert "The period “autumn” is neither a quarter nor a month" in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Evaluation)) == 0
    good = "工号,期间,满意度\nT6701,2026-Q4,92%\nT6702,2026-11,88.5\n"
    done = client.post("/hr/satisfaction", data={"csrf_token": token,
                                                  "file": (io.BytesIO(good.encode()), "s.csv")},
                       content_type="multipart/form-data")
    assert done.status_code == 302
    client.post("/hr/satisfaction", data={"csrf_token": token,
                                          "file": (io.BytesIO(good.encode()), "s.csv")},
                content_type="multipart/form-data")
    with app.app_context():
        values = sorted(db.session.scalars(select(Evaluation.satisfaction)).all())
        assert values == [88.5, 92.0]  # imported twice, stored once


def test_notes_over_the_limit_are_refused_and_kept(app, client, make_user):
    person = make_user("T6603", team="t1")
    login(client, make_user(roles=(Role.SUPERVISOR,), supervises="t1").employee_no)
    path = f"/supervisor/people/{person.id}/evaluate"
    page = client.get(path).get_data(as_text=True)
    assert 'maxlength="4000"' in page and "Up to 4,000 characters." in page
    notes = "Calm and precise. " * 250  # 4,500 characters
    refused = client.post(path, data={"csrf_token": csrf_token(client, path), "period": "2026-Q4",
                                      "colleague": "4", "performance": "3", "notes": notes})
    shown = refused.get_data(as_text=True)
    assert ("The notes can be at most 4,000 characters long; yours has 4,500. "
            "Shorten it and send it again.") in shown
    assert f">{notes}</textarea>" in shown and 'aria-invalid="true"' in shown
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Evaluation)) == 0
    client.post(path, data={"csrf_token": csrf_token(client, path), "period": "2026-Q4",
                            "colleague": "4", "performance": "3", "notes": notes[:4000]})
    with app.app_context():
        assert len(db.session.scalar(select(Evaluation.notes))) == 4000  # the limit fits
