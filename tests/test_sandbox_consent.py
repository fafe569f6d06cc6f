"""The consent page (AMAZON.md §1), driven with plain HTTP like a browser would."""
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from amazon_sandbox.testing import running

CALLBACK = "https://erp.test/amazon/oauth/callback"


@pytest.fixture
def h():
    with running(seed=3) as harness:
        yield harness


def _consent(h, **params):
    return h.http.get(f"{h.url}/apps/authorize/consent", params=params, allow_redirects=False,
                      timeout=10)


def _submit(h, **form):
    return h.http.post(f"{h.url}/apps/authorize/consent", data=form, allow_redirects=False,
                       timeout=10)


def _register(h, app):
    return h.control("PUT", f"apps/{app['client_id']}/redirect-uris", {"redirect_uris": [CALLBACK]})


def test_page_has_stable_form_fields(h):
    app = h.app("public")
    _register(h, app)
    page = _consent(h, application_id=app["application_id"], state="s1", redirect_uri=CALLBACK)
    assert page.status_code == 200
    assert page.headers["Referrer-Policy"] == "no-referrer"
    html = page.text
    for needle in ("<select name='selling_partner_id'", "name='password' id='password' type='password'",
                   "value='confirm'>Confirm</button>", "value='cancel'>Cancel</button>"):
        assert needle in html
    for seller in h.state()["sellers"]:
        assert seller["selling_partner_id"] in html
        assert seller["password"] not in html


def test_confirm_redirects_with_state_seller_and_code(h):
    app = h.app("public")
    _register(h, app)
    seller = h.seller("EU")
    response = _submit(h, application_id=app["application_id"], state="xyz-123", redirect_uri=CALLBACK,
                       selling_partner_id=seller["selling_partner_id"], password=seller["password"],
                       action="confirm")
    assert response.status_code == 302
    assert response.headers["Referrer-Policy"] == "no-referrer"
    location = urlsplit(response.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == CALLBACK
    query = {k: v[0] for k, v in parse_qs(location.query).items()}
    assert query["state"] == "xyz-123"
    assert query["selling_partner_id"] == seller["selling_partner_id"]
    token = h.token(grant_type="authorization_code", code=query["spapi_oauth_code"],
                    redirect_uri=CALLBACK, client_id=app["client_id"],
                    client_secret=app["client_secret"])
    assert token.status_code == 200
    # The refresh token is the EU seller's: it works on the EU endpoint.
    access = token.json()["access_token"]
    assert h.sp("EU", "/sellers/v1/marketplaceParticipations", access).status_code == 200


def test_default_redirect_uri_is_the_first_registered(h):
    app = h.app("public")
    h.control("PUT", f"apps/{app['client_id']}/redirect-uris",
              {"redirect_uris": [CALLBACK, "https://erp.test/other"]})
    seller = h.seller("NA")
    response = _submit(h, application_id=app["application_id"], state="s",
                       selling_partner_id=seller["selling_partner_id"], password=seller["password"],
                       action="confirm")
    assert response.headers["Location"].startswith(CALLBACK + "?")


def test_cancel_redirects_with_access_denied(h):
    app = h.app("public")
    _register(h, app)
    response = _submit(h, application_id=app["application_id"], state="st", redirect_uri=CALLBACK,
                       action="cancel")
    assert response.status_code == 302
    query = parse_qs(urlsplit(response.headers["Location"]).query)
    assert query["error"] == ["access_denied"] and query["state"] == ["st"]
    assert "spapi_oauth_code" not in query


def test_wrong_password_shows_form_again(h):
    app = h.app("public")
    _register(h, app)
    seller = h.seller("NA")
    response = _submit(h, application_id=app["application_id"], state="st", redirect_uri=CALLBACK,
                       selling_partner_id=seller["selling_partner_id"], password="wrong",
                       action="confirm")
    assert response.status_code == 200 and "Location" not in response.headers
    assert "id='error'" in response.text and "<form" in response.text


def test_signing_into_the_wrong_seller_is_possible(h):
    app = h.app("public")
    _register(h, app)
    other = h.seller("FE")
    response = _submit(h, application_id=app["application_id"], state="st", redirect_uri=CALLBACK,
                       selling_partner_id=other["selling_partner_id"], password=other["password"],
                       action="confirm")
    query = parse_qs(urlsplit(response.headers["Location"]).query)
    assert query["selling_partner_id"] == [other["selling_partner_id"]]


def test_unregistered_redirect_uri_is_md5101(h):
    app = h.app("public")
    page = _consent(h, application_id=app["application_id"], state="s", redirect_uri=CALLBACK)
    assert page.status_code == 400
    assert re.search(r"id='error-code'>MD5101<", page.text)


def test_draft_app_needs_version_beta(h):
    app = h.app("public", draft=True)
    _register(h, app)
    page = _consent(h, application_id=app["application_id"], state="s", redirect_uri=CALLBACK)
    assert re.search(r"id='error-code'>MD1000<", page.text)
    ok = _consent(h, application_id=app["application_id"], state="s", redirect_uri=CALLBACK,
                  version="beta")
    assert ok.status_code == 200 and "<form" in ok.text


def test_unknown_application_is_an_error_page(h):
    page = _consent(h, application_id="amzn1.sp.solution.00000000-0000-4000-8000-000000000000",
                    state="s")
    assert page.status_code == 400 and "id='error-code'" in page.text


def test_private_app_self_authorization(h):
    public = h.app("public")
    seller = h.seller("NA")
    refused = h.control("POST", "self-authorize", {"client_id": public["client_id"],
                                                    "selling_partner_id": seller["selling_partner_id"]},
                        status=400)
    assert "private" in refused["error"]
    app, refresh = h.refresh_token("NA")
    assert refresh.startswith("Atzr|")
