"""The forms' own checks: what the views used to check by hand."""

from datetime import UTC, date, datetime

import pytest

from trainingapp.admin.forms import NewPersonForm
from trainingapp.forms import AssignForm
from trainingapp.supervisor.forms import EvaluationForm

TITLES = {"module": {"greeting": "Greeting the caller"}, "scenario": {}, "track": {}}


def _bound(app, form_class, data, *args):
    with app.test_request_context("/", method="POST", data=data):
        form = form_class(*args, meta={"csrf": False})
        form.validate()
        return form


def test_the_assign_form_reads_what_and_the_end_of_the_due_day(app):
    form = _bound(app, AssignForm, {"what": "module:greeting", "due": " 2030-01-31 ",
                                    "note": "x" * 1200}, TITLES)
    assert form.errors == {}
    assert form.target == ("module", "greeting")
    assert form.due_at == datetime(2030, 1, 31, 23, 59, 59, tzinfo=UTC)
    assert len(form.note.data) == 1000  # cut, as the textarea's maxlength does


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"what": "module:nowhere", "due": "2030-01-31"}, "what", "Choose what to assign."),
    ({"what": "module:greeting", "due": "31.01.2030"}, "due", "Give the due date as YYYY-MM-DD."),
    ({"what": "module:greeting"}, "due", "Give the due date as YYYY-MM-DD."),
])
def test_the_assign_form_refuses_with_the_pages_messages(app, data, field, message):
    form = _bound(app, AssignForm, data, TITLES)
    assert [str(m) for m in form.errors[field]] == [message]


def test_a_hire_date_may_be_empty_but_not_malformed(app):
    given = {"employee_no": " t7100 ", "full_name": "Gao Lin", "language": "fr",
             "roles": ["supervisor", "root"]}
    form = _bound(app, NewPersonForm, given)
    assert form.errors == {} and form.hire_date.data is None
    assert (form.employee_no.data, form.language.data, form.roles.data) == ("T7100", "en",
                                                                           ["supervisor"])
    form = _bound(app, NewPersonForm, {**given, "hire_date": "2026-11-20"})
    assert form.hire_date.data == date(2026, 11, 20)
    form = _bound(app, NewPersonForm, {**given, "hire_date": "yesterday"})
    assert [str(m) for m in form.errors["hire_date"]] == ["Enter the date as YYYY-MM-DD."]


def test_an_evaluation_needs_a_period_and_both_scores(app):
    assert _bound(app, EvaluationForm, {"period": "2026-11", "colleague": "5",
                                        "performance": "1"}).errors == {}
    form = _bound(app, EvaluationForm, {"period": "2026-Q5", "colleague": "6"})
    assert set(form.errors) == {"period", "colleague", "performance"}
