"""A supervisor uploads the shift's roster as a spreadsheet export with a header row and
names: only employee numbers become rows, each answered in words; then downloads it."""

import csv
import io
from pathlib import Path

from playwright.sync_api import expect
from sqlalchemy import select

from tests.e2e.conftest import screenshot, serious_violations, sign_in
from trainingapp.extensions import db
from trainingapp.models import Position, Team
from trainingapp.ops import demo
from trainingapp.services import accounts


def _new_agent(live_app) -> str:
    """A hotline agent of the demo supervisor's team, with nothing passed yet."""
    with live_app.app_context():
        if accounts.get_by_employee_no("R0101") is None:
            accounts.create_user(
                employee_no="R0101", full_name="Zhou Lei (new agent)",
                password=demo.DEMO_PASSWORD,
                team=db.session.scalar(select(Team).filter_by(code="hotline-1")),
                position=db.session.scalar(select(Position).filter_by(code="hotline-agent")))
            db.session.commit()
    return "R0101"


def test_a_supervisor_uploads_a_roster_and_reads_the_answer_in_words(page, live_app, tmp_path):
    agent = _new_agent(live_app)
    roster = tmp_path / "early-shift.csv"
    roster.write_text("Name,Employee No.,Shift\n"
                      f"Zhou Lei,{agent},early\n"
                      "Wang Qiang,S0001,early\n"
                      "Zhao Min,H0001,early\n"
                      "Mistyped,T9999,early\n", encoding="utf-8")
    sign_in(page, "S0001")
    page.goto("/supervisor/roster")
    expect(page.get_by_role("heading", name="Roster check")).to_be_visible()
    page.get_by_label("Or a roster file (CSV, text or Excel)").set_input_files(str(roster))
    page.get_by_role("button", name="Check", exact=True).click()

    table = page.get_by_role("table")
    expect(table.locator("caption")).to_have_text("0 of 4 cleared")
    expect(table.locator("tbody tr")).to_have_count(4)  # no header, name or shift rows
    agent_row = table.locator("tbody tr").filter(has_text=agent)
    expect(agent_row).to_contain_text("Not cleared")
    expect(agent_row).to_contain_text("Hotline agent certification: Not started")
    expect(agent_row).to_contain_text(
        "Module quiz: Service etiquette and communication — not passed yet")
    expect(agent_row).to_contain_text("Practice calls: 2 more of")
    expect(agent_row).to_contain_text("An observed call by a supervisor")
    expect(agent_row).not_to_contain_text("module:")
    expect(table.locator("tbody tr").filter(has_text="S0001")).to_contain_text(
        "No certification needed")
    expect(table.locator("tbody tr").filter(has_text="H0001")).to_contain_text("Not in your team")
    expect(table.locator("tbody tr").filter(has_text="T9999")).to_contain_text("No such employee")
    expect(page.get_by_label("Employee numbers")).to_have_value(f"{agent}\nS0001\nH0001\nT9999")
    assert serious_violations(page) == []
    screenshot(page, "roster-check")

    with page.expect_download() as download:
        page.get_by_role("button", name="Check and download CSV").click()
    rows = list(csv.reader(io.StringIO(
        Path(download.value.path()).read_text(encoding="utf-8-sig"))))
    assert rows[0] == ["Employee number", "Name", "Cleared for duty", "Why not"]
    assert rows[1][:3] == [agent, "Zhou Lei (new agent)", "No"]
    assert rows[1][3].startswith("Hotline agent certification: Not started; Module quiz: ")
    assert rows[4] == ["T9999", "", "", "No such employee"]


def test_the_team_page_and_a_position_without_certification_read_calmly(page, live_app):
    agent = _new_agent(live_app)
    sign_in(page, "S0001")
    row = page.get_by_role("row").filter(has_text=agent)
    row.get_by_text("requirements left").click()  # the reasons open
    expect(row).to_contain_text("Module quiz: Service etiquette and communication — not passed yet")
    assert serious_violations(page) == []
    screenshot(page, "team-why-not")
    page.get_by_role("link", name="Certification", exact=True).click()
    expect(page.get_by_role("heading", name="No certification needed")).to_be_visible()
    expect(page.get_by_text("Your position needs no certification.")).to_be_visible()
    expect(page.locator(".result-fail, .banner-not-cleared")).to_have_count(0)
    assert serious_violations(page) == []
    screenshot(page, "certification-not-needed")
