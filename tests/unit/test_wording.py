"""Why someone is not cleared, in sentences: every kind of missing code and every status,
in English and in Chinese, naming what is missing by its title (no database: the titles
are given)."""

from datetime import UTC, datetime

import pytest

from trainingapp import config, create_app, wording
from trainingapp.rules.certification import Decision, Status

NAMES = {
    "etiquette": {"en": "Service etiquette", "zh": "服务礼仪"},
    "roaming-bill-shock": {"en": "Roaming bill shock", "zh": "漫游账单争议"},
    "cancellation": {"en": "Cancellation", "zh": "销户挽留"},
    "english-only": {"en": "Only in English"},
}
DAY = datetime(2026, 12, 15, 3, 0, tzinfo=UTC)  # 11:00 in Asia/Shanghai


@pytest.fixture(scope="module")
def request_context():
    app = create_app(config.TestingConfig({"TRAININGAPP_DATABASE_URL": "sqlite://"}))
    with app.test_request_context():
        yield


@pytest.mark.parametrize(("code", "en", "zh"), [
    ("module:etiquette", "Module quiz: Service etiquette — not passed yet",
     "模块测验：服务礼仪——尚未通过"),
    ("scenario:roaming-bill-shock", "Practice call: Roaming bill shock — not passed yet",
     "模拟通话：漫游账单争议——尚未通过"),
    ("scenarios:2 more of roaming-bill-shock,cancellation",
     "Practice calls: 2 more of “Roaming bill shock” or “Cancellation”",
     "模拟通话：还需通过 2 个（“漫游账单争议”或“销户挽留”）"),
    ("scenarios:1 more of roaming-bill-shock,cancellation,english-only",
     "Practice calls: 1 more of “Roaming bill shock”, “Cancellation”, or “Only in English”",
     "模拟通话：还需通过 1 个（“漫游账单争议”、“销户挽留”或“Only in English”）"),
    ("observation", "An observed call by a supervisor", "由班组长现场观察评分的一次通话"),
    ("module:retired-module", "Module quiz: Retired module — not passed yet",
     "模块测验：Retired module——尚未通过"),
    ("something-new", "Another requirement of the track", "该认证的其他要求"),
])
def test_each_missing_code_is_a_sentence_naming_its_title(request_context, code, en, zh):
    decision = Decision(Status.IN_PROGRESS, missing=(code,))
    assert wording.reasons(decision, NAMES) == ["In progress", en]
    assert wording.reasons(decision, NAMES, "zh") == ["进行中", zh]


@pytest.mark.parametrize(("decision", "en", "zh"), [
    (Decision(Status.NOT_STARTED), "Not started", "未开始"),
    (Decision(Status.IN_PROGRESS), "In progress", "进行中"),
    (Decision(Status.CERTIFIED, DAY, None), "Certified", "已认证"),
    (Decision(Status.CERTIFIED, DAY, DAY), "Certified until Dec 15, 2026",
     "已认证，有效期至2026年12月15日"),
    (Decision(Status.RENEWAL_DUE, DAY, DAY), "Renewal due: valid until Dec 15, 2026",
     "待续期：有效期至2026年12月15日"),
    (Decision(Status.EXPIRED, until=DAY), "Expired on Dec 15, 2026", "已于2026年12月15日过期"),
    (Decision(Status.REVOKED), "Revoked", "已撤销"),
])
def test_the_status_comes_first_in_words_with_its_date(request_context, decision, en, zh):
    assert wording.reasons(decision, NAMES) == [en]
    assert wording.reasons(decision, NAMES, "zh") == [zh]


def test_a_forced_language_does_not_stay_for_the_rest_of_the_request(request_context):
    decision = Decision(Status.EXPIRED, until=DAY, missing=("observation",))
    assert wording.reasons(decision, NAMES, "zh")[0] == "已于2026年12月15日过期"
    assert wording.reasons(decision, NAMES) == ["Expired on Dec 15, 2026",
                                                "An observed call by a supervisor"]
    assert wording.status_label("renewal_due") == "Renewal due"
