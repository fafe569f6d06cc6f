"""Date-time inputs: stored naive UTC <-> the wall-clock time a user types in their zone."""
import datetime as dt

import pytest

from coquiapps.addons.web.webclient import datetimes


@pytest.mark.parametrize(("stored", "tz", "shown"), [
    (dt.datetime(2026, 12, 3, 8, 0, 18), "America/New_York", "2026-12-03T03:00:18"),   # EST, -5
    (dt.datetime(2026, 7, 3, 8, 0, 18), "America/New_York", "2026-07-03T04:00:18"),    # EDT, -4
    (dt.datetime(2026, 12, 3, 20, 59, 59), "Asia/Tokyo", "2026-12-04T05:59:59"),       # +9, next day
    (dt.datetime(2026, 12, 3, 8, 0, 18, 123456), "UTC", "2026-12-03T08:00:18"),
    (dt.datetime(2026, 12, 3, 8, 0, 18), None, "2026-12-03T08:00:18"),                 # no zone: UTC
    (dt.datetime(2026, 12, 3, 8, 0, 18), "Not/AZone", "2026-12-03T08:00:18"),
])
def test_round_trip_to_the_second(stored, tz, shown):
    assert datetimes.to_input(stored, tz) == shown
    assert datetimes.from_input(shown, tz) == stored.replace(microsecond=0)


def test_minutes_only_means_second_zero():
    assert datetimes.from_input("2026-12-03T03:00", "America/New_York") == dt.datetime(2026, 12, 3, 8, 0)


def test_spring_forward_gap_is_refused():
    # 2026-03-08 02:30 does not happen in New York (02:00 EST -> 03:00 EDT)
    with pytest.raises(datetimes.LocalTimeError, match="does not exist in America/New_York"):
        datetimes.from_input("2026-03-08T02:30:00", "America/New_York")
    assert datetimes.from_input("2026-03-08T03:00:00", "America/New_York") == dt.datetime(2026, 3, 8, 7, 0)
    assert datetimes.from_input("2026-03-08T01:59:59", "America/New_York") == dt.datetime(2026, 3, 8, 6, 59, 59)


def test_fall_back_repeated_hour_is_the_first():
    # 2026-11-01 01:30 happens twice in New York: EDT (05:30 UTC) then EST (06:30 UTC)
    assert datetimes.from_input("2026-11-01T01:30:00", "America/New_York") == dt.datetime(2026, 11, 1, 5, 30)
    assert datetimes.to_input(dt.datetime(2026, 11, 1, 5, 30), "America/New_York") == "2026-11-01T01:30:00"
    assert datetimes.to_input(dt.datetime(2026, 11, 1, 6, 30), "America/New_York") == "2026-11-01T01:30:00"


def test_bad_text_names_the_format():
    with pytest.raises(ValueError, match="not a date and time"):
        datetimes.from_input("yesterday", "UTC")
