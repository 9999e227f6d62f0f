"""HR downloads the certification matrix as CSV in English and as XLSX in Chinese, as a
browser does: headers and cells in words in the chosen language, the machine columns
(employee number, track code) kept, and no formula in the spreadsheet, even for a name
that begins with "="."""

import csv
import io
from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import expect
from sqlalchemy import select

from tests.e2e.conftest import screenshot, serious_violations, sign_in
from trainingapp.extensions import db
from trainingapp.models import Position, Role, Team
from trainingapp.ops import demo
from trainingapp.services import accounts

HEADERS = {"en": ["Employee number", "Name", "Team", "Site", "Position", "Track",
                  "Track code (for systems)", "Status", "Valid until"],
           "zh": ["工号", "姓名", "班组", "地点", "岗位", "认证", "认证代码（供系统使用）", "状态",
                  "有效期至"]}
STATUSES = {"en": {"Certified", "Renewal due", "Expired", "Revoked", "Not certified"},
            "zh": {"已认证", "待续期", "已过期", "已撤销", "未认证"}}
TRACK = {"en": "Hotline agent certification", "zh": "热线客服上岗认证"}
CODES = {"none", "certified", "renewal_due", "expired", "revoked", "in_progress",
         "not_started", "hotline-agent", "hotline-1"}
SLY = "=SUM(1,1) Sly"


def _people(live_app):  # type: ignore[no-untyped-def]
    """An HR officer of their own (their language choice stays theirs) and a hotline agent
    whose name a spreadsheet would take for a formula."""
    with live_app.app_context():
        if accounts.get_by_employee_no("XH001") is None:
            team = db.session.scalar(select(Team).filter_by(code="hotline-1"))
            agent = db.session.scalar(select(Position).filter_by(code="hotline-agent"))
            accounts.create_user(employee_no="XH001", full_name="Export reader",
                                 password=demo.DEMO_PASSWORD, roles=(Role.HR,), team=team)
            accounts.create_user(employee_no="XF001", full_name=SLY, password=None,
                                 team=team, position=agent)
            db.session.commit()
        team = db.session.scalar(select(Team).filter_by(code="hotline-1"))
        return {language: (team.name_in(language), team.site) for language in ("en", "zh")}


def _check(rows, language, team):  # type: ignore[no-untyped-def]
    assert rows[0] == HEADERS[language]
    body = [dict(zip(HEADERS["en"], row, strict=True)) for row in rows[1:]]
    sly = next(r for r in body if r["Employee number"] == "XF001")
    assert sly["Name"].endswith(SLY) and sly["Track"] == TRACK[language]
    assert sly["Track code (for systems)"] == "hotline-agent"
    assert (sly["Team"], sly["Site"]) == team[language]  # its Chinese name for Chinese readers
    assert {r["Status"] for r in body} <= STATUSES[language]
    for row in rows[1:]:
        shown = row[1:6] + row[7:]
        assert not set(shown) & CODES, row


def _download(page, kind):  # type: ignore[no-untyped-def]
    with page.expect_download() as download:
        page.locator(f'a[href*="export={kind}"]').click()
    return Path(download.value.path()).read_bytes()


def test_hr_downloads_the_matrix_in_words_in_either_language(page, live_app):
    team = _people(live_app)
    sign_in(page, "XH001")
    page.goto("/hr/matrix")
    expect(page.get_by_role("heading", name="Certification matrix")).to_be_visible()
    expect(page.get_by_role("cell", name="T0001")).to_be_visible()
    assert serious_violations(page) == []
    screenshot(page, "matrix-en")

    text = _download(page, "csv").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    _check(rows, "en", team)
    assert next(r for r in rows if r[0] == "XF001")[1] == "'" + SLY  # CSV: neutralised

    page.get_by_role("button", name="简体中文").click()
    expect(page.get_by_role("heading", name="认证矩阵")).to_be_visible()
    assert serious_violations(page) == []
    screenshot(page, "matrix-zh")
    sheet = load_workbook(io.BytesIO(_download(page, "xlsx"))).active
    assert sheet.title == "认证矩阵"
    cells = [list(row) for row in sheet.iter_rows()]
    assert not [c.coordinate for row in cells for c in row if c.data_type == "f"]
    _check([[c.value or "" for c in row] for row in cells], "zh", team)
    sly = next(row[1] for row in cells if row[0].value == "XF001")
    assert (sly.value, sly.data_type) == (SLY, "s")  # text as text, without an apostrophe


def _a_finished_attempt_with_a_report(live_app):  # type: ignore[no-untyped-def]
    """A hotline agent of their own hands in the etiquette quiz and reports a question."""
    from datetime import timedelta

    from trainingapp.models import Module, User, utcnow
    from trainingapp.services import quizzes
    from trainingapp.services.quizzes import SavedAnswer

    with live_app.app_context():
        if accounts.get_by_employee_no("XA001") is None:
            agent = db.session.scalar(select(Position).filter_by(code="hotline-agent"))
            accounts.create_user(employee_no="XA001", full_name="Analysed agent",
                                 password=None, position=agent)
            db.session.commit()
        person = db.session.scalar(select(User).filter_by(employee_no="XA001"))
        module = db.session.scalar(select(Module).filter_by(slug="etiquette"))
        now = utcnow() - timedelta(hours=2)
        attempt = quizzes.start(person, module, now)
        items = quizzes.questions_of(attempt)
        quizzes.save_answers(attempt, [SavedAnswer(i.position, True, False) for i in items], now)
        quizzes.submit(attempt, now + timedelta(minutes=5))
        first = items[0]
        quizzes.report_problem(person, attempt, first.position, "unclear", "Two readings.")
        db.session.commit()
        return first.version.question_id


def test_the_analysis_pages_read_in_words(page, live_app):
    from trainingapp.models import Question

    question_id = _a_finished_attempt_with_a_report(live_app)
    with live_app.app_context():
        bank_id = db.session.get(Question, question_id).bank_id
    sign_in(page, "H0001")
    for name, path in (("analysis-module", "/analysis/modules/etiquette"),
                       ("analysis-question", f"/analysis/questions/{bank_id}"),
                       ("analysis-call", "/analysis/calls/billing-dispute"),
                       ("hr-overview-months", "/hr/")):
        assert page.goto(path).status == 200, path
        assert serious_violations(page) == [], path
        screenshot(page, name)
        main = page.locator("main").inner_text()
        assert bank_id not in main and "true_false" not in main, path
        if name == "analysis-question":
            assert "The question is unclear" in main and "Open" in main
