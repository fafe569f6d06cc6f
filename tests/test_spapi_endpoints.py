"""Static configuration: regions, marketplaces, URLs and consent links."""
from urllib.parse import parse_qs, urlsplit

import pytest
from coquiapps.addons.sale_amazon_spapi.spapi import (
    MARKETPLACES,
    Endpoints,
    Region,
    marketplace,
    region_of,
)


def test_every_documented_marketplace_is_known():
    counts = {r: sum(1 for m in MARKETPLACES.values() if m.region is r) for r in Region}
    assert counts == {Region.NA: 4, Region.EU: 16, Region.FE: 3}


@pytest.mark.parametrize("mid, region, country", [
    ("ATVPDKIKX0DER", Region.NA, "US"),
    ("A1PA6795UKMFR9", Region.EU, "DE"),
    ("A21TJRUUN4KGV", Region.EU, "IN"),
    ("A1VC38T7YXB528", Region.FE, "JP"),
])
def test_region_of(mid, region, country):
    assert region_of(mid) is region
    assert marketplace(mid).country_code == country


def test_unknown_marketplace_is_named():
    with pytest.raises(KeyError, match="NOPE"):
        region_of("NOPE")


def test_production_defaults():
    ep = Endpoints()
    assert ep.lwa_token_url == "https://api.amazon.com/auth/o2/token"
    assert ep.host("eu") == "https://sellingpartnerapi-eu.amazon.com"
    assert ep.host_for_marketplace("A39IBJ37TRP1C6") == "https://sellingpartnerapi-fe.amazon.com"
    assert ep.seller_central("A1F83G8C2ARO7P") == "https://sellercentral-europe.amazon.com"
    assert ep.seller_central("A1805IZSGTT6HS") == "https://sellercentral.amazon.nl"
    assert ep.seller_central("ATVPDKIKX0DER") == "https://sellercentral.amazon.com"


def test_amazon_sandbox_hosts():
    assert Endpoints.amazon_sandbox().host(Region.NA) == (
        "https://sandbox.sellingpartnerapi-na.amazon.com")


def test_overrides_replace_only_what_is_given():
    base = Endpoints()
    ep = base.with_overrides(lwa_token_url="http://x/auth/o2/token", hosts={"na": "http://x/na/"},
                             consent_base="http://x/sc/")
    assert ep.lwa_token_url == "http://x/auth/o2/token"
    assert ep.host(Region.NA) == "http://x/na"
    assert ep.host(Region.EU) == base.host(Region.EU)
    assert ep.seller_central("A1VC38T7YXB528") == "http://x/sc"
    assert base.host(Region.NA) == "https://sellingpartnerapi-na.amazon.com"  # frozen original


def test_consent_url_published_app():
    url = Endpoints().consent_url("A1PA6795UKMFR9", "amzn1.sp.solution.abc", "st8")
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == (
        "https://sellercentral-europe.amazon.com/apps/authorize/consent")
    assert parse_qs(parts.query) == {"application_id": ["amzn1.sp.solution.abc"], "state": ["st8"]}


def test_consent_url_draft_with_redirect():
    url = Endpoints().consent_url("ATVPDKIKX0DER", "app", "s t", draft=True,
                                  redirect_uri="https://erp.example/cb?x=1")
    query = parse_qs(urlsplit(url).query)
    assert query["version"] == ["beta"]
    assert query["redirect_uri"] == ["https://erp.example/cb?x=1"]
    assert query["state"] == ["s t"]


def test_install_keeps_parameters_an_administrator_set_first(new_db):
    """Pointing a database at a sandbox before installing the patch must not make the install fail."""
    from coquiapps.modules import loading
    from coquiapps.tests.test_modules_lifecycle import run

    name = new_db(modules=("sale_amazon",), label="params")
    run(name, lambda env: loading.uninstall_modules(env, ["sale_amazon_spapi"]))
    run(name, lambda env: env["ir.config_parameter"].set_param("sale_amazon_spapi.endpoint_na",
                                                               "http://127.0.0.1:9/na"))
    run(name, lambda env: loading.install_modules(env, ["sale_amazon_spapi"]))
    values = run(name, lambda env: {k: env["ir.config_parameter"].get_param(f"sale_amazon_spapi.{k}")
                                    for k in ("endpoint_na", "endpoint_eu", "lwa_token_url")})
    assert values == {"endpoint_na": "http://127.0.0.1:9/na",
                      "endpoint_eu": "https://sellingpartnerapi-eu.amazon.com",
                      "lwa_token_url": "https://api.amazon.com/auth/o2/token"}
    run(name, lambda env: loading.upgrade_modules(env, ["sale_amazon_spapi"]))  # values survive an upgrade
    assert run(name, lambda env: env["ir.config_parameter"].get_param("sale_amazon_spapi.endpoint_na")) \
        == "http://127.0.0.1:9/na"
