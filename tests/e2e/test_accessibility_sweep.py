"""Every workspace page a supervisor, HR and an admin use, scanned by axe."""

import pytest
from sqlalchemy import select

from tests.e2e.conftest import serious_violations, sign_in
from trainingapp.extensions import db
from trainingapp.models import User


def _id_of(live_app, employee_no):
    with live_app.app_context():
        return db.session.scalar(select(User.id).where(User.employee_no == employee_no))


@pytest.mark.parametrize(("who", "paths"), [
    ("S0001", ["/supervisor/", "/supervisor/assign", "/supervisor/roster",
               "/supervisor/people/{T0001}/observe", "/supervisor/people/{T0001}/evaluate",
               "/people/{T0001}", "/notifications/"]),
    ("H0001", ["/hr/", "/hr/matrix", "/hr/assign", "/hr/satisfaction", "/analysis/",
               "/analysis/modules/etiquette", "/analysis/calls/billing-dispute",
               "/people/{T0001}", "/audit/"]),
    ("A0001", ["/admin/", "/admin/people/new", "/admin/people/{T0001}", "/admin/people/import",
               "/admin/organisation", "/admin/tokens", "/admin/content",
               "/audit/?action=login"]),
])
def test_workspace_pages_have_no_serious_accessibility_violations(page, live_app, who, paths):
    trainee = _id_of(live_app, "T0001")
    sign_in(page, who)
    found = {}
    for path in paths:
        response = page.goto(path.format(T0001=trainee))
        assert response.status == 200, path
        problems = serious_violations(page)
        if problems:
            found[path] = problems
    assert found == {}
