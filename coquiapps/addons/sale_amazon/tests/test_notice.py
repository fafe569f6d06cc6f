"""The MWS-retired notice on accounts, the patch's Install button, and who sees the secrets."""
import pytest

from coquiapps.exceptions import AccessError, UserError

from . import common

# fixtures shared through common (no conftest.py in addons)
account, marketplace_us, mug = common.account, common.marketplace_us, common.mug



def _set_patch_state(env, state):
    """Make sale_amazon_spapi installed, available (listed, not installed) or missing from the list."""
    Module = env["ir.module.module"]
    module = Module.search([("name", "=", "sale_amazon_spapi")])
    if state == "missing":
        module.unlink()
        return Module
    if not module:
        module = Module.create({"name": "sale_amazon_spapi", "shortdesc": "Amazon/Selling Partner API Patch"})
    module.write({"state": state})
    return module


@pytest.fixture
def users(env):
    company = env.ref("base.main_company")

    def user(login, *groups):
        return env["res.users"].create({"login": login, "name": login.title(), "company_id": company.id,
                                        "groups_id": [(6, 0, [env.ref(g).id for g in groups])]})

    return {"manager": user("amazonmanager", "sale_amazon.group_amazon_manager"),
            "salesman": user("amazonsalesman", "sale.group_sale_salesman"),
            "admin": user("amazonadmin", "sale_amazon.group_amazon_manager", "base.group_system")}


def test_notice_when_patch_installed(env, account):
    _set_patch_state(env, "installed")
    assert account.spapi_module_state == "installed" and not account.spapi_notice


def test_notice_when_patch_available(env, account):
    _set_patch_state(env, "uninstalled")
    assert account.spapi_module_state == "available"
    assert "retired MWS" in account.spapi_notice and "Install the Amazon/Selling Partner API Patch" \
        in account.spapi_notice


def test_notice_when_patch_not_listed(env, account):
    _set_patch_state(env, "missing")
    assert account.spapi_module_state == "missing"
    assert "update the CoquiAPPs source code" in account.spapi_notice
    assert "Update Apps List" in account.spapi_notice
    with pytest.raises(UserError, match="Update Apps List"):
        account.action_install_spapi_patch()


def test_install_button(env, account, users, monkeypatch):
    module = _set_patch_state(env, "uninstalled")
    installed = []
    monkeypatch.setattr(type(module), "button_immediate_install", lambda self: installed.append(self.name))
    with pytest.raises(UserError, match="Only administrators"):
        account.with_user(users["manager"]).action_install_spapi_patch()
    account.with_user(users["admin"]).action_install_spapi_patch()
    assert installed == ["sale_amazon_spapi"]


def test_credentials_for_system_admins_only(env, account, users):
    account.write({"mws_auth_token": "amzn.mws.secret", "aws_secret_key": "s3cr3t"})
    as_manager = account.with_user(users["manager"])
    with pytest.raises(AccessError, match="restricted to base.group_system"):
        as_manager.read(["mws_auth_token"])
    assert "aws_secret_key" not in as_manager.read()[0]
    assert account.with_user(users["admin"]).read(["aws_secret_key"])[0]["aws_secret_key"] is False
    assert account.aws_secret_key == "s3cr3t"  # the server can still use it
    assert not account.copy({"name": "Copy"}).aws_secret_key


def test_access_rights(env, account, users):
    as_salesman = account.with_user(users["salesman"])
    assert as_salesman.read(["name"])[0]["name"] == "Test Amazon US"
    with pytest.raises(AccessError):
        as_salesman.write({"name": "Renamed"})
    account.with_user(users["manager"]).write({"name": "Renamed"})
    with pytest.raises(AccessError):
        env["amazon.offer"].with_user(users["salesman"]).create(
            {"account_id": account.id, "sku": "X", "product_id": env.ref("sale_amazon.default_product").id})


def test_account_name_unique_per_company(env, account, marketplace_us):
    from coquiapps.exceptions import ValidationError

    with pytest.raises(ValidationError, match="unique per company"), env.cr.savepoint():
        env["amazon.account"].create({"name": "Test Amazon US", "base_marketplace_id": marketplace_us.id})


def test_marketplaces(env):
    Marketplace = env["amazon.marketplace"]
    assert Marketplace.search_count([]) == 23
    expected = {"us": ("ATVPDKIKX0DER", "na", "USD"), "ca": ("A2EUQ1WTGCTBG2", "na", "CAD"),
                "mx": ("A1AM78C64UM0Y8", "na", "MXN"), "br": ("A2Q3Y263D00KWC", "na", "BRL"),
                "uk": ("A1F83G8C2ARO7P", "eu", "GBP"), "de": ("A1PA6795UKMFR9", "eu", "EUR"),
                "in": ("A21TJRUUN4KGV", "eu", "INR"), "jp": ("A1VC38T7YXB528", "fe", "JPY"),
                "sg": ("A19VAU5U5O7RUS", "fe", "SGD")}
    for code, (api_ref, region, currency) in expected.items():
        marketplace = env.ref(f"sale_amazon.marketplace_{code}")
        assert (marketplace.api_ref, marketplace.region, marketplace.currency_id.name) == (api_ref, region, currency)
    assert env.ref("sale_amazon.marketplace_de").seller_central_url == "https://sellercentral-europe.amazon.com"
