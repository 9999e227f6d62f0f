"""HR filters the certification matrix and downloads an export, and assigns a call to a team
found by searching; a supervisor assigns a module to the team. axe scans the workspace pages on the way."""

import re
from datetime import timedelta
from pathlib import Path

from playwright.sync_api import expect
from sqlalchemy import select

from tests.e2e.conftest import screenshot, serious_violations, sign_in
from trainingapp.extensions import db
from trainingapp.models import Assignment, Call, Team, User, utcnow
from trainingapp.services import assignments


def test_hr_filters_the_matrix_and_downloads_an_export(page):
    sign_in(page, "H0001")
    expect(page.get_by_role("heading", name="Charts")).to_be_visible()
    assert serious_violations(page) == []
    screenshot(page, "hr-overview")
    page.get_by_role("link", name="Certification matrix").click()
    expect(page.get_by_role("heading", name="Certification matrix")).to_be_visible()
    assert serious_violations(page) == []
    page.get_by_label("Position").select_option("hotline-agent")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("cell", name="T0001")).to_be_visible()
    screenshot(page, "matrix")
    with page.expect_download() as download:
        page.get_by_role("link", name="Export CSV").click()
    content = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert content.startswith("Employee number,Name,Team,") and "T0001" in content


def test_a_supervisor_assigns_a_call_to_the_team_and_sees_it_overdue(page, live_app):
    sign_in(page, "S0001")
    assert serious_violations(page) == []
    page.get_by_role("link", name="Assign training").click()
    page.get_by_label("What").select_option("scenario:repeat-complainant")
    page.get_by_label("The whole team").check()
    page.get_by_label("Due date").fill("2031-06-30")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Assign").click()
    expect(page.get_by_text(re.compile(
        r"Assigned .+ to \d+ (person|people), due Jun 30, 2031\."))).to_be_visible()
    # the same again, later: the page shows who has it and changes nothing unless confirmed
    page.get_by_role("link", name="Assign training").click()
    page.get_by_label("What").select_option("scenario:repeat-complainant")
    page.get_by_label("The whole team").check()
    page.get_by_label("Due date").fill("2031-07-15")
    page.get_by_role("button", name="Assign").click()
    warning = page.get_by_role("alert").filter(has_text="Check before assigning")
    expect(warning.get_by_text("due Jun 30, 2031").first).to_be_visible()
    expect(warning.get_by_text("changes their due date to Jul 15, 2031")).to_be_visible()
    assert serious_violations(page) == []
    screenshot(page, "assign-warning")
    page.get_by_role("button", name="Change and assign").click()
    expect(page.get_by_text(re.compile(r"due Jul 15, 2031\. \d+ of them had it already"))).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Third call, still broken")).first).to_be_visible()
    with live_app.app_context():  # the clock moves past the due date
        db.session.execute(Assignment.__table__.update().where(
            Assignment.target == "repeat-complainant").values(
                due_on=assignments.today(utcnow()) - timedelta(days=1)))
        db.session.commit()
    page.get_by_label("Show").select_option("overdue")
    page.get_by_role("button", name="Apply").click()
    row = page.get_by_role("row").filter(has_text="T0001")
    expect(row.get_by_text("Overdue").first).to_be_visible()
    page.get_by_role("link", name="Roster check: who on a shift is cleared").click()
    assert serious_violations(page) == []
    screenshot(page, "team")


def test_hr_assigns_a_call_to_a_team_found_by_searching(page, live_app):
    """Among more teams than the list shows, HR types part of a team's Chinese name; the
    list offers the match (said in the status line) and the call is assigned to the team."""
    with live_app.app_context():
        if db.session.scalar(select(Team).filter_by(code="night-00")) is None:
            db.session.add_all(Team(code=f"night-{n:02d}", name=f"Night desk {n}", site="East")
                               for n in range(30))
            db.session.commit()
        slug = db.session.scalars(select(Call.slug).order_by(Call.slug.desc())).first()
    sign_in(page, "H0001")
    page.get_by_role("link", name="Assign training company-wide").click()
    expect(page.get_by_role("status")).to_contain_text("the first 20 of")
    page.get_by_label("Find a team by its code or name").fill("热线一")
    expect(page.get_by_role("status")).to_have_text(
        "1 team matches “热线一”: choose it in the list.")
    who = page.get_by_label("Who")
    expect(who.locator("#who-teams option")).to_have_count(1)
    who.select_option(label="Hotline team 1")
    page.get_by_label("What").select_option(f"scenario:{slug}")
    page.get_by_label("Due date").fill("2031-08-31")
    assert serious_violations(page) == []
    screenshot(page, "hr-assign-team-search")
    page.get_by_role("button", name="Assign").click()
    expect(page.get_by_text(re.compile(
        r"Assigned .+ to \d+ people, due Aug 31, 2031\."))).to_be_visible()
    with live_app.app_context():
        given = set(db.session.scalars(select(Assignment.user_id).where(
            Assignment.target == slug)))
        members = set(db.session.scalars(select(User.id).join(Team, Team.id == User.team_id)
                                         .where(Team.code == "hotline-1")))
    assert given == members


def test_without_script_the_team_search_loads_the_page_with_the_teams_found(
        browser, live_server):
    context = browser.new_context(base_url=live_server, locale="en-GB",
                                  java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, "H0001")
        page.goto("/hr/assign")
        page.get_by_label("Find a team by its code or name").fill("central")
        page.get_by_label("Find a team by its code or name").press("Enter")  # not the assign form
        expect(page).to_have_url(re.compile(r"/hr/assign\?team_q=central$"))
        expect(page.get_by_role("status")).to_have_text(
            "1 team matches “central”: choose it in the list.")
        page.get_by_label("Who").select_option(label="Central business hall")
    finally:
        context.close()
