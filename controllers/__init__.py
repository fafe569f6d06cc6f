from . import log_redaction, main  # noqa: F401

log_redaction.install()
