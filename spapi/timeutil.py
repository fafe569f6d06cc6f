"""ISO 8601 date-times as Amazon writes and reads them, always timezone-aware UTC."""
from __future__ import annotations

from datetime import UTC, datetime


def parse_time(value: str | None) -> datetime | None:
    """An Amazon timestamp (``2024-12-25T10:30:00Z``, offsets, fractions) as aware UTC.

    A timestamp without offset is read as UTC, Amazon's only zone.
    """
    if not value:
        return None
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def format_time(value: datetime) -> str:
    """An aware datetime as ISO 8601 UTC with ``Z``; naive datetimes are refused."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"naive datetime {value.isoformat()} is ambiguous: give a timezone")
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
