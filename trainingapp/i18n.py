"""Languages: English and Simplified Chinese, chosen per user and remembered."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

from babel import dates
from babel.support import Translations
from flask import Flask, has_request_context, request, session
from flask_babel import (
    format_date,
    format_time,
    get_locale,
    get_timezone,
    get_translations,
)
from flask_login import current_user

from trainingapp.extensions import babel
from trainingapp.models.learning import localized

# Language code → its own name, as the switch shows it.
LANGUAGES = {"en": "English", "zh": "简体中文"}
HTML_LANG = {"en": "en", "zh": "zh-Hans"}
DEFAULT_LANGUAGE = "en"


def select_locale() -> str:
    if not has_request_context():  # the CLI speaks English
        return DEFAULT_LANGUAGE
    if current_user.is_authenticated and current_user.language in LANGUAGES:
        return current_user.language
    chosen = session.get("language")
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES.keys(), DEFAULT_LANGUAGE)


def current_language() -> str:
    """The language of this request: "en" or "zh"."""
    return str(get_locale() or DEFAULT_LANGUAGE)


def text_in(value: dict[str, str] | None) -> str:
    """A bilingual content text in the request's language (the other when missing)."""
    return localized(value, current_language())[0]


# Dates and times as people read them: per locale, in the organisation's time zone, never
# with seconds. Pages, messages and exports use these three and nothing else.


def day(value: date | datetime) -> str:
    """A calendar date: "Dec 15, 2026" / "2026年12月15日" (a moment: its local date)."""
    return format_date(value, "medium")


def clock(value: datetime) -> str:
    """A time of day: "11:59 PM" / "23:59"."""
    return format_time(value, "short")


def moment(value: datetime) -> str:
    """A date and a time: "Dec 15, 2026, 11:59 PM" / "2026年12月15日 23:59"."""
    pattern = get_locale().datetime_formats["medium"]
    return pattern.format(clock(value), day(value))


def moments() -> Callable[[datetime], str]:
    """``moment`` for many values (an export's rows): the reader's locale, zone and patterns
    looked up once, not for each value."""
    locale, zone = get_locale(), get_timezone()
    pattern = locale.datetime_formats["medium"]

    def show(value: datetime) -> str:
        local = (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(zone)
        return pattern.format(dates.format_time(local, "short", locale=locale),
                              dates.format_date(local, "medium", locale=locale))

    return show


_catalogues: dict[str, Translations] = {}


def _translations() -> Translations:
    """The catalogue of the current locale. Catalogues do not change while the app runs,
    so each process keeps one per language: a page calls this a hundred times."""
    locale = str(get_locale())
    found = _catalogues.get(locale)
    if found is None:
        found = _catalogues[locale] = get_translations()
    return found


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
    app.add_template_filter(text_in, "tr")
    for name, show in (("day", day), ("clock", clock), ("moment", moment)):
        app.add_template_filter(show, name)
    app.jinja_env.install_gettext_callables(  # as Flask-Babel's, with the catalogue kept
        lambda s: _translations().ugettext(s),
        lambda s, p, n: _translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
    )

    @app.context_processor
    def _languages() -> dict[str, object]:
        code = current_language()
        return {"languages": LANGUAGES, "current_language": code,
                "html_lang": HTML_LANG.get(code, code)}
