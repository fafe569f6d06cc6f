"""Keep connect-link tokens and OAuth codes out of the web server's access log.

The threaded server (werkzeug) logs every request line, path and query included:
``/amazon_spapi/connect/<token>`` carries a connect link's secret, and the callback's
query carries Amazon's authorization code and the signed state. Each such value is
replaced by ``<redacted>`` before any handler sees the record.
"""
import logging
import re

REDACTED = "<redacted>"
_SECRETS = re.compile(
    r"(?P<keep>/amazon_spapi/connect/)[^/?#\s\"]+"
    r"|(?P<param>[?&](?:spapi_oauth_code|code|state)=)[^&#\s\"]+")


def redact(text: str) -> str:
    return _SECRETS.sub(lambda m: (m.group("keep") or m.group("param")) + REDACTED, text)


class RedactSecrets(logging.Filter):
    """Rewrites a record whose message names a connect token or an OAuth code."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a malformed record is left to logging's own error path
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True


def install(logger_name: str = "werkzeug") -> None:
    """Attach the filter once to ``logger_name`` (the access log of the threaded server)."""
    logger = logging.getLogger(logger_name)
    if not any(isinstance(existing, RedactSecrets) for existing in logger.filters):
        logger.addFilter(RedactSecrets())
