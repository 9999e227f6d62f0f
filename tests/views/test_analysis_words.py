"""The analysis pages and HR's overview speak in words, in both languages: questions by
their stem, kinds, report kinds and statuses by name, call turns by number, never a bank
id, a kind key, a slug or a node id in the visible text (they stay in the addresses)."""

from __future__ import annotations

import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from tests.conftest import login, sync_fixture_bank
from trainingapp.extensions import db
from trainingapp.models import Module, Role, User, utcnow
from trainingapp.services import quizzes
from trainingapp.services.quizzes import SavedAnswer


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        self._skip += tag in ("script", "style")

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        self._skip -= tag in ("script", "style")

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


CODES = ["mini-001", "mini-002", "true_false", "numeric", "short_text", "wrong_key",
         "unclear", "slow-wifi", "greeting", "greet", "ring", "hotline-agent",
         "call-quality"]
WORDS = {
    "en": {"/analysis/modules/greeting": ["An agent greets the caller", "True or false",
                                          "Numeric answer"],
           "/analysis/questions/mini-001": ["An agent greets the caller", "True or false",
                                            "Open", "The marked answer is wrong"],
           "/analysis/calls/slow-wifi": ["Turn 1", "My Wi-Fi is crawling"],
           "/analysis/": ["Slow Wi-Fi"],
           "/hr/": ["HR overview"],
           "/hr/satisfaction": ["Import customer satisfaction"]},
    "zh": {"/analysis/modules/greeting": ["坐席应问候客户并报出工号", "判断题", "数值题"],
           "/analysis/questions/mini-001": ["坐席应问候客户并报出工号", "判断题", "待处理",
                                            "标注的答案有误"],
           "/analysis/calls/slow-wifi": ["第1轮", "我家无线网慢得要命"],
           "/analysis/": ["无线网络慢"],
           "/hr/": ["人力资源总览"],
           "/hr/satisfaction": ["导入客户满意度"]},
}
ISO = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
ISO_MONTH = re.compile(r"\b\d{4}-\d{2}\b")  # the satisfaction file writes its period so


@pytest.fixture
def hr_client(app, client, make_user):
    """HR signed in, over a bank with a module and a call, a finished attempt and an open
    report on its first question."""
    sync_fixture_bank(app, "cert_bank")
    trainee = make_user(team="t1")
    with app.app_context():
        person = db.session.get(User, trainee.id)
        module = db.session.scalar(select(Module).where(Module.slug == "greeting"))
        now = utcnow() - timedelta(days=3)
        attempt = quizzes.start(person, module, now)
        items = quizzes.questions_of(attempt)
        quizzes.save_answers(attempt, [SavedAnswer(i.position, True, False) for i in items], now)
        quizzes.submit(attempt, now + timedelta(minutes=1))
        first = next(i for i in items if i.version.content["type"] == "true_false")
        quizzes.report_problem(person, attempt, first.position, "wrong_key", "")
        db.session.commit()

    def _as(language: str):  # type: ignore[no-untyped-def]
        login(client, make_user(roles=(Role.HR,), language=language).employee_no)
        return client

    return _as


@pytest.mark.parametrize("language", ["en", "zh"])
def test_analysis_and_hr_pages_name_things_in_words(hr_client, language):
    client = hr_client(language)
    for path, words in WORDS[language].items():
        response = client.get(path)
        assert response.status_code == 200, path
        text = visible_text(response.get_data(as_text=True))
        for word in words:
            assert word in text, (path, word)
        found = [code for code in CODES if re.search(rf"(?<![\w-]){re.escape(code)}(?![\w-])",
                                                     text)]
        assert found == [], (path, found)
        assert not ISO.search(text), (path, ISO.search(text))
        if path != "/hr/satisfaction":
            assert not ISO_MONTH.search(text), (path, ISO_MONTH.search(text))


@pytest.mark.parametrize(("language", "said"), [
    ("en", ["The satisfaction “lots” is not a number.", "No employee has the number NOBODY.",
            "The period “autumn” is neither a quarter nor a month"]),
    ("zh", ["满意度“lots”不是数字。", "没有工号为 NOBODY 的员工。", "期间“autumn”既不是季度也不是月份"]),
])
def test_a_satisfaction_file_with_errors_is_answered_in_words(app, client, make_user,
                                                             language, said):
    import io

    from tests.conftest import csrf_token

    make_user("T6801", team="t1")
    login(client, make_user(roles=(Role.HR,), language=language).employee_no)
    bad = "工号,期间,满意度\nT6801,2026-Q4,lots\nNOBODY,2026-Q4,80\nT6801,autumn,80\n"
    page = client.post("/hr/satisfaction", data={
        "csrf_token": csrf_token(client, "/hr/satisfaction"),
        "file": (io.BytesIO(bad.encode()), "s.csv")}, content_type="multipart/form-data")
    text = visible_text(page.get_data(as_text=True))
    assert all(s in text for s in said), text
    assert "employee_no:" not in text and "'" not in text  # no field key, no Python repr
