"""Dates and times as people read them: per locale, in the organisation's zone (Asia/Shanghai
unless configured), never with seconds; templates use the three filters and nothing else."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from flask_babel import force_locale

from trainingapp.i18n import clock, day, moment, moments

ROOT = Path(__file__).resolve().parents[2]
LATE = datetime(2026, 12, 15, 16, 5, 30, tzinfo=UTC)  # 00:05:30 on 16 Dec in Shanghai
# CLDR puts a narrow no-break space (U+202F) before AM/PM.


@pytest.mark.parametrize(("language", "shown_day", "shown_clock", "shown_moment"), [
    ("en", "Dec 16, 2026", "12:05\u202fAM", "Dec 16, 2026, 12:05\u202fAM"),
    ("zh", "2026年12月16日", "00:05", "2026年12月16日 00:05"),
])
def test_a_moment_is_shown_in_the_local_zone_without_seconds(app, language, shown_day,
                                                            shown_clock, shown_moment):
    with app.test_request_context(), force_locale(language):
        assert (day(LATE), clock(LATE), moment(LATE)) == (shown_day, shown_clock, shown_moment)
        naive = LATE.replace(tzinfo=None)  # SQLite gives UTC back without its zone
        assert [moments()(LATE), moments()(naive), moment(naive)] == [shown_moment] * 3


def test_a_calendar_date_is_its_own_day_in_every_zone(app):
    with app.test_request_context(), force_locale("zh"):
        assert day(date(2026, 12, 15)) == "2026年12月15日"


def test_templates_format_dates_only_through_the_shared_filters():
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "templates").rglob("*.html")
                 if "datetimeformat" in p.read_text() or "strftime" in p.read_text()]
    assert offenders == []
