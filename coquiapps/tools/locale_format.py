"""Dates, times, numbers and amounts formatted for a user's language (babel).

``lang`` is a CoquiAPPs language code (``fr_FR``, ``en_US``, ``fr``); the
default is the language of ``_()`` in this context
(:func:`coquiapps.tools.translate.current_lang`). Datetimes stored in UTC are
shown in ``tz`` when given.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from babel import Locale, UnknownLocaleError
from babel import dates as babel_dates
from babel import numbers as babel_numbers

from coquiapps.tools import translate


def locale(lang: str | None = None) -> Locale:
    """The babel locale of ``lang`` (English when babel does not know it)."""
    code = (lang or translate.current_lang() or "en_US").replace("-", "_")
    try:
        return Locale.parse(code)
    except (ValueError, UnknownLocaleError):
        return Locale.parse("en_US")


def _as_date(value):
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value) if len(value) > 10 else dt.date.fromisoformat(value)
    return value


def format_date(value, lang: str | None = None, format: str = "medium") -> str:
    """``2024-05-01`` -> ``1 mai 2024`` (fr, medium) / ``May 1, 2024`` (en_US); '' for empty."""
    if not value:
        return ""
    value = _as_date(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    return babel_dates.format_date(value, format=format, locale=locale(lang))


def format_datetime(value, lang: str | None = None, tz: str | None = None, format: str = "medium") -> str:
    """A UTC datetime (naive, as stored) shown in ``tz`` with the language's conventions."""
    if not value:
        return ""
    value = _as_date(value)
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time())
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    zone = babel_dates.get_timezone(tz or "UTC")
    return babel_dates.format_datetime(value, format=format, tzinfo=zone, locale=locale(lang))


def format_number(value, lang: str | None = None, digits: int | None = None) -> str:
    """``1234.5`` -> ``1 234,5`` (fr) / ``1,234.5`` (en); ``digits`` fixes the decimals."""
    if value is None or value is False:
        return ""
    if digits is None:
        return babel_numbers.format_decimal(value, locale=locale(lang))
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return babel_numbers.format_decimal(Decimal(str(value)), format=pattern, locale=locale(lang),
                                        decimal_quantization=True)


def format_amount(value, currency: str, lang: str | None = None) -> str:
    """``12.5, 'EUR'`` -> ``12,50 €`` (fr) / ``€12.50`` (en_US)."""
    if value is None or value is False:
        return ""
    return babel_numbers.format_currency(value, currency, locale=locale(lang))
