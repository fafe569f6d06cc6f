"""The exception families and their readable, secret-free messages."""
import pytest
from coquiapps.addons.sale_amazon_spapi.spapi import (
    AccessDenied,
    InvalidClient,
    InvalidGrant,
    InvalidInput,
    InvalidParameters,
    LWAError,
    LWAPermanentError,
    LWATemporaryError,
    NotFound,
    PermanentError,
    QuotaExceeded,
    RetryableError,
    ServerError,
    SPAPIError,
    TransportError,
)
from coquiapps.addons.sale_amazon_spapi.spapi.errors import lwa_error, redact, spapi_error


@pytest.mark.parametrize("status, cls, family", [
    (400, InvalidInput, PermanentError),
    (403, AccessDenied, PermanentError),
    (404, NotFound, PermanentError),
    (413, PermanentError, PermanentError),
    (415, PermanentError, PermanentError),
    (429, QuotaExceeded, RetryableError),
    (500, ServerError, RetryableError),
    (503, ServerError, RetryableError),
])
def test_spapi_status_mapping(status, cls, family):
    err = spapi_error(status, "Code", "msg", operation="getOrder", request_id="rid")
    assert type(err) is cls
    assert isinstance(err, family) and isinstance(err, SPAPIError)
    assert err.retryable is issubclass(family, RetryableError)
    assert (err.status, err.code, err.request_id) == (status, "Code", "rid")


def test_retry_after_kept_on_retryable():
    assert spapi_error(429, "QuotaExceeded", "m", retry_after=7.0).retry_after == 7.0


@pytest.mark.parametrize("status, code, cls, retryable", [
    (400, "invalid_grant", InvalidGrant, False),
    (401, "invalid_client", InvalidClient, False),
    (400, "invalid_request", LWAPermanentError, False),
    (400, "invalid_scope", LWAPermanentError, False),
    (400, "unsupported_grant_type", LWAPermanentError, False),
    (500, "server_error", LWATemporaryError, True),
    (503, "temporarily_unavailable", LWATemporaryError, True),
    (502, None, LWATemporaryError, True),
    (401, None, LWAPermanentError, False),
])
def test_lwa_mapping(status, code, cls, retryable):
    err = lwa_error(status, code, "Amazon says why")
    assert type(err) is cls and isinstance(err, LWAError)
    assert err.retryable is retryable
    assert isinstance(err, RetryableError if retryable else PermanentError)
    assert err.description == "Amazon says why"
    assert err.error == (code or f"http_{status}")


def test_lwa_error_keeps_amazon_text_in_str():
    err = lwa_error(400, "invalid_grant", "User may have revoked or didn't grant the permission")
    assert str(err) == (
        "HTTP 400 invalid_grant: User may have revoked or didn't grant the permission")


def test_str_is_one_readable_line():
    err = spapi_error(403, "Unauthorized", "Access to requested resource is denied.",
                      operation="getOrder", request_id="abc-1")
    assert str(err) == ("getOrder: HTTP 403 Unauthorized: Access to requested resource is "
                        "denied. (request id abc-1)")
    assert repr(err) == f"AccessDenied({str(err)!r})"


def test_str_never_shows_tokens_or_secrets():
    err = InvalidInput("bad Atza|IwEBIabc123 and Atzr|xyz and amzn1.oa2-cs.v1.deadbeef here")
    text = str(err)
    assert "IwEBIabc123" not in text and "xyz" not in text and "deadbeef" not in text
    assert text == "bad Atza|*** and Atzr|*** and amzn1.oa2-cs.v1.*** here"
    assert redact("plain") == "plain"


def test_local_validation_error_is_also_value_error():
    err = InvalidParameters("maxResultsPerPage must be 1..100")
    assert isinstance(err, InvalidInput) and isinstance(err, ValueError)
    assert not err.retryable


def test_transport_error_is_retryable():
    assert TransportError("timeout").retryable
