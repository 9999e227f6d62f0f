"""The forms' own checks: what the views used to check by hand."""

import re
from datetime import date

import pytest
from flask_babel import force_locale
from freezegun import freeze_time

from trainingapp.admin.forms import NewPersonForm
from trainingapp.forms import AssignForm
from trainingapp.supervisor.forms import EvaluationForm

TITLES = {"module": {"greeting": "Greeting the caller"}, "scenario": {}, "track": {}}


def _bound(app, form_class, data, *args):
    with app.test_request_context("/", method="POST", data=data):
        form = form_class(*args, meta={"csrf": False})
        form.validate()
        return form


def test_the_assign_form_reads_what_and_the_due_day(app):
    form = _bound(app, AssignForm, {"what": "module:greeting", "due": " 2030-01-31 ",
                                    "note": " Before the exam day "}, TITLES)
    assert form.errors == {}
    assert form.target == ("module", "greeting")
    assert form.due.data == date(2030, 1, 31)  # a day, due until its end where we work
    assert form.note.data == "Before the exam day"
    too_long = _bound(app, AssignForm, {"what": "module:greeting", "due": "2030-01-31",
                                        "note": "x" * 1200}, TITLES)
    assert [str(m) for m in too_long.errors["note"]] == [  # refused, never cut
        "The note can be at most 1,000 characters long; yours has 1,200. "
        "Shorten it and send it again."]


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"what": "module:nowhere", "due": "2030-01-31"}, "what", "Choose what to assign."),
    ({"what": "", "due": "2030-01-31"}, "what", "Choose what to assign."),
    ({"what": "module:greeting"}, "due", "Give the due date."),
])
def test_the_assign_form_refuses_with_the_pages_messages(app, data, field, message):
    form = _bound(app, AssignForm, data, TITLES)
    assert [str(m) for m in form.errors[field]] == [message]


@freeze_time("2026-12-15 16:30:00")  # Dec 16, 00:30 in Shanghai
@pytest.mark.parametrize(("language", "typed", "day", "message"), [
    ("en", "12/20/2026", date(2026, 12, 20), None),
    ("en", "12/20/26", date(2026, 12, 20), None),
    ("zh", "2026/12/20", date(2026, 12, 20), None),
    ("en", "31.01.2030", None, "Give the due date as a day, for example 12/16/2026."),
    ("en", "20/12/2026", None, "Give the due date as a day, for example 12/16/2026."),
    ("zh", "明天", None, "请填写截止日期，例如 2026/12/16。"),
])
def test_a_typed_date_is_read_and_refused_as_the_reader_writes_dates(app, language, typed,
                                                                      day, message):
    """A browser without a date picker shows a text box: the date as the reader's language
    writes it is read; the message gives an example the same way, never an ISO pattern."""
    posted = {"what": "module:greeting", "due": typed}
    with app.test_request_context("/", method="POST", data=posted), force_locale(language):
        form = AssignForm(TITLES, meta={"csrf": False})
        form.validate()
        assert form.due.data == day
        assert [str(m) for m in form.errors.get("due", [])] == ([message] if message else [])


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
    [message] = [str(m) for m in form.errors["hire_date"]]
    assert re.fullmatch(r"Give the hire date as a day, for example \d{1,2}/\d{1,2}/\d{4}\.",
                        message), message


def test_an_evaluation_needs_a_period_and_both_scores(app):
    assert _bound(app, EvaluationForm, {"period": "2026-11", "colleague": "5",
                                        "performance": "1"}).errors == {}
    form = _bound(app, EvaluationForm, {"period": "2026-Q5", "colleague": "6"})
    assert set(form.errors) == {"period", "colleague", "performance"}
