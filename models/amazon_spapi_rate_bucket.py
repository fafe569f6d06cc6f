"""Token buckets shared by every worker through PostgreSQL, for Amazon's slow operations."""
from coquiapps import fields, models
from coquiapps.sql_db import cursor

from ..spapi.ratelimit import take_token


class AmazonSpapiRateBucket(models.Model):
    _name = "amazon.spapi.rate.bucket"
    _description = "SP-API usage plan bucket"
    _log_access = False

    key = fields.Char(required=True, index=True)
    level = fields.Float()
    updated = fields.Float(help="Seconds since the epoch")

    _sql_constraints = [("key_uniq", "unique(key)", "One bucket per key.")]


class PostgresRateStore:
    """A RateStore whose buckets live in ``amazon_spapi_rate_bucket``.

    Each ``take`` is its own short transaction (committed at once, so every
    worker and host sees the new level); the row lock serialises takers.
    """

    def __init__(self, dbname: str):
        self.dbname = dbname

    def take(self, bucket_key: str, rate: float, burst: int, now: float, latency: float = 0.0) -> float:
        with cursor(self.dbname) as cr:
            cr.execute("INSERT INTO amazon_spapi_rate_bucket (key, level, updated) VALUES (%s, %s, %s) "
                       "ON CONFLICT (key) DO NOTHING", (bucket_key, float(burst), now))
            cr.execute("SELECT level, updated FROM amazon_spapi_rate_bucket WHERE key = %s FOR UPDATE",
                       (bucket_key,))
            level, updated = cr.fetchone()
            level, updated, wait = take_token(level, updated, rate, burst, now, latency)
            cr.execute("UPDATE amazon_spapi_rate_bucket SET level = %s, updated = %s WHERE key = %s",
                       (level, updated, bucket_key))
        return wait
