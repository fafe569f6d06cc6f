"""Amazon's clock as this database sees it: the real one, or a time-scaled sandbox's.

Production code takes its clock from :func:`clock` and does all its time arithmetic
with it: :meth:`AmazonClock.now` for the moment, :meth:`AmazonClock.here` for how long a
span of Amazon's time (a token's hour, the refresh lead) lasts on this side, and
:meth:`AmazonClock.limiter_options` for the SP-API rate limiter. In production the
clock is the real one and ``here`` is the identity.

A time-scaled Amazon sandbox (its clock runs ``scale`` times faster) injects its clock
through the system parameter ``sale_amazon_spapi.time_scale``; it is read here and
nowhere else. It is a parameter rather than an object handed over in one process
because every process of the database (servers, cron runners, shells) must agree.
"""
import datetime as dt
import time
from dataclasses import dataclass

TIME_SCALE_KEY = "sale_amazon_spapi.time_scale"


@dataclass(frozen=True)
class AmazonClock:
    """Amazon's clock runs ``scale`` times as fast as the wall clock (1: the real Amazon)."""

    scale: float = 1.0

    def now(self) -> dt.datetime:
        """Naive UTC now, to the microsecond (a wall second may be minutes of Amazon's time)."""
        return dt.datetime.now(dt.UTC).replace(tzinfo=None)

    def here(self, span: dt.timedelta) -> dt.timedelta:
        """How long ``span`` of Amazon's time lasts on this side."""
        return span / self.scale

    def expiry(self, amazon_expiry: dt.datetime, received: dt.datetime) -> dt.datetime:
        """When a token Amazon says lapses at ``amazon_expiry`` (it was received at ``received``,
        aware UTC) lapses here, as naive UTC."""
        return (received + self.here(amazon_expiry - received)).replace(tzinfo=None)

    def limiter_options(self) -> dict:
        """Keyword arguments for :class:`~..spapi.RateLimiter`: none for the real clock; for a
        scaled one, buckets counted in Amazon's seconds and waits slept in wall ones."""
        if self.scale == 1.0:
            return {}
        scale = self.scale
        return {"clock": lambda: time.time() * scale, "sleep": lambda seconds: time.sleep(seconds / scale),
                "latency": 0.05 * scale}


REAL = AmazonClock()


def clock(env, params: dict | None = None) -> AmazonClock:
    """The clock of this database (``params``: the module's parameters, when already read)."""
    if params is None:
        raw = env["ir.config_parameter"].sudo().get_param(TIME_SCALE_KEY) or "1"
    else:
        raw = params.get(TIME_SCALE_KEY) or "1"
    try:
        scale = float(raw)
    except ValueError:
        raise ValueError(f"system parameter {TIME_SCALE_KEY} must be a number, not {raw!r}") from None
    return AmazonClock(scale) if scale > 0 and scale != 1.0 else REAL
