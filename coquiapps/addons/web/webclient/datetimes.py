"""Date-times between storage (naive UTC) and what a user reads and types (their time zone).

Inputs are ``<input type="datetime-local" step="1">`` values: ``YYYY-MM-DDTHH:MM:SS``
wall-clock time in the user's zone, to the second.
"""
from __future__ import annotations

import datetime as dt
import zoneinfo
from functools import cache

INPUT_FORMAT = "%Y-%m-%dT%H:%M:%S"


class LocalTimeError(ValueError):
    """A typed wall-clock time that cannot be placed in the zone (a DST gap)."""


@cache
def zone(name: str | None) -> zoneinfo.ZoneInfo | None:
    """The IANA zone ``name``; None for empty or unknown names (the caller falls back)."""
    if not name or not isinstance(name, str):
        return None
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def _zone_or_utc(tz: str | None) -> dt.tzinfo:
    return zone(tz) or dt.UTC


def to_input(value: dt.datetime, tz: str | None) -> str:
    """A stored (naive UTC) datetime as the input value the user sees in ``tz``, to the second."""
    aware = value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value
    return aware.astimezone(_zone_or_utc(tz)).strftime(INPUT_FORMAT)


def from_input(text: str, tz: str | None) -> dt.datetime:
    """A typed wall-clock time in ``tz`` as the naive UTC datetime to store.

    Minutes-only values (``HH:MM``) mean second 0. In a repeated hour (clocks
    going back) the first occurrence is meant; a time skipped by clocks going
    forward does not exist and raises :class:`LocalTimeError`.
    """
    try:
        local = dt.datetime.fromisoformat(text.strip().replace(" ", "T"))
    except ValueError:
        raise ValueError(f"{text!r} is not a date and time (YYYY-MM-DDTHH:MM:SS)") from None
    if local.tzinfo is not None:
        return local.astimezone(dt.UTC).replace(tzinfo=None)
    place = _zone_or_utc(tz)
    aware = local.replace(tzinfo=place, fold=0)
    utc = aware.astimezone(dt.UTC)
    if utc.astimezone(place).replace(tzinfo=None) != local:
        raise LocalTimeError(f"{local.strftime(INPUT_FORMAT).replace('T', ' ')} does not exist in {tz} "
                             "(the clocks move forward then)")
    return utc.replace(tzinfo=None)
